"""사용전검사 reads: the case list (open cases first, nearest deadline first), one case with its
deadline and how it was counted, and the yearly statistics beside the figures the plan states."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, IntegerField, Value, When

from cityhall.core import deadlines
from cityhall.plans.models import Figure
from cityhall.plans.selectors import stated_figures

from ..models import OPEN_INSPECTION_STATUSES, InspectionStatus, TelecomInspection
from . import services

CASES_FIGURE = "info-comm.telecom-inspection.cases"
AVERAGE_FIGURE = "info-comm.telecom-inspection.average-days"
STATUTORY_FIGURE = "info-comm.telecom-inspection.statutory-days"


def inspections(*, status: str | None = None, year: int | None = None):
    qs = TelecomInspection.objects.annotate(
        open_first=Case(
            When(status__in=OPEN_INSPECTION_STATUSES, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("open_first", "due_on", "-received_on", "-code")
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(received_on__year=year)
    return qs


def deadline_of(inspection: TelecomInspection) -> deadlines.Deadline:
    return services.processing_deadline(inspection.received_on)


def needs_warning(inspection: TelecomInspection, today: dt.date) -> bool:
    """An open case within ``WARN_DAYS`` of its deadline, or past it."""
    return services.is_open(inspection) and (inspection.due_on - today).days <= services.WARN_DAYS


@dataclass(frozen=True)
class InspectionStatistics:
    year: int
    cases: int
    average_days: Decimal | None  # one decimal, as the plan writes it
    within_limit: int
    stated_cases: Figure | None
    stated_average: Figure | None
    stated_limit: Figure | None

    @property
    def within_share(self) -> Decimal | None:
        if not self.cases:
            return None
        return (Decimal(100) * self.within_limit / self.cases).quantize(Decimal("0.1"), ROUND_HALF_UP)


def statistics(year: int) -> InspectionStatistics:
    """Cases decided in ``year``: how many, their average 처리일 (working days, the first counted),
    and how many were decided by their deadline."""
    rows = list(
        TelecomInspection.objects.filter(decided_on__year=year).values_list(
            "received_on", "decided_on", "due_on"
        )
    )
    days = [services.processing_days(received, decided) for received, decided, _ in rows]
    average = (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1"), ROUND_HALF_UP) if days else None
    figures = stated_figures([f"{CASES_FIGURE}.{year}", f"{AVERAGE_FIGURE}.{year}", STATUTORY_FIGURE])
    return InspectionStatistics(
        year=year,
        cases=len(rows),
        average_days=average,
        within_limit=sum(1 for _, decided, due in rows if decided <= due),
        stated_cases=figures.get(f"{CASES_FIGURE}.{year}"),
        stated_average=figures.get(f"{AVERAGE_FIGURE}.{year}"),
        stated_limit=figures.get(STATUTORY_FIGURE),
    )


def status_choices() -> list[tuple[str, str]]:
    return [(s.value, str(s.label)) for s in InspectionStatus]
