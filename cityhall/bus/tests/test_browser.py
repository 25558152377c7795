"""A citizen scans the stop's QR code and reads the arrivals on a phone: live buses (모의) counted
down, the page refreshing itself, no login."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cityhall.bus import avl, predictions, services
from cityhall.bus.models import Vehicle
from cityhall.bus.simulator import Simulator
from cityhall.core.audit import Actor
from cityhall.core.tests.browser import (  # noqa: F401 - the fixtures register by being imported
    browser_fixture,
    close_context,
    log_in,
    page_fixture,
    requires_chromium,
    site_fixture,
    sync_api,
)

pytestmark = [requires_chromium, pytest.mark.slow]
expect = sync_api.expect


def test_public_stop_page_on_a_phone(browser, site):
    predictions.forget()
    services.network_ensure(actor=Actor.system("test:bus"))
    vehicles = list(Vehicle.objects.filter(route__code="C10").values_list("code", "route__code"))
    # Four minutes of driving, ending now: the buses are live.
    sim = Simulator(vehicles, start=timezone.now() - timedelta(minutes=4), seed=7)
    for _ in range(48):
        batch = []
        for _ in range(5):
            batch += sim.step(1.0)
        avl.avl_ingest(batch, now=timezone.now())
    context = browser.new_context(locale="ko-KR", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"{site}/bus/stops/F1F2/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("F1–F2 중간 정류장")
        arrivals = page.get_by_test_id("arrivals")
        expect(arrivals).to_contain_text("10")
        expect(arrivals.locator("li").first).to_contain_text(re.compile("정거장 전|곧 도착"))
        # nothing wider than the phone
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        page.get_by_text("이 정류소 QR 코드").click()
        expect(page.get_by_role("img", name="이 페이지 주소의 QR 코드")).to_be_visible()
        api = json.loads(page.request.get(f"{site}/api/v1/bus/stops/F1F2/arrivals").text())
        assert api["arrivals"][0]["source"] == "live"
    finally:
        close_context(context)
        predictions.forget()


def test_operators_map_shows_each_bus_in_its_state(page, site, make_user):
    """The overview's shared map (cityhall.gis.live): one marker per bus, in its state's class, as
    many of each as the feed says."""
    from cityhall.organisation.models import Role

    services.network_ensure(actor=Actor.system("test:bus"))
    vehicles = list(Vehicle.objects.values_list("code", "route__code"))
    sim = Simulator(vehicles, start=timezone.now() - timedelta(minutes=2), seed=11)
    for _ in range(24):
        batch = []
        for _ in range(5):
            batch += sim.step(1.0)
        avl.avl_ingest(batch, now=timezone.now())
    make_user("bus-viewer", Role.VIEWER, "smart-city")
    log_in(page, site, "bus-viewer")
    page.goto(f"{site}/bus/")
    canvas = page.locator(".gis-map-canvas")
    expect(canvas).to_have_attribute("data-ready", "ready", timeout=30_000)
    feed = json.loads(page.request.get(f"{site}/bus/live/map.json").text())
    assert feed["points"], "the simulator's buses are live"
    for state in feed["states"]:
        expect(page.locator(f"path.gis-live-{state['key']}")).to_have_count(state["count"])
        expect(page.locator(f'.gis-live-legend [data-state="{state["key"]}"]')).to_have_attribute(
            "data-count", str(state["count"])
        )
    assert page.locator("path.gis-live-mark").count() == len(feed["points"])
