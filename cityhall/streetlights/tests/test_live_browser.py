"""The live pages in a real browser: the overview follows the database without a reload, and an
editor commands lights from a site page and sees the acknowledgement arrive.

The live server's database is flushed after each test (see cityhall/core/tests/browser.py), so the
registry is built here, committed, for the server to see. ``CITYHALL_SCREENSHOTS=1`` writes
docs/screenshots/streetlights-{live,site,light}.png.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from cityhall.core.audit import Actor
from cityhall.core.tests.browser import (  # noqa: F401 - the fixtures register by being imported
    browser_fixture,
    log_in,
    open_menu,
    page_fixture,
    requests_elsewhere,
    requires_chromium,
    screenshot,
    site_fixture,
    sync_api,
)
from cityhall.organisation.models import Role
from cityhall.streetlights.choices import CommandStatus
from cityhall.streetlights.models import Command
from cityhall.streetlights.registry.services import registry_build_from_seed
from cityhall.streetlights.tests.test_live_pages import put_state
from cityhall.telemetry.models import Reading

pytestmark = requires_chromium
expect = sync_api.expect
POLL_WAIT_MS = 15_000  # the pages poll every 5 s (3 s for commands)


@pytest.fixture
def fleet(site):
    registry_build_from_seed(actor=Actor.system("test:browser"))


@pytest.fixture
def navigations(page):
    """Every navigation of the page's main frame (a reload or a link followed adds one)."""
    seen: list[str] = []
    page.on("framenavigated", lambda frame: seen.append(frame.url) if frame == page.main_frame else None)
    return seen


def test_overview_follows_the_field_without_reloading(page, site, fleet, make_user, navigations):
    make_user("sc-viewer", Role.VIEWER, "smart-city")
    log_in(page, site, "sc-viewer")
    open_menu(page, "스마트가로등")
    expect(page).to_have_url(f"{site}/streetlights/")
    expect(page.locator('[data-counter="lights"]')).to_have_text("638")
    expect(page.locator('[data-counter="never"]')).to_have_text("638")
    expect(page.get_by_test_id("nothing-reported")).to_be_visible()
    page.evaluate("window.__sameDocument = true")
    before = len(navigations)

    put_state("SL-HAGUN41-001", on=True, power=100.0, simulated=True)
    put_state("SL-HAGUN41-002", on=True, power=50.0, simulated=True)
    put_state("SL-HAGUN6-001", on=False, power=0.0, faults=["LAMP_FAIL"], simulated=True)
    put_state("SL-HAGUN6-002", on=True, power=90.0, ago=timedelta(minutes=10), simulated=True)

    expect(page.locator('[data-counter="reporting"]')).to_have_text("3", timeout=POLL_WAIT_MS)
    expect(page.locator('[data-counter="on"]')).to_have_text("2")
    expect(page.locator('[data-counter="faults"]')).to_have_text("1")
    expect(page.locator('[data-counter="offline"]')).to_have_text("1")
    expect(page.locator('[data-counter="power"]')).to_have_text("0.15 kW")
    expect(page.locator(".live-meta .badge.simulated")).to_have_text("모의 데이터")
    expect(page.get_by_test_id("nothing-reported")).to_have_count(0)
    # The shared map's live overlay follows too: one marker per light, in its state's class.
    legend = page.locator(".gis-live-legend")
    expect(legend.locator('[data-state="fault"]')).to_have_attribute("data-count", "1", timeout=POLL_WAIT_MS)
    expect(legend.locator('[data-state="offline"]')).to_have_attribute("data-count", "1")
    expect(page.locator("path.gis-live-on")).to_have_count(2)
    expect(page.locator("path.gis-live-fault")).to_have_count(1)
    expect(page.locator("path.gis-live-offline")).to_have_count(1)
    expect(page.locator("path.gis-live-never")).to_have_count(634)
    assert page.locator("path.gis-live-fault").get_attribute("fill") == "#c62828"  # the palette's "bad"
    assert page.locator("path.gis-live-on").first.get_attribute("fill") == "#1e7b3a"  # "ok"
    assert len(navigations) == before, "the page must update in place, not navigate"
    assert page.evaluate("window.__sameDocument") is True
    screenshot(page, "streetlights-live.png")
    assert requests_elsewhere(page, site) == []


