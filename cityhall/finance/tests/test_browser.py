"""In a real browser (Debian Chromium via Playwright; fixtures shared from core/tests/browser.py): the
budget team imports a ledger file with an error (refused, errors by row, nothing saved), then the
corrected file (the dashboard shows the month), and a department's viewer cannot import."""

from cityhall.core.tests.browser import (  # noqa: F401 - the fixtures register by being imported
    browser_fixture,
    log_in,
    page_fixture,
    requires_chromium,
    site_fixture,
    sync_api,
)
from cityhall.finance.models import Execution, ExecutionMonth
from cityhall.organisation.models import Role

from .helpers import YEAR, csv_bytes, line, two_lines

pytestmark = requires_chromium
expect = sync_api.expect


def _upload(page, site, content, month="3"):
    page.goto(f"{site}/finance/execution/import/")
    form = page.locator("form", has=page.locator("#id_file"))
    form.get_by_label("회계연도").fill(str(YEAR))
    form.get_by_label("월:", exact=True).select_option(month)
    form.get_by_label("집행현황 파일 (XLSX 또는 CSV)").set_input_files(
        {"name": "집행현황.csv", "mimeType": "text/csv", "buffer": content}
    )
    form.get_by_role("button", name="가져오기").click()


def test_import_with_an_error_then_without(page, site, make_user):
    make_user("bl-editor", Role.EDITOR, "budget-legal")
    log_in(page, site, "bl-editor")

    bad = [*two_lines(), line("C-1", 500_000, 600_000, detail="세부 C")]  # spends more than its budget
    _upload(page, site, csv_bytes(bad))
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("가져오지 못했습니다")
    expect(alert).to_contain_text("4행: 집행액 누계 600,000원(전월까지 0원)이 예산현액 500,000원을 넘습니다.")
    assert not Execution.objects.exists() and not ExecutionMonth.objects.filter(rows__gt=0).exists()

    _upload(page, site, csv_bytes(two_lines(), total=(4_000_000, 400_000)))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{YEAR}년 예산 집행")
    expect(page.get_by_text("2030년 3월 집행 자료 2행을 가져왔습니다")).to_be_visible()
    expect(page.locator("#total-rate")).to_have_text("10.00%")
    expect(page.locator("#total-budget")).to_contain_text("4,000")
    assert ExecutionMonth.objects.get(year=YEAR, month=3).executed == 400_000


def test_a_department_viewer_cannot_open_the_import(page, site, make_user):
    make_user("sc-viewer", Role.VIEWER, "smart-city")
    log_in(page, site, "sc-viewer")
    response = page.goto(f"{site}/finance/execution/import/")
    assert response.status == 403
    page.goto(f"{site}/finance/")
    expect(page.get_by_role("link", name="집행 자료 가져오기")).to_have_count(0)
