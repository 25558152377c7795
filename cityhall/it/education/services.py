"""디지털 역량강화교육 writes: open a session (its seats are a booking slot), enrol a citizen (a seat or
a place in the waiting list, one per person and session, race-safe through the booking service),
cancel (the first in line moves up and is told), record attendance and completion, count the
experience zone's visitors. 정보통신과 staff run the sessions; citizens enrol on the public page."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cityhall.bookings import services as bookings
from cityhall.bookings.choices import BookingStatus
from cityhall.core import audit, clock
from cityhall.core.records import Errors, record_type_for
from cityhall.core.services import RecordInvalid
from cityhall.notifications import services as notifications
from cityhall.organisation.models import OrgUnit

from ..models import AgeGroup, Course, CourseSession, EducationVenue, Enrolment, ZoneVisitDay
from ..writes import IT_DEPARTMENT, require_it_staff, save_audited

STAFF_ONLY = gettext_lazy(
    "교육 일정과 수강생은 정보통신과(편집자·관리자)나 실장·관리자만 관리할 수 있습니다."
)

SEOUL = ZoneInfo("Asia/Seoul")
#: One bookable resource for every class; each session is one of its slots.
RESOURCE = "it.education"
PHONE = re.compile(r"^01[016789]-?\d{3,4}-?\d{4}$")
NAME_MAX = 40
#: Classes one phone number may hold (a seat or a place in line) at a time.
MAX_UPCOMING = 3
#: Class hours of a session day (the slot's span on its first day); the seats are what counts.
CLASS_START, CLASS_END = dt.time(10), dt.time(12)


def person_ref(phone: str) -> str:
    """The booking's holder reference: a keyed hash of the phone number, so one person holds one place
    per session and the booking service never sees the number."""
    digits = re.sub(r"\D", "", phone)
    key = settings.SECRET_KEY.encode()
    return "it.person:" + hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()[:24]


@transaction.atomic
def session_open(
    *,
    course: Course,
    venue: EducationVenue,
    starts_on: dt.date,
    ends_on: dt.date,
    capacity: int,
    actor: audit.Actor,
    code: str | None = None,
) -> CourseSession:
    """Open a session for enrolment: a booking slot with ``capacity`` seats and a waiting list."""
    require_it_staff(actor, STAFF_ONLY)
    errors: Errors = {}
    if not isinstance(capacity, int) or isinstance(capacity, bool) or not 1 <= capacity <= 500:
        errors["capacity"] = [_("정원은 1명에서 500명 사이여야 합니다.")]
    if ends_on < starts_on:
        errors["ends_on"] = [_("종료일은 시작일보다 빠를 수 없습니다.")]
    if starts_on < clock.today():
        errors["starts_on"] = [_("지난 날짜에는 교육 일정을 열 수 없습니다.")]
    if errors:
        raise RecordInvalid(errors)
    resource = bookings.resource_ensure(
        key=RESOURCE,
        label=str(_("디지털 역량강화교육")),
        org_unit=OrgUnit.objects.filter(code=IT_DEPARTMENT).first(),
        actor=actor,
    )
    slot = bookings.slot_create(
        resource=resource,
        starts_at=dt.datetime.combine(starts_on, CLASS_START, SEOUL),
        ends_at=dt.datetime.combine(ends_on, CLASS_END, SEOUL),
        capacity=capacity,
        label=f"{course.title} · {venue.name}",
        actor=actor,
    )
    if code is None:
        base = f"{course.code}-{venue.code}-{starts_on:%Y%m%d}"
        taken = set(CourseSession.objects.filter(code__startswith=base).values_list("code", flat=True))
        code = next(c for c in [base] + [f"{base}-{n}" for n in range(2, 100)] if c not in taken)
    session = CourseSession(
        code=code,
        course=course,
        venue=venue,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        slot=slot,
    )
    save_audited(actor, session, None)
    return session


def _check_person(name: str, phone: str, age_group: str) -> Errors:
    errors: Errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("이름을 적어 주세요.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("이름은 %(n)d자 이내로 적어 주세요.") % {"n": NAME_MAX}]
    if not PHONE.match((phone or "").strip()):
        errors["phone"] = [_("휴대전화 번호를 010-1234-5678 형식으로 적어 주세요.")]
    if age_group not in AgeGroup.values:
        errors["age_group"] = [_("연령대를 골라 주세요.")]
    return errors


@transaction.atomic
def enrol(
    *,
    session: CourseSession,
    name: str,
    phone: str,
    age_group: str,
    actor: audit.Actor,
    district: str = "",
) -> Enrolment:
    """수강 신청: a seat, or a place in the waiting list when the session is full. One per person (by
    phone number) and session; the last seat goes to one person only (the booking service locks the
    slot). The applicant gets a text message saying which."""
    errors = _check_person(name, phone, age_group)
    upcoming = Enrolment.objects.filter(
        phone=(phone or "").strip(),
        session__ends_on__gte=clock.today(),
        booking__status__in=[BookingStatus.BOOKED, BookingStatus.WAITLISTED],
    )
    if not errors and upcoming.count() >= MAX_UPCOMING:
        errors["phone"] = [_("한 사람이 동시에 신청할 수 있는 교육은 %(n)d개입니다.") % {"n": MAX_UPCOMING}]
    if session.slot_id is None:
        errors.setdefault("session", []).append(_("이 교육 일정은 신청을 받지 않습니다."))
    if errors:
        raise RecordInvalid(errors)
    try:
        booking = bookings.slot_book(slot=session.slot_id, holder_ref=person_ref(phone), actor=actor)
    except RecordInvalid as exc:
        if "holder_ref" in exc.errors:
            raise RecordInvalid(_("이 연락처로 이미 신청되어 있습니다."), field="phone") from None
        raise RecordInvalid({"session": exc.messages}) from None
    enrolment = Enrolment(
        session=session,
        booking=booking,
        name=name.strip(),
        phone=phone.strip(),
        age_group=age_group,
        district=(district or "").strip()[:20],
    )
    save_audited(actor, enrolment, None)
    _tell(enrolment, booking.status, getattr(booking, "position", None), actor)
    return enrolment


def _tell(enrolment: Enrolment, status: str, position: int | None, actor: audit.Actor) -> None:
    session = enrolment.session
    notifications.notify(
        template="it/enrolment",
        context={
            "name": enrolment.name,
            "course": session.course.title,
            "venue": session.venue.name,
            "starts_on": f"{session.starts_on:%Y-%m-%d}",
            "waiting": status == BookingStatus.WAITLISTED,
            "position": position,
        },
        kind="bookings",
        to_phone=enrolment.phone,
        actor=actor,
    )


def on_promoted(booking) -> None:
    """A waiting applicant got a seat (someone cancelled, or seats were added): tell them."""
    enrolment = (
        Enrolment.objects.select_related("session__course", "session__venue").filter(booking=booking).first()
    )
    if enrolment is not None:
        _tell(enrolment, BookingStatus.BOOKED, None, audit.Actor.system("it:education"))


@transaction.atomic
def enrolment_cancel(*, enrolment: Enrolment, actor: audit.Actor, reason: str = "") -> Enrolment:
    """수강 취소 (by staff, at the applicant's request): frees the seat for the first in line."""
    require_it_staff(actor, STAFF_ONLY)
    if enrolment.booking_id is None:
        raise RecordInvalid(_("예약 없이 옮겨 온 기록은 취소할 수 없습니다."))
    bookings.booking_cancel(booking=enrolment.booking_id, actor=actor, reason=reason)
    return enrolment


@transaction.atomic
def enrolment_attend(*, enrolment: Enrolment, attended: bool, actor: audit.Actor) -> Enrolment:
    """출석 or 결석, once the session has started; marked on the booking too."""
    require_it_staff(actor, STAFF_ONLY)
    enrolment = Enrolment.objects.select_for_update().select_related("session").get(pk=enrolment.pk)
    before = record_type_for(Enrolment).to_data(enrolment)
    if enrolment.session.starts_on > clock.today():
        raise RecordInvalid(_("교육이 시작한 뒤에 출석을 기록할 수 있습니다."), field="attended")
    if enrolment.booking_id is not None:
        status = enrolment.booking.status
        if status not in (BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW):
            raise RecordInvalid(_("자리를 배정받은 수강생만 출석을 기록합니다."), field="attended")
        if status == BookingStatus.NO_SHOW and attended:
            raise RecordInvalid(
                _("결석으로 처리한 예약입니다. 출석으로 바꾸려면 예약을 확인해 주세요."), field="attended"
            )
        if status == BookingStatus.BOOKED:
            bookings.booking_mark(
                booking=enrolment.booking_id,
                status=BookingStatus.ATTENDED if attended else BookingStatus.NO_SHOW,
                actor=actor,
            )
    enrolment.attended = attended
    if not attended:
        enrolment.completed = False
    save_audited(actor, enrolment, before)
    return enrolment


@transaction.atomic
def enrolment_complete(*, enrolment: Enrolment, actor: audit.Actor) -> Enrolment:
    """수료: only an enrolment that attended."""
    require_it_staff(actor, STAFF_ONLY)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    before = record_type_for(Enrolment).to_data(enrolment)
    if enrolment.attended is not True:
        raise RecordInvalid(_("출석하지 않은 수강생은 수료할 수 없습니다."), field="completed")
    enrolment.completed = True
    save_audited(actor, enrolment, before)
    return enrolment


@transaction.atomic
def zone_visits_record(
    *, venue: EducationVenue, day: dt.date, visitors: int, actor: audit.Actor
) -> ZoneVisitDay:
    """체험존 하루 방문 인원 (a second entry for the day replaces the first)."""
    require_it_staff(actor, STAFF_ONLY)
    errors: Errors = {}
    if venue.kind != "experience":
        errors["venue"] = [_("체험존에만 방문 인원을 기록합니다.")]
    if isinstance(visitors, bool) or not isinstance(visitors, int) or not 0 <= visitors <= 10_000:
        errors["visitors"] = [_("방문 인원은 0에서 10,000 사이의 정수여야 합니다.")]
    if day > clock.today():
        errors["day"] = [_("미래 날짜의 방문 인원은 기록할 수 없습니다.")]
    if errors:
        raise RecordInvalid(errors)
    row = ZoneVisitDay.objects.select_for_update().filter(venue=venue, day=day).first()
    before = record_type_for(ZoneVisitDay).to_data(row) if row else None
    row = row or ZoneVisitDay(venue=venue, day=day, visitors=0)
    row.visitors = visitors
    save_audited(actor, row, before)
    return row


#: Days a learner's name and phone are kept after the class ends (the consent text says one year):
#: ``IT_ENROLMENT_RETENTION_DAYS``.
DEFAULT_RETENTION_DAYS = 365


@transaction.atomic
def enrolments_purge_expired(*, actor: audit.Actor, today: dt.date | None = None) -> int:
    """Erase name and phone of enrolments whose class ended more than the retention period ago; the
    age group, 읍면동 and completion stay for the statistics. Returns how many."""
    today = today or clock.today()
    days = int(getattr(settings, "IT_ENROLMENT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))
    due = Enrolment.objects.select_for_update().filter(session__ends_on__lt=today - dt.timedelta(days=days))
    due = due.exclude(phone="")
    rtype = record_type_for(Enrolment)
    count = 0
    for enrolment in due:
        before = rtype.to_data(enrolment)
        enrolment.name, enrolment.phone = str(_("(파기됨)")), ""
        save_audited(actor, enrolment, before)
        count += 1
    return count
