"""무료법률상담: days from the service record (화요일 14:00–16:00, 별관 2층), closed on public holidays, slots
per lawyer on the shared bookings, eligibility, one request per person per day, waiting list and
promotion, no-shows, the lawyer's record, erasure after the retention period; 2024's figures."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from cityhall.bookings import selectors as booking_selectors
from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.legal import services as legal
from cityhall.legal.consultations import selectors, services
from cityhall.legal.models import Consultation
from cityhall.organisation.models import Role

SYSTEM = Actor.system("test")
CITIZEN = Actor.system("public:legal-consultation")


@pytest.fixture
def may_2030(db):
    """May 2030's slots: Tuesdays 7, 14, 21, 28 (none a holiday), two lawyers, four half hours each."""
    return services.consultation_month_open(year=2030, month=5, actor=SYSTEM)


def _slot(day: dt.date, hour: int, minute: int = 0, lawyer: str = "마을변호사 1"):
    for view in booking_selectors.slots(services.RESOURCE_KEY, day, day):
        local = view.starts_at.astimezone(services.SEOUL)
        if (local.hour, local.minute, view.label) == (hour, minute, lawyer):
            return view
    raise LookupError


def _book(slot_id, phone="010-1234-5678", **kw):
    data = {"name": "홍길동", "phone": phone, "eligibility": "resident", "topic": "civil", "consent": True}
    data.update(kw)
    return services.consultation_book(slot=slot_id, actor=CITIZEN, **data)


def test_the_plan_comes_from_the_service_record(db):
    p = services.plan()
    assert (p.place, p.weekday_label, p.start, p.end) == (
        "별관 2층 상담실",
        "화요일",
        dt.time(14),
        dt.time(16),
    )
    assert [t[0] for t in p.times()] == [dt.time(14), dt.time(14, 30), dt.time(15), dt.time(15, 30)]


def test_a_month_opens_without_its_holidays(db):
    # May 2025: Tue 5-6 is the substitute holiday for 어린이날/부처님오신날; 13, 20, 27 open.
    days = services.consultation_days(dt.date(2025, 5, 1), dt.date(2025, 5, 31))
    assert days == [
        (dt.date(2025, 5, 6), "부처님오신날 대체 휴일; 어린이날 대체 휴일"),
        (dt.date(2025, 5, 13), None),
        (dt.date(2025, 5, 20), None),
        (dt.date(2025, 5, 27), None),
    ]
    # September 2027: Tue 9-14 is 추석 전날; 7, 21, 28 open.
    assert [d for d, closed in services.consultation_days(dt.date(2027, 9, 1), dt.date(2027, 9, 30))] == [
        dt.date(2027, 9, 7),
        dt.date(2027, 9, 14),
        dt.date(2027, 9, 21),
        dt.date(2027, 9, 28),
    ]
    made = services.consultation_month_open(year=2027, month=9, actor=SYSTEM)
    assert made == 3 * 4 * 2  # 3 days × 4 half hours × 2 lawyers
    assert booking_selectors.slots(services.RESOURCE_KEY, dt.date(2027, 9, 14), dt.date(2027, 9, 14)) == []
    assert services.consultation_month_open(year=2027, month=9, actor=SYSTEM) == 0  # kept, not doubled


def test_month_opening_is_for_the_legal_team(db, make_user):
    other = make_user("sc-editor", Role.EDITOR, "smart-city")
    with pytest.raises(PermissionDenied):
        services.consultation_month_open(year=2030, month=5, actor=Actor.for_user(other))


def test_booking_checks_eligibility_consent_and_phone_and_names_each(may_2030):
    slot = _slot(dt.date(2030, 5, 7), 14)
    with pytest.raises(RecordInvalid) as exc:
        _book(slot.id, phone="02-123", eligibility="tourist", consent=False)
    assert set(exc.value.errors) == {"phone", "eligibility", "consent"}
    assert exc.value.errors["eligibility"] == [
        "상담대상은 김포시민·거소자, 관내 기업체·공공기관 종사자입니다. 해당하는 구분을 고르세요."
    ]
    assert not Consultation.objects.exists()


def test_full_slot_waitlists_and_a_cancellation_promotes(may_2030, django_capture_on_commit_callbacks):
    slot = _slot(dt.date(2030, 5, 7), 14)
    first = _book(slot.id, phone="010-1111-1111")
    second = _book(slot.id, phone="010-2222-2222")
    assert (first.status, second.status, second.position) == ("booked", "waitlisted", 1)
    # Personal data is not in the audit trail.
    assert "홍길동" not in str(list(AuditEvent.objects.filter(record_type="consultations").values("after")))
    with pytest.raises(RecordInvalid, match="신청 번호와 연락처가 맞는 신청이 없습니다"):
        services.consultation_cancel(code=first.code, phone="010-9999-9999", actor=CITIZEN)
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_cancel(code=first.code, phone="010-1111-1111", actor=CITIZEN)
    second.refresh_from_db()
    assert second.status == "booked"
    assert booking_selectors.slot_view(slot.id).booked == 1


def test_one_request_per_person_per_day(may_2030):
    _book(_slot(dt.date(2030, 5, 7), 14).id)
    with pytest.raises(RecordInvalid, match="같은 날 이미 신청한 상담이 있습니다"):
        _book(_slot(dt.date(2030, 5, 7), 15, lawyer="마을변호사 2").id, phone="01012345678")
    _book(_slot(dt.date(2030, 5, 14), 14).id)  # another day is fine


