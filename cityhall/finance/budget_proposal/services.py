"""Writes of the budget proposal: the items a participatory-budgeting decision puts into next
year's budget, kept in step with that decision (created, changed, or taken out), each audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from cityhall.core import audit
from cityhall.core.audit import Actor
from cityhall.core.records import REGISTRY
from cityhall.core.services import RecordInvalid, checked_text

from ..choices import CouncilDecision, ProposalSource
from ..models import ProposedItem
from ..services import require_budget_staff, save_audited
from .rules import council_decision_errors

RECORD = "proposed_items"


@dataclass(frozen=True)
class SourceProject:
    """One funded project as its source hands it over (no model of the source app crosses over)."""

    number: int
    title: str
    amount: int  # won
    department_id: int | None = None
    district: str = ""
    url: str = ""


@dataclass(frozen=True)
class Reflected:
    created: int
    updated: int
    removed: int
    total: int  # won, of the source's items after the reflection


@transaction.atomic
def participatory_projects_reflect(
    *,
    source_code: str,
    year: int,
    projects: list[SourceProject],
    actor: Actor,
    sample: bool = False,
) -> Reflected:
    """Make the budget proposal of ``year`` hold exactly ``projects`` for the participatory process
    ``source_code``: a new project becomes an item, a changed one (amount, name, department) is
    updated, one no longer funded (a recount) is taken out. Running it again with the same list
    changes nothing and records nothing. The source's items are locked first, so two decisions of
    one process are applied one after the other (and the unique source constraint keeps one item
    per project even then)."""
    require_budget_staff(actor, _("예산안 반영"))
    if year < 2000 or year > 2100:
        raise RecordInvalid(_("예산 연도가 올바르지 않습니다."), field="year")
    numbers = [p.number for p in projects]
    if len(set(numbers)) != len(numbers):
        raise RecordInvalid(_("같은 제안 번호가 두 번 있습니다."))
    for project in projects:
        if project.amount < 0:
            raise RecordInvalid(
                _("%(number)s번 사업의 금액이 0원보다 작습니다.") % {"number": project.number}
            )
    rtype = REGISTRY[RECORD]
    existing = {
        item.source_number: item
        for item in ProposedItem.objects.select_for_update()
        .filter(source=ProposalSource.PARTICIPATORY, source_code=source_code)
        .order_by("pk")
    }
    created = updated = removed = 0
    wanted = {p.number for p in projects}
    _refuse_changes_after_the_council(existing, projects)
    for number, item in existing.items():
        if number not in wanted:
            before = rtype.to_data(item)
            audit.record(actor, "delete", rtype, item, before=before)
            item.delete()
            removed += 1
    for project in sorted(projects, key=lambda p: p.number):
        item = existing.get(project.number)
        before = rtype.to_data(item) if item is not None else None
        if item is None:
            item = ProposedItem(
                source=ProposalSource.PARTICIPATORY, source_code=source_code, source_number=project.number
            )
        item.year = year
        item.name = project.title[:200]
        item.amount = project.amount
        item.department_id = project.department_id
        item.district = project.district[:40]
        item.source_title = project.title[:200]
        item.source_url = project.url[:200]
        item.sample = sample
        if before is None:
            save_audited(actor, RECORD, item, None)
            created += 1
        elif before != rtype.to_data(item):
            save_audited(actor, RECORD, item, before)
            updated += 1
    total = sum(p.amount for p in projects)
    return Reflected(created=created, updated=updated, removed=removed, total=total)


def _refuse_changes_after_the_council(
    existing: dict[int, ProposedItem], projects: list[SourceProject]
) -> None:
    """Once the council has decided an item, a recount may not take it out or change what it asked
    for: the decision was on that request."""
    wanted = {p.number: p for p in projects}
    for number, item in existing.items():
        if item.council_decision == CouncilDecision.PENDING:
            continue
        project = wanted.get(number)
        if project is None or project.amount != item.amount:
            raise RecordInvalid(
                _(
                    "%(number)s번 사업은 의회 의결(%(decision)s)이 끝나 다시 집계로 빼거나 금액을 "
                    "바꿀 수 없습니다."
                )
                % {"number": number, "decision": item.get_council_decision_display()}
            )


@transaction.atomic
def council_decision_record(
    *,
    item_id: int,
    decision: str,
    decided_amount: int | None,
    decided_on: date | None,
    note: str = "",
    actor: Actor,
    undated: bool = False,
) -> ProposedItem:
    """Record what the council decided on one item (예산안 심의·의결). 원안 가결 takes the request
    and 전액 삭감 nothing when no amount is given; 의결 전 undoes a decision entered by mistake.
    The item is locked, so a recount and a decision are applied one after the other. A decision needs
    its date; ``undated`` is for the record of a past decision whose date is not known (the sample)."""
    require_budget_staff(actor, _("의회 의결 기록"))
    item = ProposedItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise RecordInvalid(_("예산안 반영 사업을 찾을 수 없습니다."), field="item")
    if decided_amount is None and decision == CouncilDecision.PASSED:
        decided_amount = item.amount
    if decided_amount is None and decision == CouncilDecision.CUT:
        decided_amount = 0
    errors = council_decision_errors(requested=item.amount, decision=decision, decided_amount=decided_amount)
    if decision != CouncilDecision.PENDING and decided_on is None and not undated:
        errors.setdefault("decided_on", []).append(_("의결일을 입력하세요."))
    limit = ProposedItem._meta.get_field("council_note").max_length
    note = checked_text(note, "council_note", _("의결 내용"), required=False, limit=limit, errors=errors)
    if errors:
        raise RecordInvalid(errors)
    pending = decision == CouncilDecision.PENDING
    before = REGISTRY[RECORD].to_data(item)
    item.council_decision = decision
    item.decided_amount = decided_amount
    item.decided_on = None if pending else decided_on
    item.council_note = "" if pending else note
    if REGISTRY[RECORD].to_data(item) != before:
        save_audited(actor, RECORD, item, before)
    return item


def sample_decisions_record(*, year: int, actor: Actor) -> int:
    """The 예시 items of ``year`` as the council passed them: the seed says the 36 projects are in
    the 2025 budget (line 263), so each passed as requested; the plan gives no date."""
    done = 0
    for item in ProposedItem.objects.filter(year=year, sample=True, council_decision=CouncilDecision.PENDING):
        council_decision_record(
            item_id=item.pk,
            decision=CouncilDecision.PASSED,
            decided_amount=None,
            decided_on=None,
            note=_("예시: 업무계획 263행 '2025년 예산 반영'"),
            actor=actor,
            undated=True,
        )
        done += 1
    return done
