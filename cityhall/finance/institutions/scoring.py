"""위수탁 평가 점수: pure functions. Each evaluator scores every published criterion as a percent of its
points; an evaluator's total is Σ(score × points ÷ 100); the evaluation's total is the evaluators'
mean, rounded half up to 0.01. Below ``IMPROVEMENT_BELOW`` the task owes improvement actions. The
threshold and the criteria are 예시 settings (the seed, IV.6 행 785, asks only for "위수탁 대행사무
정기적 평가"); ``explain`` says the computation in words for the page."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

TOTAL_POINTS = 100
IMPROVEMENT_BELOW = Decimal(70)  # 예시: 70점 미만이면 개선 조치 요구
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    points: int


@dataclass(frozen=True)
class Result:
    total: Decimal | None
    evaluators: int
    by_evaluator: dict[str, Decimal]
    needs_improvement: bool
    explanation: str


def parse_score(raw: Any) -> Decimal:
    """A score as typed (``"92.5"``): 0–100 with at most two decimals, else ValueError (Korean)."""
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueError(_("숫자가 아닙니다")) from None
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
        raise ValueError(_("0–100 사이여야 합니다"))
    if value != value.quantize(CENT):
        raise ValueError(_("소수 둘째 자리까지 씁니다"))
    return value


def evaluator_total(criteria: Sequence[Criterion], scores: Mapping[str, Decimal]) -> Decimal:
    return sum((scores[c.code] * c.points / 100 for c in criteria), Decimal(0)).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def result(criteria: Sequence[Criterion], rows: Iterable[tuple[str, str, Decimal]]) -> Result:
    """The evaluation's result from (evaluator, criterion code, score) rows; an evaluator who has not
    scored every criterion is left out (and the explanation says so)."""
    by: dict[str, dict[str, Decimal]] = {}
    for evaluator, code, score in rows:
        by.setdefault(evaluator, {})[code] = Decimal(score)
    codes = {c.code for c in criteria}
    complete = {e: s for e, s in by.items() if codes <= set(s)}
    totals = {e: evaluator_total(criteria, s) for e, s in sorted(complete.items())}
    if not totals:
        return Result(None, 0, {}, False, _("아직 채점한 평가위원이 없습니다."))
    total = (sum(totals.values(), Decimal(0)) / len(totals)).quantize(CENT, rounding=ROUND_HALF_UP)
    needs = total < IMPROVEMENT_BELOW
    text = _(
        "평가위원 %(n)d명의 합계(항목 점수 × 배점 ÷ 100의 합) %(each)s의 평균 = %(total)s점. "
        "%(threshold)s점 미만이면 개선 조치를 요구합니다 (예시 기준): %(verdict)s."
    ) % {
        "n": len(totals),
        "each": ", ".join(f"{e} {t}" for e, t in totals.items()),
        "total": total,
        "threshold": IMPROVEMENT_BELOW,
        "verdict": _("개선 조치 요구") if needs else _("적정"),
    }
    incomplete = sorted(set(by) - set(complete))
    if incomplete:
        text += " " + _("채점을 마치지 않은 평가위원은 빼고 계산했습니다: %(names)s.") % {
            "names": ", ".join(incomplete)
        }
    return Result(total, len(totals), totals, needs, text)


def entrusted_criterion_rules(obj, before) -> dict[str, list[str]]:
    """Record rule: the criteria's points add up to at most 100 (the scoring screen needs exactly 100)."""
    from ..models import EntrustedCriterion

    others = EntrustedCriterion.objects.exclude(pk=obj.pk).values_list("points", flat=True)
    total = sum(others) + (obj.points or 0)
    if total > TOTAL_POINTS:
        return {"points": [_("배점의 합이 %(total)d점으로 100점을 넘습니다.") % {"total": total}]}
    return {}
