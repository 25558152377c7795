"""Bookings: seats, the waiting list, promotion on cancel, attendance — and the bad paths."""

import datetime as dt

import pytest
from django.utils import timezone

from cityhall.bookings import selectors
from cityhall.bookings import services as bookings
from cityhall.bookings.choices import BookingStatus
from cityhall.bookings.models import Booking
from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid

ACTOR = Actor.system("test:bookings")


@pytest.fixture
def resource(db):
    return bookings.resource_ensure(key="test.desk", label="시험 상담 창구", actor=ACTOR)


@pytest.fixture
def start():
    return (timezone.now() + dt.timedelta(days=2)).replace(microsecond=0)


@pytest.fixture
def slot(resource, start):
    return bookings.slot_create(
        resource=resource, starts_at=start, ends_at=start + dt.timedelta(hours=1), capacity=2, actor=ACTOR
    )


def book(slot, ref, **kw):
    return bookings.slot_book(slot=slot, holder_ref=ref, actor=ACTOR, **kw)


def test_seats_then_waiting_list_in_order(slot):
    a, b, c, d = (book(slot, f"req:{i}") for i in range(4))
    assert [x.status for x in (a, b, c, d)] == ["booked", "booked", "waitlisted", "waitlisted"]
    assert (a.position, c.position, d.position) == (None, 1, 2)
    view = selectors.slot_view(slot.pk)
    assert (view.capacity, view.booked, view.remaining, view.waiting, view.is_full) == (2, 2, 0, 2, True)


def test_full_without_waiting_list_is_refused_and_writes_nothing(slot):
    book(slot, "req:1")
    book(slot, "req:2")
    with pytest.raises(RecordInvalid, match="이 시간대는 마감되었습니다") as exc:
        book(slot, "req:3", waitlist=False)
    assert exc.value.errors == {"slot": ["이 시간대는 마감되었습니다. 다른 시간대를 선택하세요."]}
    assert Booking.objects.filter(slot=slot).count() == 2


def test_waitlist_limit(resource, start):
    slot = bookings.slot_create(
        resource=resource,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        capacity=1,
        waitlist_limit=1,
        actor=ACTOR,
    )
    book(slot, "a")
    book(slot, "b")
    with pytest.raises(RecordInvalid, match="대기 인원도 찼습니다"):
        book(slot, "c")


def test_same_holder_twice_is_refused(slot):
    book(slot, "req:1")
    with pytest.raises(RecordInvalid, match="이미 예약"):
        book(slot, " req:1 ")


