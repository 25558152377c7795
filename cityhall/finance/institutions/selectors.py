"""Reads of the public institutions: the 경영공시 calendar with each item's state and each institution's
completeness (computed from the items, never typed), and the 위수탁 evaluations with their results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from ..models import DisclosureItem, EntrustedEvaluation, PublicInstitution
from . import scoring

STATES = {
    "on_time": _("기한 내 공시"),
    "late": _("기한 후 공시"),
    "overdue": _("미공시 (기한 지남)"),
    "upcoming": _("공시 예정"),
}


def disclosure_state(item: DisclosureItem, today: date) -> str:
    if item.disclosed_on is not None:
        return "on_time" if item.disclosed_on <= item.due_on else "late"
    return "overdue" if item.due_on < today else "upcoming"


@dataclass(frozen=True)
class Completeness:
    institution: PublicInstitution
    due: int  # items whose date has come
    on_time: int
    late: int
    overdue: int
    upcoming: int

    @property
    def percent(self) -> Decimal | None:
        """Items published (on time or late) over items due so far, to 0.1 %."""
        if not self.due:
            return None
        return (Decimal(self.on_time + self.late) * 100 / self.due).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def disclosure_years() -> list[int]:
    return sorted(set(DisclosureItem.objects.values_list("year", flat=True)), reverse=True)


def disclosure_calendar(
    year: int, today: date
) -> tuple[list[tuple[DisclosureItem, str]], list[Completeness]]:
    """The year's items by due date with their state, and each institution's completeness."""
    items = list(
        DisclosureItem.objects.filter(year=year)
        .select_related("institution")
        .order_by("due_on", "institution__name", "title")
    )
    rows = [(item, disclosure_state(item, today)) for item in items]
    tally: dict[int, dict[str, int]] = {}
    institutions: dict[int, PublicInstitution] = {}
    for item, state in rows:
        institutions[item.institution_id] = item.institution
        counts = tally.setdefault(item.institution_id, {k: 0 for k in STATES})
        counts[state] += 1
    out = [
        Completeness(
            institutions[pk],
            due=c["on_time"] + c["late"] + c["overdue"],
            on_time=c["on_time"],
            late=c["late"],
            overdue=c["overdue"],
            upcoming=c["upcoming"],
        )
        for pk, c in tally.items()
    ]
    out.sort(key=lambda c: c.institution.name)
    return rows, out


def entrusted_evaluations(year: int | None = None):
    qs = EntrustedEvaluation.objects.select_related("task", "task__institution", "task__department").order_by(
        "-year", "task__institution__name", "task__name"
    )
    return qs.filter(year=year) if year else qs


def entrusted_results(
    evaluations, criteria: list[scoring.Criterion]
) -> list[tuple[EntrustedEvaluation, scoring.Result]]:
    evaluations = list(evaluations)
    rows: dict[int, list] = {e.pk: [] for e in evaluations}
    from ..models import EntrustedScore

    for evaluation_id, evaluator, code, score in EntrustedScore.objects.filter(
        evaluation__in=evaluations
    ).values_list("evaluation_id", "evaluator", "criterion__code", "score"):
        rows[evaluation_id].append((evaluator, code, score))
    return [(e, scoring.result(criteria, rows[e.pk])) for e in evaluations]
