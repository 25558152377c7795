"""An editor of 스마트도시과 requests priority for an ambulance and follows the run: its outcome, the
junction timeline, the vehicle on the network map and on the live city map."""

import re

import pytest

from cityhall.core.tests.browser import (  # noqa: F401 - the fixtures register by being imported
    browser_fixture,
    log_in,
    page_fixture,
    requires_chromium,
    site_fixture,
    sync_api,
)
from cityhall.organisation.models import Role

pytestmark = [requires_chromium, pytest.mark.slow]
expect = sync_api.expect


def test_editor_follows_an_emergency_run_on_the_map(page, site, make_user, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    make_user("sc-editor", Role.EDITOR, "smart-city")
    log_in(page, site, "sc-editor")
    page.goto(f"{site}/traffic/")
    expect(page.get_by_role("heading", level=1)).to_have_text("교통 디지털트윈 모의")
    expect(page.get_by_test_id("twin-map")).to_be_visible()
    # The same network on the city's shared map: 36 signals and every link, read over OGC API.
    city_map = page.get_by_role("region", name="교통 도로망과 신호교차로")
    expect(city_map).to_be_visible()
    expect(page.get_by_label("교통 신호교차로")).to_be_checked()
    expect(page.locator("[data-map-status]")).to_have_text(
        re.compile(r"객체 \d+개를 그렸습니다"), timeout=30_000
    )
    assert city_map.locator("path.leaflet-interactive").count() > 36
    page.get_by_role("link", name="긴급차량 우선신호").first.click()
    page.get_by_label("출동 차량").fill("김포119-구급1")
    page.get_by_label("사건").fill("심정지 (모의)")
    page.get_by_label("출발 링크").fill("left2A2")
    page.get_by_label("도착 링크").fill("F2right2")
    page.get_by_role("button", name="요청하고 모의하기").click()
    # The run simulates in the request: minutes on a machine busy with other work.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "김포119-구급1 · 심정지 (모의) 모의", timeout=240_000
    )
    expect(page.get_by_test_id("run-outcome")).to_contain_text("완료")
    expect(page.get_by_test_id("saved")).to_be_visible()
    rows = page.get_by_test_id("timeline").locator("tbody tr")
    expect(rows).to_have_count(6)
    expect(rows.first).to_contain_text("A2")
    expect(page.get_by_test_id("ev-route")).to_be_attached()
    expect(page.get_by_test_id("ev-marker")).to_be_attached()
    expect(page.get_by_test_id("commands")).to_contain_text("우선 현시 녹색 유지")
    # The live map follows the vehicle at real time from when its plan was ready, and the signs on
    # its route tell drivers to make way.
    page.goto(f"{site}/traffic/")
    expect(page.locator(".gis-map-canvas")).to_have_attribute("data-ready", "ready", timeout=30_000)
    vehicle = page.locator("path.gis-live-ev")
    expect(vehicle).to_have_count(1, timeout=15_000)
    expect(page.locator('.gis-live-legend [data-state="ev"]')).to_have_attribute("data-count", "1")
    assert page.locator("path.gis-live-vms_incident").count() >= 1
    where = vehicle.get_attribute("d")
    expect(vehicle).not_to_have_attribute("d", where, timeout=20_000)  # it moved on the next refresh