def test_lists_mask_the_person_and_records_are_erased_after_retention(may_2030, make_user):
    c = _book(_slot(dt.date(2030, 5, 7), 14).id)
    [row] = selectors.masked(selectors.requests(day=dt.date(2030, 5, 7)))
    assert (row.name, row.phone) == ("홍*동", "010-****-5678")
    staff = Actor.for_user(make_user("legal", Role.EDITOR, "budget-legal"))
    services.consultation_record(consultation=c, notes="임대차 보증금 반환 절차 안내", actor=staff)
    # Kept 1,095 days (3 × 365; 2032 is a leap year): to 2033-05-06, erased from the day after.
    assert c.purge_after == dt.date(2033, 5, 6)
    assert services.consultation_purge(actor=staff, today=dt.date(2033, 5, 6)) == 0
    assert services.consultation_purge(actor=staff, today=dt.date(2033, 5, 7)) == 1
    c.refresh_from_db()
    assert (c.name, c.phone, c.notes, c.purged) == ("", "", "", True)


def test_no_show_after_the_slot_started(may_2030, make_user, monkeypatch):
    from cityhall.bookings import services as bookings

    c = _book(_slot(dt.date(2030, 5, 7), 14).id)
    staff = Actor.for_user(make_user("legal", Role.EDITOR, "budget-legal"))
    with pytest.raises(RecordInvalid, match="시작 전인 시간대"):
        services.consultation_mark(consultation=c, status="no_show", actor=staff)
    monkeypatch.setattr(bookings, "_now", lambda: dt.datetime(2030, 5, 7, 6, 0, tzinfo=dt.UTC))  # 15:00 KST
    services.consultation_mark(consultation=c, status="no_show", actor=staff)
    c.refresh_from_db()
    assert c.status == "no_show"


def test_public_pages_book_and_show_the_result(client, may_2030, monkeypatch):
    monkeypatch.setenv("CITYHALL_TODAY", "2030-05-01")
    page = client.get("/public/legal-consultation/").content.decode()
    assert "별관 2층 상담실" in page and "2030-05-07" in page
    slot = _slot(dt.date(2030, 5, 7), 14)
    bad = client.post(f"/public/legal-consultation/book/{slot.id}/", {"name": "", "phone": "x"})
    assert bad.status_code == 422 and "휴대전화 번호를 010-1234-5678 꼴로 입력하세요." in bad.content.decode()
    done = client.post(
        f"/public/legal-consultation/book/{slot.id}/",
        {
            "name": "김시민",
            "phone": "010-5555-6666",
            "eligibility": "company",
            "topic": "family",
            "consent": "on",
        },
        follow=True,
    )
    assert "상담이 예약되었습니다" in done.content.decode()
    code = Consultation.objects.get().code
    # Another browser cannot open someone's result page by its code.
    from django.test import Client

    assert Client().get(f"/public/legal-consultation/done/{code}/").status_code == 404


def test_staff_page_is_the_legal_teams(client, make_user, may_2030):
    client.force_login(make_user("sc-editor", Role.EDITOR, "smart-city"))
    assert client.get("/legal/consultations/").status_code == 403


def test_2024_sample_reproduces_48_days_and_247_consultations(db):
    legal.legal_load_sample(today=dt.date(2025, 3, 4))
    figures = selectors.year_figures(2024)
    assert (figures.days, figures.consultations, figures.sample) == (48, 247, True)  # 행 281


def test_booking_and_promotion_send_an_sms_and_reminders_go_the_day_before(
    may_2030, django_capture_on_commit_callbacks
):
    from cityhall.notifications.models import Notification

    slot = _slot(dt.date(2030, 5, 7), 14)
    with django_capture_on_commit_callbacks(execute=True):
        first = _book(slot.id, phone="010-1111-1111", email="a@example.org")
        _book(slot.id, phone="010-2222-2222")
    sent = Notification.objects.order_by("id")
    assert [(n.channel, n.template) for n in sent][:3] == [
        ("email", "legal/consultation_booked"),
        ("sms", "legal/consultation_booked"),
        ("sms", "legal/consultation_booked"),
    ]
    assert "대기 1번째" not in sent[0].body and "신청 번호: " + first.code in sent[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_cancel(code=first.code, phone="010-1111-1111", actor=CITIZEN)
    assert Notification.objects.filter(template="legal/consultation_promoted", channel="sms").count() == 1
    assert services.consultation_remind(day=dt.date(2030, 5, 7), actor=SYSTEM) == 1


def test_the_reminder_job_run_twice_reminds_once(may_2030, django_capture_on_commit_callbacks):
    """The scheduled job (cityhall.legal.tasks.remind, ADR 0019) may run again after a retry."""
    from cityhall.legal.tasks import remind
    from cityhall.notifications.models import Notification

    _book(_slot(dt.date(2030, 5, 7), 14).id, phone="010-3333-4444", email="c@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        remind.enqueue(day="2030-05-06")
        remind.enqueue(day="2030-05-06")
        assert services.consultation_remind(day=dt.date(2030, 5, 7), actor=SYSTEM) == 1
    reminders = Notification.objects.filter(template="legal/consultation_reminder")
    assert sorted(reminders.values_list("channel", "status")) == [("email", "sent"), ("sms", "sent")]
