"""How the app serves the eta package's model: fitted on the stored segments with their dwell and
bus, kept up to date with the segments finished since the fit, the timetable when there is no history,
and a bus standing at a stop not counted late on the segment ahead."""

from datetime import timedelta

from cityhall.bus import avl, predictions
from cityhall.bus.eta.predictors import KalmanPredictor
from cityhall.bus.models import SegmentTravel, Vehicle, VehicleState
from cityhall.bus.simulator import Simulator

from .conftest import MORNING


def drive(sim: Simulator, seconds: int) -> None:
    for _ in range(seconds // 5):
        batch = []
        for _ in range(5):
            batch += sim.step(1.0)
        avl.avl_ingest(batch, now=sim.now)


def simulator(routes=("C10",)) -> Simulator:
    vehicles = list(Vehicle.objects.filter(route__code__in=routes).values_list("code", "route__code"))
    return Simulator(vehicles, start=MORNING, seed=4)


def test_no_history_serves_the_timetable(bus_network):
    assert isinstance(predictions.predictor(now=MORNING), predictions.ScheduleFallback)


def test_history_carries_the_dwell_and_the_bus(bus_network):
    sim = simulator()
    drive(sim, 300)
    facts = predictions.history(MORNING - timedelta(hours=1))
    assert len(facts) == SegmentTravel.objects.count() > 10
    assert all(f.vehicle_id.startswith("C10-") for f in facts)
    inner = [f for f in facts if f.segment_index > 0]
    # the simulator's buses stand 12–30 s at every stop; a trip's first stop has no arrival
    assert inner and all(f.dwell_s is not None and 10 <= f.dwell_s <= 32 for f in inner), [
        f.dwell_s for f in inner
    ]


def test_the_served_model_observes_segments_finished_after_its_fit(bus_network):
    sim = simulator()
    drive(sim, 300)
    model = predictions.predictor(now=sim.now)
    assert isinstance(model, KalmanPredictor)
    before = {k: v.at for k, v in model.states.items()}
    assert before  # today's segments were observed after the fit (fit forgets the day)
    count = SegmentTravel.objects.count()
    drive(sim, 200)
    assert SegmentTravel.objects.count() > count
    again = predictions.predictor(now=sim.now)
    assert again is model  # not refitted within REFIT_S
    after = {k: v.at for k, v in model.states.items()}
    assert after != before  # the new segments moved the filter


def test_a_bus_standing_at_a_stop_has_not_left_it(bus_network):
    sim = simulator()
    drive(sim, 300)
    state = VehicleState.objects.select_related("vehicle__route").filter(departed_at__isnull=False).first()
    state.door_open = True
    fact = predictions.vehicle_fact(state, sim.now)
    assert fact.departed_at == max(sim.now, state.observed_at)
    state.door_open = False
    assert predictions.vehicle_fact(state, sim.now).departed_at == state.departed_at
