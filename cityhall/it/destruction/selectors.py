"""저장매체 파기 reads: open drop-off windows, the applications (open ones first), one application
with its media, and the year's figures."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from cityhall.bookings import selectors as booking_selectors

from ..models import DestructionStatus, MediaDestruction
from .services import RESOURCE


def open_dropoff_slots(days: int = 60):
    today = timezone.localdate()
    return [
        s
        for s in booking_selectors.open_slots(RESOURCE, today, today + dt.timedelta(days=days))
        if s.remaining
    ]


def applications(*, status: str | None = None):
    qs = MediaDestruction.objects.select_related("booking__slot").annotate(media=Count("items"))
    return qs.filter(status=status) if status else qs


def application(code: str) -> MediaDestruction | None:
    return (
        MediaDestruction.objects.select_related("booking__slot")
        .prefetch_related("items")
        .filter(code=code)
        .first()
    )


def application_by_certificate(code: str) -> MediaDestruction | None:
    """The destroyed application whose certificate has ``code`` (exactly, as issued)."""
    if not code or len(code) > 24:
        return None
    return MediaDestruction.objects.filter(certificate_code=code, status=DestructionStatus.DESTROYED).first()


def year_summary(year: int) -> dict[str, int]:
    done = MediaDestruction.objects.filter(status=DestructionStatus.DESTROYED, destroyed_on__year=year)
    return done.aggregate(
        applications=Count("id", distinct=True),
        media=Count("items"),
        companies=Count("id", filter=Q(applicant_kind="company"), distinct=True),
    )
