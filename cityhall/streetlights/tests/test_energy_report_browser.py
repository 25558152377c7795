"""In a real browser (Debian Chromium via Playwright; fixtures from core/tests/browser.py): a viewer
opens the energy report, reads the seed's 2024 figure beside the model, sees the charts, corrects a
bad year, and downloads the XLSX. Nothing loads from outside the server."""

from cityhall.core.audit import Actor
from cityhall.core.tests.browser import (  # noqa: F401 - the fixtures register by being imported
    browser_fixture,
    log_in,
    page_fixture,
    requests_elsewhere,
    requires_chromium,
    screenshot,
    site_fixture,
    sync_api,
)
from cityhall.organisation.models import Role
from cityhall.streetlights.registry.services import registry_build_from_seed

pytestmark = requires_chromium
expect = sync_api.expect


def test_read_the_report_fix_a_bad_year_and_download(page, site, make_user):
    registry_build_from_seed(actor=Actor.system("test:browser"))
    make_user("sc-viewer", Role.VIEWER, "smart-city")
    log_in(page, site, "sc-viewer")

    page.goto(f"{site}/streetlights/energy/?year=2024")
    expect(page.get_by_role("heading", level=1)).to_have_text("2024년 스마트가로등 전력 절감 보고")
    seed = page.get_by_test_id("seed")
    expect(seed).to_contain_text("139,324 kWh")
    expect(seed).to_contain_text("100 W")
    expect(page.get_by_test_id("month-chart").locator("rect.used.estimate")).to_have_count(12)
    expect(page.get_by_test_id("sites").locator("tbody tr")).to_have_count(5)  # 대곶면 has no lights
    screenshot(page, "streetlights-energy.png")

    page.get_by_label("연도").fill("24년")
    page.get_by_role("button", name="보기").click()
    expect(page.get_by_role("alert")).to_contain_text("연도(year): '24년'은(는) 정수가 아닙니다.")
    expect(page.get_by_label("연도")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("연도")).to_have_value("24년")

    page.get_by_label("연도").fill("2024")
    page.get_by_role("button", name="보기").click()
    with page.expect_download() as download:
        page.get_by_test_id("xlsx").click()
    assert download.value.suggested_filename == "스마트가로등_전력절감_2024.xlsx"
    assert requests_elsewhere(page, site) == []
