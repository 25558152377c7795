"""사용전검사: the 14-day legal clock counted over holidays by hand, the case's steps with their
refusals, the 2024 sample reproducing 291 cases at 5.0 days, and the pages and API."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.core.tests.record_matrix import client_for
from cityhall.it import services as it_services
from cityhall.it.inspections import selectors, services
from cityhall.it.models import InspectionStatus, TelecomInspection
from cityhall.organisation.models import Role

API = "/api/v1/it/inspections"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setenv("CITYHALL_TODAY", "2025-10-24")


@pytest.fixture
def staff(make_user):
    return Actor.for_user(make_user("ic-editor", Role.EDITOR, "info-comm"))


def receive(staff, day=dt.date(2025, 9, 29)):
    return services.inspection_receive(
        building="김포 예시빌딩",
        address="김포시 사우동 1",
        applicant="예시통신",
        actor=staff,
        received_on=day,
    )


def test_the_clock_counts_14_working_days_from_the_day_of_receipt_over_chuseok():
    """Received Monday 29 Sep 2025: 29, 30 Sep, 1, 2 Oct are days 1–4; 3 Oct (개천절), 4 (토),
    5–7 (추석 연휴), 8 (대체공휴일), 9 (한글날), 11–12 (주말) are not counted; 10, 13–17, 20–23 Oct are
    days 5–14. Fourteen calendar days would have ended on 12 Oct."""
    deadline = services.processing_deadline(dt.date(2025, 9, 29))
    assert deadline.due == dt.date(2025, 10, 23)
    assert deadline.rule.source == "민원 처리에 관한 법률 제19조제2항"
    assert "2025-10-08 제외: 추석 대체 휴일" in deadline.explanation
    assert services.processing_days(dt.date(2025, 9, 29), dt.date(2025, 10, 22)) == 13


def test_a_case_passes_within_its_clock_over_the_holidays_and_every_step_is_audited(staff):
    case = receive(staff)
    assert (case.code, case.due_on, case.status) == ("2025-0001", dt.date(2025, 10, 23), "received")
    case = services.inspection_check_documents(inspection=case, actor=staff, checked_on=dt.date(2025, 10, 1))
    case = services.inspection_inspect(inspection=case, actor=staff, inspected_on=dt.date(2025, 10, 20))
    case = services.inspection_decide(
        inspection=case, passed=True, actor=staff, decided_on=dt.date(2025, 10, 22)
    )
    assert (case.status, case.certificate_number) == (InspectionStatus.PASSED, "사용전검사-2025-0001")
    stats = selectors.statistics(2025)
    assert (stats.cases, stats.average_days, stats.within_limit) == (1, 13, 1)
    actions = list(
        AuditEvent.objects.filter(record_type="telecom_inspections", record_id=case.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update", "update", "update"]


def test_steps_go_in_order_and_dates_follow_each_other(staff):
    case = receive(staff)
    with pytest.raises(RecordInvalid) as exc:
        services.inspection_inspect(inspection=case, actor=staff)
    assert exc.value.errors == {"status": ["지금 상태(접수)에서는 할 수 없습니다."]}
    with pytest.raises(RecordInvalid) as exc:
        services.inspection_check_documents(inspection=case, actor=staff, checked_on=dt.date(2025, 9, 28))
    assert exc.value.errors == {"documents_checked_on": ["서류 검토일은(는) 2025-09-29 이후여야 합니다."]}
    with pytest.raises(RecordInvalid) as exc:
        services.inspection_check_documents(inspection=case, actor=staff, checked_on=dt.date(2025, 11, 1))
    assert exc.value.errors == {"documents_checked_on": ["서류 검토일이(가) 미래입니다."]}
    case.refresh_from_db()
    assert case.status == InspectionStatus.RECEIVED


def test_a_failure_needs_its_reasons_and_opens_a_reinspection_period(staff, settings):
    case = receive(staff)
    services.inspection_check_documents(inspection=case, actor=staff, checked_on=dt.date(2025, 9, 30))
    services.inspection_inspect(inspection=case, actor=staff, inspected_on=dt.date(2025, 10, 2))
    with pytest.raises(RecordInvalid) as exc:
        services.inspection_decide(
            inspection=case, passed=False, actor=staff, decided_on=dt.date(2025, 10, 2)
        )
    assert exc.value.errors == {"findings": ["불합격 사유를 적어 주세요."]}
    failed = services.inspection_decide(
        inspection=case, passed=False, findings="접지 불량", actor=staff, decided_on=dt.date(2025, 10, 2)
    )
    # 14 working days from Thursday 2 Oct 2025 (first day counted): 2, 10, 13–17, 20–24, 27, 28 Oct.
    assert (failed.status, failed.reinspect_by) == (InspectionStatus.FAILED, dt.date(2025, 10, 28))
    again = services.inspection_receive(
        building=failed.building,
        address=failed.address,
        applicant=failed.applicant,
        reinspection_of=failed,
        actor=staff,
        received_on=dt.date(2025, 10, 24),
    )
    assert again.reinspection_of == failed
    with pytest.raises(RecordInvalid) as exc:
        services.inspection_receive(
            building="x", address="y", applicant="z", reinspection_of=failed, actor=staff
        )
    assert exc.value.errors == {"__all__": ["이 검사의 재검사는 이미 접수되었습니다 (2025-0002)."]}


def test_a_late_reinspection_and_blank_fields_are_refused(staff, settings):
    settings.IT_REINSPECTION_DAYS = 7
    case = receive(staff, dt.date(2025, 9, 1))
    services.inspection_check_documents(inspection=case, actor=staff, checked_on=dt.date(2025, 9, 1))
    services.inspection_inspect(inspection=case, actor=staff, inspected_on=dt.date(2025, 9, 2))
    failed = services.inspection_decide(
        inspection=case, passed=False, findings="배선 불량", actor=staff, decided_on=dt.date(2025, 9, 2)
    )
    assert failed.reinspect_by == dt.date(2025, 9, 10)  # 7 working days, 2 Sep counted
    with pytest.raises(RecordInvalid) as exc:
        services.inspection_receive(
            building="x",
            address="y",
            applicant="z",
            reinspection_of=failed,
            actor=staff,
            received_on=dt.date(2025, 9, 11),
        )
    assert exc.value.errors == {"received_on": ["재검사 신청 기한(2025-09-10)이 지났습니다."]}
    with pytest.raises(RecordInvalid) as exc:
        services.inspection_receive(building=" ", address="", applicant="z", actor=staff)
    assert exc.value.errors == {
        "building": ["건축물을(를) 적어 주세요."],
        "address": ["소재지을(를) 적어 주세요."],
    }
    assert TelecomInspection.objects.count() == 1


def test_only_it_staff_handle_cases(make_user):
    other = Actor.for_user(make_user("sc-editor", Role.EDITOR, "smart-city"))
    with pytest.raises(PermissionDenied):
        services.inspection_receive(building="x", address="y", applicant="z", actor=other)
    assert not TelecomInspection.objects.exists()


def test_the_2024_sample_reproduces_291_cases_at_5_0_days(db):
    it_services.it_load_sample()
    stats = selectors.statistics(2024)
    assert (stats.cases, stats.average_days, stats.within_limit, stats.within_share) == (291, 5, 291, 100)
    assert (stats.stated_cases.value, stats.stated_cases.line) == (291, 334)
    assert (stats.stated_average.value, stats.stated_average.line, stats.stated_limit.value) == (5, 335, 14)


def test_warnings_near_and_past_the_deadline(staff):
    case = receive(staff, dt.date(2025, 10, 2))  # due 28 Oct 2025 (over the same holidays)
    assert case.due_on == dt.date(2025, 10, 28)
    assert selectors.needs_warning(case, dt.date(2025, 10, 24)) is False
    assert selectors.needs_warning(case, dt.date(2025, 10, 25)) is True
    assert selectors.needs_warning(case, dt.date(2025, 10, 30)) is True
    case.status = InspectionStatus.PASSED
    assert selectors.needs_warning(case, dt.date(2025, 10, 30)) is False


def test_pages_list_and_step_a_case(staff):
    client = client_for(staff.user)
    created = client.post(
        "/it/inspections/",
        {
            "building": "예시빌딩",
            "address": "김포시 구래동",
            "applicant": "예시통신",
            "received_on": "2025-10-01",
        },
    )
    assert created.status_code == 302
    page = client.get("/it/inspections/2025-0001/").content.decode()
    assert "2025-10-27" in page and "민원 처리에 관한 법률 제19조제2항" in page
    assert "처리기한이 임박했거나 지났습니다" in page  # three days left on 24 Oct
    bad = client.post("/it/inspections/2025-0001/step/", {"day": "2025-09-01"})
    assert bad.status_code == 400 and "서류 검토일은(는) 2025-10-01 이후여야 합니다" in bad.content.decode()
    assert client.post("/it/inspections/2025-0001/step/", {"day": "2025-10-01"}).status_code == 302
    assert client.post("/it/inspections/2025-0001/step/", {"day": "2025-10-20"}).status_code == 302
    no_result = client.post("/it/inspections/2025-0001/step/", {"day": "2025-10-21"})
    assert no_result.status_code == 400 and "결과(합격·불합격)를 골라 주세요" in no_result.content.decode()
    assert (
        client.post("/it/inspections/2025-0001/step/", {"day": "2025-10-21", "passed": "1"}).status_code
        == 302
    )
    assert TelecomInspection.objects.get().status == InspectionStatus.PASSED
    listing = client.get("/it/inspections/?status=passed").content.decode()
    assert "2025-0001" in listing
    assert client.get("/it/inspections/?status=bogus").status_code == 400


def test_a_viewer_reads_but_cannot_receive(roles):
    client = client_for(roles["viewer"])
    assert client.get("/it/inspections/").status_code == 200
    assert (
        client.post("/it/inspections/", {"building": "x", "address": "y", "applicant": "z"}).status_code
        == 403
    )
    assert not TelecomInspection.objects.exists()


def test_api_workflow_and_errors(staff, roles):
    client = client_for(staff.user)
    made = client.post(
        API,
        {"building": "B", "address": "A", "applicant": "C", "received_on": "2025-09-29"},
        content_type="application/json",
    )
    assert made.status_code == 201
    assert (made.json()["due_on"], made.json()["status"]) == ("2025-10-23", "received")
    wrong = client.post(f"{API}/2025-0001/inspected", {}, content_type="application/json")
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["body", "status"]
    client.post(f"{API}/2025-0001/documents-checked", {"day": "2025-09-30"}, content_type="application/json")
    client.post(f"{API}/2025-0001/inspected", {"day": "2025-10-10"}, content_type="application/json")
    done = client.post(
        f"{API}/2025-0001/decide",
        {"passed": True, "decided_on": "2025-10-13"},
        content_type="application/json",
    )
    assert done.json()["certificate_number"] == "사용전검사-2025-0001"
    stats = client.get(f"{API}/statistics?year=2025").json()
    assert (stats["cases"], stats["average_days"]) == (1, 6.0)
    assert (
        client_for(roles["viewer"])
        .post(API, {"building": "B", "address": "A", "applicant": "C"}, content_type="application/json")
        .status_code
        == 403
    )
