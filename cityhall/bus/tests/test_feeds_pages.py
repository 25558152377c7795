"""GTFS-Realtime feeds (read back with the official bindings), the arrival API, the public stop
page with its QR code, the operators' pages, notices and BIT health — with who may do what."""

from datetime import timedelta

import pytest
from django.utils import timezone
from google.transit import gtfs_realtime_pb2 as rt

from cityhall.bus import avl, choices, realtime, selectors, services
from cityhall.bus.models import Bit, BitNotice, Vehicle, VehicleState
from cityhall.bus.simulator import Simulator
from cityhall.core.audit import Actor
from cityhall.core.services import RecordInvalid

from .conftest import MORNING


def drive(seconds: int, routes=("C10",), start=MORNING):
    vehicles = list(Vehicle.objects.filter(route__code__in=routes).values_list("code", "route__code"))
    sim = Simulator(vehicles, start=start, seed=2)
    for _ in range(seconds // 5):
        batch = []
        for _ in range(5):
            batch += sim.step(1.0)
        avl.avl_ingest(batch, now=sim.now)
    return sim


def test_seed_figures_are_the_plans():
    assert (choices.SEED_STOPS_TOTAL, choices.SEED_BIT_STOPS, choices.SEED_BIT_UNITS) == (1195, 472, 498)
    assert choices.SEED_STOPS_TOTAL - choices.SEED_BIT_STOPS == choices.SEED_STOPS_WITHOUT_BIT == 723
    assert (choices.SEED_BIT_NEW_2025, choices.SEED_BIT_REPLACED_2025, choices.SEED_NOTICES_2024) == (
        10,
        10,
        77,
    )
    assert (choices.SEED_VILLAGE_ROUTES, choices.SEED_VILLAGE_BUSES) == (63, 101)


def test_network_is_simulated_and_made_once(bus_network):
    assert services.network_ensure(actor=Actor.system("test:bus")) == 0
    assert [r.code for r in selectors.routes()] == ["C10", "C20", "C30", "V1", "V2", "V3"]
    stops = selectors.stops()
    assert all(s.simulated for s in stops)
    with_bit = sum(1 for s in stops if s.bit_count)
    assert round(100 * with_bit / len(stops)) == 40  # near the seed's 39.4 %


def test_network_setup_needs_the_department(db, make_user):
    viewer = make_user("viewer-bus", "viewer", "smart-city")
    with pytest.raises(Exception, match="권한"):
        services.network_ensure(actor=Actor.for_user(viewer))
    assert not selectors.routes().exists()


def test_realtime_feeds_read_back_with_the_bindings(bus_network):
    sim = drive(240)
    services.alert_create(
        header="B1C1 정류소 임시 이전",
        description="공사로 30m 앞에서 승하차",
        starts_at=sim.now - timedelta(hours=1),
        ends_at=sim.now + timedelta(hours=1),
        stop="B1C1",
        actor=Actor.system("test:bus"),
    )
    positions = rt.FeedMessage.FromString(realtime.vehicle_positions(sim.now).SerializeToString())
    assert {e.vehicle.vehicle.id for e in positions.entity} == {"C10-01", "C10-02", "C10-03", "C10-04"}
    assert all(e.vehicle.trip.route_id == "C10" for e in positions.entity if e.vehicle.HasField("trip"))
    # STOPPED_AT names the stop the bus stands at, IN_TRANSIT_TO the next one (1-based, as stop_times)
    states = {s.vehicle.code: s for s in VehicleState.objects.select_related("vehicle")}
    statuses = set()
    for e in positions.entity:
        vp, state = e.vehicle, states[e.vehicle.vehicle.id]
        if not vp.HasField("current_stop_sequence"):
            continue
        statuses.add(vp.current_status)
        standing = vp.current_status == rt.VehiclePosition.STOPPED_AT
        assert standing == state.door_open
        assert vp.current_stop_sequence == state.last_stop_index + (1 if standing else 2)
    assert rt.VehiclePosition.IN_TRANSIT_TO in statuses
    updates = rt.FeedMessage.FromString(realtime.trip_updates(sim.now).SerializeToString())
    assert updates.entity
    for e in updates.entity:
        times = [u.arrival.time for u in e.trip_update.stop_time_update]
        assert times == sorted(times) and times[0] >= int(sim.now.timestamp())
    alerts = rt.FeedMessage.FromString(realtime.service_alerts(sim.now).SerializeToString())
    assert [e.alert.informed_entity[0].stop_id for e in alerts.entity] == ["B1C1"]
    assert alerts.entity[0].alert.header_text.translation[0].text == "B1C1 정류소 임시 이전"
    # 15 minutes without a report: nobody is left in the feed (dropped, not frozen)
    later = rt.FeedMessage.FromString(
        realtime.vehicle_positions(sim.now + timedelta(minutes=15)).SerializeToString()
    )
    assert len(later.entity) == 0


def test_alert_needs_a_target_and_a_period(bus_network):
    now = timezone.now()
    with pytest.raises(RecordInvalid) as exc:
        services.alert_create(header="x", description="", starts_at=now, ends_at=now, actor=Actor.system("t"))
    assert set(exc.value.errors) == {"ends_at", "route"}


def test_public_stop_page_api_qr_and_feeds_without_login(client, bus_network):
    page = client.get("/bus/stops/B1C1/")
    assert page.status_code == 200
    assert "도착 예정" in page.content.decode()
    assert client.get("/bus/stops/B1C1/panel/").status_code == 200
    qr = client.get("/bus/stops/B1C1/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    api = client.get("/api/v1/bus/stops/B1C1/arrivals")
    assert api.status_code == 200
    body = api.json()
    assert body["stop"] == "B1C1" and body["simulated"] is True
    assert {a["source"] for a in body["arrivals"]} <= {"live", "schedule"}
    assert client.get("/api/v1/bus/stops/NOPE/arrivals").status_code == 404
    assert client.get("/bus/stops/NOPE/").status_code == 404
    assert client.get("/bus/gtfs.zip").status_code == 200
    feed = client.get("/bus/gtfs-rt/vehicle-positions.pb")
    assert feed["Content-Type"] == "application/x-protobuf"
    rt.FeedMessage.FromString(feed.content)
    assert client.get("/bus/gtfs-rt/other.pb").status_code == 404


def test_operators_pages_need_a_role(client, bus_network, bus_staff):
    assert client.get("/bus/").status_code == 302
    assert client.get("/api/v1/bus/vehicles").status_code in (401, 403)
    client.force_login(bus_staff)
    for url in ("/bus/", "/bus/live/panel/", "/bus/routes/", "/bus/bits/", "/bus/notices/"):
        assert client.get(url).status_code == 200, url
    assert client.get("/api/v1/bus/vehicles").status_code == 200


def test_the_live_buses_follow_one_rule_on_the_map_and_the_api(client, bus_network, make_user):
    """The operators' map and the vehicles API show the same buses, so they answer the same people:
    any role (here a viewer of another department), and nobody without one."""
    client.force_login(make_user("no-role"))
    assert client.get("/bus/live/map.json").status_code == 403
    assert client.get("/api/v1/bus/vehicles").status_code == 403
    client.force_login(make_user("budget-viewer", "viewer", "budget-legal"))
    assert client.get("/bus/live/map.json").status_code == 200
    assert client.get("/api/v1/bus/vehicles").status_code == 200


def test_notices_request_approve_and_go_on_air(client, bus_network, bus_staff, make_user):
    actor = Actor.system("test:bus")
    assert services.notices_load_samples(actor=actor) == 77
    assert services.notices_load_samples(actor=actor) == 0
    assert BitNotice.objects.filter(sample=True, starts_at__year=2024).count() == 77
    client.force_login(bus_staff)
    bad = client.post(
        "/bus/notices/", {"text": "", "starts_at": "2025-03-04T09:00", "ends_at": "2025-03-04T08:00"}
    )
    assert bad.status_code == 422
    assert "표출 문구" in bad.content.decode() and "표출 종료는" in bad.content.decode()
    assert BitNotice.objects.filter(sample=False).count() == 0
    ok = client.post(
        "/bus/notices/",
        {"text": "김포 시민의 날 행사 안내", "starts_at": "2025-03-04T09:00", "ends_at": "2025-03-05T09:00"},
    )
    assert ok.status_code == 302
    notice = BitNotice.objects.get(sample=False)
    moment = notice.starts_at + timedelta(hours=1)
    assert notice not in selectors.notices_on_air(moment)
    client.post("/bus/notices/", {"action": "approve", "number": notice.number})
    notice.refresh_from_db()
    assert notice.status == "approved" and notice.approved_by == bus_staff
    assert notice in selectors.notices_on_air(moment)
    viewer = make_user("viewer-2", "viewer", "smart-city")
    client.force_login(viewer)
    assert client.post("/bus/notices/", {"action": "withdraw", "number": notice.number}).status_code == 403
    notice.refresh_from_db()
    assert notice.status == "approved"


def test_notice_from_a_template_says_what_is_missing(bus_network):
    actor = Actor.system("test:bus")
    services.notices_load_samples(actor=actor)
    now = timezone.now()
    with pytest.raises(RecordInvalid) as exc:
        services.notice_create(
            template="event",
            values={"title": "축제"},
            starts_at=now,
            ends_at=now + timedelta(days=1),
            actor=actor,
        )
    assert "template" in exc.value.errors
    made = services.notice_create(
        template="event",
        values={"title": "축제", "when": "토요일", "place": "시청"},
        starts_at=now,
        ends_at=now + timedelta(days=1),
        actor=actor,
    )
    assert made.text == "축제 토요일 시청"


def test_a_silent_bit_goes_offline_and_back(bus_network):
    now = timezone.now()
    bits = list(Bit.objects.order_by("code"))
    services.bits_heartbeat(codes=[b.code for b in bits], at=now - timedelta(minutes=10))
    services.bits_heartbeat(codes=[b.code for b in bits[1:]], at=now)
    went = services.bits_evaluate(now=now)
    assert [b.code for b in went] == [bits[0].code]
    assert Bit.objects.get(pk=bits[0].pk).state == "offline"
    services.bits_heartbeat(codes=[bits[0].code], at=now)
    assert services.bits_evaluate(now=now) == []
    assert Bit.objects.get(pk=bits[0].pk).state == "online"


def test_bunching_and_gaps_between_buses_of_a_route(bus_network):
    vehicles = list(Vehicle.objects.filter(route__code="C10").select_related("route").order_by("code"))
    at = timezone.now()
    states = [
        VehicleState(vehicle=v, lon=0, lat=0, observed_at=at, distance_m=d)
        for v, d in zip(vehicles, (0, 200, 3200, 4800), strict=True)
    ]
    found = {
        (s.follower, s.leader, s.kind) for s in selectors.spacings(states, {vehicles[0].route_id: 6400.0})
    }
    assert found == {("C10-01", "C10-02", "bunching"), ("C10-02", "C10-03", "gap")}


def test_simulated_bits_answer_and_the_offline_one_falls_silent():
    sim = Simulator([], start=MORNING, bits=["BIT-A", "BIT-B"], offline_bits={"BIT-B"})
    answered = [t for t, _ in sim.step(1.0)]
    assert answered == ["cityhall/v1/bus/bits/BIT-A/health", "cityhall/v1/bus/bits/BIT-B/health"]
    later = [t for _ in range(61) for t, _p in sim.step(1.0)]
    assert later == ["cityhall/v1/bus/bits/BIT-A/health"]


def test_live_map_feed_has_every_bus_in_one_state(client, bus_network, bus_staff):
    vehicles = list(Vehicle.objects.values_list("code", "route__code"))
    sim = Simulator(vehicles, start=timezone.now() - timedelta(minutes=2), seed=11)
    for _ in range(12):
        avl.avl_ingest(sim.step(5.0), now=timezone.now())
    assert client.get("/bus/live/map.json").status_code == 302
    client.force_login(bus_staff)
    feed = client.get("/bus/live/map.json").json()
    assert [s["key"] for s in feed["states"]] == ["on_time", "early", "late", "spacing", "unmatched", "stale"]
    live = selectors.live_states().count() + selectors.stale_states().count()
    assert len(feed["points"]) == sum(s["count"] for s in feed["states"]) == live > 0
    assert {p["state"] for p in feed["points"]} <= {s["key"] for s in feed["states"]}
    html = client.get("/bus/").content.decode()
    assert 'data-live-url="/bus/live/map.json"' in html and "bus-routes" in html
