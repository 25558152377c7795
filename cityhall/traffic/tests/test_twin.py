"""The twin on small networks: safety invariants checked at every simulation step of preemption runs,
the predictive strategy's arithmetic, OSM import and scenario export."""

from pathlib import Path

import pytest

from cityhall.traffic.twin import detectors, network, preemption, scenario, simulation
from cityhall.traffic.twin.demand import Trip, background_trips, write_routes
from cityhall.traffic.twin.sumo import SumoError

OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <bounds minlat="37.6000" minlon="126.7000" maxlat="37.6100" maxlon="126.7100"/>
  {nodes}
  {ways}
</osm>
"""


def small_osm() -> str:
    """A plus-shaped crossing of two primary roads, the centre tagged traffic_signals."""
    nodes = [
        (1, 37.6050, 126.7000, ""),
        (2, 37.6050, 126.7050, '<tag k="highway" v="traffic_signals"/>'),
        (3, 37.6050, 126.7100, ""),
        (4, 37.6000, 126.7050, ""),
        (5, 37.6100, 126.7050, ""),
    ]
    node_xml = "\n  ".join(
        f'<node id="{i}" lat="{lat}" lon="{lon}" version="1">{tags}</node>' for i, lat, lon, tags in nodes
    )
    ways = []
    for wid, refs, name in ((10, (1, 2, 3), "김포대로"), (11, (4, 2, 5), "모의로")):
        nd = "".join(f'<nd ref="{r}"/>' for r in refs)
        ways.append(
            f'<way id="{wid}" version="1">{nd}<tag k="highway" v="primary"/><tag k="lanes" v="2"/>'
            f'<tag k="name" v="{name}"/></way>'
        )
    return OSM.format(nodes=node_xml, ways="\n  ".join(ways))


@pytest.fixture(scope="module")
def grid(tmp_path_factory) -> Path:
    return network.build_grid(tmp_path_factory.mktemp("grid"), size=3)


def test_default_grid_has_36_signals(tmp_path):
    info = network.read_network(network.build_grid(tmp_path))
    assert len(info.signals) == 36
    assert sorted(info.signals) == sorted(network.grid_junction_ids())
    assert all(len(s.green_states) == 2 for s in info.signals.values())
    assert len(info.fringe_in) == 24 and len(info.fringe_out) == 24
    # west to east through B1: the links (one per lane) from edge A1B1 into B1C1
    through = info.signals["B1"].movements[("A1B1", "B1C1")]
    assert through and all(info.signals["B1"].incoming[i].startswith("A1B1_") for i in through)


def test_predicted_green_time_by_hand():
    # 300 m at 20.8 m/s = 14.4 s; a queue of 4 needs 2 + 4 × 2 = 10 s; margin 3 s
    assert preemption.predicted_arrival(100, 300, 20.8) == pytest.approx(114.423, abs=1e-3)
    assert preemption.queue_clear_time(4) == 10.0
    assert preemption.green_needed_by(100, 300, 20.8, 4) == pytest.approx(101.423, abs=1e-3)
    assert preemption.queue_clear_time(100) == 40.0  # capped


@pytest.mark.slow
@pytest.mark.parametrize("strategy", ["naive", "predictive"])
def test_safety_invariants_hold_at_every_step(grid, strategy):
    sc = scenario.build(grid, level="peak", seed=3, ev_count=2)
    sc.trips = [t for t in sc.trips if t.depart < 400] + [
        Trip("ev0", 60.0, sc.ev_routes["ev0"][0], sc.ev_routes["ev0"][-1], emergency=True),
        Trip("ev1", 200.0, sc.ev_routes["ev1"][0], sc.ev_routes["ev1"][-1], emergency=True),
    ]
    sc.trips = list({t.id: t for t in sc.trips}.values())
    sc.end = 400
    result = simulation.run(sc, strategy, monitor=True)
    assert result.violations == []
    assert set(result.ev_travel_times()) == {"ev0", "ev1"}
    actions = {jp.action for ev in result.evs.values() for jp in ev.junctions.values()}
    assert actions & {"early_green", "extension"}


@pytest.mark.slow
def test_preemption_saves_time_and_offline_controllers_are_warned(grid):
    info = network.read_network(grid)
    sc = scenario.build(grid, level="off_peak", seed=2, ev_count=1)
    sc.trips = [t for t in sc.trips if t.emergency or t.depart < 300]
    sc.end = 300
    base = simulation.run(sc, "none")
    ours = simulation.run(sc, "predictive")
    assert ours.ev_travel_times()["ev0"] <= base.ev_travel_times()["ev0"]
    first_signal = next(
        info.edge_nodes[e][1] for e in sc.ev_routes["ev0"] if info.edge_nodes[e][1] in info.signals
    )
    sc.offline = frozenset({first_signal})
    warned = simulation.run(sc, "predictive")
    assert warned.evs["ev0"].warnings == [f"{first_signal} 제어기 오프라인: 우선신호를 요청할 수 없습니다."]
    assert warned.evs["ev0"].junctions[first_signal].action == "offline"


def test_background_demand_is_seeded(grid):
    info = network.read_network(grid)
    a = background_trips(info, vehicles_per_hour=3600, begin=0, end=60, seed=5)
    b = background_trips(info, vehicles_per_hour=3600, begin=0, end=60, seed=5)
    assert a == b and 40 < len(a) < 90


def test_import_osm_builds_a_signalised_network(tmp_path):
    osm = tmp_path / "small.osm"
    osm.write_text(small_osm(), encoding="utf-8")
    net = network.import_osm(osm, tmp_path / "net")
    info = network.read_network(net)
    assert len(info.signals) == 1
    (signal,) = info.signals.values()
    assert len(signal.green_states) >= 2
    assert len(info.edges) >= 8


def test_import_osm_refuses_a_missing_or_broken_file(tmp_path):
    with pytest.raises(SumoError, match="파일이 없습니다"):
        network.import_osm(tmp_path / "none.osm", tmp_path / "net")
    bad = tmp_path / "bad.osm"
    bad.write_text("<osm><node id=", encoding="utf-8")
    with pytest.raises(SumoError):
        network.import_osm(bad, tmp_path / "net2")


def test_export_scenario_writes_a_rerunnable_sumo_configuration(grid, tmp_path):
    sc = scenario.build(grid, level="off_peak", seed=1, ev_count=1)
    files = scenario.export(sc, tmp_path / "out")
    assert [f.name for f in files] == [
        "network.net.xml",
        "demand.rou.xml",
        "signal-plans.add.xml",
        "scenario.sumocfg",
        "emergency-routes.json",
    ]
    from cityhall.traffic.twin.sumo import run_tool

    run_tool("sumo", ["-c", str(tmp_path / "out" / "scenario.sumocfg"), "--end", "30", "--no-step-log"])


def test_the_siren_device_goes_on_emergency_vehicles_only_when_drivers_yield(tmp_path):
    trips = [Trip("v0", 1.0, "a", "b"), Trip("ev0", 2.0, "a", "b", emergency=True)]
    on = write_routes(tmp_path / "on.rou.xml", trips, {"ev0": ["a", "b"]}).read_text()
    assert on.count('key="has.bluelight.device" value="true"') == 1
    assert '<param key="device.bluelight.reactiondist" value="100"/>' in on
    off = write_routes(tmp_path / "off.rou.xml", trips, {"ev0": ["a", "b"]}, yielding=False).read_text()
    assert "bluelight" not in off


def test_link_congestion_from_vds_readings(grid):
    info = network.read_network(grid)
    edge = next(e for e, (_a, b) in info.edge_nodes.items() if b in info.signals)
    other = next(e for e, (_a, b) in info.edge_nodes.items() if b in info.signals and e != edge)
    quiet = next(e for e, (_a, b) in info.edge_nodes.items() if b in info.signals and e not in (edge, other))
    readings = [
        # 10 vehicles at 30 km/h and 30 at 10 km/h: (300 + 300) / 40 = 15 km/h, 서행 (10–25 km/h)
        detectors.VdsReading("vds-a", edge, 30, 10, 30.0, 12.0),
        detectors.VdsReading("vds-b", edge, 30, 30, 10.0, 20.0),
        # nobody passed, the loops covered 80 % of the time: a standing queue, 정체
        detectors.VdsReading("vds-c", other, 30, 0, None, 80.0),
        detectors.VdsReading("vds-d", other, 30, 0, None, 70.0),
        # nobody passed over empty loops: free at the limit
        detectors.VdsReading("vds-e", quiet, 30, 0, None, 0.0),
    ]
    levels = detectors.link_congestion(info, readings)
    assert levels[edge] == (15.0, "slow")
    assert levels[other] == (0.0, "jammed")
    assert levels[quiet] == (50.0, "free")


@pytest.mark.slow
def test_vds_loops_report_every_30_seconds_per_lane(grid):
    info = network.read_network(grid)
    stations = detectors.stations(info)
    # every lane of every link into one of the 9 signals: 4 approaches × 2 lanes each
    assert len(stations) == 9 * 4 * 2
    sc = scenario.build(grid, level="peak", seed=4, ev_count=1)
    sc.trips = [t for t in sc.trips if not t.emergency and t.depart < 240]
    sc.ev_routes, sc.end, sc.detectors = {}, 240, True
    result = simulation.run(sc, "none")
    assert sorted({r.end_s for r in result.vds})[:8] == [30, 60, 90, 120, 150, 180, 210, 240]
    assert all(len([r for r in result.vds if r.end_s == t]) == len(stations) for t in (30, 240))
    passed = [r for r in result.vds if r.volume]
    assert passed and all(0 < r.speed_kmh < 80 for r in passed)
    assert all(0 <= r.occupancy_pct <= 100 for r in result.vds)
