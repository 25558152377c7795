"""무료법률상담 (seed IV.2.5 행 733–736; 2024: 48회, 247건, 행 281): consultation days from the service
record (별관 2층 상담실, 매주 화요일 14:00–16:00), closed on public holidays by the office calendar; slots
per lawyer on the shared bookings (race-safe seats and waiting list); the citizen's request with
eligibility, cancellation, no-show records, the lawyer's record, reminders through the shared
notifications, and erasure of the personal data when its retention period ends."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cityhall.bookings import selectors as booking_selectors
from cityhall.bookings import services as bookings
from cityhall.core import audit, clock
from cityhall.core import deadlines as calendar
from cityhall.core.audit import Actor
from cityhall.core.records import REGISTRY, Errors
from cityhall.core.services import RecordInvalid
from cityhall.facilities import selectors as facilities
from cityhall.notifications import services as notifications

from ..models import Consultation, ConsultationTopic, Eligibility
from ..services import is_legal_staff

SEOUL = ZoneInfo("Asia/Seoul")
RESOURCE_KEY = "legal.consultation"
SERVICE_CODE = "budget-legal-free-legal-consultation"
PHONE = re.compile(r"^01[016789]-?\d{3,4}-?\d{4}$")
DEFAULTS = {
    "slot_minutes": 30,  # 설정 (예시): 14:00–16:00 in four half hours
    "lawyers": ["마을변호사 1", "마을변호사 2"],  # 예시: two lawyers a day
    "capacity_per_lawyer": 1,  # citizens per lawyer per slot
    "waitlist_limit": 3,
    "retention_days": 365 * 3,  # 상담 기록 보존기간 (예시: 3년), then the personal data is erased
    "weeks_ahead": 8,
}


def conf() -> dict:
    return {**DEFAULTS, **getattr(settings, "CITYHALL_LEGAL_CONSULTATION", {})}


@dataclass(frozen=True)
class ConsultationPlan:
    """Where and when consultations are held: the service record plus the settings."""

    place: str
    weekday: int
    weekday_label: str
    start: dt.time
    end: dt.time
    slot_minutes: int
    lawyers: tuple[str, ...]
    capacity: int
    audience: str
    scope: str

    def times(self) -> list[tuple[dt.time, dt.time]]:
        out, moment = [], dt.datetime.combine(dt.date(2000, 1, 1), self.start)
        end = dt.datetime.combine(dt.date(2000, 1, 1), self.end)
        step = dt.timedelta(minutes=self.slot_minutes)
        while moment + step <= end:
            out.append((moment.time(), (moment + step).time()))
            moment += step
        return out


def plan() -> ConsultationPlan:
    service = facilities.service(SERVICE_CODE)
    if service is None:
        raise RecordInvalid(_("무료법률상담실 서비스 기록(%(code)s)이 없습니다.") % {"code": SERVICE_CODE})
    c = conf()
    return ConsultationPlan(
        place=service.place,
        weekday=service.weekday,
        weekday_label=service.get_weekday_display(),
        start=service.start_time,
        end=service.end_time,
        slot_minutes=int(c["slot_minutes"]),
        lawyers=tuple(c["lawyers"]),
        capacity=int(c["capacity_per_lawyer"]),
        audience=service.audience,
        scope=service.scope,
    )


def consultation_days(
    start: dt.date, end: dt.date, p: ConsultationPlan | None = None
) -> list[tuple[dt.date, str | None]]:
    """Every consultation weekday between ``start`` and ``end``, with the holiday that closes it (or None)."""
    p = p or plan()
    day = start + dt.timedelta(days=(p.weekday - start.weekday()) % 7)
    out = []
    while day <= end:
        out.append((day, calendar.holiday_name(day) if calendar.is_holiday(day) else None))
        day += dt.timedelta(days=7)
    return out


def _require_staff(actor: Actor) -> None:
    if actor.user is not None and not is_legal_staff(actor.user):
        raise PermissionDenied(_("예산법무과(소송지원팀)만 처리할 수 있습니다."))


@transaction.atomic
def consultation_month_open(*, year: int, month: int, actor: Actor) -> int:
    """Open a month's slots: every consultation day that is not a public holiday, each lawyer's slots of
    the configured length. Slots already there are kept; returns how many were made."""
    _require_staff(actor)
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise RecordInvalid(_("연월이 올바르지 않습니다."), field="month")
    p = plan()
    first = dt.date(year, month, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    resource = bookings.resource_ensure(key=RESOURCE_KEY, label=_("무료법률상담"), actor=actor)
    existing = {(v.starts_at, v.label) for v in booking_selectors.slots(RESOURCE_KEY, first, last)}
    made = 0
    for day, holiday in consultation_days(first, last, p):
        if holiday:
            continue
        for begins, ends in p.times():
            starts_at = dt.datetime.combine(day, begins, SEOUL)
            for lawyer in p.lawyers:
                if (starts_at, lawyer) in existing:
                    continue
                bookings.slot_create(
                    resource=resource,
                    starts_at=starts_at,
                    ends_at=dt.datetime.combine(day, ends, SEOUL),
                    capacity=p.capacity,
                    label=lawyer,
                    waitlist_limit=int(conf()["waitlist_limit"]),
                    actor=actor,
                )
                made += 1
    return made


def holder_key(phone: str) -> str:
    """The person's key, the same for the same phone number, revealing nothing of it (HMAC)."""
    digits = re.sub(r"\D", "", phone)
    return hmac.new(
        settings.SECRET_KEY.encode(), f"legal.consultation:{digits}".encode(), hashlib.sha256
    ).hexdigest()


