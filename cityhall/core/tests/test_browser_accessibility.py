"""Every kind of page passes axe-core's WCAG 2.1 A/AA rules in Chromium with no serious or critical
violation, so a new module cannot bring one in unnoticed.

``PAGE_KINDS`` is the one list of page kinds (one entry per distinct page a person can land on, with
the state it is checked in); ``NOT_PAGES`` names every URL pattern that is not a page of its own, and
why. ``test_every_url_pattern_is_a_page_kind_or_says_why_not`` fails when a URL pattern is in neither,
so a new page is checked from the day its URL is added. axe-core comes from the pinned
``axe-playwright-python`` package (its bundled ``axe.min.js``); nothing loads from the network.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from cityhall.bookings.tests.test_pages import booking_sample
from cityhall.budget.models import Program
from cityhall.core.audit import Actor
from cityhall.documents.tests.test_pages import certificate_sample
from cityhall.notifications.tests.test_pages import notification_sample
from cityhall.organisation.models import Role
from cityhall.organisation.services import workload_load_sample
from cityhall.performance.services import performance_load_sample
from cityhall.pledges import services as pledges
from cityhall.streetlights.registry.services import registry_build_from_seed
from cityhall.streetlights.repairs.services import repair_order_open
from cityhall.streetlights.tests.test_live_pages import put_state
from cityhall.traffic import services as traffic_services

from .browser import (  # noqa: F401 - the fixtures register by being imported
    PASSWORD,
    browser_fixture,
    log_in,
    page_fixture,
    requests_elsewhere,
    requires_chromium,
    restore_dataset_fixture,
    site_fixture,
    sync_api,
)

axe_playwright = pytest.importorskip(
    "axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed"
)

expect = sync_api.expect

# WCAG 2.0 and 2.1, levels A and AA; a violation of these rules with one of these impacts fails.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
FAILING_IMPACTS = {"serious", "critical"}
YEAR = 2025
DESK = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def bad_budget(page) -> None:
    page.get_by_label("사업비", exact=True).fill("많이")
    page.get_by_role("button", name="저장").click()
    expect(page.get_by_role("alert")).to_have_text("입력을 확인해 주세요. 아래에 잘못된 항목을 표시했습니다.")


def wrong_password(page) -> None:
    page.get_by_label("아이디").fill("the-director")
    page.get_by_label("비밀번호").fill("not-the-password")
    page.get_by_role("button", name="로그인").click()
    expect(page.get_by_role("alert")).to_have_text(
        "아이디 또는 비밀번호가 맞지 않습니다. 다시 입력해 주세요."
    )


def log_out(page) -> None:
    page.get_by_role("button", name="로그아웃").click()


def wait_for_operations(page) -> None:
    """Swagger UI draws its operations after the page loads. They are checked closed: an opened
    operation with a choice parameter shows Swagger UI's own unlabelled select (not fixed yet)."""
    expect(page.locator(".opblock-summary-control").first).to_be_visible(timeout=60_000)


def open_operation(page) -> None:
    """Swagger UI draws its operations after the page loads; one is opened, as a reader would."""
    operation = page.locator(".opblock-summary-control").first
    expect(operation).to_be_visible(timeout=60_000)  # the whole schema is drawn first
    operation.click(no_wait_after=True)
    expect(operation).to_have_attribute("aria-expanded", "true")


@dataclass(frozen=True)
class PageKind:
    """One kind of page: the URL pattern it answers (``namespace:name``), the path visited (``{…}``
    filled from the scenario's records), its exact first heading, who looks at it, what they do there
    first (``then``), the status it answers and whether the project writes its markup (``ours``)."""

    name: str
    url_name: str
    path: str
    heading: str
    who: str = "director"  # "director", "viewer", "anonymous" or "admin" (a superuser, for the admin)
    then: Callable | None = field(default=None, repr=False)
    status: int = 200
    ours: bool = True