def test_cancel_promotes_the_first_waiting_and_tells_the_listener(slot, django_capture_on_commit_callbacks):
    heard = []
    bookings.register_listener("test.", on_promoted=heard.append)
    bookings.register_listener("other.", on_promoted=lambda b: heard.append("wrong"))
    a = book(slot, "req:1")
    book(slot, "req:2")
    c = book(slot, "req:3")
    d = book(slot, "req:4")
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = bookings.booking_cancel(booking=a, actor=ACTOR, reason="일정 변경")
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "일정 변경")
    c.refresh_from_db()
    d.refresh_from_db()
    assert (c.status, d.status) == ("booked", "waitlisted")
    assert c.promoted_at is not None
    assert [b.pk for b in heard] == [c.pk]
    assert selectors.booking_position(d) == 1
    actions = list(
        AuditEvent.objects.filter(record_type="bookings", record_id__in=[a.pk, c.pk]).values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["book", "book", "cancel", "promote"]


def test_cancelling_a_waiting_booking_promotes_nobody(slot):
    book(slot, "a")
    book(slot, "b")
    c = book(slot, "c")
    d = book(slot, "d")
    bookings.booking_cancel(booking=c, actor=ACTOR)
    d.refresh_from_db()
    assert d.status == "waitlisted" and selectors.booking_position(d) == 1
    with pytest.raises(RecordInvalid, match="이미 취소된 예약"):
        bookings.booking_cancel(booking=c, actor=ACTOR)
    # the holder may book again after cancelling
    assert book(slot, "c").position == 2


def test_larger_capacity_promotes(slot):
    book(slot, "a")
    book(slot, "b")
    c = book(slot, "c")
    promoted = bookings.slot_set_capacity(slot=slot, capacity=3, actor=ACTOR)
    assert [b.pk for b in promoted] == [c.pk]
    with pytest.raises(RecordInvalid, match="이미 3명이 예약해 정원을 2명으로 줄일 수 없습니다"):
        bookings.slot_set_capacity(slot=slot, capacity=2, actor=ACTOR)


def test_attendance_after_the_start(slot, monkeypatch):
    a = book(slot, "a")
    with pytest.raises(RecordInvalid, match="시작 전인 시간대"):
        bookings.booking_mark(booking=a, status="attended", actor=ACTOR)
    monkeypatch.setattr(bookings, "_now", lambda: slot.starts_at + dt.timedelta(minutes=5))
    assert bookings.booking_mark(booking=a, status="attended", actor=ACTOR).status == "attended"
    assert bookings.booking_mark(booking=a, status="no_show", actor=ACTOR).status == "no_show"
    with pytest.raises(RecordInvalid, match="attended 또는 no_show"):
        bookings.booking_mark(booking=a, status="late", actor=ACTOR)
    with pytest.raises(RecordInvalid, match="참석 처리된 예약은 취소할 수 없습니다"):
        bookings.booking_cancel(booking=a, actor=ACTOR)
    with pytest.raises(RecordInvalid, match="이미 시작된 시간대"):
        book(slot, "late-comer")
    # a seat kept by an attended booking still counts
    assert selectors.slot_view(slot.pk).booked == 1


def test_mark_only_booked(slot, monkeypatch):
    book(slot, "a")
    book(slot, "b")
    waiting = book(slot, "c")
    monkeypatch.setattr(bookings, "_now", lambda: slot.starts_at + dt.timedelta(minutes=5))
    with pytest.raises(RecordInvalid, match="예약이 확정된 신청만"):
        bookings.booking_mark(booking=waiting, status=BookingStatus.ATTENDED, actor=ACTOR)


def test_closed_slot_refuses(slot):
    bookings.slot_close(slot=slot, actor=ACTOR)
    with pytest.raises(RecordInvalid, match="접수가 마감된 시간대"):
        book(slot, "a")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"capacity": 0}, "capacity", "정원은 1 이상"),
        ({"capacity": True}, "capacity", "정원은 1 이상"),
        ({"capacity": "3"}, "capacity", "정원은 1 이상"),
        ({"ends_at": "start"}, "ends_at", "종료 시각은 시작 시각보다"),
        ({"starts_at": "past"}, "starts_at", "이미 지난 시각"),
        ({"starts_at": "naive"}, "starts_at", "시간대가 있는 일시"),
        ({"waitlist_limit": -1}, "waitlist_limit", "대기 한도"),
        ({"label": "가" * 201}, "label", "200자"),
    ],
)
def test_slot_create_bad_input(resource, start, changes, field, message):
    args = {"starts_at": start, "ends_at": start + dt.timedelta(hours=1), "capacity": 2, "label": ""}
    args.update(changes)
    if args["ends_at"] == "start":
        args["ends_at"] = start
    if args["starts_at"] == "past":
        args["starts_at"] = timezone.now() - dt.timedelta(hours=2)
        args["ends_at"] = timezone.now() - dt.timedelta(hours=1)
    if args["starts_at"] == "naive":
        args["starts_at"] = dt.datetime(2030, 1, 2, 9)
    with pytest.raises(RecordInvalid) as exc:
        bookings.slot_create(resource=resource, actor=ACTOR, **args)
    assert message in " ".join(exc.value.errors[field])


@pytest.mark.parametrize("ref", ["", "   ", "x" * 101])
def test_bad_holder_ref(slot, ref):
    with pytest.raises(RecordInvalid, match="신청 참조는 1~100자"):
        book(slot, ref)


def test_resource_ensure_is_idempotent_and_validates(db):
    first = bookings.resource_ensure(key="it.class", label="정보화 교육", actor=ACTOR)
    again = bookings.resource_ensure(key="it.class", label="정보화 교육", actor=ACTOR)
    renamed = bookings.resource_ensure(key="it.class", label="시민 정보화 교육", actor=ACTOR)
    assert first.pk == again.pk == renamed.pk and renamed.label == "시민 정보화 교육"
    with pytest.raises(RecordInvalid) as exc:
        bookings.resource_ensure(key="has space", label="", actor=ACTOR)
    assert set(exc.value.errors) == {"key", "label"}


def test_open_slots_in_one_query(resource, start, django_assert_num_queries):
    for hour in range(3):
        s = bookings.slot_create(
            resource=resource,
            starts_at=start + dt.timedelta(hours=hour),
            ends_at=start + dt.timedelta(hours=hour, minutes=50),
            capacity=2,
            actor=ACTOR,
        )
        for i in range(hour + 1):
            book(s, f"r{hour}-{i}")
    day = timezone.localtime(start).date()
    with django_assert_num_queries(1):
        views = selectors.open_slots("test.desk", day, day + dt.timedelta(days=1))
    assert [(v.booked, v.remaining, v.waiting) for v in views] == [(1, 1, 0), (2, 0, 0), (2, 0, 1)]
    assert selectors.open_slots("test.desk", day - dt.timedelta(days=5), day - dt.timedelta(days=4)) == []
    assert selectors.open_slots("no.such", day, day) == []
