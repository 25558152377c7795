"""성과관리 pages: access, exact values, the actual form, the cycle stage and the allocation (+ XLSX)."""

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from cityhall.core.models import AuditEvent
from cityhall.performance.models import DepartmentScore, EvaluationCycle, IndicatorActual

from .helpers import YEAR, example

PAGES = [f"/performance/?year={YEAR}", "/performance/indicators/pp-a/", f"/performance/incentives/{YEAR}/"]


@pytest.fixture
def data(db):
    return example()


@pytest.mark.parametrize(
    "url, heading, shows",
    [
        (PAGES[0], f"{YEAR}년 성과관리", "지표 4개 · 시군종합평가 1개 · S등급 미달·미정 1개"),
        (PAGES[1], "지표 pp-a", 'id="achievement">80.00%'),
        (PAGES[2], f"{YEAR}년 성과급 배분", "463,134"),
    ],
)
def test_role_holder_sees_page(client, roles, data, url, heading, shows):
    """A viewer of another department sees the page with the hand-worked example's values."""
    client.force_login(roles["viewer"])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf"<h1[^>]*>{re.escape(heading)}</h1>", html)
    assert shows in html


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_sent_to_login(client, data, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", PAGES)
def test_user_without_role_is_refused(client, roles, data, url):
    client.force_login(roles["norole"])
    assert client.get(url).status_code == 403


def test_overview_values_and_not_s_badge(client, roles, data):
    client.force_login(roles["viewer"])
    html = client.get(f"/performance/?year={YEAR}").content.decode()
    assert "지표 4개 · 시군종합평가 1개 · S등급 미달·미정 1개" in html
    row = html[html.index('id="indicator-pp-a"') :]
    row = row[: row.index("</tr>")]
    assert '<td class="num">50</td>' in row  # target
    assert "40 <span" in row and "4분기(연간)" in row  # latest actual
    assert "80.00%" in row
    row_b = html[html.index('id="indicator-pp-b"') :]
    row_b = row_b[: row_b.index("</tr>")]
    assert '<span class="badge">A</span> <span class="badge bad">S 미달</span>' in row_b
    assert "현재 단계: 평가" in html
    assert "다음 단계로" not in html  # a smart-city viewer does not advance the cycle


def test_indicator_page_has_chart_and_form_for_own_department(client, roles, data):
    client.force_login(roles["other_editor"])
    html = client.get("/performance/indicators/pp-a/").content.decode()
    assert "<svg" in html and "<polyline" in html
    assert 'id="achievement">80.00%' in html
    assert "실적 입력" in html
    client.force_login(roles["editor"])  # smart-city: not its indicator
    assert "실적 입력" not in client.get("/performance/indicators/pp-a/").content.decode()


def test_record_actual_by_owner(client, roles, data):
    client.force_login(roles["other_editor"])
    response = client.post(
        "/performance/indicators/pp-a/actuals/", {"quarter": 1, "value": "12.5", "evidence": "회의록"}
    )
    assert response.status_code == 302
    saved = IndicatorActual.objects.get(indicator__code="pp-a", quarter=1)
    assert (str(saved.value), saved.evidence, saved.recorded_by) == ("12.50", "회의록", "pp-editor")
    assert AuditEvent.objects.filter(
        record_type="indicator_actuals", record_id=saved.pk, action="create"
    ).exists()


def test_record_actual_refused_and_bad_input(client, roles, data):
    client.force_login(roles["editor"])
    assert (
        client.post("/performance/indicators/pp-a/actuals/", {"quarter": 1, "value": "1"}).status_code == 403
    )
    client.force_login(roles["other_editor"])
    response = client.post("/performance/indicators/pp-a/actuals/", {"quarter": 1, "value": "-1"})
    assert response.status_code == 400
    assert "실적은 음수일 수 없습니다." in response.content.decode()
    assert not IndicatorActual.objects.filter(quarter=1).exists()


def test_cycle_advance_by_planning_only(client, roles, data):
    client.force_login(roles["manager"])
    assert client.post(f"/performance/cycles/{YEAR}/advance/").status_code == 403
    client.force_login(roles["other_editor"])
    assert "다음 단계로" in client.get(f"/performance/?year={YEAR}").content.decode()
    response = client.post(f"/performance/cycles/{YEAR}/advance/")
    assert response.status_code == 302
    assert EvaluationCycle.objects.get(year=YEAR).stage == "feedback"


def test_incentives_page_values(client, roles, data):
    client.force_login(roles["viewer"])
    html = client.get(f"/performance/incentives/{YEAR}/").content.decode()
    assert 'id="alloc-total">1000000<' in html
    row = html[html.index('id="alloc-policy-planning"') :]
    row = row[: row.index("</tr>")]
    assert (
        '<td class="num">85.00</td><td class="num">17</td>'
        '<td class="num">1445</td><td class="num">463,134</td>' in row
    )
    assert "배분 확정·저장" not in html


def test_incentives_page_errors(client, roles, db):
    client.force_login(roles["viewer"])
    response = client.get("/performance/incentives/2031/")
    assert response.status_code == 200
    assert "2031년 성과급 배분 기준이 없습니다." in response.content.decode()


def test_allocate_from_page(client, roles, data):
    client.force_login(roles["manager"])
    assert client.post(f"/performance/incentives/{YEAR}/allocate/").status_code == 403
    assert not DepartmentScore.objects.exists()
    client.force_login(roles["director"])
    assert client.post(f"/performance/incentives/{YEAR}/allocate/").status_code == 302
    assert sorted(DepartmentScore.objects.values_list("amount", flat=True)) == [463_134, 536_866]


def test_incentives_xlsx(client, roles, data):
    client.force_login(roles["viewer"])
    response = client.get(f"/performance/incentives/{YEAR}.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == ("부서", "성과점수", "현원", "배분 기준값", "배분액(원)", "산출 근거")
    assert rows[2][0] == "정책기획과" and rows[2][4] == 463_134
    assert rows[4][0] == "합계" and rows[4][4] == 1_000_000


@pytest.mark.parametrize(
    "model, label, count",
    [
        ("indicator", "성과지표", 4),
        ("indicatoractual", "지표 실적", 4),
        ("indicatorgrade", "지표 등급", 1),
        ("evaluationcycle", "평가 주기", 1),
        ("incentiverule", "성과급 배분 기준", 1),
        ("departmentscore", "부서 성과점수", 0),  # nothing allocated yet
    ],
)
def test_admin_lists(client, data, model, label, count):
    """The admin lists each model with the example's records, and only those."""
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", password="pw-for-tests-1")
    client.force_login(admin)
    response = client.get(f"/admin/performance/{model}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>변경할 {label} 선택</h1>" in html
    paginator = re.search(r'<p class="paginator">\s*(.*?)\s*</p>', html, re.S).group(1)
    assert paginator == f"{count} {label}"


def test_grade_set_by_planning_only(client, roles, data):
    client.force_login(roles["editor"])
    assert "등급 입력" not in client.get("/performance/indicators/pp-b/").content.decode()
    assert client.post("/performance/indicators/pp-b/grade/", {"grade": "S"}).status_code == 403
    client.force_login(roles["other_editor"])
    assert "등급 입력" in client.get("/performance/indicators/pp-b/").content.decode()
    assert (
        client.post("/performance/indicators/pp-b/grade/", {"grade": "S", "note": "도 평가"}).status_code
        == 302
    )
    client.post("/performance/indicators/pp-b/grade/", {"grade": "Z"})  # refused with a message
    events = AuditEvent.objects.filter(record_type="indicator_grades", action="update")
    assert [(e.before["grade"], e.after["grade"]) for e in events] == [("A", "S")]
    html = client.get(f"/performance/?year={YEAR}").content.decode()
    assert "S등급 미달·미정 0개" in html
