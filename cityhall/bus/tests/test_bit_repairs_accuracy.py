"""An offline BIT opens one repair order (a shared maintenance order) and closes it when it answers
again; a BIT that never answered goes offline too. The accuracy page compares the recorded predictions
(model and baseline) with the arrivals."""

from datetime import timedelta

from django.utils import timezone

from cityhall.bus import accuracy, services
from cityhall.bus.models import Bit, PredictionRecord, RouteStop, StopEvent, Trip, Vehicle, VehicleState
from cityhall.core.models import AuditEvent
from cityhall.maintenance.models import MaintenanceOrder


def test_an_offline_bit_opens_one_order_and_closes_it_when_back(bus_network):
    now = timezone.now()
    bits = list(Bit.objects.order_by("code"))
    services.bits_heartbeat(codes=[b.code for b in bits[1:]], at=now)
    services.bits_heartbeat(codes=[bits[0].code], at=now - timedelta(minutes=10))
    assert [b.code for b in services.bits_evaluate(now=now)] == [bits[0].code]
    order = MaintenanceOrder.objects.get()
    assert (order.asset_app, order.asset_key, order.kind, order.status) == (
        "bus",
        f"bit:{bits[0].code}",
        "bit_offline",
        "open",
    )
    assert order.simulated and order.org_unit_id == bits[0].org_unit_id
    assert order.due_at == now + timedelta(hours=24)
    assert order.location == str(bits[0].stop)
    # evaluated again (the next 30 s round, or a second runtime): still one order
    services.bits_evaluate(now=now + timedelta(seconds=30))
    assert services.bit_repairs_sync(now=now) == (0, 0)
    assert MaintenanceOrder.objects.count() == 1
    # it answers again: online, its order closed as recovered, audited
    services.bits_heartbeat(codes=[bits[0].code], at=now + timedelta(minutes=1))
    services.bits_evaluate(now=now + timedelta(minutes=1))
    order.refresh_from_db()
    assert (order.status, order.recovered_at) == ("closed", now + timedelta(minutes=1))
    assert AuditEvent.objects.filter(record_type="maintenance_orders", action="create").count() == 1
    assert AuditEvent.objects.filter(record_type="maintenance_orders", action="close").count() == 1


def test_a_bit_that_never_answers_goes_offline_after_the_timeout(bus_network):
    now = timezone.now()
    bits = list(Bit.objects.order_by("code"))
    services.bits_heartbeat(codes=[b.code for b in bits[2:]], at=now)
    Bit.objects.filter(pk=bits[0].pk).update(registered_at=now - timedelta(minutes=6))  # never answered
    Bit.objects.filter(pk=bits[1].pk).update(registered_at=now - timedelta(minutes=2))  # just installed
    went = services.bits_evaluate(now=now)
    assert [b.code for b in went] == [bits[0].code]
    assert Bit.objects.get(pk=bits[1].pk).state == "online"
    assert MaintenanceOrder.objects.get().asset_key == f"bit:{bits[0].code}"
    assert "응답 기록 없음" in MaintenanceOrder.objects.get().detail


def test_bits_page_shows_the_open_order(client, bus_network, bus_staff):
    now = timezone.now()
    Bit.objects.update(last_seen=now)
    bit = Bit.objects.order_by("code").first()
    Bit.objects.filter(pk=bit.pk).update(last_seen=now - timedelta(minutes=10))
    services.bits_evaluate(now=now)
    client.force_login(bus_staff)
    body = client.get("/bus/bits/").content.decode()
    assert MaintenanceOrder.objects.get().number in body


def _arrival(trip, day, sequence, vehicle, at):
    StopEvent.objects.create(
        trip=trip,
        service_date=day,
        sequence=sequence,
        stop=RouteStop.objects.get(route=trip.route, sequence=sequence).stop,
        vehicle=vehicle,
        arrived_at=at,
    )


def predicted_and_arrived(vehicle, trip, day, made, cases) -> None:
    """For each (sequence, predicted s, baseline s, actual s): the predictions made at ``made`` and the
    bus's arrival ``actual`` seconds later."""
    for sequence, predicted, base, actual in cases:
        PredictionRecord.objects.create(
            route=vehicle.route,
            trip=trip,
            service_date=day,
            sequence=sequence,
            vehicle=vehicle,
            made_at=made,
            predicted_s=predicted,
            baseline_s=base,
            model="kalman",
        )
        _arrival(trip, day, sequence, vehicle, made + timedelta(seconds=actual))


