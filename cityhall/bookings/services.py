"""Booking writes: resources, slots, bookings with a waiting list. Every write is atomic and audited, and
locks the slot row first (``select_for_update``; on SQLite the IMMEDIATE transaction does the same), so
the seat count read before a booking cannot change under it: N people booking the last seat at the same
moment → exactly one gets it, the others a clear message or a place in the waiting list.

These services do not check who may book: the calling app decides that (a citizen's own request, a
staff member's desk) and passes its ``actor``. A booking carries only the app's ``holder_ref``.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cityhall.core import audit
from cityhall.core.records import record_type_for
from cityhall.core.services import RecordInvalid

from .choices import ACTIVE_STATUSES, SEAT_STATUSES, BookingStatus
from .models import Booking, Resource, Slot

MAX_CAPACITY = 10_000
SEOUL = ZoneInfo("Asia/Seoul")
MARKABLE = (BookingStatus.ATTENDED, BookingStatus.NO_SHOW)


def _now() -> dt.datetime:
    return timezone.now()


# -- listeners ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Listener:
    prefix: str
    on_promoted: Callable[[Booking], None]


_listeners: list[_Listener] = []


def register_listener(resource_prefix: str, *, on_promoted: Callable[[Booking], None]) -> None:
    """Call ``on_promoted(booking)`` after the commit that moves a booking of a resource whose key starts
    with ``resource_prefix`` from the waiting list to a seat. Register in ``AppConfig.ready``."""
    if not any(lst.prefix == resource_prefix and lst.on_promoted == on_promoted for lst in _listeners):
        _listeners.append(_Listener(resource_prefix, on_promoted))


def _announce_promotion(booking: Booking) -> None:
    key = booking.slot.resource.code
    for listener in list(_listeners):
        if key.startswith(listener.prefix):
            transaction.on_commit(lambda cb=listener.on_promoted: cb(booking))


# -- helpers --------------------------------------------------------------------------------------


def _snapshot(obj) -> dict:
    return record_type_for(obj).to_data(obj)


def _audit(actor: audit.Actor, action: str, obj, before: dict | None = None) -> None:
    audit.record(actor, action, record_type_for(obj), obj, before=before, after=_snapshot(obj))


def _locked_slot(slot: Slot | int) -> Slot:
    pk = slot.pk if isinstance(slot, Slot) else slot
    try:
        return Slot.objects.select_for_update().select_related("resource").get(pk=pk)
    except Slot.DoesNotExist as exc:
        raise RecordInvalid(_("없는 예약 시간대입니다."), field="slot") from exc


def _seats_taken(slot: Slot) -> int:
    return slot.bookings.filter(status__in=SEAT_STATUSES).count()


def _waiting(slot: Slot):
    return slot.bookings.filter(status=BookingStatus.WAITLISTED).order_by("id")


def waitlist_position(booking: Booking) -> int | None:
    """1 for the first in line; None when the booking is not waiting."""
    if booking.status != BookingStatus.WAITLISTED:
        return None
    return _waiting(booking.slot).filter(id__lte=booking.pk).count()


def _promote(slot: Slot, actor: audit.Actor) -> list[Booking]:
    """Fill free seats from the waiting list, first come first served (the slot row is locked)."""
    free = slot.capacity - _seats_taken(slot)
    promoted = []
    if free <= 0:
        return promoted
    for booking in list(_waiting(slot)[:free]):
        before = _snapshot(booking)
        booking.status = BookingStatus.BOOKED
        booking.promoted_at = _now()
        booking.save(update_fields=["status", "promoted_at"])
        booking.slot = slot
        _audit(actor, "promote", booking, before)
        _announce_promotion(booking)
        promoted.append(booking)
    return promoted


# -- resources and slots --------------------------------------------------------------------------


@transaction.atomic
def resource_ensure(*, key: str, label: str, actor: audit.Actor, org_unit=None) -> Resource:
    """The resource with ``key`` (``"legal.consultation"``), created on first use; its label kept current."""
    key = (key or "").strip()
    label = (label or "").strip()
    errors: dict[str, list[str]] = {}
    if not key or len(key) > 100 or any(c.isspace() for c in key):
        errors["key"] = [_("예약 자원 키는 공백 없이 1~100자여야 합니다 (예: legal.consultation).")]
    if not label or len(label) > 200:
        errors["label"] = [_("예약 자원 이름은 1~200자여야 합니다.")]
    if errors:
        raise RecordInvalid(errors)
    resource = Resource.objects.select_for_update().filter(code=key).first()
    if resource is None:
        try:
            with transaction.atomic():
                resource = Resource.objects.create(code=key, label=label, org_unit=org_unit)
        except IntegrityError:  # created by someone else a moment ago
            return Resource.objects.get(code=key)
        _audit(actor, "create", resource)
        return resource
    changes = {}
    if resource.label != label:
        changes["label"] = label
    if org_unit is not None and resource.org_unit_id != org_unit.pk:
        changes["org_unit"] = org_unit
    if changes:
        before = _snapshot(resource)
        for name, value in changes.items():
            setattr(resource, name, value)
        resource.save()
        _audit(actor, "update", resource, before)
    return resource


def _check_capacity(capacity, field: str = "capacity") -> None:
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
        raise RecordInvalid(
            _("정원은 1 이상 %(max)s 이하의 정수여야 합니다 (받은 값: %(value)s).")
            % {"max": MAX_CAPACITY, "value": capacity},
            field=field,
        )


def _slot_code(resource: Resource, starts_at: dt.datetime) -> str:
    base = f"{resource.code}@{timezone.localtime(starts_at, SEOUL):%Y%m%d-%H%M}"
    taken = set(Slot.objects.filter(code__startswith=base).values_list("code", flat=True))
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    return code


@transaction.atomic
def slot_create(
    *,
    resource: Resource,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    actor: audit.Actor,
    label: str = "",
    waitlist_limit: int | None = None,
) -> Slot:
    errors: dict[str, list[str]] = {}
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not isinstance(value, dt.datetime) or timezone.is_naive(value):
            errors[name] = [_("시간대가 있는 일시여야 합니다.")]
    if not errors:
        if ends_at <= starts_at:
            errors["ends_at"] = [_("종료 시각은 시작 시각보다 늦어야 합니다.")]
        elif starts_at <= _now():
            errors["starts_at"] = [_("이미 지난 시각에는 시간대를 만들 수 없습니다.")]
    try:
        _check_capacity(capacity)
    except RecordInvalid as exc:
        errors.update(exc.errors)
    if waitlist_limit is not None and (
        isinstance(waitlist_limit, bool) or not isinstance(waitlist_limit, int) or waitlist_limit < 0
    ):
        errors["waitlist_limit"] = [_("대기 한도는 0 이상의 정수여야 합니다.")]
    if len(label or "") > 200:
        errors["label"] = [_("구분은 200자 이하여야 합니다.")]
    if not resource.active:
        errors["resource"] = [_("사용하지 않는 예약 자원입니다.")]
    if errors:
        raise RecordInvalid(errors)
    slot = Slot.objects.create(
        code=_slot_code(resource, starts_at),
        resource=resource,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        label=label or "",
        waitlist_limit=waitlist_limit,
    )
    _audit(actor, "create", slot)
    return slot


@transaction.atomic
def slot_close(*, slot: Slot, actor: audit.Actor) -> Slot:
    """Stop taking bookings (existing ones stay)."""
    slot = _locked_slot(slot)
    if not slot.closed:
        before = _snapshot(slot)
        slot.closed = True
        slot.save(update_fields=["closed"])
        _audit(actor, "update", slot, before)
    return slot


@transaction.atomic
def slot_set_capacity(*, slot: Slot, capacity: int, actor: audit.Actor) -> list[Booking]:
    """Change the seats; a larger capacity promotes from the waiting list (returned). A capacity below
    the seats already taken is refused."""
    _check_capacity(capacity)
    slot = _locked_slot(slot)
    taken = _seats_taken(slot)
    if capacity < taken:
        raise RecordInvalid(
            _("이미 %(taken)s명이 예약해 정원을 %(capacity)s명으로 줄일 수 없습니다.")
            % {"taken": taken, "capacity": capacity},
            field="capacity",
        )
    before = _snapshot(slot)
    slot.capacity = capacity
    slot.save(update_fields=["capacity"])
    _audit(actor, "update", slot, before)
    return _promote(slot, actor)


# -- bookings -------------------------------------------------------------------------------------


@transaction.atomic
def slot_book(*, slot: Slot | int, holder_ref: str, actor: audit.Actor, waitlist: bool = True) -> Booking:
    """A seat for ``holder_ref``: ``status`` BOOKED, or WAITLISTED (``booking.position`` its place in
    line) when the slot is full and ``waitlist`` is true. Refused (``RecordInvalid``, Korean) when the slot
    is closed, has started, is full (and no waiting list), or the holder already has a booking in it."""
    holder_ref = (holder_ref or "").strip()
    if not holder_ref or len(holder_ref) > 100:
        raise RecordInvalid(_("신청 참조는 1~100자여야 합니다."), field="holder_ref")
    slot = _locked_slot(slot)
    if slot.closed or not slot.resource.active:
        raise RecordInvalid(_("접수가 마감된 시간대입니다."), field="slot")
    if slot.starts_at <= _now():
        raise RecordInvalid(_("이미 시작된 시간대는 예약할 수 없습니다."), field="slot")
    if slot.bookings.filter(holder_ref=holder_ref, status__in=ACTIVE_STATUSES).exists():
        raise RecordInvalid(_("이 시간대에 이미 예약(또는 대기)되어 있습니다."), field="holder_ref")
    if _seats_taken(slot) < slot.capacity:
        status = BookingStatus.BOOKED
    elif not waitlist:
        raise RecordInvalid(_("이 시간대는 마감되었습니다. 다른 시간대를 선택하세요."), field="slot")
    elif slot.waitlist_limit is not None and _waiting(slot).count() >= slot.waitlist_limit:
        raise RecordInvalid(_("이 시간대는 마감되었고 대기 인원도 찼습니다."), field="slot")
    else:
        status = BookingStatus.WAITLISTED
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                code=f"bk-{secrets.token_hex(6)}", slot=slot, holder_ref=holder_ref, status=status
            )
    except IntegrityError as exc:  # the same holder at the same moment
        raise RecordInvalid(_("이 시간대에 이미 예약(또는 대기)되어 있습니다."), field="holder_ref") from exc
    _audit(actor, "book", booking)
    booking.position = waitlist_position(booking)  # type: ignore[attr-defined]
    return booking


def _locked_booking(booking: Booking | int) -> tuple[Slot, Booking]:
    pk = booking.pk if isinstance(booking, Booking) else booking
    slot_id = Booking.objects.filter(pk=pk).values_list("slot_id", flat=True).first()
    if slot_id is None:
        raise RecordInvalid(_("없는 예약입니다."), field="booking")
    slot = _locked_slot(slot_id)  # the slot first, always: one lock order
    locked = Booking.objects.select_for_update().get(pk=pk)
    locked.slot = slot
    return slot, locked


@transaction.atomic
def booking_cancel(*, booking: Booking | int, actor: audit.Actor, reason: str = "") -> Booking:
    """Cancel; a freed seat goes to the first in the waiting list (listeners hear of it after commit)."""
    if len(reason or "") > 200:
        raise RecordInvalid(_("취소 사유는 200자 이하여야 합니다."), field="reason")
    slot, booking = _locked_booking(booking)
    if booking.status == BookingStatus.CANCELLED:
        raise RecordInvalid(_("이미 취소된 예약입니다."), field="booking")
    if booking.status in MARKABLE:
        raise RecordInvalid(_("참석 처리된 예약은 취소할 수 없습니다."), field="booking")
    before = _snapshot(booking)
    held_seat = booking.status == BookingStatus.BOOKED
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = _now()
    booking.cancel_reason = reason or ""
    booking.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    _audit(actor, "cancel", booking, before)
    if held_seat and slot.starts_at > _now():
        _promote(slot, actor)
    return booking


@transaction.atomic
def booking_mark(*, booking: Booking | int, status: str, actor: audit.Actor) -> Booking:
    """참석 / 불참 of a booked seat, once the slot has started; a mark can be corrected."""
    if status not in {s.value for s in MARKABLE}:
        raise RecordInvalid(_("참석 여부는 attended 또는 no_show여야 합니다."), field="status")
    slot, booking = _locked_booking(booking)
    if booking.status not in (BookingStatus.BOOKED, *MARKABLE):
        raise RecordInvalid(_("예약이 확정된 신청만 참석 처리할 수 있습니다."), field="booking")
    if slot.starts_at > _now():
        raise RecordInvalid(_("시작 전인 시간대는 참석 처리할 수 없습니다."), field="booking")
    if booking.status == status:
        return booking
    before = _snapshot(booking)
    booking.status = status
    booking.marked_at = _now()
    booking.save(update_fields=["status", "marked_at"])
    _audit(actor, "mark", booking, before)
    return booking
