"""Reads for the free legal consultation: the open days and their slots with remaining seats, a month's
requests for the staff (masked), and the year's figures."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from cityhall.bookings import selectors as booking_selectors
from cityhall.core.masking import mask_name

from ..models import Consultation
from .services import RESOURCE_KEY, SEOUL, consultation_days, plan


@dataclass
class Day:
    day: dt.date
    holiday: str | None
    slots: list  # SlotView, by time then lawyer

    @property
    def remaining(self) -> int:
        return sum(s.remaining for s in self.slots if not s.closed)


def open_days(start: dt.date, end: dt.date) -> list[Day]:
    """Consultation days from ``start`` to ``end``: holidays shown closed, the others with their slots."""
    p = plan()
    by_day: dict[dt.date, list] = defaultdict(list)
    for view in booking_selectors.open_slots(RESOURCE_KEY, start, end):
        by_day[view.starts_at.astimezone(SEOUL).date()].append(view)
    return [
        Day(day, holiday, sorted(by_day.get(day, []), key=lambda v: (v.starts_at, v.label)))
        for day, holiday in consultation_days(start, end, p)
    ]


def mask_phone(phone: str) -> str:
    """010-1234-5678 → 010-****-5678."""
    if not phone:
        return ""
    return phone[:3] + "-****-" + phone[-4:]


def requests(
    *, day: dt.date | None = None, start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[Consultation]:
    qs = Consultation.objects.all()
    if day:
        qs = qs.filter(day=day)
    if start:
        qs = qs.filter(day__gte=start)
    if end:
        qs = qs.filter(day__lte=end)
    return qs.order_by("day", "starts_at", "lawyer", "id")


@dataclass
class MaskedRow:
    consultation: Consultation
    name: str
    phone: str


def masked(rows) -> list[MaskedRow]:
    return [MaskedRow(c, mask_name(c.name) if c.name else "", mask_phone(c.phone)) for c in rows]


@dataclass
class YearFigures:
    year: int
    days: int
    consultations: int
    no_shows: int
    sample: bool


def year_figures(year: int) -> YearFigures:
    """무료법률상담 운영 (행 281): days held and consultations given (attended)."""
    qs = Consultation.objects.filter(day__year=year)
    held = qs.filter(status=Consultation.Status.ATTENDED)
    agg = qs.aggregate(no_shows=Count("id", filter=Q(status=Consultation.Status.NO_SHOW)))
    return YearFigures(
        year=year,
        days=held.values("day").distinct().count(),
        consultations=held.count(),
        no_shows=agg["no_shows"],
        sample=qs.filter(sample=True).exists(),
    )