PAGE_KINDS = [
    PageKind("dashboard", "dashboard:home", "/", "기획조정실 업무 플랫폼"),
    PageKind("search", "dashboard:search", "/search/?q=가로등", "검색"),
    PageKind("organisation", "organisation:index", "/organisation/", "기획조정실"),
    PageKind("department", "organisation:department", "/departments/smart-city/", "스마트도시과"),
    PageKind("team", "organisation:team", "/teams/traffic-info/", "교통정보팀"),
    PageKind("diagnosis", "organisation:diagnosis", "/organisation/diagnosis/", "조직진단"),
    PageKind("public", "organisation:public", "/public/", "기획조정실 안내", who="anonymous"),
    PageKind("task list", "plans:task_list", "/tasks/", "업무계획 과제"),
    PageKind("task", "plans:task", "/tasks/smart-city-2/", "2. 시민 안전 긴급차량 우선신호시스템 운영"),
    PageKind("calendar", "plans:calendar", "/calendar/", "2025년 추진일정"),
    PageKind("pledge list", "pledges:list", "/pledges/", "민선8기 공약 관리"),
    PageKind("pledge", "pledges:pledge", "/pledges/sample-04/", "4. 예시 공약 04 (시 선도사업 예시)"),
    PageKind("pledge import", "pledges:import", "/pledges/import/", "공약 목록 가져오기(XLSX)"),
    PageKind("check-in rounds", "pledges:rounds", "/pledges/rounds/", "공약 분기 점검"),
    PageKind("check-in round", "pledges:round", "/pledges/rounds/{round}/", "2025년 2분기 공약 점검"),
    PageKind(
        "department check-ins",
        "pledges:department",
        "/pledges/rounds/{round}/departments/smart-city/",
        "스마트도시과 공약 추진현황 제출",
    ),
    PageKind(
        "check-in review", "pledges:review", "/pledges/rounds/{round}/review/", "2025년 2분기 공약 점검 검토"
    ),
    PageKind(
        "public pledges", "pledges:public", "/public/pledges/", "민선8기 공약 이행 현황", who="anonymous"
    ),
    PageKind("performance", "performance:overview", f"/performance/?year={YEAR}", "2025년 성과관리"),
    PageKind(
        "indicator",
        "performance:indicator",
        "/performance/indicators/s24-bl-execution/",
        "[예시] 지방재정 신속집행률 예시 자료",
    ),
    PageKind(
        "incentives", "performance:incentives", f"/performance/incentives/{YEAR}/", "2025년 성과급 배분"
    ),
    PageKind("streetlights live", "streetlights:live", "/streetlights/", "스마트가로등 실시간 현황"),
    PageKind("streetlight site", "streetlights:site", "/streetlights/sites/HAGUN41/", "학운 4-1"),
    PageKind(
        "streetlight", "streetlights:light", "/streetlights/lights/SL-HAGUN41-001/", "가로등 SL-HAGUN41-001"
    ),
    PageKind("repair orders", "streetlights:repairs", "/streetlights/repairs/", "보수 요청"),
    PageKind("traffic twin", "traffic:overview", "/traffic/", "교통 디지털트윈 모의"),
    PageKind("emergency runs", "traffic:runs", "/traffic/runs/", "긴급차량 우선신호 모의"),
    PageKind("emergency run", "traffic:run", "/traffic/runs/{ev_run}/", "김포119-구급1 · 심정지 (모의) 모의"),
    PageKind("signal plan", "traffic:plan", "/traffic/plans/C2/", "신호 운영계획 · 모의 교차로 C2 모의"),
    PageKind("preemption benchmark", "traffic:benchmark", "/traffic/benchmark/", "우선신호 성능 비교 모의"),
    PageKind("repair order", "streetlights:repair", "/streetlights/repairs/{repair}/", "{repair} 램프 고장"),
    PageKind("new repair order", "streetlights:repair_new", "/streetlights/repairs/new/", "보수 요청 접수"),
    PageKind(
        "energy report",
        "streetlights:energy",
        "/streetlights/energy/?year=2024",
        "2024년 스마트가로등 전력 절감 보고",
    ),
    PageKind("booking resources", "bookings:resources", "/bookings/", "예약 현황"),
    PageKind("notification outbox", "notifications:outbox", "/notifications/outbox/", "알림 발송함"),
    PageKind(
        "notification preferences",
        "notifications:preferences",
        "/notifications/preferences/",
        "알림 수신 설정",
    ),
    PageKind("verify", "documents:verify", "/verify/", "증명서 진위 확인", who="anonymous"),
    PageKind(
        "verify with errors",
        "documents:verify",
        "/verify/?code=1234",
        "증명서 진위 확인",
        who="anonymous",
        status=400,
    ),
    PageKind(
        "verified certificate",
        "documents:verify_result",
        "/verify/{certificate}/",
        "증명서 진위 확인",
        who="anonymous",
    ),
    PageKind(
        "invalid certificate",
        "documents:verify_result",
        "/verify/ABCD-EFGH-JKMN-PQRS/",
        "증명서 진위 확인",
        who="anonymous",
        status=404,
    ),
    PageKind("record types", "core:records", "/records/", "전체 기록"),
    PageKind("record list", "core:record_list", "/records/programs/", "사업"),
    PageKind("record", "core:record_detail", "/records/programs/{program}/", "스마트가로등 운영"),
    PageKind("new record", "core:record_new", "/records/programs/new/", "새 기록: 사업"),
    PageKind(
        "record edit", "core:record_edit", "/records/programs/{program}/edit/", "수정: 스마트가로등 운영"
    ),
    PageKind(
        "record edit with errors",
        "core:record_edit",
        "/records/programs/{program}/edit/",
        "수정: 스마트가로등 운영",
        then=bad_budget,
    ),
    PageKind(
        "record history",
        "core:record_history",
        "/records/programs/{program}/history/",
        "변경 이력: 스마트가로등 운영",
    ),
    PageKind("not found", "plans:task", "/tasks/no-such-task/", "찾을 수 없습니다", status=404),
    PageKind(
        "forbidden",
        "core:record_edit",
        "/records/programs/{program}/edit/",
        "권한이 없습니다",
        who="viewer",
        status=403,
    ),
    PageKind("login", "login", "/accounts/login/", "로그인", who="anonymous"),
    PageKind(
        "login with errors", "login", "/accounts/login/", "로그인", who="anonymous", then=wrong_password
    ),
    PageKind("logged out", "logout", "/", "로그아웃했습니다", then=log_out),
    PageKind(
        "API docs",
        "api:openapi-view",
        "/api/v1/docs",
        "cityhall API 1 OAS 3.1",
        ours=False,
        then=open_operation,
    ),
    PageKind("admin", "admin:index", "/admin/", "사이트 관리", who="admin", ours=False),
    PageKind(
        "admin list",
        "admin:budget_program_changelist",
        "/admin/budget/program/",
        "변경할 사업 선택",
        who="admin",
        ours=False,
    ),
    PageKind(
        "admin change",
        "admin:budget_program_change",
        "/admin/budget/program/{program}/change/",
        "사업 변경",
        who="admin",
        ours=False,
    ),
]

