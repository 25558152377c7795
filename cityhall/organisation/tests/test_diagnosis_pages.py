"""조직진단 pages, the XLSX export and the read-only API: who may see them and the exact figures."""

from html import unescape
from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from cityhall.organisation.models import OrgUnit, TeamStaffing, WorkloadTask
from cityhall.organisation.services import workload_load_sample

PAGE = "/organisation/diagnosis/"
XLSX = "/organisation/diagnosis/workload.xlsx"
API = "/api/v1/organisation/workload-analysis"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sample(db):
    workload_load_sample()


@pytest.mark.parametrize("url", [PAGE, XLSX])
def test_need_a_login_and_a_role(roles, url):
    response = Client().get(url)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert client_for(roles["norole"]).get(url).status_code == 403
    assert client_for(roles["director"]).post(url).status_code == 405


def test_page_without_data(roles):
    response = client_for(roles["viewer"]).get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "정원 82명 / 현원 71명, 결원 11명" in html  # the seed's staffing
    assert "26/17" in html and "34/26" in html
    assert "현원 자료 없음: 비율 계산 불가" in html
    assert "예시 자료:" not in html


def test_page_with_the_sample(roles, sample):
    html = client_for(roles["viewer"]).get(PAGE).content.decode()
    assert "예시 자료:" in html
    assert "과부하 5팀" in html and "적정 9팀" in html and "여유 4팀" in html
    assert "1인 연간 근무시간 1952시간" in html
    assert "소요인력(명) = Σ(연간 업무량 × 단위당 표준시간) ÷ 1인 연간 근무시간" in html
    # 기획팀: 10,220 h → 5.24 person-years, 4 staff, +1.24, ratio 1.31, 과부하
    row = html.split('id="team-planning"')[1].split("</tr>")[0]
    for value in ("10,220.0", "5.24", ">4<", "1.24", "1.31", "badge bad", "과부하"):
        assert value in row, value
    assert "<svg" in html and "기획팀 소요 5.24명, 현원 4명" in html
    assert 'id="category-admin"' in html  # similar-team comparison


def test_edit_links_follow_the_department(roles, sample):
    html = client_for(roles["editor"]).get(PAGE).content.decode()
    own = WorkloadTask.objects.filter(team__parent__code="smart-city").first()
    other = WorkloadTask.objects.filter(team__parent__code="policy-planning").first()
    assert f"/records/workload-tasks/{own.pk}/edit/" in html
    assert f"/records/workload-tasks/{other.pk}/edit/" not in html
    assert "/records/workload-tasks/new/" in html
    assert "/records/workload-tasks/new/" not in client_for(roles["viewer"]).get(PAGE).content.decode()


def test_settings_in_the_query_string(roles, sample):
    client = client_for(roles["viewer"])
    # 기획팀 10,220 h with 2,555 h a person-year: exactly 4.00 person-years / 4 staff = 1.00
    html = client.get(PAGE, {"hours": "2555"}).content.decode()
    row = html.split('id="team-planning"')[1].split("</tr>")[0]
    assert "4.00" in row and "1.00" in row and "적정" in row
    response = client.get(PAGE, {"hours": "0"})
    assert response.status_code == 400
    assert "1인 연간 근무시간(hours): 0은(는) 범위를 벗어납니다. 1~8784 사이로 입력하세요." in (
        unescape(response.content.decode())
    )
    response = client.get(PAGE, {"over": "0.8"})  # below the underload threshold (0.9)
    assert response.status_code == 400
    assert "판정 기준은 0 &lt; 여유 기준 ≤ 과부하 기준이어야 합니다." in response.content.decode()


def test_zero_staff_shows_the_flag(roles, sample):
    TeamStaffing.objects.filter(team__code="planning").update(current=0)
    html = client_for(roles["viewer"]).get(PAGE).content.decode()
    row = html.split('id="team-planning"')[1].split("</tr>")[0]
    assert "현원 0명: 비율 계산 불가" in row


def test_xlsx(roles, sample):
    response = client_for(roles["viewer"]).get(XLSX)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["산식", "팀별 소요인력", "단위업무", "유사 업무 비교"]
    formula = [[c.value for c in row] for row in book["산식"].iter_rows(min_row=2)]
    assert ["소요인력(명)", "Σ(연간 업무량 × 단위당 표준시간) ÷ 1인 연간 근무시간"] in formula
    assert ["1인 연간 근무시간", 1952] in formula
    teams = [[c.value for c in row] for row in book["팀별 소요인력"].iter_rows(min_row=3)]
    assert teams[0][:9] == ["정책기획과", "기획팀", 4, 10220, 5.24, 4, 1.24, 1.31, "과부하"]
    assert len(teams) == 18 + 4
    assert book["단위업무"].max_row == 2 + 56
    assert "예시 자료 포함" in book["팀별 소요인력"]["A1"].value
    assert client_for(roles["viewer"]).get(XLSX, {"hours": "-1"}).status_code == 400


def test_api_permissions(roles, sample):
    assert Client().get(API).status_code == 401
    assert client_for(roles["norole"]).get(API).status_code == 403
    assert client_for(roles["viewer"]).post(API).status_code == 405


def test_api_returns_the_analysis(roles, sample):
    data = client_for(roles["viewer"]).get(API).json()
    assert data["hours_per_person_year"] == 1952 and data["has_sample"] is True
    codes = [d["code"] for d in data["departments"]]
    assert codes == ["policy-planning", "budget-legal", "info-comm", "smart-city"]
    planning = data["departments"][0]["teams"][0]
    assert {k: planning[k] for k in ("code", "hours", "required", "current", "ratio", "classification")} == {
        "code": "planning",
        "hours": 10220.0,
        "required": 5.24,
        "current": 4,
        "ratio": 1.31,
        "classification": "overloaded",
    }
    assert len(planning["tasks"]) == 4
    admin = next(c for c in data["categories"] if c["category"] == "admin")
    assert len(admin["teams"]) == 18
    other = client_for(roles["viewer"]).get(API, {"hours": 2555}).json()
    assert other["departments"][0]["teams"][0]["ratio"] == 1.0


def test_api_bad_settings(roles, sample):
    response = client_for(roles["viewer"]).get(API, {"hours": 0})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "loc": ["query", "hours"],
                "msg": "0은(는) 범위를 벗어납니다. 1~8784 사이로 입력하세요.",
                "type": "value_error",
            }
        ]
    }
    response = client_for(roles["viewer"]).get(API, {"over": 0.5, "under": 0.9})
    assert response.status_code == 422


def test_generic_record_pages_edit_workload(roles, sample):
    task = WorkloadTask.objects.filter(team__code="traffic-info").first()
    client = client_for(roles["editor"])
    assert client.get(f"/records/workload-tasks/{task.pk}/edit/").status_code == 200
    other = WorkloadTask.objects.filter(team__code="planning").first()
    assert client.get(f"/records/workload-tasks/{other.pk}/edit/").status_code == 403
    assert client_for(roles["viewer"]).get("/records/team-staffings/").status_code == 200
    assert client_for(roles["viewer"]).get("/records/workload-tasks/").status_code == 200
    assert client.get("/records/workload-tasks/new/").status_code == 200
    assert OrgUnit.objects.filter(kind="team").count() == 18


def test_existing_pages_unchanged(roles):
    assert client_for(roles["viewer"]).get("/organisation/").status_code == 200
