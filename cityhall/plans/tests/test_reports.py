"""A department's plan as XLSX and HWPX: opened with openpyxl and python-hwpx, exact content checked."""

from datetime import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from hwpx import HwpxDocument
from openpyxl import load_workbook

from cityhall.plans.models import Milestone

XLSX_URL = "/reports/departments/smart-city-plan.xlsx"
HWPX_URL = "/reports/departments/smart-city-plan.hwpx"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setenv("CITYHALL_TODAY", "2025-04-15")


@pytest.fixture
def viewer_client(client, roles):
    client.force_login(roles["viewer"])
    return client


def rows(ws, first: int = 1) -> list[tuple]:
    return list(ws.iter_rows(min_row=first, values_only=True))


def test_url_names():
    assert reverse("plans:department_plan_xlsx", args=["smart-city"]) == XLSX_URL
    assert reverse("plans:department_plan_hwpx", args=["smart-city"]) == HWPX_URL


@pytest.mark.parametrize("url", [XLSX_URL, HWPX_URL])
def test_access(client, roles, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(roles["norole"])
    assert client.get(url).status_code == 403
    client.force_login(roles["other_editor"])  # anyone with a role may read the whole plan
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/reports/departments/no-such-plan.xlsx",
        "/reports/departments/planning-plan.xlsx",  # a team, not a department
        "/reports/departments/no-such-plan.hwpx",
        "/reports/departments/smart-city-plan.pdf",
    ],
)
def test_unknown_department_is_404(viewer_client, url):
    assert viewer_client.get(url).status_code == 404


