"""The Content-Security-Policy in a real browser: the main pages load, draw and behave (Leaflet's map,
htmx, the language switch, the delete confirmation) with scripts and styles from files only, and the
browser reports no violation; the second factor's enrolment as a director does it.

The every-page-kind accessibility test (test_browser_accessibility.py) also fails on any violation
the browser logs; this module checks behaviour that needs the scripts to run.
"""

import base64
import re

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cityhall.core.two_factor import backup_codes_issue
from cityhall.gis.services import gis_load_sample
from cityhall.organisation.models import Role

from .browser import (  # noqa: F401 - the fixtures register by being imported
    PASSWORD,
    browser_fixture,
    log_in,
    page_fixture,
    requests_elsewhere,
    requires_chromium,
    site_fixture,
    sync_api,
)

pytestmark = requires_chromium
expect = sync_api.expect

# Every violation the page sees: the DOM event (with the blocked thing) and Chromium's console line.
LISTEN = """document.addEventListener("securitypolicyviolation", (e) => {
  (window.__cspViolations = window.__cspViolations || []).push(
    e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "") + ":" + e.lineNumber);
});"""


@pytest.fixture
def watched(page):
    page.csp_console = []
    page.on(
        "console",
        lambda msg: page.csp_console.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.context.add_init_script(LISTEN)
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []") + page.csp_console


@pytest.fixture
def admin(watched, site):
    get_user_model().objects.create_superuser("the-admin", password=PASSWORD)
    log_in(watched, site, "the-admin")
    return watched


MAIN_PAGES = [
    ("/", "기획조정실 업무 플랫폼"),
    ("/organisation/", "기획조정실"),
    ("/pledges/", "민선8기 공약 관리"),
    ("/calendar/", "2025년 추진일정"),
    ("/streetlights/energy/?year=2024", "2024년 스마트가로등 전력 절감 보고"),
    ("/records/", "전체 기록"),
    ("/api/v1/docs", None),
]


def test_the_main_pages_break_no_rule_of_the_policy(admin, site):
    found = {}
    for path, heading in MAIN_PAGES:
        response = admin.goto(site + path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        admin.wait_for_load_state("networkidle", timeout=60_000)  # the htmx parts too, on a busy machine
        if heading:
            expect(admin.get_by_role("heading", level=1).first).to_have_text(heading)
        if problems := violations(admin):
            found[path] = problems
    assert found == {}
    assert requests_elsewhere(admin, site) == []


def test_the_map_draws_with_leaflet_under_the_policy(admin, site):
    gis_load_sample()
    admin.goto(f"{site}/gis/layers/road-facilities/")
    status = admin.locator("[data-map-status]").first
    expect(status).to_have_text(re.compile(r"객체 \d+개를 그렸습니다"))
    expect(admin.locator(".leaflet-container").first).to_be_visible()
    assert violations(admin) == []


def test_the_language_switch_and_the_delete_confirmation_run_from_files(admin, site):
    admin.goto(f"{site}/organisation/")
    admin.get_by_label("언어").select_option("en")
    expect(admin.locator("html")).to_have_attribute("lang", "en")
    admin.get_by_label("Language").select_option("ko")
    expect(admin.locator("html")).to_have_attribute("lang", "ko")
    admin.goto(f"{site}/records/org-units/")
    admin.locator("main a[href*='/records/'][href$='/']").nth(1).click()
    asked = []
    admin.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    delete = admin.get_by_role("button", name="삭제")
    if delete.count():
        url = admin.url
        delete.click()
        assert asked == ["이 기록을 지울까요?"]
        assert admin.url == url  # dismissed: nothing was deleted
    assert violations(admin) == []


def test_the_director_enrols_the_second_factor_in_the_browser(watched, site, make_user, settings):
    settings.CITYHALL_REQUIRE_2FA = True
    make_user("the-director", Role.DIRECTOR)
    log_in(watched, site, "the-director")
    expect(watched.get_by_role("heading", level=1)).to_have_text("2단계 인증 등록")
    expect(watched.get_by_test_id("totp-qr")).to_be_visible()
    secret = watched.get_by_test_id("totp-secret").text_content().replace(" ", "")
    code = f"{totp(base64.b32decode(secret)):06d}"
    watched.get_by_label("인증 코드 6자리").fill(code)
    watched.get_by_role("button", name="등록").click()
    expect(watched.get_by_role("heading", level=1)).to_have_text("백업 코드")
    expect(watched.get_by_test_id("backup-codes").locator("li")).to_have_count(10)
    watched.get_by_role("link", name="적어 두었습니다. 계속").click()
    expect(watched.get_by_role("heading", level=1)).to_have_text("기획조정실 업무 플랫폼")
    watched.wait_for_load_state(
        "networkidle", timeout=60_000
    )  # the dashboard's htmx parts, before the database is flushed
    assert violations(watched) == []


def test_an_administrator_signs_in_with_a_backup_code_in_the_browser(watched, site, make_user, settings):
    settings.CITYHALL_REQUIRE_2FA = True
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    admin = make_user("the-admin-2fa", Role.ADMINISTRATOR)
    TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    codes = backup_codes_issue(user=admin, request=None)
    log_in(watched, site, "the-admin-2fa")
    expect(watched.get_by_role("heading", level=1)).to_have_text("2단계 인증")
    watched.get_by_label("인증 코드 6자리 또는 백업 코드").fill(codes[0])
    watched.get_by_role("button", name="확인").click()
    expect(watched.get_by_role("heading", level=1)).to_have_text("기획조정실 업무 플랫폼")
    expect(watched.get_by_text("남은 코드 9개")).to_be_visible()
    watched.wait_for_load_state("networkidle", timeout=60_000)
    # Signed out and in again, the same code is refused.
    watched.get_by_role("button", name="로그아웃").click()
    log_in(watched, site, "the-admin-2fa")
    watched.get_by_label("인증 코드 6자리 또는 백업 코드").fill(codes[0])
    watched.get_by_role("button", name="확인").click()
    expect(watched.get_by_role("alert")).to_contain_text("백업 코드가 맞지 않거나 이미 사용되었습니다")
    expect(watched.get_by_role("heading", level=1)).to_have_text("2단계 인증")
    assert violations(watched) == []