def _check(
    name: str, phone: str, email: str, eligibility: str, topic: str, summary: str, consent: bool
) -> Errors:
    errors: Errors = {}
    if not name.strip() or len(name.strip()) > 50:
        errors["name"] = [_("성명을 1~50자로 입력하세요.")]
    if not PHONE.match(phone.strip()):
        errors["phone"] = [_("휴대전화 번호를 010-1234-5678 꼴로 입력하세요.")]
    if email and ("@" not in email or len(email) > 254):
        errors["email"] = [_("이메일 주소가 올바르지 않습니다.")]
    if eligibility not in Eligibility.values:
        errors["eligibility"] = [
            _("상담대상은 김포시민·거소자, 관내 기업체·공공기관 종사자입니다. 해당하는 구분을 고르세요.")
        ]
    if topic not in ConsultationTopic.values:
        errors["topic"] = [_("상담 분야(행정·민사·형사·가사)를 고르세요.")]
    if len(summary) > 2000:
        errors["summary"] = [_("상담 요지는 2000자 이하로 적으세요.")]
    if not consent:
        errors["consent"] = [_("개인정보 수집·이용에 동의해야 신청할 수 있습니다.")]
    return errors


@transaction.atomic
def consultation_book(
    *,
    slot: int,
    name: str,
    phone: str,
    email: str = "",
    eligibility: str,
    topic: str,
    summary: str = "",
    consent: bool,
    actor: Actor,
) -> Consultation:
    """A citizen books a slot: a seat, or a place in its waiting list. One request per person per day."""
    errors = _check(name, phone, email, eligibility, topic, summary, consent)
    view = booking_selectors.slot_view(slot) if isinstance(slot, int) else None
    if view is None or view.resource_key != RESOURCE_KEY:
        errors["slot"] = [_("없는 상담 시간대입니다.")]
    if errors:
        raise RecordInvalid(errors)
    starts = view.starts_at.astimezone(SEOUL)
    day = starts.date()
    p = plan()
    if day.weekday() != p.weekday or not (p.start <= starts.time() < p.end):
        raise RecordInvalid(
            _("상담 시간(%(weekday)s %(start)s~%(end)s) 밖의 시간대입니다.")
            % {
                "weekday": p.weekday_label,
                "start": p.start.strftime("%H:%M"),
                "end": p.end.strftime("%H:%M"),
            },
            field="slot",
        )
    if calendar.is_holiday(day):
        raise RecordInvalid(
            _("%(day)s은(는) 공휴일(%(name)s)이라 상담하지 않습니다.")
            % {"day": day, "name": calendar.holiday_name(day)},
            field="slot",
        )
    key = holder_key(phone)
    if Consultation.objects.filter(day=day, holder_key=key, status__in=["booked", "waitlisted"]).exists():
        raise RecordInvalid(_("같은 날 이미 신청한 상담이 있습니다. 먼저 취소하세요."), field="slot")
    booking = bookings.slot_book(slot=slot, holder_ref=f"{RESOURCE_KEY}:{key[:32]}", actor=actor)
    consultation = Consultation(
        code=f"lc-{secrets.token_hex(5)}",
        booking=booking,
        day=day,
        starts_at=view.starts_at,
        lawyer=view.label,
        status=booking.status,
        name=name.strip(),
        phone=phone.strip(),
        email=email.strip(),
        holder_key=key,
        eligibility=eligibility,
        topic=topic,
        summary=summary.strip(),
        purge_after=day + dt.timedelta(days=int(conf()["retention_days"])),
    )
    try:
        with transaction.atomic():
            consultation.save()
    except IntegrityError as exc:  # the same person at the same moment, another slot
        raise RecordInvalid(_("같은 날 이미 신청한 상담이 있습니다. 먼저 취소하세요."), field="slot") from exc
    audit.record(actor, "create", REGISTRY["consultations"], consultation, after=_public_data(consultation))
    consultation.position = getattr(booking, "position", None)  # type: ignore[attr-defined]
    _notify(consultation, "legal/consultation_booked", actor, consultation.position)
    return consultation


