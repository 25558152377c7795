"""The office summary exports (seed section I 일반현황) as XLSX and HWPX."""

from io import BytesIO

import pytest
from django.test import Client
from hwpx import HwpxDocument
from openpyxl import load_workbook

from cityhall.organisation import reports, selectors

XLSX_URL = "/reports/office-summary.xlsx"
HWPX_URL = "/reports/office-summary.hwpx"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rows_of(sheet) -> list[tuple]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def row_starting(sheet, first) -> tuple:
    for row in rows_of(sheet):
        if row[0] == first:
            return row
    raise AssertionError(f"no row starting with {first!r} in {sheet.title}")


@pytest.mark.parametrize("url", [XLSX_URL, HWPX_URL])
def test_exports_need_login_and_role(roles, url):
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith("/accounts/login/")
    assert client_for(roles["norole"]).get(url).status_code == 403


@pytest.fixture
def workbook(roles):
    response = client_for(roles["viewer"]).get(XLSX_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(BytesIO(response.content))


def test_xlsx_sheets(workbook):
    assert workbook.sheetnames == [
        "기구",
        "인력",
        "주요업무",
        "주요사업(정책기획과)",
        "주요사업(예산법무과)",
        "주요사업(정보통신과)",
        "주요사업(스마트도시과)",
        "위원회",
        "시설물",
        "장비현황",
    ]


def test_xlsx_organisation_and_staffing(workbook):
    sheet = workbook["기구"]
    assert sheet["A1"].value == "□ 기구 : 4과 18팀"
    assert row_starting(sheet, "정책기획과") == (
        "정책기획과",
        5,
        "기획팀, 조직팀, 성과관리팀, 70상상팀, 군관협력팀",
    )
    assert row_starting(sheet, "합계")[1] == 18

    sheet = workbook["인력"]
    assert sheet["A1"].value == "□ 인력 : 정원 82명 / 현원 71명, 정원외 인력 6명"
    assert rows_of(sheet)[1] == (
        "구분",
        "계",
        "3급",
        "4급",
        "5급",
        "6급",
        "7급",
        "8급",
        "9급",
        "정원외",
        "비고",
    )
    assert row_starting(sheet, "합계") == (
        "합계",
        "82/71",
        "-",
        "1/1",
        "4/4",
        "22/22",
        "34/26",
        "15/15",
        "6/3",
        6,
        None,
    )
    assert row_starting(sheet, "정책기획과") == (
        "정책기획과", "26/17", "-", "1/1", "1/1", "7/6", "11/7", "4/2", "2/0", 2, "개체"
    )  # fmt: skip
    assert row_starting(sheet, "스마트도시과")[1] == "16/15"
    assert row_starting(sheet, "정보통신과")[9] is None  # no 정원외 in the source


def test_xlsx_duties_and_budgets(workbook):
    sheet = workbook["주요업무"]
    assert sheet["A1"].value == "(단위 : 천원)"
    row = row_starting(sheet, "스마트도시과")
    assert row[2] == 7_943_267
    assert "• 스마트도시 공모사업 발굴 및 서비스 운영" in row[1]
    assert row_starting(sheet, "예산법무과")[2] == 52_150_673
    assert row_starting(sheet, "합계")[2] == 64_415_421
    assert sheet.cell(row=3, column=3).number_format == "#,##0"


def test_xlsx_main_programs(workbook):
    sheet = workbook["주요사업(스마트도시과)"]
    assert "단위 : 천원" in sheet["A1"].value
    assert rows_of(sheet)[1] == ("연번", "사업명", "'25년 사업비", "사업기간", "사업규모", "비고")
    assert row_starting(sheet, 14) == (
        14,
        "통합관제시스템 운영유지",
        1_475_000,
        "연 중",
        "방법CCTV 5,645대 센터 장비 703식",
        None,
    )
    assert row_starting(sheet, 9)[2:] == (
        833_334,
        "'25. 3. ~ 12.",
        "상수시설물 74.23km GIS DB 수정 갱신",
        "국비 30%",
    )
    programs = [r for r in rows_of(sheet)[2:] if isinstance(r[0], int)]
    assert [r[0] for r in programs] == list(range(1, 15))  # only the I.3 table, not the task programs
    assert row_starting(sheet, "합계")[2] == sum(r[2] for r in programs) == 7_792_439
    sheet = workbook["주요사업(예산법무과)"]
    assert row_starting(sheet, 6)[1:3] == ("지방공기업 지원", 21_629_281)


def test_xlsx_committees_facilities_equipment(workbook):
    committees = rows_of(workbook["위원회"])[2:]
    assert len(committees) == 19  # the I.3 committees; the councils are not in section I
    assert ("예산법무과", 6, "주민참여예산 위원회", 45, "위창수 (위촉위원)") == committees[12][:5]
    facilities = rows_of(workbook["시설물"])[2:]
    assert [f[2] for f in facilities] == ["전산실", "통신실"]
    sheet = workbook["장비현황"]
    assert "2024. 12. 31." in sheet["A1"].value
    equipment = rows_of(sheet)[2:]
    bit = next(r for r in equipment if r[2] == "BIT")
    assert bit[:8] == ("스마트도시과", "BIS", "BIT", None, 498, "대", 472, None)
    lights = sum(r[4] for r in equipment if r[1] == "스마트가로등" and r[2] == "가로등")
    assert lights == 638
    assert sum(r[4] for r in equipment if r[1] == "CCTV 통합관제") == 703


def test_xlsx_query_count(roles, django_assert_max_num_queries):
    client = client_for(roles["viewer"])
    with django_assert_max_num_queries(14):
        assert client.get(XLSX_URL).status_code == 200


def test_hwpx_opens_again_and_holds_the_report(roles):
    response = client_for(roles["viewer"]).get(HWPX_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/hwp+zip"
    assert ".hwpx" in response["Content-Disposition"]
    document = HwpxDocument.open(response.content)
    text = document.text.plain()
    assert "기획조정실" in text and "82" in text
    assert "□ 기구 : 4과 18팀" in text
    assert "□ 인력 : 정원 82명 / 현원 71명, 정원외 인력 6명" in text
    assert "합계\t82/71\t-\t1/1\t4/4\t22/22\t34/26\t15/15\t6/3\t6" in text
    assert "14\t통합관제시스템 운영유지\t1,475,000\t연 중" in text
    assert "스마트도시과\t• 스마트도시 공모사업 발굴 및 서비스 운영" in text
    assert "64,415,421" in text
    assert "통합관제 운영위원회" in text and "전산실" in text
    assert not document.validate().issues


def test_hwpx_has_tables(db):
    summary = selectors.office_summary()
    document = HwpxDocument.open(reports.summary_hwpx_bytes(summary))
    tables = [t for p in document.paragraphs for t in p.tables]
    # 기구, 인력, 주요업무, 4 program tables, 4 committee tables, 1 facility table, 5 equipment systems
    assert len(tables) == 17
    staffing = tables[1]
    assert (staffing.row_count, staffing.column_count) == (6, 11)
    assert staffing.cell(1, 1).text == "82/71"


# --- The report made on the task queue ---------------------------------------------------------------


def test_the_summary_is_made_on_the_queue_and_downloaded_from_the_run(roles, settings):
    from cityhall.jobs.models import JobRun
    from cityhall.jobs.queue import run_due

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = client_for(roles["viewer"])
    assert 'action="/reports/office-summary/xlsx/generate/"' in client.get("/organisation/").content.decode()
    response = client.post("/reports/office-summary/xlsx/generate/")
    run = JobRun.objects.get()
    assert response.status_code == 302 and response.url == f"/jobs/runs/{run.pk}/"
    assert "상태: 대기" in client.get(response.url).content.decode()
    assert run_due() == 1
    page = client.get(response.url).content.decode()
    assert "상태: 완료" in page and f'href="/jobs/runs/{run.pk}/download/"' in page
    download = client.get(f"/jobs/runs/{run.pk}/download/")
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=UTF-8''%EA%B8%B0%ED%9A%8D" in download["Content-Disposition"]
    queued = load_workbook(BytesIO(download.content))
    direct = load_workbook(BytesIO(client.get(XLSX_URL).content))
    assert queued.sheetnames == direct.sheetnames
    for name in direct.sheetnames:
        assert rows_of(queued[name]) == rows_of(direct[name])
    # Another member of staff does not get it.
    assert client_for(roles["editor"]).get(f"/jobs/runs/{run.pk}/download/").status_code == 403


def test_the_hwpx_report_and_bad_formats(roles):
    client = client_for(roles["viewer"])
    # The immediate backend (tests) makes it inside the request: the run is done at once.
    response = client.post("/reports/office-summary/hwpx/generate/")
    download = client.get(response.url + "download/")
    assert download["Content-Type"] == "application/hwp+zip"
    assert download.content[:2] == b"PK"
    assert client.post("/reports/office-summary/pdf/generate/").status_code == 404
    assert client.get("/reports/office-summary/xlsx/generate/").status_code == 405
    assert Client().post("/reports/office-summary/xlsx/generate/").status_code == 302  # to the login
