"""저장매체 파기: a citizen applies with the serials and a drop-off hour, staff check every serial,
shred and issue the certificate anyone can verify; bad input, the last drop-off place, permissions
and the erasure of personal data when its retention ends."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from cityhall.bookings.selectors import slot_view
from cityhall.core import deadlines
from cityhall.core.audit import Actor
from cityhall.core.services import RecordInvalid
from cityhall.core.tests.record_matrix import client_for
from cityhall.documents import services as documents
from cityhall.it.destruction import selectors, services
from cityhall.it.models import MediaDestruction
from cityhall.organisation.models import Role

PUBLIC = Actor.system("public:media-destruction")
DAY = deadlines.next_working_day(dt.date.today() + dt.timedelta(days=7))


@pytest.fixture
def staff(make_user):
    return Actor.for_user(make_user("ic-editor", Role.EDITOR, "info-comm"))


@pytest.fixture
def slot(staff):
    return services.dropoff_slots_open(day=DAY, hours=[10], capacity=1, actor=staff)[0]


def apply(slot, **kw):
    data = {
        "applicant_kind": "citizen",
        "applicant_name": "홍길동",
        "phone": "010-1234-5678",
        "media": "HDD WD-WCC4N1234567\nssd S3Z9NB0K123456\n\n메모리 USB-0001",
        "slot": slot.pk,
        **kw,
    }
    return services.destruction_apply(actor=PUBLIC, **data)


def test_media_lines_are_parsed_and_every_bad_line_is_named():
    media = services.parse_media("HDD WD-1\nM.2 NVME-2222\nusb  KING-33")
    assert [(m.media_type, m.serial) for m in media] == [
        ("hdd", "WD-1"),
        ("m2", "NVME-2222"),
        ("memory", "KING-33"),
    ]
    with pytest.raises(RecordInvalid) as exc:
        services.parse_media("HDD WD-1\nfloppy A-123\nSSD ??\nhdd wd-1")
    assert exc.value.errors == {
        "media": [
            "2번째 줄: 매체 종류 'floppy'을(를) 알 수 없습니다 (HDD, SSD, M.2, 메모리).",
            "3번째 줄: 일련번호는 영문·숫자로 3~60자여야 합니다.",
            "4번째 줄: 일련번호 wd-1이(가) 두 번 적혔습니다.",
        ]
    }
    with pytest.raises(RecordInvalid):
        services.parse_media("  \n ")


def test_from_application_to_a_verified_certificate(slot, staff, django_capture_on_commit_callbacks):
    application = apply(slot)
    assert (application.code[:1], application.status, application.items.count()) == ("D", "applied", 3)
    assert slot_view(slot.pk).booked == 1
    with pytest.raises(RecordInvalid) as exc:
        services.destruction_receive(
            application=application, checked_serials=["WD-WCC4N1234567", "X-999"], actor=staff
        )
    assert exc.value.errors == {
        "serials": ["확인하지 않은 일련번호: S3Z9NB0K123456, USB-0001", "신청에 없는 일련번호: X-999"]
    }
    received = services.destruction_receive(
        application=application,
        checked_serials=["wd-wcc4n1234567", "S3Z9NB0K123456", "USB-0001"],
        actor=staff,
    )
    assert received.status == "received"
    done = services.destruction_complete(application=received, actor=staff)
    assert done.status == "destroyed" and done.purge_after == done.destroyed_on + dt.timedelta(days=365)
    check = documents.certificate_verify(done.certificate_code)
    assert check.valid and not check.revoked
    items = dict(check.items)
    assert items["신청인"] == "홍*동"  # masked on the public check
    assert "HDD WD-WCC4N1234567" in items["파기 매체"] and items["수량"] == "3"
    assert (
        documents.certificate_pdf(documents.Certificate.objects.get(code=done.certificate_code))[:4]
        == b"%PDF"
    )


def test_bad_applications_record_nothing(slot):
    with pytest.raises(RecordInvalid) as exc:
        apply(slot, applicant_kind="company", company_name="", phone="123", media="zip 1")
    assert set(exc.value.errors) == {"company_name", "phone", "media"}
    assert not MediaDestruction.objects.exists()
    assert slot_view(slot.pk).booked == 0


def test_the_last_drop_off_place_goes_to_one_applicant(slot):
    apply(slot)
    with pytest.raises(RecordInvalid) as exc:
        apply(slot, phone="010-9999-0000")
    assert list(exc.value.errors) == ["slot"]
    assert MediaDestruction.objects.count() == 1


def test_steps_in_order_and_only_by_it_staff(slot, staff, make_user):
    application = apply(slot)
    other = Actor.for_user(make_user("sc", Role.EDITOR, "smart-city"))
    with pytest.raises(PermissionDenied):
        services.destruction_receive(application=application, checked_serials=[], actor=other)
    with pytest.raises(RecordInvalid):
        services.destruction_complete(application=application, actor=staff)
    services.destruction_cancel(application=application, actor=staff)
    assert slot_view(slot.pk).booked == 0


def test_personal_data_is_erased_when_its_retention_ends(slot, staff):
    application = apply(slot)
    services.destruction_receive(
        application=application,
        checked_serials=["WD-WCC4N1234567", "S3Z9NB0K123456", "USB-0001"],
        actor=staff,
    )
    done = services.destruction_complete(application=application, actor=staff)
    assert services.destruction_purge_expired(actor=staff, today=done.purge_after) == 0
    assert services.destruction_purge_expired(actor=staff, today=done.purge_after + dt.timedelta(days=1)) == 1
    done.refresh_from_db()
    assert (done.applicant_name, done.phone, done.purged) == ("(파기됨)", "", True)
    assert documents.certificate_verify(done.certificate_code).valid  # the certificate still verifies


def test_public_form_and_staff_pages(slot, staff, client, roles):
    page = client.get("/public/media-destruction/")
    assert page.status_code == 200 and "남은 자리 1" in page.content.decode()
    bad = client.post(
        "/public/media-destruction/", {"applicant_kind": "citizen", "media": "HDD ?", "slot": slot.pk}
    )
    assert bad.status_code == 400 and "필수 항목입니다." in bad.content.decode()
    wrong_media = client.post(
        "/public/media-destruction/",
        {
            "applicant_kind": "citizen",
            "applicant_name": "김",
            "phone": "010-2222-3333",
            "media": "HDD ?",
            "slot": slot.pk,
            "consent": "on",
        },
    )
    assert "1번째 줄: 일련번호는 영문·숫자로 3~60자여야 합니다." in wrong_media.content.decode()
    assert not MediaDestruction.objects.exists()
    ok = client.post(
        "/public/media-destruction/",
        {
            "applicant_kind": "citizen",
            "applicant_name": "김시민",
            "phone": "010-2222-3333",
            "media": "SSD ABC-123",
            "slot": slot.pk,
            "consent": "on",
        },
    )
    assert ok.status_code == 200 and "접수번호 D" in ok.content.decode()
    code = MediaDestruction.objects.get().code
    listing = client_for(roles["viewer"]).get("/it/destruction/").content.decode()
    assert code in listing and "김*민" in listing and "010-2222-3333" not in listing
    detail = client_for(staff.user).post(f"/it/destruction/{code}/", {"serials": "ABC-999"})
    assert detail.status_code == 400 and "신청에 없는 일련번호: ABC-999" in detail.content.decode()
    assert client_for(staff.user).post(f"/it/destruction/{code}/", {"serials": "abc-123"}).status_code == 302
    assert client_for(staff.user).post(f"/it/destruction/{code}/complete/").status_code == 302
    pdf = client_for(staff.user).get(f"/it/destruction/{code}/certificate.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert client_for(roles["viewer"]).get(f"/it/destruction/{code}/certificate.pdf").status_code == 404
    assert client_for(roles["viewer"]).post(f"/it/destruction/{code}/cancel/").status_code == 403
    assert MediaDestruction.objects.get().status == "destroyed"


def test_the_selectors_count_the_year(slot, staff):
    application = apply(slot, applicant_kind="company", company_name="예시전자")
    services.destruction_receive(
        application=application,
        checked_serials=["WD-WCC4N1234567", "S3Z9NB0K123456", "USB-0001"],
        actor=staff,
    )
    services.destruction_complete(application=application, actor=staff)
    from cityhall.core import clock

    assert selectors.year_summary(clock.today().year) == {"applications": 1, "media": 3, "companies": 1}


def test_the_applicant_downloads_the_certificate_with_its_code_and_the_message_links_it(
    slot, staff, client, django_capture_on_commit_callbacks
):
    from cityhall.notifications.models import Notification

    application = apply(slot)
    services.destruction_receive(
        application=application,
        checked_serials=["WD-WCC4N1234567", "S3Z9NB0K123456", "USB-0001"],
        actor=staff,
    )
    done = services.destruction_complete(application=application, actor=staff)
    url = f"/public/media-destruction/certificates/{done.certificate_code}.pdf"
    assert url in Notification.objects.order_by("-id").first().body
    pdf = client.get(url)
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert client.get("/public/media-destruction/certificates/AAAA-BBBB-CCCC-DDDD.pdf").status_code == 404


def test_one_open_application_per_phone_and_the_public_form_is_throttled(slot, client, settings):
    apply(slot)
    with pytest.raises(RecordInvalid) as exc:
        apply(slot)
    assert list(exc.value.errors) == ["phone"]
    from cityhall.it.destruction import views

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    form = {"applicant_kind": "citizen"}
    codes = [
        client.post("/public/media-destruction/", form).status_code for _ in range(views.PUBLIC_LIMIT + 1)
    ]
    assert codes[:-1] == [400] * views.PUBLIC_LIMIT and codes[-1] == 429


def test_learners_and_applicants_personal_data_is_masked_in_the_trail_and_for_other_roles(slot, roles):
    from cityhall.core.models import AuditEvent

    application = apply(slot)
    event = AuditEvent.objects.filter(record_type="media_destructions", record_id=application.pk).first()
    assert (event.after["applicant_name"], event.after["phone"]) == ("홍*동", "010-****-5678")
    api = client_for(roles["viewer"]).get(f"/api/v1/media-destructions/{application.pk}").json()
    assert (api["applicant_name"], api["phone"]) == ("홍*동", "010-****-5678")
    page = client_for(roles["viewer"]).get(f"/records/media_destructions/{application.pk}/").content.decode()
    assert "010-1234-5678" not in page and "홍길동" not in page
