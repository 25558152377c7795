"""The traffic lights on the bus routes: the traffic app's signal plans as the timing of each bus
movement, the demo's buses stopping at the red, and the served model taking the plans."""

from datetime import timedelta
from pathlib import Path

import pytest

from cityhall.bus import predictions
from cityhall.bus.eta import SignalTiming
from cityhall.bus.eta.predictors import seconds_of_day
from cityhall.bus.lights import JUNCTION_SHARE, movement_timing, route_lights
from cityhall.bus.models import Vehicle
from cityhall.bus.network import ROUTES, blocks
from cityhall.bus.simulator import Simulator
from cityhall.core.audit import Actor
from cityhall.traffic import selectors as traffic
from cityhall.traffic.models import SignalPlan
from cityhall.traffic.services import network_ensure_default
from cityhall.traffic.twin.network import read_network
from cityhall.traffic.twin.signals import Controller, default_plan

from .conftest import MORNING
from .test_predictions import drive

# Two stages, each 40 s green, 3 s yellow, 2 s all-red: a 90 s cycle; offset 42 s.
PLAN = default_plan(["GGrr", "rrGG"], offset=42)


def test_a_movement_is_red_outside_the_green_that_serves_it():
    first = movement_timing(PLAN, (0, 1))
    # green while (t − 42) mod 90 is in [0, 40): red for 50 s from 42 + 40 = 82
    assert first == SignalTiming(share=JUNCTION_SHARE, cycle_s=90.0, red_s=50.0, offset_s=82.0)
    assert [first.wait_s(t) for t in (42, 81, 82, 100, 131, 132)] == [0, 0, 50, 32, 1, 0]
    # the second stage starts at 45 s and ends at 85 s: red from (42 + 85) mod 90 = 37
    assert movement_timing(PLAN, (2,)) == SignalTiming(JUNCTION_SHARE, 90.0, 50.0, 37.0)
    assert movement_timing(PLAN, (7,)) is None  # no stage gives it a green
    assert movement_timing(PLAN, ()) is None


@pytest.fixture
def traffic_network(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return network_ensure_default(actor=Actor.system("test:bus"))


def test_no_traffic_network_no_lights(bus_network):
    assert route_lights() == {}


def test_every_segment_has_its_junctions_light_as_the_controller_runs_it(bus_network, traffic_network):
    lights = route_lights()
    # C10 drives A1 → F1 → F4 → A4 and back: 16 blocks, each segment across one signalled junction
    assert sorted(i for code, i in lights if code == "C10") == list(range(16))
    assert len(lights) == 64  # every segment of the six routes
    # segment 0: from the stop on A1→B1 through B1 into B1→C1 (straight on, eastbound), served by
    # the second stage, which runs from 45 s to 85 s of the 90 s cycle: red for 50 s from 85 s
    plan = traffic.signal_plans(traffic_network)["B1"]
    assert lights[("C10", 0)] == (SignalTiming(0.5, 90.0, 50.0, float((plan.offset + 85) % 90)),)
    # every segment, straight on or turning at a corner: red exactly when the twin's own controller
    # shows the bus's lane no green
    info = read_network(traffic_network.path)
    plans = traffic.signal_plans(traffic_network)
    legs = blocks(ROUTES[0].loop)
    for i, (a, b) in enumerate(legs):
        c = legs[(i + 1) % len(legs)][1]
        links = info.signals[b].movements[(f"{a}{b}", f"{b}{c}")]
        served = [link for link in links if plans[b].serving(link) is not None]
        (timing,) = lights[("C10", i)]
        for t in range(0, plans[b].cycle):
            state = Controller.start(plans[b], t).phase.state
            assert (timing.wait_s(t) == 0) == (state[served[0]] in "Gg"), (i, t)


def test_a_junction_without_a_plan_has_no_light(bus_network, traffic_network):
    SignalPlan.objects.filter(controller__tls_id="B1").delete()
    lights = route_lights()
    assert ("C10", 0) not in lights and ("C10", 1) in lights


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_a_network_file_that_cannot_be_read_gives_no_lights(bus_network, traffic_network, damage):
    path = Path(traffic_network.path)
    if damage == "missing":
        path.unlink()
    else:
        path.write_text("<net><edge id=")
    assert route_lights() == {}


def test_a_demo_bus_waits_at_the_red_then_drives_on(bus_network):
    vehicles = list(Vehicle.objects.filter(route__code="C10").values_list("code", "route__code"))[:1]
    start = seconds_of_day(MORNING)
    # red for ten minutes from the start: the bus reaches the junction within a minute and waits
    light = SignalTiming(share=0.5, cycle_s=1000.0, red_s=600.0, offset_s=start)
    sim = Simulator(vehicles, start=MORNING, seed=4, lights={("C10", 0): (light,), ("C10", 1): (light,)})
    (bus,) = sim.buses
    assert bus.segment == 0
    for _ in range(300):
        sim.step(1.0)
    assert (bus.segment, bus.progress_m) == (0, 200.0) and bus.red_left_s > 0
    for _ in range(360):
        sim.step(1.0)
    assert bus.segment > 0 or bus.progress_m > 200.0  # green at 600 s: on its way

    free = Simulator(vehicles, start=MORNING, seed=4)
    for _ in range(300):
        free.step(1.0)
    assert free.buses[0].segment > 0


def test_the_served_model_takes_the_plans(bus_network, traffic_network):
    vehicles = list(Vehicle.objects.filter(route__code="C10").values_list("code", "route__code"))
    sim = Simulator(vehicles, start=MORNING, seed=4, lights=route_lights())
    drive(sim, 600)
    model = predictions.predictor(now=sim.now + timedelta(seconds=1))
    plan = traffic.signal_plans(traffic_network)["B1"]
    assert len(model.signals) == 64
    assert model.signals[("C10", 0)] == (SignalTiming(0.5, 90.0, 50.0, float((plan.offset + 85) % 90)),)
