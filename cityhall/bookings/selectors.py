"""Booking reads: a resource's slots with their seats, a holder's bookings, a booking's place in line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet

from .choices import SEAT_STATUSES, BookingStatus
from .models import Booking, Resource, Slot
from .services import _now, waitlist_position

SEOUL = ZoneInfo("Asia/Seoul")
__all__ = [
    "SlotView",
    "booking_position",
    "holder_bookings",
    "open_slots",
    "resources",
    "slot_view",
    "slots",
    "upcoming_by_resource",
]


@dataclass(frozen=True)
class SlotView:
    id: int
    resource_key: str
    label: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    booked: int
    waiting: int
    closed: bool

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.booked, 0)

    @property
    def is_full(self) -> bool:
        return self.remaining == 0


def _range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (
        dt.datetime.combine(start, dt.time(0), SEOUL),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), SEOUL),
    )


def _annotated(queryset: QuerySet[Slot]) -> QuerySet[Slot]:
    return queryset.select_related("resource").annotate(
        booked=Count("bookings", filter=Q(bookings__status__in=SEAT_STATUSES)),
        waiting=Count("bookings", filter=Q(bookings__status=BookingStatus.WAITLISTED)),
    )


def _view(slot) -> SlotView:
    return SlotView(
        id=slot.pk,
        resource_key=slot.resource.code,
        label=slot.label,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        capacity=slot.capacity,
        booked=slot.booked,
        waiting=slot.waiting,
        closed=slot.closed,
    )


def slots(resource_key: str, start: dt.date, end: dt.date) -> list[SlotView]:
    """Every slot of the resource starting in ``start``..``end`` (Asia/Seoul days), in one query."""
    lo, hi = _range(start, end)
    queryset = Slot.objects.filter(resource__code=resource_key, starts_at__gte=lo, starts_at__lt=hi)
    return [_view(s) for s in _annotated(queryset).order_by("starts_at", "id")]


def open_slots(
    resource_key: str, start: dt.date, end: dt.date, *, now: dt.datetime | None = None
) -> list[SlotView]:
    """Slots still taking bookings (not closed, not started), with their remaining seats and waiting list."""
    now = now or _now()
    return [s for s in slots(resource_key, start, end) if not s.closed and s.starts_at > now]


def slot_view(slot_id: int) -> SlotView | None:
    slot = _annotated(Slot.objects.filter(pk=slot_id)).first()
    return _view(slot) if slot else None


def resources() -> QuerySet[Resource]:
    return Resource.objects.select_related("org_unit").order_by("code")


def holder_bookings(holder_ref: str) -> QuerySet[Booking]:
    """Every booking of one holder (the calling app's reference), newest first."""
    return Booking.objects.filter(holder_ref=holder_ref).select_related("slot__resource").order_by("-id")


def booking_position(booking: Booking) -> int | None:
    return waitlist_position(booking)


def upcoming_by_resource(
    user_resources: QuerySet[Resource], days: int = 28
) -> list[tuple[Resource, list[SlotView]]]:
    """The staff page: each resource with its slots of the next ``days`` days, in two queries."""
    now = _now()
    rows = list(user_resources)
    queryset = Slot.objects.filter(
        resource__in=rows,
        starts_at__gte=now - dt.timedelta(hours=12),
        starts_at__lt=now + dt.timedelta(days=days),
    )
    by_resource: dict[int, list[SlotView]] = {r.pk: [] for r in rows}
    for slot in _annotated(queryset).order_by("starts_at", "id"):
        by_resource[slot.resource_id].append(_view(slot))
    return [(r, by_resource[r.pk]) for r in rows]