def _public_data(c: Consultation) -> dict:
    """What the audit trail keeps of a request: no personal data."""
    return {
        "code": c.code,
        "day": c.day.isoformat(),
        "lawyer": c.lawyer,
        "status": c.status,
        "topic": c.topic,
    }


def _notify(
    consultation: Consultation, template: str, actor: Actor, position: int | None = None, dedupe_key: str = ""
) -> None:
    """E-mail (when given) and SMS through the shared notifications, sent when the transaction commits."""
    notifications.notify(
        template=template,
        context={
            "code": consultation.code,
            "day": consultation.day,
            "time": consultation.starts_at.astimezone(SEOUL).strftime("%H:%M")
            if consultation.starts_at
            else "",
            "place": plan().place,
            "status": consultation.get_status_display(),
            "position": position,
        },
        to_email=consultation.email,
        to_phone=consultation.phone,
        kind="bookings",
        actor=actor,
        dedupe_key=dedupe_key,
    )


def _by_code_and_phone(code: str, phone: str) -> Consultation:
    found = Consultation.objects.select_for_update().filter(code=code.strip()).first()
    # The same answer whether the code or the phone is wrong: a code cannot be probed.
    if found is None or not found.holder_key or not hmac.compare_digest(found.holder_key, holder_key(phone)):
        raise RecordInvalid(_("신청 번호와 연락처가 맞는 신청이 없습니다."), field="code")
    return found


@transaction.atomic
def consultation_cancel(*, code: str, phone: str, actor: Actor, reason: str = "") -> Consultation:
    """The citizen cancels (신청 번호 + 연락처); the first in line for the slot moves up."""
    consultation = _by_code_and_phone(code, phone)
    if consultation.status not in {"booked", "waitlisted"}:
        raise RecordInvalid(
            _("취소할 수 없는 신청입니다 (%(s)s).") % {"s": consultation.get_status_display()}, field="code"
        )
    bookings.booking_cancel(booking=consultation.booking_id, actor=actor, reason=reason[:200])
    before = _public_data(consultation)
    consultation.status = Consultation.Status.CANCELLED
    consultation.save(update_fields=["status"])
    audit.record(
        actor,
        "update",
        REGISTRY["consultations"],
        consultation,
        before=before,
        after=_public_data(consultation),
    )
    return consultation


