"""In a real browser (Debian Chromium via Playwright; fixtures shared from core/tests/browser.py): a
compensation computed with its explanation, and an objection filed and decided on re-review."""

from datetime import date

from cityhall.core.audit import Actor
from cityhall.core.tests.browser import (  # noqa: F401 - the fixtures register by being imported
    browser_fixture,
    log_in,
    page_fixture,
    requires_chromium,
    site_fixture,
    sync_api,
)
from cityhall.military import services
from cityhall.military.models import CompensationYear, NoiseApplication, Objection
from cityhall.organisation.models import Role

pytestmark = requires_chromium
expect = sync_api.expect
SYSTEM = Actor.system("test")


def test_a_computation_with_its_explanation(page, site, make_user):
    services.rule_version_load_default(actor=SYSTEM)
    make_user("sc-viewer", Role.VIEWER, "smart-city")
    log_in(page, site, "sc-viewer")
    page.goto(f"{site}/military/noise/compute/")
    page.get_by_label("보상 대상 연도").fill("2024")
    page.get_by_role("combobox", name="구역").select_option("2")
    page.get_by_label("전입일").fill("2015-01-07")
    page.get_by_label("군용비행장 설치일").fill("2010-03-29")
    page.get_by_role("button", name="계산").click()
    expect(page.locator("#result-amount")).to_have_text("270,000원")
    expect(
        page.get_by_text("전입일 2015-01-07 (2011-01-01 이후 전입): 50% 감액", exact=False)
    ).to_be_visible()
    # Bad input: a month that does not exist.
    page.get_by_label("근무지가 구역 밖인 월").fill("13")
    page.get_by_role("button", name="계산").click()
    expect(page.get_by_role("alert")).to_have_text("근무지 월은 1~12여야 합니다.")


def test_an_objection_filed_and_accepted_on_re_review(page, site, make_user, monkeypatch):
    monkeypatch.setenv("CITYHALL_TODAY", "2025-06-10")
    year = services.samples_load()
    services.year_decide(year=year, decided_on=date(2025, 4, 22), actor=SYSTEM)
    services.year_notify(year=year, notified_on=date(2025, 5, 30), actor=SYSTEM)
    app = NoiseApplication.objects.filter(year=year, zone="3", moved_in_on=date(2019, 2, 8)).first()
    assert app.decided_amount == 180_000  # 3종, moved in 2019: 50 %
    make_user("pp-editor", Role.EDITOR, "policy-planning")
    log_in(page, site, "pp-editor")
    page.goto(f"{site}/military/noise/2025/applications/{app.number}/")
    expect(page.get_by_text("이의신청 기한: 2025-06-30")).to_be_visible()
    page.get_by_label("이의 사유").fill("2009년부터 거주 (주민등록 정정)")
    page.get_by_label("정정 요청: 전입일").fill("2009-02-08")
    page.get_by_role("button", name="이의신청 접수").click()
    expect(page.get_by_text("이의신청을 접수했습니다.")).to_be_visible()
    page.get_by_label("재심의 결과").select_option("accepted")
    page.get_by_role("button", name="재심의 결과 기록").click()
    expect(page.get_by_text("재심의 결과를 기록했습니다: 252,000원")).to_be_visible()
    expect(page.locator("#app-amount")).to_have_text("252,000원")
    assert Objection.objects.get().outcome == "accepted"
    assert CompensationYear.objects.get().rule_version.code == "decree-2020"