def test_editor_commands_selected_lights_and_sees_the_ack(page, site, fleet, make_user, navigations):
    make_user("sc-editor", Role.EDITOR, "smart-city")
    put_state("SL-HAGUN41-001", on=True, power=100.0)
    log_in(page, site, "sc-editor")
    page.goto(f"{site}/streetlights/")
    page.get_by_role("row").filter(has_text="학운 4-1").get_by_role("link", name="학운 4-1").click()
    expect(page).to_have_url(f"{site}/streetlights/sites/HAGUN41/")
    expect(page.get_by_role("heading", level=1)).to_have_text("학운 4-1")

    page.get_by_label("SL-HAGUN41-001 선택").check()
    page.get_by_label("SL-HAGUN41-003 선택").check()
    # A poll of the light table must lose neither the ticks nor the table's scroll position.
    box = page.locator(".site-lights-scroll")
    box.evaluate("element => { element.scrollTop = 300; }")
    shown = page.locator("#site-lights [data-testid=data-time]").inner_text()
    expect(page.locator("#site-lights [data-testid=data-time]")).not_to_have_text(shown, timeout=POLL_WAIT_MS)
    expect(page.get_by_label("SL-HAGUN41-001 선택")).to_be_checked()
    expect(page.get_by_label("SL-HAGUN41-003 선택")).to_be_checked()
    assert box.evaluate("element => element.scrollTop") == 300
    before = len(navigations)

    panel = page.locator("#command-panel")
    panel.get_by_label("표에서 선택한 가로등").check()
    panel.get_by_label("명령").select_option("dim")
    panel.get_by_label("밝기(%, 밝기 조절만)").fill("150")
    panel.get_by_role("button", name="명령 보내기").click()
    expect(page.get_by_test_id("command-errors")).to_contain_text(
        "밝기 '150'은(는) 0~100 사이의 정수(%)여야 합니다."
    )
    assert not Command.objects.exists()

    panel = page.locator("#command-panel")
    expect(panel.get_by_label("밝기(%, 밝기 조절만)")).to_have_value("150")
    panel.get_by_label("밝기(%, 밝기 조절만)").fill("40")
    panel.get_by_role("button", name="명령 보내기").click()
    expect(page.get_by_test_id("command-done")).to_contain_text("밝기 조절 명령을 가로등 2대에 요청했습니다")
    assert sorted(Command.objects.values_list("light__code", "level")) == [
        ("SL-HAGUN41-001", 40),
        ("SL-HAGUN41-003", 40),
    ]
    commands = page.locator("#site-commands")
    expect(commands.locator('[data-status="pending"]')).to_have_text("대기 2", timeout=POLL_WAIT_MS)

    # The live runtime sends them and the devices answer: the page follows.
    Command.objects.update(status=CommandStatus.ACKED, acked_at=timezone.now(), result="ok")
    expect(commands.locator('[data-status="acked"]')).to_have_text("완료 2", timeout=POLL_WAIT_MS)
    assert len(navigations) == before
    screenshot(page, "streetlights-site.png")

    now = timezone.now()
    Reading.objects.bulk_create(
        [
            Reading(
                device_id="SL-HAGUN41-001",
                message_id=f"b{i}",
                ts=now - timedelta(minutes=5 * i),
                received_at=now,
                lamp_on=True,
                dim=100 if i % 100 < 50 else 50,
                power_w=100.0 if i % 100 < 50 else 50.0,
                energy_wh=10_000 - i,
                voltage_v=220.0,
                current_a=0.4,
                temperature_c=8.0,
            )
            for i in range(1, 200)
        ]
    )
    page.get_by_role("link", name="SL-HAGUN41-001").first.click()
    expect(page).to_have_url(f"{site}/streetlights/lights/SL-HAGUN41-001/")
    expect(page.get_by_test_id("power-chart")).to_be_visible()
    expect(page.get_by_role("region", name="최근 명령")).to_contain_text("밝기 조절 40%")
    screenshot(page, "streetlights-light.png")
    assert requests_elsewhere(page, site) == []
