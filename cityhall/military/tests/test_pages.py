"""The military pages through the test client: who sees what, bad input, the exports."""

import csv
import io

import openpyxl
import pytest

from cityhall.core.models import AuditEvent
from cityhall.military import services
from cityhall.military.models import CooperationCouncil, NoiseApplication
from cityhall.organisation.models import Role


@pytest.fixture
def sample(db):
    services.samples_load()


@pytest.fixture
def planner(client, make_user):
    client.force_login(make_user("pp-editor", Role.EDITOR, "policy-planning"))
    return client


@pytest.fixture
def other(client, make_user):
    client.force_login(make_user("sc-editor", Role.EDITOR, "smart-city"))
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/military/",
        "/military/noise/",
        "/military/noise/2025/",
        "/military/noise/compute/",
        "/military/support/",
        "/military/cooperation/",
        "/reform/",
    ],
)
def test_pages_render_for_any_role(sample, other, path):
    assert other.get(path).status_code == 200


def test_applicants_are_masked_and_for_planning_only(sample, planner, client, make_user):
    page = planner.get("/military/noise/2025/").content.decode()
    app = NoiseApplication.objects.get(number=1)
    assert "470202-2******" in page and "470202-2007919" not in page and "이*은" in page
    assert "40,000,000" in page
    client.force_login(make_user("sc-viewer", Role.VIEWER, "smart-city"))
    assert "470202" not in client.get("/military/noise/2025/").content.decode()
    assert client.get(f"/military/noise/2025/applications/{app.number}/").status_code == 403
    assert client.get("/military/noise/2025/payments.csv").status_code == 403


def test_application_detail_explains_and_reveal_is_audited(sample, planner):
    page = planner.get("/military/noise/2025/applications/1/").content.decode()
    assert "1종 구역 기준금액 월 60,000원" in page and "합계 720,000원" in page
    revealed = planner.post("/military/noise/2025/applications/1/reveal/").content.decode()
    assert "470202-2007919" in revealed
    assert AuditEvent.objects.filter(action="reveal", record_type="noise_applications").count() == 1


