"""The office's pages in a real browser, used as a person would: clicking through the menu, searching,
editing a record, ticking off a milestone, downloading exports, at desk and at phone width.

Same set-up as test_browser.py (shared in ``browser.py``): one Chromium for the module, a fresh browser
context per test, the live server with the Gimpo 2025 dataset. Every test also checks that the browser
asked nothing of any host but the live server. ``CITYHALL_SCREENSHOTS=1`` writes docs/screenshots/
{organisation,department,task,calendar,search,record-edit-error,public,phone-dashboard}.png.
"""

import re

import openpyxl
import pytest

from cityhall.budget.models import Program
from cityhall.core.clock import today
from cityhall.core.models import AuditEvent
from cityhall.core.records import record_type_for
from cityhall.organisation.models import OrgUnit, Role
from cityhall.plans.models import Milestone

from .browser import (  # noqa: F401 - the fixtures register by being imported
    browser_fixture,
    log_in,
    open_menu,
    page_fixture,
    path_of,
    requests_elsewhere,
    requires_chromium,
    screenshot,
    site_fixture,
    sync_api,
)

pytestmark = requires_chromium
expect = sync_api.expect

PHONE = {"width": 390, "height": 844}
BAD_BUDGET_ERROR = "금액 '많이'을(를) 읽을 수 없습니다. 예: 750,548천원, 102백만원, 1.2억원"


@pytest.fixture(autouse=True)
def _only_the_live_server(page, site):
    """(i) Whatever a test does, the browser asks nothing of any other host."""
    yield
    assert page.requested, "the request recorder saw nothing"
    assert requests_elsewhere(page, site) == [], "the pages must load nothing from another host"


@pytest.fixture
def editor(page, site, make_user):
    """The page, logged in as an editor of 스마트도시과 (on the dashboard)."""
    make_user("sc-editor", Role.EDITOR, "smart-city")
    log_in(page, site, "sc-editor")
    expect(page).to_have_url(f"{site}/")
    return page


def row_headed(scope, header: str):
    """The table row (in a page or a part of it) whose row header is ``header``."""
    page = getattr(scope, "page", scope)  # ``has`` is matched inside each row: built from the page
    return scope.get_by_role("row").filter(has=page.get_by_role("rowheader", name=header, exact=True))