def test_xlsx_holds_the_department_plan(viewer_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = viewer_client.get(XLSX_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''2025-smart-city-plan.xlsx"
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["과제", "과제 내용", "추진일정", "사업"]

    tasks = rows(book["과제"])
    assert tasks[0][0] == "2025년 스마트도시과 주요업무계획"
    assert tasks[1] == ("번호", "과제명", "목표", "과장", "팀장", "담당자", "협조부서", "출처")
    assert len(tasks) == 2 + 5
    assert tasks[3] == (
        2,
        "시민 안전 긴급차량 우선신호시스템 운영",
        "❖ 화재, 구급 등 응급·재난 시 긴급차량(소방, 구급차 등)의 경로 최적화, 신호 제약 없이 통행할 수 있는 "
        "우선신호를 운영함으로써 시민 안전 확보",
        "스마트도시과장 이미화",
        "교통정보팀장 최은경 (내선 4961)",
        "담당자 김대원 (내선 4962)",
        "교통정책과",
        "IV.4.2 · 1052행",
    )
    assert tasks[4][6] == "대중교통과\n도로관리과"
    assert tasks[4][2].count("❖") == 2

    items = rows(book["과제 내용"])
    assert items[0] == ("과제 번호", "구분", "제목", "수준", "내용", "출처")
    assert len(items) == 1 + 36
    assert items[1] == (1, "추진내용", "사업개요", 0, "사업기간 : 2025. 1. ~ 12.", "IV.4.1 · 1022행")

    milestones = rows(book["추진일정"])
    assert milestones[0] == ("과제 번호", "기간", "시작", "종료", "내용", "단계", "완료", "완료일", "출처")
    assert len(milestones) == 1 + 14
    assert (
        2,
        "2025. 3. ~ 4.",
        datetime(2025, 3, 1),
        datetime(2025, 4, 30),
        "교통신호제어기 온라인신호 전환",
        "추진계획",
        None,
        None,
        "IV.4.2 · 1074행",
    ) in milestones

    programs = rows(book["사업"])
    assert programs[0][0] == "(단위 : 천원)"
    assert programs[1][:6] == ("연번", "사업명", "부서", "업무계획 과제", "연도", "사업비")
    assert len(programs) == 2 + 24  # with the 2024 ITS phase-2 project
    assert programs[2][:6] == (
        1,
        "스마트가로등 운영",
        "스마트도시과",
        "1. 사물인터넷(IoT) 스마트가로등 운영",
        2025,
        18054,
    )
    by_name = {(p[1], p[4]): p for p in programs[2:]}
    cctv = by_name[("방법형 CCTV 확대설치", 2025)]
    assert cctv[3] == "5. 방법 CCTV 확대설치" and cctv[5] == 980000 and cctv[9] == "특별조정교부금 980,000"
    assert by_name[("CCTV 확대설치", 2025)][9] == "국·도비 36,000, 시비 84,000"
    assert by_name[("유관기관 지하시설물 DB", 2025)][5:7] == (None, "비예산")
    main = [p for p in programs[2:] if p[0] is not None]
    assert sum(p[5] for p in main) == 7_792_439  # the 14 rows of the plan's I.3 table


def test_xlsx_reflects_a_done_milestone(viewer_client):
    from datetime import date

    Milestone.objects.filter(task__code="smart-city-2", order=3).update(done=True, done_on=date(2025, 4, 10))
    book = load_workbook(BytesIO(viewer_client.get(XLSX_URL).content))
    row = next(r for r in rows(book["추진일정"]) if r[4] == "교통신호제어기 온라인신호 전환")
    assert row[6:8] == ("완료", datetime(2025, 4, 10))


def test_xlsx_of_a_department_with_task_programs(viewer_client):
    book = load_workbook(BytesIO(viewer_client.get("/reports/departments/policy-planning-plan.xlsx").content))
    programs = rows(book["사업"], first=3)
    linked = [p for p in programs if p[3] == "6. 군소음 보상 및 군부대 주변 지역 지원사업"]
    assert len(linked) == 11
    assert sum(p[5] for p in linked) == 572_000


def test_hwpx_holds_the_department_plan(viewer_client):
    response = viewer_client.get(HWPX_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/hwp+zip"
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''2025-smart-city-plan.hwpx"
    doc = HwpxDocument.open(response.content)
    assert not doc.validate().issues
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == "2025년 스마트도시과 주요업무계획"
    assert "스마트도시과 · 과제 5건 · 출처: 2025년 기획조정실 주요업무계획" in paragraphs
    for line in [
        "1. 사물인터넷(IoT) 스마트가로등 운영",
        "2. 시민 안전 긴급차량 우선신호시스템 운영",
        "5. 방법 CCTV 확대설치",
        "❖ 화재, 구급 등 응급·재난 시 긴급차량(소방, 구급차 등)의 경로 최적화, 신호 제약 없이 통행할 수 있는 "
        "우선신호를 운영함으로써 시민 안전 확보",
        "□ 사업개요",
        "  ○ 소요예산 : 223,032천원",
        "    - 구축·시범 운영 : '25.7월까지 / 정식 운영 : '25.8월부터",
        "□ 추진일정",
        "□ 관련 사업 (단위: 천원)",
        "추진부서: 스마트도시과장 이미화 / 교통정보팀장 최은경 (내선 4961) / 담당자 김대원 (내선 4962)",
        "협조부서: 교통정책과",
    ]:
        assert line in paragraphs, line
    first, last = "1. 사물인터넷(IoT) 스마트가로등 운영", "5. 방법 CCTV 확대설치"
    assert paragraphs.index(first) < paragraphs.index(last)

    tables = doc.tables.all

    def cells(table):
        return [[table.cell(r, c).text for c in range(table.column_count)] for r in range(table.row_count)]

    summary = cells(tables[0])
    assert summary[0] == ["번호", "과제명", "추진일정", "과장", "팀장"]
    assert summary[2] == ["2", "시민 안전 긴급차량 우선신호시스템 운영", "6건", "이미화", "최은경"]
    assert len(summary) == 6
    all_cells = [cells(t) for t in tables]
    assert ["2025. 3. ~ 4.", "교통신호제어기 온라인신호 전환", "추진계획", ""] in [
        r for t in all_cells for r in t
    ]
    program_header = ["사업명", "사업비", "사업기간", "시행 부서"]
    program_table = next(
        t for t in all_cells if t[0] == program_header and ["방법형 CCTV 확대설치", "980,000", "", ""] in t
    )
    assert ["방법형 CCTV 확대설치", "980,000", "", ""] in program_table
    assert ["CCTV 확대설치", "120,000", "", ""] in program_table


def test_hwpx_query_count_is_bounded(viewer_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert viewer_client.get("/reports/departments/info-comm-plan.hwpx").status_code == 200


@pytest.mark.parametrize("code", ["policy-planning", "budget-legal", "info-comm", "smart-city"])
def test_every_department_plan_opens(viewer_client, code):
    book = load_workbook(BytesIO(viewer_client.get(f"/reports/departments/{code}-plan.xlsx").content))
    assert book.sheetnames == ["과제", "과제 내용", "추진일정", "사업"]
    doc = HwpxDocument.open(viewer_client.get(f"/reports/departments/{code}-plan.hwpx").content)
    assert doc.paragraphs[0].text.endswith("주요업무계획")
    assert not doc.validate().issues
