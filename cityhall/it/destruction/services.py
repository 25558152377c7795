"""저장매체 파기 서비스 writes (seed IV.3.4, line 898–925): citizens and companies apply online with
the media and their serials and book a drop-off slot; 정보통신과 checks every serial on receipt,
shreds, and issues a signed certificate (the shared documents part) that anyone can verify; the
applicant's name and phone are erased when their retention period ends."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cityhall.bookings import selectors as booking_selectors
from cityhall.bookings import services as bookings
from cityhall.bookings.choices import BookingStatus
from cityhall.core import audit, clock, deadlines
from cityhall.core.records import Errors, record_type_for
from cityhall.core.services import RecordInvalid
from cityhall.documents import services as documents
from cityhall.notifications import services as notifications
from cityhall.organisation.models import OrgUnit

from ..education.services import PHONE, person_ref
from ..models import ApplicantKind, DestructionItem, DestructionStatus, MediaDestruction, MediaType
from ..writes import IT_DEPARTMENT, create_numbered, require_it_staff, save_audited

STAFF_ONLY = gettext_lazy("저장매체 파기는 정보통신과(편집자·관리자)나 실장·관리자만 처리할 수 있습니다.")

RESOURCE = "it.media-dropoff"
CERTIFICATE_KIND = "it.media_destruction"
CERTIFICATE_PATH = "/public/media-destruction/certificates/"  # + code + ".pdf" (the public download)
MAX_ITEMS = 50
SERIAL = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._/-]{2,59}$")
#: Days the applicant's name and phone are kept after the media are destroyed (or the application is
#: cancelled): a setting, ``IT_DESTRUCTION_RETENTION_DAYS``; the certificate keeps what it states.
DEFAULT_RETENTION_DAYS = 365
#: How an applicant names a medium on the form: the type's code or its Korean name.
TYPE_WORDS = {
    "hdd": MediaType.HDD,
    "하드디스크": MediaType.HDD,
    "ssd": MediaType.SSD,
    "m.2": MediaType.M2,
    "m2": MediaType.M2,
    "memory": MediaType.MEMORY,
    "메모리": MediaType.MEMORY,
    "usb": MediaType.MEMORY,
}


@dataclass(frozen=True)
class Medium:
    media_type: str
    serial: str


def parse_media(text: str) -> list[Medium]:
    """One medium per line, "<종류> <일련번호>" (``HDD WD-12345``, ``SSD S3Z9NB0K``). Raises
    ``RecordInvalid`` naming every bad line."""
    media, problems, seen = [], [], set()
    lines = [line.strip() for line in (text or "").splitlines()]
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        kind, _sep, serial = line.partition(" ")
        media_type = TYPE_WORDS.get(kind.strip().lower())
        serial = serial.strip()
        if media_type is None:
            problems.append(
                _("%(n)d번째 줄: 매체 종류 '%(kind)s'을(를) 알 수 없습니다 (HDD, SSD, M.2, 메모리).")
                % {"n": number, "kind": kind[:20]}
            )
        elif not SERIAL.match(serial):
            problems.append(_("%(n)d번째 줄: 일련번호는 영문·숫자로 3~60자여야 합니다.") % {"n": number})
        elif serial.upper() in seen:
            problems.append(
                _("%(n)d번째 줄: 일련번호 %(serial)s이(가) 두 번 적혔습니다.")
                % {"n": number, "serial": serial}
            )
        else:
            seen.add(serial.upper())
            media.append(Medium(media_type, serial))
    if not media and not problems:
        problems.append(_("파기할 매체를 한 줄에 하나씩 적어 주세요 (예: HDD WD-12345)."))
    if len(media) > MAX_ITEMS:
        problems.append(_("한 번에 %(n)d개까지 신청할 수 있습니다.") % {"n": MAX_ITEMS})
    if problems:
        raise RecordInvalid({"media": problems})
    return media


@transaction.atomic
def dropoff_slots_open(*, day: dt.date, hours: list[int], capacity: int, actor: audit.Actor) -> list:
    """Drop-off windows at the 정보통신과 counter: one hour each, ``capacity`` applicants per hour."""
    require_it_staff(actor, STAFF_ONLY)
    import zoneinfo

    seoul = zoneinfo.ZoneInfo("Asia/Seoul")
    desk = bookings.resource_ensure(
        key=RESOURCE,
        label=str(_("저장매체 파기 반입")),
        org_unit=OrgUnit.objects.filter(code=IT_DEPARTMENT).first(),
        actor=actor,
    )
    if not deadlines.is_working_day(day):
        raise RecordInvalid({"day": [_("%(day)s은(는) 근무일이 아닙니다.") % {"day": day.isoformat()}]})
    taken = {timezone.localtime(s.starts_at).hour for s in booking_selectors.slots(RESOURCE, day, day)}
    if taken & set(hours):
        hours_text = ", ".join(f"{h}시" for h in sorted(taken & set(hours)))
        raise RecordInvalid({"hours": [_("이미 열린 시각입니다: %(hours)s") % {"hours": hours_text}]})
    slots = []
    for hour in hours:
        start = dt.datetime.combine(day, dt.time(hour), seoul)
        slots.append(
            bookings.slot_create(
                resource=desk,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=1),
                capacity=capacity,
                actor=actor,
            )
        )
    return slots


@transaction.atomic
def destruction_apply(
    *,
    applicant_kind: str,
    applicant_name: str,
    phone: str,
    media: str,
    slot: int,
    actor: audit.Actor,
    company_name: str = "",
) -> MediaDestruction:
    """신청: the media, the applicant and a drop-off slot (the last place in a slot goes to one person)."""
    errors: Errors = {}
    if applicant_kind not in ApplicantKind.values:
        errors["applicant_kind"] = [_("신청인 구분을 골라 주세요.")]
    if not (applicant_name or "").strip() or len(applicant_name.strip()) > 40:
        errors["applicant_name"] = [_("신청인 이름을 40자 이내로 적어 주세요.")]
    if applicant_kind == ApplicantKind.COMPANY and not (company_name or "").strip():
        errors["company_name"] = [_("기업이 신청할 때는 기업명을 적어 주세요.")]
    if not PHONE.match((phone or "").strip()):
        errors["phone"] = [_("휴대전화 번호를 010-1234-5678 형식으로 적어 주세요.")]
    try:
        parsed = parse_media(media)
    except RecordInvalid as exc:
        errors.update(exc.errors)
    if errors:
        raise RecordInvalid(errors)
    if (
        booking_selectors.slot_view(slot) is None
        or booking_selectors.slot_view(slot).resource_key != RESOURCE
    ):
        raise RecordInvalid({"slot": [_("반입 일시를 다시 골라 주세요.")]})
    if MediaDestruction.objects.filter(phone=phone.strip(), status=DestructionStatus.APPLIED).exists():
        raise RecordInvalid(
            {"phone": [_("이 연락처로 접수 대기 중인 신청이 있습니다. 그 신청을 먼저 마쳐 주세요.")]}
        )
    try:
        booking = bookings.slot_book(slot=slot, holder_ref=person_ref(phone), actor=actor, waitlist=False)
    except RecordInvalid as exc:
        raise RecordInvalid({"slot": exc.messages}) from None
    application = MediaDestruction(
        applicant_kind=applicant_kind,
        applicant_name=applicant_name.strip(),
        company_name=(company_name or "").strip()[:120],
        phone=phone.strip(),
        booking=booking,
    )
    create_numbered(actor, application, f"D{clock.today().year}-")
    DestructionItem.objects.bulk_create(
        DestructionItem(destruction=application, media_type=m.media_type, serial=m.serial) for m in parsed
    )
    notifications.notify(
        template="it/destruction_applied",
        context={
            "name": application.applicant_name,
            "code": application.code,
            "count": len(parsed),
            "when": booking.slot.starts_at,
        },
        kind="bookings",
        to_phone=application.phone,
        actor=actor,
    )
    return application


def _locked(application: MediaDestruction) -> tuple[MediaDestruction, dict]:
    locked = MediaDestruction.objects.select_for_update().get(pk=application.pk)
    return locked, record_type_for(MediaDestruction).to_data(locked)


@transaction.atomic
def destruction_receive(
    *, application: MediaDestruction, checked_serials: list[str], actor: audit.Actor
) -> MediaDestruction:
    """접수: staff check every serial on the media brought in; all must match the application."""
    require_it_staff(actor, STAFF_ONLY)
    application, before = _locked(application)
    if application.status != DestructionStatus.APPLIED:
        raise RecordInvalid({"status": [_("신청 상태에서만 접수할 수 있습니다.")]})
    items = list(application.items.all())
    wanted = {item.serial.upper() for item in items}
    given = {s.strip().upper() for s in checked_serials if s.strip()}
    missing, extra = sorted(wanted - given), sorted(given - wanted)
    if missing or extra:
        problems = []
        if missing:
            problems.append(_("확인하지 않은 일련번호: %(s)s") % {"s": ", ".join(missing)})
        if extra:
            problems.append(_("신청에 없는 일련번호: %(s)s") % {"s": ", ".join(extra)})
        raise RecordInvalid({"serials": problems})
    DestructionItem.objects.filter(destruction=application).update(checked=True)
    application.status = DestructionStatus.RECEIVED
    application.received_on = clock.today()
    if application.booking_id and application.booking.status == BookingStatus.BOOKED:
        try:
            bookings.booking_mark(booking=application.booking_id, status=BookingStatus.ATTENDED, actor=actor)
        except RecordInvalid:
            pass  # brought in before the booked hour: the booking stays as it is
    save_audited(actor, application, before)
    return application


def _retention_days() -> int:
    return int(getattr(settings, "IT_DESTRUCTION_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


@transaction.atomic
def destruction_complete(*, application: MediaDestruction, actor: audit.Actor) -> MediaDestruction:
    """파쇄 완료: the certificate (with the serials and a verification code) is issued and sent."""
    require_it_staff(actor, STAFF_ONLY)
    application, before = _locked(application)
    if application.status != DestructionStatus.RECEIVED:
        raise RecordInvalid({"status": [_("일련번호를 확인해 접수한 뒤에 파기할 수 있습니다.")]})
    today = clock.today()
    items = list(application.items.all())
    holder = application.company_name or application.applicant_name
    cert = documents.certificate_issue(
        kind=CERTIFICATE_KIND,
        title=str(_("저장매체 파기 확인서")),
        subject_ref=f"it.destruction:{application.pk}",
        payload={
            "신청인": holder,
            "접수번호": application.code,
            "파기 매체": ", ".join(f"{i.get_media_type_display()} {i.serial}" for i in items),
            "수량": len(items),
            "파기 방법": "파쇄기에 의한 물리적 완전 파쇄",
            "파기일": today.isoformat(),
        },
        personal=[] if application.company_name else ["신청인"],
        actor=actor,
    )
    application.status = DestructionStatus.DESTROYED
    application.destroyed_on = today
    application.certificate_code = cert.code
    application.purge_after = today + dt.timedelta(days=_retention_days())
    save_audited(actor, application, before)
    notifications.notify(
        template="it/destruction_done",
        context={
            "name": application.applicant_name,
            "code": application.code,
            "certificate": cert.code,
            "pdf_url": f"{settings.CITYHALL_PUBLIC_URL.rstrip('/')}{CERTIFICATE_PATH}{cert.code}.pdf",
        },
        kind="certificates",
        to_phone=application.phone,
        actor=actor,
    )
    return application


@transaction.atomic
def destruction_cancel(*, application: MediaDestruction, actor: audit.Actor) -> MediaDestruction:
    """취소 before receipt: frees the drop-off place."""
    require_it_staff(actor, STAFF_ONLY)
    application, before = _locked(application)
    if application.status != DestructionStatus.APPLIED:
        raise RecordInvalid({"status": [_("신청 상태에서만 취소할 수 있습니다.")]})
    if application.booking_id:
        bookings.booking_cancel(booking=application.booking_id, actor=actor, reason="파기 신청 취소")
    application.status = DestructionStatus.CANCELLED
    application.purge_after = clock.today() + dt.timedelta(days=_retention_days())
    save_audited(actor, application, before)
    return application


@transaction.atomic
def destruction_purge_expired(*, actor: audit.Actor, today: dt.date | None = None) -> int:
    """Erase the name and phone of applications past their retention date (개인정보 보호법 §21);
    returns how many. The serials and the certificate stay: they state no one's contact details."""
    today = today or clock.today()
    due = list(MediaDestruction.objects.select_for_update().filter(purged=False, purge_after__lt=today))
    for application in due:
        before = record_type_for(MediaDestruction).to_data(application)
        application.applicant_name = str(_("(파기됨)"))
        application.phone = ""
        application.purged = True
        save_audited(actor, application, before)
    return len(due)
