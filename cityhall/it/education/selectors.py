"""디지털 역량강화교육 reads: open sessions with their seats left (one query through the booking
service), a session's roster, and the year's statistics by venue kind, venue and age group beside the
figures the plan states."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from cityhall.bookings import selectors as booking_selectors
from cityhall.plans.models import Figure
from cityhall.plans.selectors import stated_figures

from ..models import AgeGroup, CourseSession, EducationVenue, Enrolment, VenueKind, ZoneVisitDay
from .services import RESOURCE

FIGURES = {
    "venues": "info-comm.digital-education.venues",
    "graduates": "info-comm.digital-education.graduates",
    "zones": "info-comm.digital-education.experience-zones",
    "visitors": "info-comm.digital-education.experience-zone-visitors",
}


@dataclass(frozen=True)
class OpenSession:
    session: CourseSession
    remaining: int
    waiting: int


def open_sessions(today: dt.date, days: int = 120) -> list[OpenSession]:
    """Sessions starting from ``today`` whose slot still takes applications (seats or waiting list)."""
    views = {
        view.id: view
        for view in booking_selectors.open_slots(RESOURCE, today, today + dt.timedelta(days=days))
    }
    sessions = (
        CourseSession.objects.filter(slot_id__in=views)
        .select_related("course", "venue")
        .order_by("starts_on")
    )
    return [OpenSession(s, views[s.slot_id].remaining, views[s.slot_id].waiting) for s in sessions]


def roster(session: CourseSession):
    return session.enrolments.select_related("booking").order_by("id")


@dataclass(frozen=True)
class EducationStatistics:
    year: int
    venues_used: int  # main venues with at least one graduate
    graduates: int
    by_kind: list[tuple[str, int]]
    by_venue: list[tuple[str, int]]
    by_age: list[tuple[str, int]]
    zones: int
    visitors: int
    stated: dict[str, Figure]


def statistics(year: int) -> EducationStatistics:
    done = Enrolment.objects.filter(completed=True, session__ends_on__year=year)
    by_kind = dict(done.values_list("session__venue__kind").annotate(n=Count("id")))
    by_venue = list(
        done.values_list("session__venue__name")
        .annotate(n=Count("id"))
        .order_by("-n", "session__venue__name")
    )
    by_age = dict(done.values_list("age_group").annotate(n=Count("id")))
    main = done.filter(session__venue__kind=VenueKind.MAIN)
    visits = ZoneVisitDay.objects.filter(day__year=year)
    return EducationStatistics(
        year=year,
        venues_used=main.values("session__venue").distinct().count(),
        graduates=main.count(),
        by_kind=[(str(kind.label), by_kind.get(kind.value, 0)) for kind in VenueKind],
        by_venue=by_venue,
        by_age=[(str(age.label), by_age.get(age.value, 0)) for age in AgeGroup],
        zones=EducationVenue.objects.filter(kind=VenueKind.EXPERIENCE)
        .filter(Q(visit_days__day__year=year))
        .distinct()
        .count(),
        visitors=visits.aggregate(n=Sum("visitors"))["n"] or 0,
        stated=stated_figures([f"{key}.{year}" for key in FIGURES.values()]),
    )


def stated(stats: EducationStatistics, name: str) -> Figure | None:
    return stats.stated.get(f"{FIGURES[name]}.{stats.year}")
