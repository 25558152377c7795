"""AVL intake on simulated buses (모의): stop events, segment travel times, trips matched, delays;
bad and repeated messages; a silent bus dropped from predictions."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from cityhall.bus import avl, predictions, selectors
from cityhall.bus.models import SegmentTravel, Stop, StopEvent, Vehicle, VehicleState
from cityhall.bus.simulator import Simulator
from cityhall.telemetry.models import DeadLetter

from .conftest import MORNING


def run(sim: Simulator, seconds: int, batch_s: int = 5) -> avl.IngestReport:
    total = avl.IngestReport()
    pending: list = []
    for i in range(seconds):
        pending += sim.step(1.0)
        if (i + 1) % batch_s == 0:
            r = avl.avl_ingest(pending, now=sim.now)
            pending = []
            for name in ("stored", "ignored", "rejected", "arrivals", "departures", "segments"):
                setattr(total, name, getattr(total, name) + getattr(r, name))
    return total


def fleet(routes=("C10", "C20", "V1")):
    return list(Vehicle.objects.filter(route__code__in=routes).values_list("code", "route__code"))


def test_simulated_buses_make_stop_events_and_segments(bus_network):
    sim = Simulator(fleet(), start=MORNING, seed=3)
    report = run(sim, 10 * 60)
    assert report.rejected == 0
    assert report.arrivals > 40
    segments = list(SegmentTravel.objects.all())
    assert len(segments) == report.segments > 30
    # 400 m at 4.8–10 m/s of driving, no dwell: between 35 s and 90 s
    assert all(35 <= s.travel_s <= 90 for s in segments), sorted(s.travel_s for s in segments)[:3]
    states = list(VehicleState.objects.select_related("trip", "vehicle"))
    assert len(states) == len(fleet())
    matched = [s for s in states if s.trip is not None]
    assert len(matched) >= len(states) - 2
    assert all(s.trip.route_id == s.vehicle.route_id for s in matched)
    assert len({(s.trip_id, s.service_date) for s in matched}) == len(matched)  # one bus per trip
    assert all(s.service_date.isoformat() == "2025-03-04" for s in matched)
    # every segment joins two consecutive stop events of one trip
    s = segments[0]
    dep = StopEvent.objects.get(trip=s.trip, service_date=s.service_date, sequence=s.segment_index)
    arr = StopEvent.objects.get(trip=s.trip, service_date=s.service_date, sequence=s.segment_index + 1)
    assert dep.departed_at == s.departed_at
    assert (arr.arrived_at - dep.departed_at).total_seconds() == s.travel_s


def test_redelivered_messages_store_nothing_twice(bus_network):
    sim = Simulator(fleet(), start=MORNING, seed=4)
    messages = []
    for _ in range(300):
        messages += sim.step(1.0)
    first = avl.avl_ingest(messages, now=sim.now)
    counts = (StopEvent.objects.count(), SegmentTravel.objects.count())
    again = avl.avl_ingest(messages, now=sim.now)
    assert again.stored == 0 and again.ignored == len(messages) == first.stored
    assert (StopEvent.objects.count(), SegmentTravel.objects.count()) == counts


@pytest.mark.parametrize(
    ("change", "reason", "field"),
    [
        ({"lat": 123.0}, "out_of_range", "lat"),
        ({"door": "ajar"}, "wrong_type", "door"),
        ({"ts": "2025-03-04 08:00"}, "bad_timestamp", "ts"),
        ({"vehicle": "C10-02"}, "topic_device_mismatch", "vehicle"),
        ({"occupancy": "CRUSHED"}, "out_of_range", "occupancy"),
    ],
)
def test_bad_messages_go_to_dead_letters_with_the_reason(bus_network, change, reason, field):
    body = {
        "msg_id": "m1",
        "vehicle": "C10-01",
        "ts": MORNING.isoformat(),
        "lon": 126.71,
        "lat": 37.61,
        "speed_kmh": 20,
        "door": "closed",
        "occupancy": "EMPTY",
    }
    body.update(change)
    report = avl.avl_ingest([(avl.avl_topic("C10-01"), json.dumps(body).encode())], now=MORNING)
    assert report.rejected == 1 and report.stored == 0
    letter = DeadLetter.objects.get()
    assert (letter.reason, letter.field) == (reason, field)
    assert not VehicleState.objects.exists()


def test_unknown_vehicle_is_rejected(bus_network):
    body = {
        "msg_id": "m1",
        "vehicle": "X-99",
        "ts": MORNING.isoformat(),
        "lon": 126.71,
        "lat": 37.61,
        "speed_kmh": 0,
        "door": "closed",
    }
    report = avl.avl_ingest([(avl.avl_topic("X-99"), json.dumps(body).encode())], now=MORNING)
    assert report.unknown == ["X-99"]
    assert DeadLetter.objects.get().reason == "unknown_device"


def test_a_silent_bus_is_dropped_from_predictions_not_frozen(bus_network):
    sim = Simulator(fleet(("C10",)), start=MORNING, seed=5, silent={"C10-01": 300})
    run(sim, 420)
    now = sim.now
    live = {s.vehicle.code for s in selectors.live_states(now)}
    assert "C10-01" not in live
    assert "C10-02" in live
    assert [s.vehicle.code for s in selectors.stale_states(now)] == ["C10-01"]
    # Silent for more than two hours: its day has ended, it is no longer shown as a lost signal.
    assert list(selectors.stale_states(now + selectors.STALE_SHOWN)) == []
    shown = set()
    for stop in Stop.objects.filter(route_stops__route__code="C10").distinct():
        shown |= {a.vehicle for a in predictions.arrivals(stop, now) if a.vehicle}
    assert "C10-01" not in shown
    assert shown & {"C10-02", "C10-03", "C10-04"}


def test_arrivals_count_down_as_the_bus_comes(bus_network):
    sim = Simulator(fleet(("C20",)), start=MORNING, seed=6)
    run(sim, 240)
    state = VehicleState.objects.select_related("vehicle__route").get(vehicle__code="C20-01")
    target = state.last_stop_index + 2
    stop = state.vehicle.route.stops.get(sequence=target).stop
    first = next(a for a in predictions.arrivals(stop, sim.now) if a.vehicle == "C20-01")
    assert first.source == "live" and first.stops_away == 2
    assert "2정거장 전" in first.message or first.message == "곧 도착"
    later = next(
        a for a in predictions.arrivals(stop, sim.now + timedelta(seconds=30)) if a.vehicle == "C20-01"
    )
    assert later.eta_s <= first.eta_s - 29 or later.eta_s == 0


def test_buses_off_the_timetable_are_tracked_but_not_recorded(bus_network):
    night = MORNING.replace(hour=2)  # no trip runs at 02:00
    sim = Simulator(fleet(("V1",)), start=night, seed=8)
    report = run(sim, 240)
    assert report.stored > 0 and report.arrivals == 0
    assert not StopEvent.objects.exists() and not SegmentTravel.objects.exists()
    state = VehicleState.objects.select_related("vehicle__route").filter(departed_at__isnull=False).first()
    assert state is not None and state.trip is None
    stop = state.vehicle.route.stops.get(sequence=state.last_stop_index + 1).stop
    live = [a for a in predictions.arrivals(stop, sim.now) if a.source == "live"]
    assert live and live[0].stops_away >= 1


@pytest.mark.slow
def test_the_last_trips_run_past_midnight_on_their_service_day(bus_network):
    late = MORNING.replace(hour=23, minute=57)  # C10's last departure is 23:30, its loop ~ 40 min
    sim = Simulator(fleet(("C10",)), start=late, seed=9)
    run(sim, 420)
    after = StopEvent.objects.filter(arrived_at__gte=MORNING.replace(day=5, hour=0, minute=0))
    assert after.exists()
    assert {e.service_date.isoformat() for e in after} == {"2025-03-04"}
    states = [s for s in VehicleState.objects.all() if s.trip_id is not None]
    assert states and all(abs(s.delay_s) < 1800 for s in states), [s.delay_s for s in states]


def test_the_timetable_is_read_in_korean_time_whatever_the_zone_of_the_report():
    # 23:00 UTC on 3 March is 08:00 KST on 4 March; 15:30 UTC on 4 March is 00:30 KST on the 5th,
    # still the 4th's service day (GTFS counts past 24:00)
    assert avl.seconds_into(date(2025, 3, 4), datetime(2025, 3, 3, 23, 0, tzinfo=UTC)) == 8 * 3600
    assert avl.seconds_into(date(2025, 3, 4), datetime(2025, 3, 4, 15, 30, tzinfo=UTC)) == 86400 + 1800
    assert avl.seconds_of_day(datetime(2025, 3, 3, 17, 0, tzinfo=UTC)) == 2 * 3600  # 02:00 KST


def test_demo_buses_reporting_in_utc_follow_the_korean_timetable(bus_network):
    # the simulator started at 08:00 KST given as 23:00 UTC: its reports carry +00:00 offsets, and
    # its buses are matched to the morning's trips of the 4th (read as local time, 23:00 on the 3rd,
    # they would be the last trips of the 3rd or none)
    sim = Simulator(fleet(("C20",)), start=MORNING.astimezone(UTC), seed=6)
    assert '+00:00"' in sim.step(1.0)[0][1].decode()
    run(sim, 240)
    events = list(StopEvent.objects.select_related("trip"))
    assert events and {e.service_date.isoformat() for e in events} == {"2025-03-04"}
    starts = sorted({e.trip.start_s for e in events})
    assert 5 * 3600 <= starts[0] and starts[-1] <= 9 * 3600, starts
