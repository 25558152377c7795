"""The rules of the council's decision on an item of the budget proposal (pure functions)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..choices import CouncilDecision


def council_decision_errors(
    *, requested: int, decision: str, decided_amount: int | None
) -> dict[str, list[str]]:
    """Which amount goes with which decision: 원안 가결 is the request itself, 감액 가결 more than
    nothing and less than the request, 전액 삭감 nothing, and before the decision there is no amount."""
    if decision not in CouncilDecision.values:
        return {"council_decision": [_("의결 결과를 목록에서 고르세요.")]}
    if decision == CouncilDecision.PENDING:
        if decided_amount is not None:
            return {"decided_amount": [_("의결 전에는 의결액이 없습니다.")]}
        return {}
    if decided_amount is None:
        return {"decided_amount": [_("의결액을 입력하세요.")]}
    if decided_amount < 0:
        return {"decided_amount": [_("의결액은 0원 이상이어야 합니다.")]}
    if decided_amount > requested:
        return {"decided_amount": [_("의결액은 요구액을 넘을 수 없습니다.")]}
    if decision == CouncilDecision.PASSED and decided_amount != requested:
        return {"decided_amount": [_("원안 가결의 의결액은 요구액과 같습니다. 줄었다면 감액 가결입니다.")]}
    if decision == CouncilDecision.REDUCED and not 0 < decided_amount < requested:
        return {"decided_amount": [_("감액 가결의 의결액은 0원보다 크고 요구액보다 작아야 합니다.")]}
    if decision == CouncilDecision.CUT and decided_amount != 0:
        return {"decided_amount": [_("전액 삭감의 의결액은 0원입니다.")]}
    return {}