def test_operator_overrides_a_sign_with_a_reason_and_clears_it(page, site, make_user, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    make_user("sc-editor", Role.EDITOR, "smart-city")
    log_in(page, site, "sc-editor")
    page.goto(f"{site}/traffic/")
    page.get_by_role("link", name="도로전광표지(VMS)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("도로전광표지(VMS) 예시")
    signs = page.get_by_test_id("signs").locator("tbody tr")
    expect(signs).to_have_count(29)
    expect(signs.first).to_contain_text("자동 · 안내")
    page.get_by_role("link", name="VMS-01").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("VMS-01 예시 A0→A1 접근로")
    # No reason: a Korean error, nothing shown.
    page.get_by_label("표출 문안 (2줄, 줄마다 20자까지)").fill("행사 교통통제\n우회하세요")
    page.get_by_role("button", name="수동 문안 표출").click()
    expect(page.get_by_role("alert")).to_have_text("수동 표출 사유를 입력하세요.")
    expect(page.get_by_test_id("kind")).to_have_text("(자동 · 안내)")
    page.get_by_label("수동 표출 사유").fill("시민의 날 행사 (모의)")
    page.get_by_role("button", name="수동 문안 표출").click()
    expect(page.get_by_test_id("kind")).to_have_text("(수동)")
    expect(page.get_by_test_id("shown")).to_have_text("행사 교통통제우회하세요")
    expect(page.get_by_test_id("override")).to_contain_text("시민의 날 행사 (모의)")
    page.get_by_role("link", name="도로전광표지 전체").click()
    expect(signs.first).to_contain_text("행사 교통통제")
    expect(signs.first).to_contain_text("수동")
    page.get_by_role("link", name="VMS-01").click()
    page.get_by_role("button", name="수동 문안 해제").click()
    expect(page.get_by_test_id("kind")).to_have_text("(자동 · 안내)")
    expect(page.get_by_role("button", name="수동 문안 해제")).to_have_count(0)


def test_a_viewer_sees_the_signs_but_no_override_form(page, site, make_user, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    make_user("sc-viewer", Role.VIEWER, "smart-city")
    log_in(page, site, "sc-viewer")
    page.goto(f"{site}/traffic/vms/VMS-02/")
    expect(page.get_by_test_id("shown")).to_be_visible()
    expect(page.get_by_role("button", name="수동 문안 표출")).to_have_count(0)


def test_operator_filters_the_detectors_to_the_silent_readers(page, site, make_user, settings, tmp_path):
    from datetime import timedelta

    from django.utils import timezone

    from cityhall.traffic import detector_services
    from cityhall.traffic.models import DsrcReport

    settings.DATA_DIR = tmp_path
    make_user("sc-viewer", Role.VIEWER, "smart-city")
    log_in(page, site, "sc-viewer")
    page.goto(f"{site}/traffic/detectors/")
    expect(page.get_by_role("heading", level=1)).to_have_text("교통 검지기 (VDS·DSRC) 모의")
    reader = detector_services.readers()[0].id
    now = timezone.now()
    DsrcReport.objects.create(reader_id=reader, ts=now - timedelta(minutes=10), received_at=now)
    detector_services.detector_faults_sync(now=now)
    page.get_by_label("종류").select_option("dsrc")
    page.get_by_label("장애만").check()
    page.get_by_role("button", name="보기").click()
    rows = page.get_by_test_id("detectors").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(reader)
    expect(rows.first).to_contain_text("검지기 통신 두절")


def test_an_approved_message_is_acknowledged_by_the_simulated_sign(page, site, make_user, settings, tmp_path):
    """An editor writes a notice, a manager approves it, the sender publishes it to the sign over the
    embedded broker and the simulated sign's acknowledgement shows on the sign's page."""
    from cityhall.core.audit import Actor
    from cityhall.core.tests.waiting import wait_for
    from cityhall.telemetry.broker import EmbeddedBroker
    from cityhall.traffic import services
    from cityhall.traffic.models import VmsSign
    from cityhall.traffic.runtime import TrafficRuntime

    settings.DATA_DIR = tmp_path
    services.vms_ensure_default(actor=Actor.system("test:vms"))
    make_user("sc-editor", Role.EDITOR, "smart-city")
    make_user("sc-manager", Role.MANAGER, "smart-city")
    log_in(page, site, "sc-editor")
    page.goto(f"{site}/traffic/vms/messages/")
    page.get_by_label("유형").select_option("notice")
    page.get_by_label("문안 (2줄, 줄마다 20자까지; 소요시간은 자동)").fill("시민의 날 행사\n대중교통 이용")
    page.get_by_label("대상 표지 (쉼표로 구분, 비우면 전체)").fill("VMS-08")
    page.get_by_role("button", name="문안 등록").click()
    rows = page.get_by_test_id("vms-messages").locator("tbody tr")
    expect(rows.first.get_by_test_id("status")).to_have_text("승인 대기")
    expect(rows.first.get_by_role("button", name="승인")).to_have_count(0)  # not the author's to approve
    page.context.clear_cookies()
    log_in(page, site, "sc-manager")
    page.goto(f"{site}/traffic/vms/messages/")
    rows.first.get_by_role("button", name="승인").click()
    expect(rows.first.get_by_test_id("status")).to_have_text("승인")
    page.goto(f"{site}/traffic/vms/VMS-08/")
    expect(page.get_by_test_id("shown")).to_have_text("시민의 날 행사대중교통 이용")
    expect(page.get_by_test_id("acked")).to_have_text("–")
    # The sender and the simulated signs run while no page is loaded: the test database (SQLite in
    # memory, shared cache) refuses a page's read while the sender writes.
    with EmbeddedBroker(0) as broker:
        runtime = TrafficRuntime(broker.url, dispatch_s=0.2).start()
        try:
            wait_for(
                lambda: VmsSign.objects.get(code="VMS-08").acked_text == "시민의 날 행사\n대중교통 이용",
                "VMS-08 to acknowledge",
            )
        finally:
            runtime.stop()
    page.reload()
    expect(page.get_by_test_id("acked")).to_have_text("시민의 날 행사대중교통 이용")
    expect(page.get_by_test_id("sends").locator("tbody tr").first).to_contain_text("표출 확인")
    assert runtime.errors == []