# URL patterns that are not a page of their own, and why.
DOWNLOAD = "a file download, not a page"
ACTION = "a form's POST target: it redirects to, or re-renders, a page checked above"
FRAGMENT = "an htmx fragment, checked inside its page (the pages wait for their fragments)"
NOT_PAGES = {
    "dashboard:plan_check": FRAGMENT,
    "organisation:diagnosis_xlsx": DOWNLOAD,
    "organisation:summary_xlsx": DOWNLOAD,
    "organisation:summary_hwpx": DOWNLOAD,
    "plans:milestone_done": ACTION,
    "plans:calendar_feed": "an iCalendar feed",
    "plans:department_plan_xlsx": DOWNLOAD,
    "plans:department_plan_hwpx": DOWNLOAD,
    "pledges:submit": ACTION,
    "pledges:checkin_review": ACTION,
    "pledges:close": ACTION,
    "pledges:report_xlsx": DOWNLOAD,
    "pledges:report_hwpx": DOWNLOAD,
    "performance:actual_record": ACTION,
    "performance:grade_set": ACTION,
    "performance:cycle_advance": ACTION,
    "performance:incentives_allocate": ACTION,
    "performance:incentives_xlsx": DOWNLOAD,
    "streetlights:live_panel": FRAGMENT,
    "streetlights:site_panel": FRAGMENT,
    "streetlights:site_commands_panel": FRAGMENT,
    "streetlights:site_command": ACTION,
    "streetlights:site_schedule": ACTION,
    "streetlights:repair_export": DOWNLOAD,
    "streetlights:repair_assign": ACTION,
    "streetlights:repair_close": ACTION,
    "streetlights:repair_reopen": ACTION,
    "streetlights:energy_xlsx": DOWNLOAD,
    "core:record_delete": ACTION,
    "set_language": ACTION,
    "password_change": "Django's admin page, not linked from the application",
    "password_change_done": "Django's admin page, not linked from the application",
    "password_reset": "Django's admin page, not linked from the application (no mail is configured)",
    "password_reset_done": "Django's admin page, not linked from the application",
    "password_reset_confirm": "Django's admin page, not linked from the application",
    "password_reset_complete": "Django's admin page, not linked from the application",
}
# Whole namespaces: the API answers JSON (its one HTML page, the docs, is a page kind above), and the
# admin's pages are Django's, the same for every model (three of them are page kinds above).
NOT_PAGE_NAMESPACES = {"api", "admin"}


