"""In a real browser: an operator opens the prediction-accuracy page from the bus overview, reads the
model against the baseline per horizon, and mistypes the number of days (a Korean error, status 400)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cityhall.bus import predictions, services
from cityhall.bus.models import Trip, Vehicle
from cityhall.bus.tests.test_bit_repairs_accuracy import predicted_and_arrived
from cityhall.core.audit import Actor
from cityhall.core.tests.browser import (  # noqa: F401 - the fixtures register by being imported
    browser_fixture,
    log_in,
    open_menu,
    page_fixture,
    requires_chromium,
    screenshot,
    site_fixture,
    sync_api,
)
from cityhall.organisation.models import Role

pytestmark = [requires_chromium, pytest.mark.slow]
expect = sync_api.expect


def test_accuracy_page_compares_the_model_with_the_baseline(page, site, make_user):
    predictions.forget()
    services.network_ensure(actor=Actor.system("test:bus"))
    make_user("bus-acc", Role.EDITOR, "smart-city")
    now = timezone.now()
    vehicle = Vehicle.objects.filter(route__code="C10").order_by("code").first()
    trip = Trip.objects.filter(route=vehicle.route).order_by("start_s").first()
    day = timezone.localdate(now)
    made = now - timedelta(minutes=20)
    predicted_and_arrived(vehicle, trip, day, made, [(1, 90, 150, 60), (2, 400, 500, 420)])
    log_in(page, site, "bus-acc")
    open_menu(page, "버스정보")
    page.get_by_role("link", name="도착 예측 정확도").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("도착 예측 정확도 모의")
    totals = page.get_by_test_id("all-routes")
    expect(totals).to_contain_text("0–2분")
    expect(totals).to_contain_text("5–10분")
    expect(page.get_by_test_id("by-route")).to_contain_text("C10")
    expect(page.get_by_test_id("accuracy-counts")).to_contain_text("2건")
    screenshot(page, "bus-accuracy.png")
    page.get_by_label("최근 일수 (1–7)").fill("abc")
    page.get_by_role("button", name="보기").click()
    expect(page.get_by_role("alert")).to_contain_text("정수가 아닙니다")
    api = page.request.get(f"{site}/api/v1/bus/accuracy?days=1").json()
    assert [c["bucket"] for c in api["totals"]] == ["0–2분", "5–10분"]
    assert api["totals"][0]["mae_s"] == 30 and api["totals"][0]["baseline_mae_s"] == 90
    predictions.forget()
