"""정보통신과 pages and API: what each role sees and may do, bad input answered in Korean, nothing
written when refused."""

import pytest

from cityhall.core.tests.record_matrix import client_for
from cityhall.it import services
from cityhall.it.models import InformatizationProject, Phase, ProjectReview, ReviewResult
from cityhall.organisation.models import Role

API = "/api/v1/it"


@pytest.fixture(autouse=True)
def sample(db):
    services.it_load_sample()


@pytest.fixture
def it_editor(make_user):
    return make_user("ic-editor", Role.EDITOR, "info-comm")


def owner_of(code):
    return InformatizationProject.objects.get(code=code).department.code


def test_the_overview_shows_the_years_counts_beside_the_plan(roles):
    response = client_for(roles["viewer"]).get("/it/?year=2024")
    assert response.status_code == 200
    html = response.content.decode()
    assert "2024년 정보화사업 검토 실적" in html
    assert html.count("일치") >= 7 + 1 + 2  # seven review kinds, PCs, Wi-Fi total and 2024
    assert "불일치" not in html
    assert "하성면~월곶면" in html and "8.800" in html
    assert "전자정부 성과관리 수준 진단: 98점 (지자체 평균 84점) · II.3 · 298행" in html


def test_the_overview_needs_a_role_and_a_good_year(roles, client):
    assert client_for(roles["norole"]).get("/it/").status_code == 403
    assert client.get("/it/").status_code == 302  # to the login page
    bad = client_for(roles["viewer"]).get("/it/?year=20x4")
    assert bad.status_code == 400
    assert "연도" in bad.content.decode()


def test_it_staff_record_a_review_on_the_project_page(it_editor):
    project = InformatizationProject.objects.get(code="sample-2024-37")  # security review missing
    client = client_for(it_editor)
    page = client.get(f"/it/projects/{project.code}/").content.decode()
    assert "보안성검토 — 기록 없음" in page
    response = client.post(
        f"/it/projects/{project.code}/reviews/", {"kind": "security_review", "requested_on": "2024-11-04"}
    )
    assert response.status_code == 302
    review = ProjectReview.objects.get(project=project, kind="security_review")
    bad = client.post(
        f"/it/projects/{project.code}/reviews/{review.pk}/decide/", {f"r{review.pk}-result": "failed"}
    )
    assert bad.status_code == 400
    assert "검토 의견(조건이나 사유)을 적어야 합니다" in bad.content.decode()
    review.refresh_from_db()
    assert review.result == ReviewResult.PENDING
    ok = client.post(
        f"/it/projects/{project.code}/reviews/{review.pk}/decide/",
        {f"r{review.pk}-result": "passed", f"r{review.pk}-decided_on": "2024-11-20"},
    )
    assert ok.status_code == 302
    assert "보안성검토 — 적합" in client.get(f"/it/projects/{project.code}/").content.decode()


def test_the_department_moves_its_project_only_past_a_complete_gate(make_user):
    project = InformatizationProject.objects.get(code="sample-2024-37")
    owner = make_user("owner", Role.EDITOR, project.department.code)
    refused = client_for(owner).post(f"/it/projects/{project.code}/advance/")
    assert refused.status_code == 400
    assert "보안성검토" in refused.content.decode()
    project.refresh_from_db()
    assert project.phase == Phase.PLAN
    ready = InformatizationProject.objects.get(code="sample-2024-13")  # in 구축 with its quality checks
    owner2 = make_user("owner2", Role.EDITOR, ready.department.code)
    assert client_for(owner2).post(f"/it/projects/{ready.code}/advance/").status_code == 302
    ready.refresh_from_db()
    assert ready.phase == Phase.OPERATE


def test_a_viewer_sees_no_forms_and_cannot_post(roles):
    project = InformatizationProject.objects.filter(department__code="smart-city").first()
    client = client_for(roles["viewer"])
    page = client.get(f"/it/projects/{project.code}/").content.decode()
    assert "결과 기록" not in page and "요청 기록" not in page and "다음 단계로</button>" not in page
    assert client.post(f"/it/projects/{project.code}/advance/").status_code == 403
    assert client.post(f"/it/projects/{project.code}/reviews/", {"kind": "quality"}).status_code == 403
    assert not ProjectReview.objects.filter(project=project, result="pending").exists()


def test_api_statistics_gate_and_workflow(it_editor, make_user):
    client = client_for(it_editor)
    stats = client.get(f"{API}/statistics?year=2024").json()
    assert [(s["label"], s["count"], s["stated"], s["matches"]) for s in stats][:2] == [
        ("타당성심사", 53, 53.0, True),
        ("과업심의", 38, 38.0, True),
    ]
    assert client.get(f"{API}/statistics?year=abc").status_code == 422
    gate = client.get(f"{API}/projects/sample-2024-37/gate").json()
    assert (gate["phase"], gate["next_phase"], gate["open"]) == ("plan", "build", False)
    assert [(i["kind"], i["passed"]) for i in gate["required"]] == [
        ("feasibility", True),
        ("task_review", True),
        ("security_review", False),
    ]
    created = client.post(
        f"{API}/projects/sample-2024-37/reviews", {"kind": "security_review"}, content_type="application/json"
    )
    assert created.status_code == 201
    bad = client.post(
        f"{API}/reviews/{created.json()['id']}/decide", {"result": "maybe"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "result"]
    done = client.post(
        f"{API}/reviews/{created.json()['id']}/decide", {"result": "passed"}, content_type="application/json"
    )
    assert done.json()["result"] == "passed"
    owner = make_user("owner", Role.EDITOR, owner_of("sample-2024-37"))
    moved = client_for(owner).post(f"{API}/projects/sample-2024-37/advance")
    assert (moved.status_code, moved.json()["phase"]) == (200, "build")
    plan = client.get(f"{API}/replacement-plan?year=2025").json()
    assert [p["year"] for p in plan] == [2025, 2026, 2027]


def test_api_refuses_other_departments_and_roleless_users(roles):
    client = client_for(roles["viewer"])
    assert (
        client.post(
            f"{API}/projects/sample-2024-37/reviews", {"kind": "quality"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert client_for(roles["norole"]).get(f"{API}/statistics").status_code == 403


def test_the_yearly_report_downloads_as_xlsx_and_hwpx_with_the_plans_figures(roles):
    from io import BytesIO
    from zipfile import ZipFile

    from openpyxl import load_workbook

    client = client_for(roles["viewer"])
    xlsx = client.get("/it/report.xlsx?year=2024")
    assert xlsx.status_code == 200
    book = load_workbook(BytesIO(xlsx.content))
    reviews = book["정보화사업 검토"]
    rows = [[c.value for c in row] for row in reviews.iter_rows(min_row=3)]
    assert rows[0] == ["타당성심사", 53, "53", "II.3 · 302행", "일치"]
    checks = [[c.value for c in row] for row in book["정보통신공사 사용전검사"].iter_rows(min_row=3)]
    assert (
        checks[0][:3] == ["처리 건수", 291, "291"] and checks[1][1:3] == [5, "5"] and checks[1][4] == "일치"
    )
    hwpx = client.get("/it/report.hwpx?year=2024")
    assert hwpx.status_code == 200
    text = "".join(
        ZipFile(BytesIO(hwpx.content)).read(n).decode("utf-8", "ignore")
        for n in ZipFile(BytesIO(hwpx.content)).namelist()
        if n.endswith(".xml")
    )
    assert "2024년 정보통신과 주요 실적" in text and "3,824" in text
    assert client.get("/it/report.xlsx?year=abc").status_code == 400