def url_names(patterns=None, namespace: str = "") -> set[str]:
    """Every named URL pattern of the site, as ``namespace:name``."""
    names = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def test_every_url_pattern_is_a_page_kind_or_says_why_not():
    kinds = {kind.url_name for kind in PAGE_KINDS}
    unlisted = {
        name
        for name in url_names()
        if name.split(":")[0] not in NOT_PAGE_NAMESPACES and name not in kinds and name not in NOT_PAGES
    }
    assert unlisted == set(), "add these to PAGE_KINDS (or to NOT_PAGES, saying why they are no page)"
    assert kinds & set(NOT_PAGES) == set()
    assert set(NOT_PAGES) - url_names() == set(), "NOT_PAGES names patterns that no longer exist"


@pytest.fixture
def scenario(site, make_user, monkeypatch):
    """Records for every page kind to show something: the sample pledges with an open round, sample
    indicators and workloads, the streetlight registry with two lights reporting and a repair order."""
    monkeypatch.setenv("CITYHALL_TODAY", "2025-04-10")
    system = Actor.system("test:accessibility")
    director = make_user("the-director", Role.DIRECTOR)
    make_user("sc-viewer", Role.VIEWER, "smart-city")
    get_user_model().objects.create_superuser("the-admin", password=PASSWORD)
    pledges.pledges_load_sample(actor=system)
    round_ = pledges.round_open(
        year=YEAR, quarter=2, closes_on=date(YEAR, 4, 30), actor=Actor.for_user(director)
    )
    performance_load_sample(actor=system)
    workload_load_sample(actor=system)
    registry_build_from_seed(actor=system)
    put_state("SL-HAGUN41-001", on=True, power=100.0, simulated=True)
    put_state("SL-HAGUN41-002", on=False, power=0.0, faults=["LAMP_FAIL"], simulated=True)
    repair = repair_order_open(actor=system, kind="lamp_failure", detail="램프 불량", light="SL-HAGUN41-002")
    ev_run = traffic_services.emergency_run_request(
        unit="김포119-구급1",
        vehicle_type="ambulance",
        incident="심정지 (모의)",
        origin="left2A2",
        destination="F2right2",
        actor=system,
    )
    traffic_services.emergency_run_simulate(run=ev_run, actor=system)
    booking_sample(actor=system)
    notification_sample()
    certificate = certificate_sample()
    return {
        "ev_run": ev_run.pk,
        "round": round_.pk,
        "repair": repair.number,
        "certificate": certificate.code,
        "program": Program.objects.get(code="smart-city-p1").pk,
    }


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it stands."""
    results = axe_playwright.Axe().run(page, options=AXE_OPTIONS).response
    return [
        f"{rule['id']} ({rule['impact']}): "
        + " | ".join(" ".join(node["target"]) for node in rule["nodes"][:5])
        for rule in results["violations"]
        if rule["impact"] in FAILING_IMPACTS
    ]


# Every element that scrolls (or would, with more content or a narrower window) can be reached from the
# keyboard and is named, whether or not it overflows right now: axe only sees the ones that do.
UNREACHABLE_SCROLL_REGIONS = """() => [...document.querySelectorAll("body *")]
  .filter((e) => !["TEXTAREA", "SELECT", "INPUT"].includes(e.tagName))
  .filter((e) => {
    const style = getComputedStyle(e);
    return [style.overflowX, style.overflowY].some((o) => o === "auto" || o === "scroll");
  })
  .filter((e) => {
    const ids = (e.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
    const named = (e.getAttribute("aria-label") || "").trim() !== "" ||
      (ids.length > 0 && ids.every((id) => (document.getElementById(id)?.textContent || "").trim() !== ""));
    return !(e.getAttribute("tabindex") === "0" && named);
  })
  .map((e) => e.outerHTML.slice(0, 100))"""


def settle(page) -> None:
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")


@requires_chromium
def test_every_page_kind_has_no_serious_accessibility_violation(browser, site, scenario):
    found: dict[str, list[str]] = {}
    pages = {}
    requested: list[str] = []
    for kind in PAGE_KINDS:
        if kind.who not in pages:
            context = browser.new_context(locale="ko-KR", viewport=DESK)
            context.set_default_timeout(15_000)
            page = context.new_page()
            page.requested = []
            page.on("request", lambda request, page=page: page.requested.append(request.url))
            if kind.who != "anonymous":
                log_in(
                    page, site, {"director": "the-director", "viewer": "sc-viewer"}.get(kind.who, "the-admin")
                )
            pages[kind.who] = page
        page = pages[kind.who]
        page.set_viewport_size(DESK)
        response = page.goto(site + kind.path.format(**scenario))
        assert response.status == kind.status, kind.name
        if kind.then:
            kind.then(page)
        page.wait_for_load_state("networkidle")  # the htmx fragments too
        assert resolve(urlsplit(page.url).path).view_name == kind.url_name, kind.name
        expect(page.get_by_role("heading", level=1).first).to_have_text(kind.heading.format(**scenario))
        problems = [f"{DESK['width']}px {problem}" for problem in serious_violations(page)]
        page.set_viewport_size(PHONE)  # tables and charts scroll sideways on a phone
        settle(page)
        problems += [f"{PHONE['width']}px {problem}" for problem in serious_violations(page)]
        if kind.ours:
            problems += [
                f"scroll region without tabindex=0 and a name: {html}"
                for html in page.evaluate(UNREACHABLE_SCROLL_REGIONS)
            ]
        # Known and not fixed yet: Swagger UI draws its choice parameters as a select with no label.
        problems = [p for p in problems if not (kind.name == "API docs" and "select-name" in p)]
        if problems:
            found[kind.name] = problems
        if kind.then is log_out:  # the director's next page kind logs in again
            requested += pages.pop(kind.who).requested
    for page in pages.values():
        requested += page.requested
        page.context.close()
    assert [url for url in requested if not url.startswith(f"{site}/")] == []
    assert found == {}