def test_bad_application_shows_korean_errors_and_writes_nothing(sample, planner):
    before = NoiseApplication.objects.count()
    response = planner.post(
        "/military/noise/2025/apply/",
        {
            "name": "새신청",
            "resident_number": "900101-1000000",
            "address": "군하리",
            "zone": "5",
            "moved_in_on": "2025-02-20",
            "applied_on": "2025-02-10",
            "bank_code": "011",
            "account_number": "12-34",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "알 수 없는 구역입니다: &#x27;5&#x27;" in page
    assert "전입일(2025-02-20)이 신청일(2025-02-10)보다 늦습니다." in page
    assert "계좌번호는 숫자 10~14자리여야 합니다." in page
    assert NoiseApplication.objects.count() == before


def test_no_stored_xss_in_the_explanation(sample, planner):
    response = planner.post(
        "/military/noise/2025/apply/",
        {
            "name": "<script>alert(1)</script>",
            "resident_number": "900101-1000000",
            "address": "<b>x</b>",
            "zone": "3",
            "moved_in_on": "2000-01-01",
            "applied_on": "2025-02-10",
            "bank_code": "011",
            "account_number": "1234567890",
        },
    )
    assert response.status_code == 302
    page = planner.get(response["Location"]).content.decode()
    assert "<script>alert(1)" not in page


def test_cycle_and_exports(sample, planner):
    assert planner.post("/military/noise/2025/decide/", {"on": "2025-04-22"}).status_code == 302
    from cityhall.military.models import CompensationYear

    meeting = CompensationYear.objects.get(year=2025).decision_meeting
    assert meeting.code == "policy-planning-c5-2025-01"
    assert (
        meeting.agenda_items.get().title
        == "2025년 군소음 피해 보상금 지급대상 및 보상금액 결정 (150명, 40,000,000원)"
    )
    assert planner.post("/military/noise/2025/notify/", {"on": "2025-05-30"}).status_code == 302
    assert planner.post("/military/noise/2025/pay/", {"on": "2025-08-29"}).status_code == 302
    assert NoiseApplication.objects.filter(status="paid").count() == 150
    book = openpyxl.load_workbook(io.BytesIO(planner.get("/military/noise/2025/decisions.xlsx").content))
    assert book["합계"]["A2"].value == 150 and book["합계"]["B2"].value == 40_000_000
    assert book["심의결정"]["C3"].value == "470202-2******"
    hwpx = planner.get("/military/noise/2025/decisions.hwpx")
    assert hwpx.status_code == 200 and hwpx.content[:2] == b"PK"
    assert "no-store" in hwpx["Cache-Control"]
    response = planner.get("/military/noise/2025/payments.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("cp949"))))
    assert rows[0] == ["은행코드", "은행명", "계좌번호", "예금주", "이체금액", "받는분통장표시"]
    assert len(rows) == 151 and sum(int(r[4]) for r in rows[1:]) == 40_000_000
    assert AuditEvent.objects.filter(action="reveal", record_type="noise_compensation_years").exists()


def test_a_step_out_of_order_is_refused_with_a_message(sample, planner):
    response = planner.post("/military/noise/2025/pay/", {"on": "2025-08-29"}, follow=True)
    assert "결정 통지 뒤에 지급합니다." in response.content.decode()


def test_compute_page_bad_zone_and_result(db, other):
    services.rule_version_load_default(actor=services.audit.Actor.system("t"))
    ok = other.post(
        "/military/noise/compute/", {"residence_year": 2024, "zone": "2", "moved_in_on": "2015-01-07"}
    )
    assert "270,000원" in ok.content.decode()
    bad = other.post(
        "/military/noise/compute/",
        {"residence_year": 2024, "zone": "2", "moved_in_on": "2015-01-07", "workplace_outside_months": "13"},
    )
    assert bad.status_code == 400 and "근무지 월은 1~12여야 합니다." in bad.content.decode()


def test_support_page_links_the_plan_check_finding(db, other):
    page = other.get("/military/support/").content.decode()
    assert "용정1리 배수로 정비 사업" in page and "484,000" in page and "48,000" in page
    assert "기재 20,000천원" in page


def test_record_pages_of_the_module_answer(sample, planner):
    from cityhall.military.models import SupportProjectProgress

    services_reform = __import__("cityhall.reform.services", fromlist=["samples_load"])
    services_reform.samples_load()
    progress = SupportProjectProgress.objects.get(program__code="policy-planning-mas-5")
    for path in (
        "/records/regulation_cases/",
        "/records/cooperation_tasks/",
        "/records/noise_rule_rows/",
        f"/records/support_project_progress/{progress.pk}/edit/",
    ):
        assert planner.get(path).status_code == 200, path
    page = planner.get("/military/support/").content.decode()
    assert f"/records/support_project_progress/{progress.pk}/edit/" in page
    response = planner.post(
        f"/records/support_project_progress/{progress.pk}/edit/",
        {
            "program": "policy-planning-mas-5",
            "status": "in_progress",
            "progress": "140",
            "settled_amount": "0",
        },
    )
    assert response.status_code == 400 and "진척률은 100%를 넘을 수 없습니다." in response.content.decode()


def test_council_meeting_recorded_through_the_committees_app(sample, planner):
    from cityhall.committees.models import CommitteeMember, Meeting

    page = planner.post(
        "/military/cooperation/councils/mil-council-working/meetings/",
        {"held_on": "2025-03-25", "agenda": "경계철책 철거\n탄약고 이전", "minutes": ""},
        follow=True,
    ).content.decode()
    assert "위원 수를 알 수 없어 정족수를 정할 수 없습니다" in page  # the councils' members come first
    committee = CooperationCouncil.objects.get(code="mil-council-working").committee
    CommitteeMember.objects.create(committee=committee, name="예시", affiliation="김포시 부시장")
    page = planner.post(
        "/military/cooperation/councils/mil-council-working/meetings/",
        {"held_on": "2025-03-25", "agenda": "경계철책 철거\n탄약고 이전", "minutes": "협의 완료"},
        follow=True,
    ).content.decode()
    meeting = Meeting.objects.get(committee=committee)
    assert f"회의를 기록했습니다: {meeting.code}" in page
    assert [i.title for i in meeting.agenda_items.order_by("order")] == ["경계철책 철거", "탄약고 이전"]
    assert "2025-03-25 policy-planning-council-2-2025-01" in page