def test_accuracy_by_route_and_horizon_against_the_baseline(bus_network):
    now = timezone.now()
    vehicle = Vehicle.objects.filter(route__code="C10").order_by("code").first()
    trip = Trip.objects.filter(route=vehicle.route).order_by("start_s").first()
    day = timezone.localdate(now)
    made = now - timedelta(minutes=30)
    # (sequence, predicted s, baseline s, actual s): errors model 30, -90, 200 / baseline 60, 150, 400
    cases = [(1, 90, 120, 60), (2, 210, 450, 300), (3, 800, 1000, 600)]
    predicted_and_arrived(vehicle, trip, day, made, cases)
    # one never arrived (not matched), one made before the window
    PredictionRecord.objects.create(
        route=vehicle.route,
        trip=trip,
        service_date=day,
        sequence=4,
        vehicle=vehicle,
        made_at=made,
        predicted_s=100,
        baseline_s=100,
        model="kalman",
    )
    result = accuracy.accuracy(since=now - timedelta(hours=1), until=now)
    assert (result.predictions, result.matched) == (4, 3)
    by_bucket = {c.bucket: c for c in result.totals}
    assert list(by_bucket) == ["0–2분", "2–5분", "10분 이상"]
    first = by_bucket["0–2분"]
    assert (first.n, first.mae_s, first.share_1, first.baseline_mae_s, first.baseline_share_1) == (
        1,
        30,
        1,
        60,
        1,
    )
    assert first.improvement == 0.5
    second = by_bucket["2–5분"]
    assert (second.mae_s, second.share_1, second.share_2, second.baseline_share_2) == (90, 0, 1, 0)
    assert [(c.route, c.bucket) for c in result.cells] == [
        ("C10", "0–2분"),
        ("C10", "2–5분"),
        ("C10", "10분 이상"),
    ]


def test_live_buses_predictions_are_recorded_and_old_ones_pruned(bus_network):
    now = timezone.now()
    vehicle = Vehicle.objects.filter(route__code="C10").order_by("code").first()
    trip = Trip.objects.filter(route=vehicle.route).order_by("start_s").first()
    VehicleState.objects.create(
        vehicle=vehicle,
        trip=trip,
        service_date=timezone.localdate(now),
        lon=0,
        lat=0,
        last_stop_index=1,
        departed_at=now - timedelta(seconds=20),
        observed_at=now - timedelta(seconds=5),
    )
    PredictionRecord.objects.create(
        route=vehicle.route,
        trip=trip,
        service_date=timezone.localdate(now),
        sequence=1,
        vehicle=vehicle,
        made_at=now - timedelta(days=accuracy.KEEP_DAYS, minutes=1),
        predicted_s=1,
        model="old",
    )
    stored = accuracy.predictions_record(now=now, force=True)
    rows = list(PredictionRecord.objects.order_by("sequence"))
    assert stored == len(rows) > 0
    assert rows[0].sequence == 2 and all(r.made_at == now for r in rows)
    assert all(r.predicted_s <= accuracy.MAX_HORIZON_S for r in rows)
    # recorded again within RECORD_S: nothing (the runtime's loop runs every 30 s)
    assert accuracy.predictions_record(now=now + timedelta(seconds=30)) == 0


def test_accuracy_page_and_api(client, bus_network, bus_staff, make_user):
    assert client.get("/bus/accuracy/").status_code == 302  # sign in first
    assert client.get("/api/v1/bus/accuracy").status_code in (401, 403)
    client.force_login(bus_staff)
    page = client.get("/bus/accuracy/")
    assert page.status_code == 200 and "비교할 예측이 아직 없습니다." in page.content.decode()
    bad = client.get("/bus/accuracy/", {"days": "abc"})
    assert bad.status_code == 400 and "정수가 아닙니다" in bad.content.decode()
    assert client.get("/bus/accuracy/", {"days": "8"}).status_code == 400
    api = client.get("/api/v1/bus/accuracy", {"days": "2"})
    assert api.status_code == 200 and api.json()["totals"] == []
    assert client.get("/api/v1/bus/accuracy", {"days": "0"}).status_code == 422
