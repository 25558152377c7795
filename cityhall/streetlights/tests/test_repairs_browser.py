"""In a real browser (Debian Chromium via Playwright; fixtures from core/tests/browser.py): an operator
filters the repair-order list, reads the SLA clock, and closes an order (a refused empty resolution
first)."""

from datetime import UTC, datetime, timedelta

from cityhall.core.audit import Actor
from cityhall.core.tests.browser import (  # noqa: F401 - the fixtures register by being imported
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
from cityhall.organisation.models import Role
from cityhall.streetlights.choices import FaultKind, LightState, RepairStatus
from cityhall.streetlights.models import RepairOrder, Streetlight
from cityhall.streetlights.registry.services import registry_build_from_seed
from cityhall.streetlights.repairs import services as repairs
from cityhall.streetlights.repairs.faults import faults_evaluate
from cityhall.telemetry.models import DeviceState

pytestmark = requires_chromium
expect = sync_api.expect


def test_list_filter_and_close_an_order(page, site, make_user):
    registry_build_from_seed(actor=Actor.system("test:browser"))
    make_user("sc-editor", Role.EDITOR, "smart-city")
    now = datetime.now(UTC)
    # A simulated lamp that reports LAMP_FAIL → the rules open an order (48 h to go).
    DeviceState.objects.create(
        device_id="SL-HAGUN6-012",
        lamp_on=True,
        dim=100,
        power_w=0.4,
        energy_wh=1,
        voltage_v=220.0,
        current_a=0.01,
        temperature_c=20.0,
        last_ts=now,
        last_message_id="1",
        last_seen=now,
        faults=["LAMP_FAIL"],
        simulated=True,
    )
    faults_evaluate(now=now)
    lamp = RepairOrder.objects.get()
    # A citizen's report from four days ago: overdue.
    late = repairs.repair_order_open(
        actor=Actor.system("test"),
        kind=FaultKind.FLICKER,
        light="SL-PUNGMU-004",
        detail="민원: 깜빡임",
        now=now - timedelta(days=4),
    )

    log_in(page, site, "sc-editor")
    page.goto(f"{site}/streetlights/repairs/")
    rows = page.locator("table.repairs tbody tr")
    expect(rows).to_have_count(2)
    lamp_row = page.locator(f'tr[data-number="{lamp.number}"]')
    expect(lamp_row).to_contain_text("모의")
    expect(lamp_row).to_contain_text("남음")
    expect(page.locator(f'tr[data-number="{late.number}"]')).to_contain_text("1일 0시간 초과")
    screenshot(page, "streetlights-repairs.png")

    # Filters apply through htmx and land in the address bar.
    page.get_by_label("유형").select_option("lamp_failure")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(lamp.number)
    assert "kind=lamp_failure" in path_of(page, site)

    page.get_by_role("link", name=lamp.number).click()
    expect(page.get_by_role("heading", name=f"{lamp.number} 램프 고장")).to_be_visible()
    close = page.locator("form", has=page.get_by_role("button", name="완료 처리"))
    close.get_by_role("button", name="완료 처리").click()
    expect(page.get_by_text("처리 내용: 처리 내용을(를) 적어 주세요.")).to_be_visible()
    assert RepairOrder.objects.get(pk=lamp.pk).status == RepairStatus.OPEN

    page.get_by_label("처리 내용").fill("램프 모듈 교체")
    page.get_by_role("button", name="완료 처리").click()
    expect(page.get_by_text(f"{lamp.number}을(를) 완료 처리했습니다.")).to_be_visible()
    expect(page.locator("#order-status")).to_have_text("완료")
    expect(page.locator("#sla-clock")).to_contain_text("기한 내 완료")
    expect(page.get_by_role("cell", name="sc-editor")).to_be_visible()  # the history names who closed it
    lamp.refresh_from_db()
    assert (lamp.status, lamp.resolution) == (RepairStatus.CLOSED, "램프 모듈 교체")
    assert Streetlight.objects.get(code="SL-HAGUN6-012").state == LightState.ACTIVE
    assert requests_elsewhere(page, site) == []
