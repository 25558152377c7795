"""In a real browser (Debian Chromium via Playwright; fixtures shared from core/tests/browser.py): the
planning team opens a quarterly round, the lead department submits, the planning team reviews and
closes, and the report downloads."""

import openpyxl

from cityhall.core.tests.browser import (  # noqa: F401 - the fixtures register by being imported
    browser_fixture,
    close_context,
    log_in,
    page_fixture,
    requires_chromium,
    site_fixture,
    sync_api,
)
from cityhall.organisation.models import Role
from cityhall.pledges import services
from cityhall.pledges.models import CheckinRound, Pledge, PledgeCheckin

pytestmark = requires_chromium
expect = sync_api.expect


def test_round_open_submit_review_close_and_report(page, browser, site, make_user, monkeypatch, tmp_path):
    monkeypatch.setenv("CITYHALL_TODAY", "2025-04-10")
    services.pledges_load_sample()
    make_user("pp-editor", Role.EDITOR, "policy-planning")
    make_user("sc-editor", Role.EDITOR, "smart-city")
    pledge = Pledge.objects.get(number=4)  # led by 스마트도시과

    # The planning team opens the round.
    log_in(page, site, "pp-editor")
    page.goto(f"{site}/pledges/rounds/")
    page.get_by_label("연도").fill("2025")
    page.get_by_label("분기").select_option("2")
    page.get_by_label("제출기한").fill("2025-04-30")
    page.get_by_role("button", name="회차 열기").click()
    expect(page.get_by_role("heading", name="2025년 2분기 공약 점검")).to_be_visible()
    round_ = CheckinRound.objects.get()

    # The lead department submits (htmx swaps the pledge's card).
    context = browser.new_context(locale="ko-KR")
    department = context.new_page()
    log_in(department, site, "sc-editor")
    department.goto(f"{site}/pledges/rounds/{round_.pk}/")
    department.get_by_role("link", name="제출하기 스마트도시과").click()
    card = department.locator(f"#pledge-{pledge.pk}")
    card.get_by_label("추진상황").select_option("due_this_year")
    card.get_by_label("진척률(%)").fill("85")
    card.get_by_label("추진실적·근거").fill("실시설계 완료")
    card.get_by_role("button", name="제출 4").click()
    expect(department.locator(f"#pledge-{pledge.pk} .review-submitted")).to_have_text("제출")
    close_context(context)
    assert PledgeCheckin.objects.get().progress == 85

    # The planning team accepts it and closes the round.
    page.goto(f"{site}/pledges/rounds/{round_.pk}/review/")
    page.get_by_role("button", name="확인 4").click()
    expect(page.locator(".review-accepted")).to_have_text("확인")
    page.goto(f"{site}/pledges/rounds/{round_.pk}/")
    page.get_by_role("button", name="점검 마감").click()
    expect(page.get_by_text("점검을 마감했습니다. 공약 1건의 추진상황을 반영했습니다.")).to_be_visible()
    pledge.refresh_from_db()
    assert (pledge.status, pledge.progress) == ("due_this_year", 85)

    # The report downloads and opens.
    with page.expect_download() as download:
        page.get_by_role("link", name="보고서 XLSX").click()
    assert download.value.suggested_filename == "공약점검_2025년_2분기.xlsx"
    path = tmp_path / "report.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path)
    assert book["현황"]["A4"].value == "올해 완료목표" and book["현황"]["B4"].value == 10
