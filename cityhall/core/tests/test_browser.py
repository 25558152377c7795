"""Real-browser tests: Debian's headless Chromium, driven by Playwright, against pytest-django's live server.

They skip (with the reason) where Playwright or /usr/bin/chromium is missing (the shared fixtures and
helpers are in ``browser.py``). ``CITYHALL_SCREENSHOTS=1`` also writes
docs/screenshots/{login,home,api-docs}.png.
"""

import re

from django.contrib.auth import get_user_model

from cityhall.budget.models import Program
from cityhall.core.models import AuditEvent
from cityhall.core.records import record_type_for
from cityhall.organisation.demo import DEMO_PASSWORD, ensure_demo_accounts
from cityhall.organisation.models import Role

from .browser import (  # noqa: F401 - the fixtures register by being imported
    browser_fixture,
    log_in,
    page_fixture,
    path_of,
    requests_elsewhere,
    requires_chromium,
    screenshot,
    site_fixture,
    sync_api,
)

LOGIN_ERROR = "아이디 또는 비밀번호가 맞지 않습니다. 다시 입력해 주세요."

pytestmark = requires_chromium


def test_wrong_password_shows_the_korean_error_and_stays_on_login(page, site, make_user):
    make_user("sc-editor", Role.EDITOR, "smart-city")
    page.goto(f"{site}/accounts/login/")
    sync_api.expect(page.get_by_role("heading", name="로그인")).to_be_visible()
    screenshot(page, "login.png")

    log_in(page, site, "sc-editor", "not-the-password")

    sync_api.expect(page.get_by_role("alert")).to_have_text(LOGIN_ERROR)
    assert path_of(page, site) == "/accounts/login/"
    sync_api.expect(page.get_by_label("아이디")).to_have_value("sc-editor")
    sync_api.expect(page.get_by_label("비밀번호")).to_have_value("")
    for field in (page.get_by_label("아이디"), page.get_by_label("비밀번호")):
        sync_api.expect(field).to_have_attribute("aria-invalid", "true")
        sync_api.expect(field).to_have_accessible_description(LOGIN_ERROR)
    sync_api.expect(page.get_by_role("button", name="로그아웃")).to_have_count(0)


def test_editor_sees_roles_and_the_dashboard_and_the_api_docs_load_from_this_server_only(
    page, site, make_user
):
    make_user("sc-editor", Role.EDITOR, "smart-city")

    log_in(page, site, "sc-editor")

    assert path_of(page, site) == "/"
    sync_api.expect(page.get_by_role("heading", name="기획조정실 업무 플랫폼", level=1)).to_be_visible()
    roles = page.get_by_role("region", name="내 역할")
    sync_api.expect(roles.get_by_role("listitem")).to_have_text(["편집자 · 스마트도시과"])
    staffing = page.get_by_role("region", name="조직과 인력")
    policy = staffing.locator("tbody tr").filter(has=page.get_by_role("rowheader", name="정책기획과"))
    sync_api.expect(policy).to_contain_text("11/7")
    sync_api.expect(policy).to_contain_text("결원 4")
    sync_api.expect(staffing.locator("tfoot")).to_contain_text("82/71")
    budgets = page.get_by_role("region", name="부서별 예산")
    sync_api.expect(budgets.locator("tfoot")).to_contain_text("64,415,421")
    sync_api.expect(budgets.get_by_role("img")).to_have_attribute(
        "aria-label", re.compile("스마트도시과 예산 7,943,267")
    )
    check = page.get_by_role("region", name="계획 수치 점검")  # loaded with htmx after the page
    sync_api.expect(check.locator("tbody tr")).to_have_count(3)
    sync_api.expect(check).to_contain_text("591행")
    screenshot(page, "home.png")

    page.get_by_role("link", name="API 문서 (OpenAPI)").click()

    assert path_of(page, site) == "/api/v1/docs"
    # The first request builds the schema (seconds on a busy machine) and the UI then renders every
    # path: wait for it rather than for the default 5 s.
    sync_api.expect(page.locator(".swagger-ui .info .title")).to_contain_text("cityhall API", timeout=30_000)
    sync_api.expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    screenshot(page, "api-docs.png", full_page=False)  # the whole spec is ~14,000 px tall
    assert any(url.endswith("/api/v1/openapi.json") for url in page.requested)
    assert requests_elsewhere(page, site) == [], "the pages must load nothing from another host"


def test_admin_edits_a_program_and_the_change_is_audited(page, site):
    ensure_demo_accounts()
    admin = get_user_model().objects.get(username="admin")
    program = Program.objects.get(code="smart-city-p1")
    old_name = program.name
    new_name = f"{old_name} (브라우저 시험)"

    page.goto(f"{site}/admin/")
    page.locator("#id_username").fill("admin")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("input[type=submit]").click()
    page.get_by_role("link", name="사업", exact=True).first.click()
    assert path_of(page, site) == "/admin/budget/program/"
    page.locator("#searchbar").fill("smart-city-p1")
    page.locator("#searchbar").press("Enter")
    page.locator("#result_list").get_by_role("link", name=old_name, exact=True).click()
    assert path_of(page, site).startswith(f"/admin/budget/program/{program.pk}/change/")
    sync_api.expect(page.locator("#id_name")).to_have_value(old_name)
    page.locator("#id_name").fill(new_name)
    page.locator("input[name=_save]").click()

    sync_api.expect(page.locator(".messagelist .success")).to_be_visible()
    assert path_of(page, site).startswith("/admin/budget/program/?")  # back to the filtered list
    program.refresh_from_db()
    assert program.name == new_name
    event = AuditEvent.objects.get(
        record_type=record_type_for(program).name, record_id=program.pk, action="update"
    )
    assert (event.user, event.actor) == (admin, "admin")
    assert event.before["name"] == old_name
    assert event.after["name"] == new_name
    assert {k for k in event.after if event.after[k] != event.before.get(k)} == {"name"}


def test_user_without_a_role_sees_the_notice_and_no_data(page, site, make_user):
    make_user("norole")

    log_in(page, site, "norole")

    assert path_of(page, site) == "/"
    sync_api.expect(page.get_by_text("아직 역할이 없습니다")).to_be_visible()
    sync_api.expect(page.locator("table")).to_have_count(0)
    sync_api.expect(page.get_by_role("link", name="API 문서 (OpenAPI)")).to_have_count(0)


def test_logout(page, site, make_user):
    make_user("sc-viewer", Role.VIEWER, "smart-city")
    log_in(page, site, "sc-viewer")
    sync_api.expect(page.get_by_role("navigation", name="계정")).to_contain_text("sc-viewer")

    page.get_by_role("button", name="로그아웃").click()

    assert path_of(page, site) == "/accounts/logout/"
    sync_api.expect(page.get_by_role("heading", level=1)).to_contain_text("로그아웃")
    page.goto(f"{site}/")
    assert path_of(page, site) == "/accounts/login/?next=/"
    sync_api.expect(page.get_by_role("button", name="로그아웃")).to_have_count(0)


def test_logout_shows_the_sites_own_page_with_a_link_back_to_login(page, site, make_user):
    make_user("sc-viewer", Role.VIEWER, "smart-city")
    log_in(page, site, "sc-viewer")

    page.get_by_role("button", name="로그아웃").click()

    sync_api.expect(page.get_by_role("heading", name="로그아웃했습니다")).to_be_visible(timeout=2_000)
    page.get_by_role("link", name="다시 로그인").click()
    assert path_of(page, site) == "/accounts/login/"
