"""In a real browser (Debian Chromium via Playwright; fixtures from core/tests/browser.py): an operator
sees an event's camera on the wall and acknowledges it; the tile leaves the wall (htmx swap)."""

from cityhall.cctv.models import Event
from cityhall.core.tests.browser import (  # noqa: F401 - the fixtures register by being imported
    browser_fixture,
    log_in,
    page_fixture,
    requires_chromium,
    screenshot,
    site_fixture,
    sync_api,
)
from cityhall.core.tests.test_browser_accessibility import cctv_scenario_event
from cityhall.organisation.models import Role

pytestmark = requires_chromium
expect = sync_api.expect


def test_operator_acknowledges_an_event_on_the_wall(page, site, make_user):
    code = cctv_scenario_event()
    make_user("sc-editor", Role.EDITOR, "smart-city")
    log_in(page, site, "sc-editor")
    page.goto(f"{site}/cctv/")
    tile = page.locator('[data-testid="tile"][data-camera="CAM-AX"]')
    expect(tile).to_contain_text("침입")
    screenshot(page, "cctv-wall.png")
    tile.get_by_role("button", name="확인 CAM-AX").click()
    expect(page.get_by_test_id("wall-empty")).to_be_visible()
    event = Event.objects.get(code=code)
    assert event.status == "acknowledged"
    assert event.handled_by.username == "sc-editor"