def overflow(page) -> int:
    """How far the page is wider than the window (a horizontal scroll), in CSS pixels, once its
    stylesheets have loaded."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_editor_clicks_from_the_dashboard_through_each_kind_of_page(editor, site):
    page = editor
    staffing = page.get_by_role("region", name="조직과 인력")
    smart_city = staffing.locator("tbody tr").filter(has=page.get_by_role("rowheader", name="스마트도시과"))
    expect(smart_city).to_contain_text("16/15")

    open_menu(page, "조직")
    expect(page).to_have_url(f"{site}/organisation/")
    card = page.get_by_role("article", name="스마트도시과")
    expect(card).to_contain_text("16/15")
    expect(card).to_contain_text("7,943,267천원")
    screenshot(page, "organisation.png")

    card.get_by_role("link", name="스마트도시과", exact=True).click()
    expect(page).to_have_url(f"{site}/departments/smart-city/")
    expect(page.get_by_role("heading", level=1)).to_have_text("스마트도시과")
    stats = page.locator("dl.stats .card")
    expect(stats.filter(has_text="2025년 예산")).to_contain_text("7,943,267")
    expect(stats.filter(has_text="정원/현원")).to_contain_text("16/15")
    expect(page.get_by_role("link", name="수정 스마트가로등 운영")).to_be_visible()  # an editor's link
    screenshot(page, "department.png")

    page.get_by_role("list", name="팀 목록").get_by_role("link", name="교통정보팀").click()
    expect(page).to_have_url(f"{site}/teams/traffic-info/")
    expect(row_headed(page.get_by_role("region", name="직원과 내선"), "최은경")).to_contain_text("4961")
    expect(page.get_by_role("region", name="맡은 업무계획 과제")).to_contain_text(
        "시민 안전 긴급차량 우선신호시스템 운영"
    )

    open_menu(page, "업무계획")
    expect(page).to_have_url(f"{site}/tasks/")
    expect(page.locator("#task-results .summary")).to_contain_text("과제 24건")
    tasks = page.get_by_role("region", name="스마트도시과 과제 5건")
    tasks.get_by_role("link", name="시민 안전 긴급차량 우선신호시스템 운영", exact=True).click()
    expect(page).to_have_url(f"{site}/tasks/smart-city-2/")
    expect(page.get_by_role("heading", level=1)).to_have_text("2. 시민 안전 긴급차량 우선신호시스템 운영")
    milestones = page.get_by_role("region", name="추진일정 6건")
    expect(row_headed(milestones, "2025. 3. ~ 4.")).to_contain_text("교통신호제어기 온라인신호 전환")
    programs = page.get_by_role("region", name="관련 사업 (단위: 천원)")
    expect(row_headed(programs, "긴급차량 우선신호 시스템 운영")).to_contain_text("223,032")
    screenshot(page, "task.png")

    open_menu(page, "일정")
    expect(page).to_have_url(f"{site}/calendar/")
    expect(page.get_by_role("region", name=re.compile("^3월"))).to_contain_text(
        "교통신호제어기 온라인신호 전환"
    )
    feed = re.compile(rf"^{re.escape(site)}/calendar/feed/[^/]+\.ics$")
    expect(page.get_by_label("구독 주소")).to_have_value(feed)
    expect(page.get_by_role("link", name="ICS 파일 내려받기")).to_have_attribute("href", feed)
    screenshot(page, "calendar.png")

    open_menu(page, "전체 기록")
    expect(page).to_have_url(f"{site}/records/")
    programs_type = page.get_by_role("row").filter(has=page.get_by_role("link", name="사업", exact=True))
    expect(programs_type).to_contain_text("57")
    programs_type.get_by_role("link", name="사업", exact=True).click()
    expect(page).to_have_url(f"{site}/records/programs/")
    expect(page.get_by_role("heading", level=1)).to_have_text("사업")
    expect(page.locator("#record-table")).to_contain_text("57건")
    expect(page.get_by_role("row").filter(has_text="smart-city-p1")).to_contain_text("18,054천원")


def test_search_from_the_header_groups_the_results_by_type_and_leads_to_the_record(editor, site):
    page = editor
    box = page.get_by_role("banner").get_by_role("searchbox", name="검색")
    box.fill("가로등")
    box.press("Enter")

    expect(page).to_have_url(f"{site}/search/?q=%EA%B0%80%EB%A1%9C%EB%93%B1")
    expect(page.get_by_role("status")).to_have_text("‘가로등’ 검색 결과 34건")
    types = [
        "업무계획 과제 1",
        "과제 내용 4",
        "추진일정 1",
        "주요성과 1",
        "성과 내용 1",
        "기재 수치 20",
        "사업 1",
        "장비 5",
    ]
    expect(page.get_by_role("navigation", name="결과 유형").get_by_role("listitem")).to_have_text(types)
    expect(page.locator("#search-results").get_by_role("heading", level=2)).to_have_text(types)
    programs = page.get_by_role("region", name="사업 1")
    expect(programs).to_contain_text("양촌 학운산단 등 스마트가로등 638대 유지관리")
    screenshot(page, "search.png")

    programs.get_by_role("link", name="스마트가로등 운영", exact=True).click()

    program = Program.objects.get(code="smart-city-p1")
    expect(page).to_have_url(f"{site}/records/programs/{program.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("스마트가로등 운영")
    expect(row_headed(page, "사업비")).to_contain_text("18,054천원")


def test_editor_corrects_a_bad_budget_and_the_change_shows_in_the_history(editor, site):
    page = editor
    program = Program.objects.get(code="smart-city-p1")
    events = AuditEvent.objects.filter(record_type=record_type_for(program).name, record_id=program.pk)
    events_before = events.count()
    page.goto(f"{site}/records/programs/{program.pk}/")
    page.get_by_role("link", name="수정", exact=True).click()
    expect(page).to_have_url(f"{site}/records/programs/{program.pk}/edit/")
    budget = page.get_by_label("사업비", exact=True)
    expect(budget).to_have_value("18,054천원")

    budget.fill("많이")
    page.get_by_role("button", name="저장").click()

    expect(page.get_by_role("alert")).to_have_text("입력을 확인해 주세요. 아래에 잘못된 항목을 표시했습니다.")
    field = page.locator("form.record .field").filter(has=budget)
    expect(field.locator(".errorlist")).to_have_text(BAD_BUDGET_ERROR)
    expect(page.locator(".errorlist")).to_have_count(1)  # only the budget is wrong
    expect(budget).to_have_value("많이")
    expect(budget).to_have_attribute("aria-invalid", "true")
    assert path_of(page, site) == f"/records/programs/{program.pk}/edit/"
    program.refresh_from_db()
    assert program.budget == 18_054_000
    assert events.count() == events_before
    budget.scroll_into_view_if_needed()
    screenshot(page, "record-edit-error.png")

    budget.fill("2억원")
    page.get_by_role("button", name="저장").click()

    expect(page).to_have_url(f"{site}/records/programs/{program.pk}/")
    expect(page.get_by_role("status")).to_have_text("저장했습니다.")
    expect(row_headed(page, "사업비")).to_contain_text("200,000천원")
    program.refresh_from_db()
    assert program.budget == 200_000_000
    event = events.get(action=AuditEvent.Action.UPDATE)
    assert (event.actor, event.before["budget"], event.after["budget"]) == (
        "sc-editor",
        18_054_000,
        2 * 10**8,
    )

    page.get_by_role("link", name="변경 이력").click()

    expect(page).to_have_url(f"{site}/records/programs/{program.pk}/history/")
    change = page.get_by_role("region", name=re.compile("^수정 "))
    expect(change.get_by_role("heading")).to_contain_text("수정 · sc-editor · ")
    expect(row_headed(change, "사업비")).to_contain_text("18,054천원")
    expect(row_headed(change, "사업비")).to_contain_text("200,000천원")
    expect(change.get_by_role("row")).to_have_count(2)  # the header and the budget: nothing else changed


def test_editor_marks_a_milestone_done_in_place(editor, site):
    page = editor
    milestone = Milestone.objects.get(task__code="smart-city-2", period="2025. 3. ~ 4.")
    page.goto(f"{site}/tasks/smart-city-2/")
    page.evaluate("window.stillTheSamePage = true")
    row = row_headed(page, "2025. 3. ~ 4.")
    expect(row).to_contain_text("미완료")

    with page.expect_response(re.compile(rf"/milestones/{milestone.pk}/done/$")) as answer:
        row.get_by_role("button", name=re.compile("^완료로 표시")).click()

    assert answer.value.status == 200
    assert answer.value.request.headers.get("hx-request") == "true"
    expect(row.get_by_role("button", name=re.compile("^완료 취소"))).to_be_visible()
    expect(row).to_contain_text(f"완료 {today():%Y-%m-%d}")
    expect(row).not_to_contain_text("미완료")
    assert page.evaluate("window.stillTheSamePage") is True, "the page was reloaded"
    assert path_of(page, site) == "/tasks/smart-city-2/"
    milestone.refresh_from_db()
    assert (milestone.done, milestone.done_on) == (True, today())
    event = AuditEvent.objects.get(
        record_type=record_type_for(milestone).name, record_id=milestone.pk, action=AuditEvent.Action.UPDATE
    )
    assert event.actor == "sc-editor"
    assert (event.before["done"], event.after["done"]) == (False, True)


def test_exports_download_as_xlsx_files_that_open(editor, site, tmp_path):
    page = editor
    page.goto(f"{site}/records/programs/")
    with page.expect_download() as download:
        page.get_by_role("link", name="엑셀(XLSX) 내려받기").click()
    assert download.value.suggested_filename == "사업.xlsx"
    path = tmp_path / "programs.xlsx"
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path)["사업"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "금액 단위: 원"
    headers = rows[1]
    assert headers[:3] == ("ID", "코드", "사업명")
    assert len(rows) - 2 == Program.objects.count() == 57
    smart_lights = next(r for r in rows[2:] if r[1] == "smart-city-p1")
    assert smart_lights[headers.index("사업비")] == 18_054_000

    page.goto(f"{site}/tasks/smart-city-2/")
    with page.expect_download() as download:
        page.get_by_role("link", name="스마트도시과 업무계획 XLSX").click()
    assert download.value.suggested_filename == "2025-smart-city-plan.xlsx"
    path = tmp_path / "plan.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["과제", "과제 내용", "추진일정", "사업"]
    assert book["과제"]["A1"].value == "2025년 스마트도시과 주요업무계획"
    milestones = {row[4]: row for row in book["추진일정"].iter_rows(values_only=True)}
    assert milestones["교통신호제어기 온라인신호 전환"][:2] == (2, "2025. 3. ~ 4.")  # task 2, its period
    programs = {row[1]: row for row in book["사업"].iter_rows(values_only=True)}
    assert programs["긴급차량 우선신호 시스템 운영"][5] == 223_032  # 천원


def test_a_viewer_and_another_department_cannot_edit_a_smart_city_program(page, site, make_user):
    make_user("sc-viewer", Role.VIEWER, "smart-city")
    make_user("pp-editor", Role.EDITOR, "policy-planning")
    program = Program.objects.get(code="smart-city-p1")
    record = f"{site}/records/programs/{program.pk}/"

    log_in(page, site, "sc-viewer")
    page.goto(record)
    expect(page.get_by_role("heading", level=1)).to_have_text("스마트가로등 운영")
    expect(page.get_by_role("link", name="변경 이력")).to_be_visible()
    expect(page.get_by_role("link", name="수정")).to_have_count(0)
    expect(page.get_by_role("button", name="삭제")).to_have_count(0)
    page.goto(f"{site}/departments/smart-city/")
    expect(page.get_by_role("heading", level=1)).to_have_text("스마트도시과")
    expect(page.locator("a[href$='/edit/']")).to_have_count(0)
    assert page.goto(f"{record}edit/").status == 403

    page.goto(f"{site}/")
    page.get_by_role("button", name="로그아웃").click()
    log_in(page, site, "pp-editor")
    page.goto(record)
    expect(page.get_by_role("link", name="수정", exact=True)).to_have_count(0)
    assert page.goto(f"{record}edit/").status == 403
    own = Program.objects.get(code="policy-planning-p1")
    page.goto(f"{site}/records/programs/{own.pk}/")
    expect(page.get_by_role("link", name="수정", exact=True)).to_be_visible()  # their own department's
    program.refresh_from_db()
    assert program.budget == 18_054_000


def test_the_public_page_needs_no_login_and_shows_no_budget(page, site):
    response = page.goto(f"{site}/public/")

    assert response.status == 200
    assert path_of(page, site) == "/public/"
    expect(page.get_by_role("heading", level=1)).to_have_text("기획조정실 안내")
    expect(page.get_by_role("navigation", name="계정").get_by_role("link", name="로그인")).to_be_visible()
    expect(page.get_by_role("navigation", name="주 메뉴")).to_have_count(0)
    smart_city = page.get_by_role("region", name="스마트도시과")
    expect(row_headed(smart_city, "최은경")).to_contain_text("4961")
    expect(smart_city).to_contain_text("교통정보팀")
    text = page.locator("body").inner_text()
    budgets = [
        *OrgUnit.objects.values_list("budget", flat=True),
        *Program.objects.values_list("budget", flat=True),
    ]
    figures = {f"{won // 1000:,}" for won in budgets if won} | {f"{won:,}" for won in budgets if won}
    assert "7,943,267" in figures
    assert [figure for figure in figures if figure in text] == []
    assert "천원" not in text
    expect(page.locator("a[href*='/records/'], a[href$='/edit/'], a[href*='/reports/']")).to_have_count(0)
    screenshot(page, "public.png")


def test_the_dashboard_and_department_pages_fit_a_phone(page, site, make_user):
    make_user("sc-editor", Role.EDITOR, "smart-city")
    page.set_viewport_size(PHONE)
    log_in(page, site, "sc-editor")
    widths = {}

    expect(page).to_have_url(f"{site}/")
    expect(page.get_by_role("region", name="계획 수치 점검").locator("tbody tr")).to_have_count(3)  # htmx
    widths["/"] = overflow(page)
    screenshot(page, "phone-dashboard.png")

    staffing = page.get_by_role("region", name="조직과 인력")
    staffing.get_by_role("link", name="스마트도시과", exact=True).click()
    expect(page).to_have_url(f"{site}/departments/smart-city/")
    expect(page.locator("dl.stats .card").filter(has_text="2025년 예산")).to_contain_text("7,943,267")
    widths["/departments/smart-city/"] = overflow(page)

    open_menu(page, "조직")
    expect(page).to_have_url(f"{site}/organisation/")
    widths["/organisation/"] = overflow(page)
    page.goto(f"{site}/tasks/smart-city-2/")
    widths["/tasks/smart-city-2/"] = overflow(page)

    assert page.evaluate("window.innerWidth") == PHONE["width"]
    assert {path: px for path, px in widths.items() if px > 1} == {}, "pages wider than the phone"