def on_promoted(booking) -> None:
    """A waiting request got a seat (after the cancelling commit): mark it and tell the citizen."""
    actor = Actor.system("legal:consultation-promotion")
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().filter(booking_id=booking.pk).first()
        if consultation is None or consultation.status != Consultation.Status.WAITLISTED:
            return
        before = _public_data(consultation)
        consultation.status = Consultation.Status.BOOKED
        consultation.save(update_fields=["status"])
        audit.record(
            actor,
            "update",
            REGISTRY["consultations"],
            consultation,
            before=before,
            after=_public_data(consultation),
        )
        _notify(consultation, "legal/consultation_promoted", actor)


@transaction.atomic
def consultation_mark(*, consultation: Consultation, status: str, actor: Actor) -> Consultation:
    """Staff record attendance or a no-show (after the slot has started)."""
    _require_staff(actor)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if status not in {"attended", "no_show"}:
        raise RecordInvalid(_("참석 또는 불참만 기록할 수 있습니다."), field="status")
    if consultation.booking_id is None:
        raise RecordInvalid(_("예약이 없는 신청입니다."), field="status")
    bookings.booking_mark(booking=consultation.booking_id, status=status, actor=actor)
    before = _public_data(consultation)
    consultation.status = status
    consultation.save(update_fields=["status"])
    audit.record(
        actor,
        "update",
        REGISTRY["consultations"],
        consultation,
        before=before,
        after=_public_data(consultation),
    )
    return consultation


@transaction.atomic
def consultation_record(*, consultation: Consultation, notes: str, actor: Actor) -> Consultation:
    """The lawyer's record of the consultation (상담 기록), kept with the request until it is erased."""
    _require_staff(actor)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.purged:
        raise RecordInvalid(_("보존기간이 끝나 파기된 신청입니다."), field="notes")
    if not notes.strip():
        raise RecordInvalid(_("상담 기록을 입력하세요."), field="notes")
    consultation.notes = notes.strip()
    consultation.recorded_by = actor.name[:150]
    consultation.save(update_fields=["notes", "recorded_by"])
    audit.record(actor, "update", REGISTRY["consultations"], consultation, after={"notes": "(기록함)"})
    return consultation


@transaction.atomic
def consultation_purge(*, actor: Actor, today: dt.date | None = None) -> int:
    """Erase the personal data (and the lawyer's record) of requests past their retention period."""
    today = today or clock.today()
    rtype = REGISTRY["consultations"]
    due = list(Consultation.objects.select_for_update().filter(purged=False, purge_after__lt=today))
    events = [
        audit.event(actor, "update", rtype, c, before=_public_data(c), after={"purged": True}) for c in due
    ]
    Consultation.objects.filter(pk__in=[c.pk for c in due]).update(
        name="", phone="", email="", summary="", notes="", holder_key="", purged=True
    )
    audit.record_many(events)
    return len(due)


@transaction.atomic
def consultation_remind(*, day: dt.date, actor: Actor) -> int:
    """Remind everyone booked on ``day`` by e-mail and SMS (run the day before: ``legal_remind``, or the
    task queue). Idempotent: run again, it sends no second reminder for the same consultation and day."""
    count = 0
    for consultation in Consultation.objects.filter(day=day, status=Consultation.Status.BOOKED, purged=False):
        key = f"legal.consultation:{consultation.pk}:reminder:{day.isoformat()}"
        _notify(consultation, "legal/consultation_reminder", actor, dedupe_key=key)
        count += 1
    return count
