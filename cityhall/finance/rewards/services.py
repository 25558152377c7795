"""예산성과금 workflow: a department submits a claim → the committee (예산성과금 심사위원회) decides,
recorded by the budget staff → the reward follows from the configured rule → payment. Each step
validates first, runs in one transaction (the claim locked) and is audited."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from cityhall.core.audit import Actor
from cityhall.core.permissions import ADD, allowed
from cityhall.core.records import REGISTRY
from cityhall.core.services import RecordInvalid
from cityhall.organisation.models import OrgUnit

from ..choices import ClaimKind, ClaimState
from ..models import RewardRule, SavingsClaim
from ..selectors import BUDGET_DEPARTMENT
from ..services import require_budget_staff, save_audited
from . import samples
from .rules import reward


def _locked(claim: SavingsClaim) -> SavingsClaim:
    return SavingsClaim.objects.select_for_update().get(pk=claim.pk)


@transaction.atomic
def claim_submit(
    *,
    department: OrgUnit,
    fiscal_year: int,
    title: str,
    kind: str,
    amount: int,
    evidence: str,
    actor: Actor,
    code: str | None = None,
    sample: bool = False,
) -> SavingsClaim:
    """A department's claim (editors of that department, or the budget staff)."""
    rtype = REGISTRY["savings_claims"]
    claim = SavingsClaim(
        department=department,
        fiscal_year=fiscal_year,
        title=title.strip(),
        kind=kind,
        amount=amount,
        evidence=evidence.strip(),
        sample=sample,
    )
    if actor.user is not None and not allowed(actor.user, ADD, rtype, claim):
        raise PermissionDenied(_("이 부서의 예산성과금을 신청할 권한이 없습니다."))
    errors: dict[str, list[str]] = {}
    if kind not in ClaimKind.values:
        errors["kind"] = [_("구분은 지출절약 또는 수입증대입니다.")]
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        errors["amount"] = [_("절약·증대액은 0보다 큰 원 단위 정수입니다.")]
    if not claim.evidence:
        errors["evidence"] = [_("근거를 적어야 합니다.")]
    if errors:
        raise RecordInvalid(errors)
    last = SavingsClaim.objects.filter(fiscal_year=fiscal_year).count()
    claim.code = code or f"claim-{fiscal_year}-{last + 1:03d}-{department.code}"[:64]
    save_audited(actor, "savings_claims", claim, None)
    return claim


@transaction.atomic
def claim_review(
    *, claim: SavingsClaim, approve: bool, reviewed_on: date, note: str, actor: Actor
) -> SavingsClaim:
    """Record the committee's decision; an approved claim gets the reward the rule gives."""
    require_budget_staff(actor, _("예산성과금 심사 결과 입력"))
    claim = _locked(claim)
    if claim.state != ClaimState.SUBMITTED:
        raise RecordInvalid(
            _("심사할 수 있는 것은 신청 상태의 건뿐입니다 (지금: %(state)s).")
            % {"state": claim.get_state_display()}
        )
    before = REGISTRY["savings_claims"].to_data(claim)
    claim.reviewed_on, claim.review_note = reviewed_on, note.strip()[:300]
    if approve:
        rule = RewardRule.objects.filter(kind=claim.kind).first()
        if rule is None:
            raise RecordInvalid(_("이 구분의 지급 기준이 없습니다. 먼저 지급 기준을 정하세요."))
        claim.state, claim.reward = ClaimState.APPROVED, reward(claim.amount, rule.percent, rule.cap).amount
    else:
        claim.state, claim.reward = ClaimState.REJECTED, None
    save_audited(actor, "savings_claims", claim, before)
    return claim


@transaction.atomic
def claim_pay(*, claim: SavingsClaim, paid_on: date, actor: Actor) -> SavingsClaim:
    require_budget_staff(actor, _("예산성과금 지급"))
    claim = _locked(claim)
    if claim.state != ClaimState.APPROVED:
        raise RecordInvalid(_("지급할 수 있는 것은 심사에서 채택된 건뿐입니다."))
    if claim.reviewed_on and paid_on < claim.reviewed_on:
        raise RecordInvalid(_("지급일은 심사일 이후여야 합니다."), field="paid_on")
    before = REGISTRY["savings_claims"].to_data(claim)
    claim.state, claim.paid_on = ClaimState.PAID, paid_on
    save_audited(actor, "savings_claims", claim, before)
    return claim


@transaction.atomic
def rewards_load_sample(*, actor: Actor) -> int:
    keeper = OrgUnit.objects.get(code=BUDGET_DEPARTMENT)
    for kind, percent, cap in samples.RULES:
        if not RewardRule.objects.filter(kind=kind).exists():
            rule = RewardRule(kind=kind, percent=percent, cap=cap, keeper=keeper, sample=True)
            save_audited(actor, "reward_rules", rule, None)
    units = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT).order_by("order", "id"))
    written = 0
    for i, row in enumerate(samples.claims()):
        if SavingsClaim.objects.filter(code=row["code"]).exists():
            continue
        claim = claim_submit(
            department=units[i % len(units)], fiscal_year=samples.FISCAL_YEAR, actor=actor, sample=True, **row
        )
        claim.section, claim.line = "II.2", samples.SEED_LINE
        claim.save(update_fields=["section", "line"])
        claim = claim_review(
            claim=claim, approve=True, reviewed_on=date(2024, 6, 20), note="예시 심사", actor=actor
        )
        claim_pay(claim=claim, paid_on=date(2024, 7, 15), actor=actor)
        written += 1
    return written
