"""The simulated bus days (모의) and the evaluation harness."""

import random
import statistics

import pytest

from cityhall.bus.eta import SignalTiming
from cityhall.bus.eta.evaluation import Errors, evaluate_day, summary
from cityhall.bus.eta.predictors import SEOUL, HistoricalAverage, KalmanPredictor, seconds_of_day
from cityhall.bus.eta.simulator import (
    Route,
    Segment,
    SimulationParameters,
    _Day,
    build_network,
    signal_timings,
    simulate_days,
    split_days,
)
from cityhall.traffic.twin.network import SPEED_MS

SMALL = SimulationParameters(routes=1, stops_per_route=(10, 12), service=(7 * 3600, 10 * 3600))


def test_days_are_reproducible_and_held_out_days_are_other_days():
    _, a = simulate_days(3, 1, held_out=False, params=SMALL)
    _, b = simulate_days(3, 1, held_out=False, params=SMALL)
    _, c = simulate_days(3, 1, held_out=True, params=SMALL)
    assert a[0].travels == b[0].travels
    assert c[0].day > a[0].day
    assert [t.travel_s for t in c[0].travels[:20]] != [t.travel_s for t in a[0].travels[:20]]


def test_a_day_is_consistent():
    routes, (day,) = simulate_days(5, 1, held_out=False, params=SMALL)
    n_segments = len(routes[0].segments)
    assert day.trips and len(day.travels) == len(day.trips) * n_segments
    for trip in day.trips:
        assert len(trip.arrivals) == len(trip.departures) == n_segments + 1
        assert all(d >= a for a, d in zip(trip.arrivals, trip.departures, strict=True))
        assert all(a2 > d for d, a2 in zip(trip.departures, trip.arrivals[1:], strict=False))
    first = [t for t in day.travels if t.segment_index == 0]
    assert all(t.dwell_s is None for t in first)
    assert all(t.departed_at.tzinfo is not None for t in day.travels)


def test_the_morning_peak_is_slower_than_midday():
    params = SimulationParameters(routes=2, incidents_per_day=0)
    _, days = simulate_days(7, 2, held_out=False, params=params)
    travels = [t for d in days for t in d.travels]

    def mean_between(h0, h1):
        return statistics.mean(
            t.travel_s for t in travels if h0 * 3600 <= seconds_of_day(t.departed_at) < h1 * 3600
        )

    assert mean_between(8, 8.5) > 1.2 * mean_between(11, 12)


def test_held_out_days_have_incidents():
    _, days = simulate_days(1, 3, held_out=True, params=SMALL)
    assert sum(len(d.incidents) for d in days) > 0
    assert days[0].at(0).tzinfo == SEOUL


def test_errors_by_horizon_bucket():
    e = Errors()
    e.add(0, 999)  # horizon 0: already there, counted nowhere
    e.add(300, 30)
    e.add(301, -90)
    e.add(1200, 130)
    e.add(1201, 5)  # beyond 20 minutes
    assert e.by_bucket == {"0-5": [30], "5-10": [-90], "10-20": [130]}
    assert summary(e.merged(["0-5", "5-10"])) == {
        "n": 2,
        "within_1min": 0.5,
        "within_2min": 1.0,
        "mae_s": 60.0,
    }
    assert summary([])["n"] == 0


def test_evaluation_of_one_small_day():
    _, train = simulate_days(2, 1, held_out=False, params=SMALL)
    _, (test,) = simulate_days(2, 1, held_out=True, params=SMALL)
    h = HistoricalAverage()
    h.fit(train[0].travels)
    errors = evaluate_day(h, test)
    assert all(errors.by_bucket.values())
    assert summary(errors.merged(["0-5"]))["mae_s"] < summary(errors.merged(["10-20"]))["mae_s"]


@pytest.mark.slow
def test_the_kalman_model_beats_the_baseline_on_held_out_days():
    params = SimulationParameters(routes=2)
    _, train = simulate_days(11, 4, held_out=False, params=params)
    _, test = simulate_days(11, 2, held_out=True, params=params)
    history = [t for d in train for t in d.travels]
    signals = signal_timings(build_network(11, params))
    results = {}
    for p in (HistoricalAverage(), KalmanPredictor(), KalmanPredictor(signals=signals)):
        p.fit(history)
        errors = Errors()
        for day in test:
            for name, values in evaluate_day(p, day).by_bucket.items():
                errors.by_bucket[name].extend(values)
        results[(p.name, bool(p.signals))] = summary(errors.merged(["0-5", "5-10"]))
    baseline = results[("historical-average", False)]["mae_s"]
    assert results[("kalman", False)]["mae_s"] < 0.9 * baseline
    # the signal plans take the lights' waits out of the error
    assert results[("kalman", True)]["mae_s"] < 0.9 * results[("kalman", False)]["mae_s"]
    assert results[("kalman", True)]["within_2min"] >= 0.95


def test_the_benchmark_split_is_disjoint_and_held_out_days_have_congestion_and_incidents():
    params = SimulationParameters(routes=1, stops_per_route=(10, 12))
    train, test = split_days(1, 3, 2, params)
    # the peaks slow the driving; the lights add the same mean wait at every hour
    driving = HistoricalAverage(signals=signal_timings(build_network(1, params))).driving
    train_dates = {d.day for d in train}
    assert len(train_dates) == 3 and len({d.day for d in test}) == 2
    assert not train_dates & {d.day for d in test}
    assert min(d.day for d in test) > max(train_dates)  # after the last training day
    # no segment time of a held-out day repeats a training day's (their own seeds)
    seen = {(t.segment_index, t.travel_s) for d in train for t in d.travels}
    assert not seen & {(t.segment_index, t.travel_s) for d in test for t in d.travels}
    assert sum(len(d.incidents) for d in test) > 0
    for day in test:  # the morning peak is there on every held-out day
        peak = [driving(t).travel_s for t in day.travels if 7.5 <= seconds_of_day(t.departed_at) / 3600 < 9]
        midday = [driving(t).travel_s for t in day.travels if 12 <= seconds_of_day(t.departed_at) / 3600 < 14]
        assert statistics.mean(peak) > 1.2 * statistics.mean(midday)


class _Recorder:
    """Records what it is asked (a class list: the evaluation asks a copy)."""

    name = "recorder"
    asked: list = []

    def observe(self, travel):
        pass

    def predict(self, vehicle, to_stop_index, now):
        self.asked.append((vehicle, now))
        return 0.0


def test_a_bus_standing_at_a_stop_is_given_as_the_live_path_gives_it():
    _, (day,) = simulate_days(2, 1, held_out=True, params=SMALL)
    recorder = _Recorder()
    recorder.asked.clear()
    evaluate_day(recorder, day)
    trips = {t.vehicle_id: t for t in day.trips}
    standing = 0
    for vehicle, now in recorder.asked:
        trip = trips[vehicle.vehicle_id]
        now_s = seconds_of_day(now)
        i = vehicle.last_stop_index
        assert trip.arrivals[i] <= now_s + 1e-6  # never a stop not yet reached
        if trip.departures[i] > now_s + 1e-6:  # doors still open: leaving "now"
            standing += 1
            assert vehicle.departed_at == now
        else:
            assert seconds_of_day(vehicle.departed_at) == pytest.approx(trip.departures[i])
            assert trip.arrivals[i + 1] > now_s  # on the road to the next stop
    assert 0 < standing < len(recorder.asked)


def test_a_bus_waits_at_a_light_what_its_plan_leaves_of_the_red():
    params = SimulationParameters(
        day_sigma=0, peak_shift_sigma_h=0, peak_depth_sigma=0, drift_sigma=0, incidents_per_day=0
    )
    light = SignalTiming(share=0.5, cycle_s=100.0, red_s=40.0, offset_s=0.0)
    route = Route("모의-01", (Segment(400.0, (light,), 0.0),), 600, (1.0, 1.0))
    day = _Day([route], params, random.Random(1))  # noqa: S311 - a simulation
    cruise = 400.0 / (SPEED_MS * params.cruise_share_of_limit)  # the whole way at 80 % of the limit
    noon = 12 * 3600.0
    # reaching the light in the green: the driving time only
    green = noon + 60 - cruise / 2
    assert day.travel_s(route, 0, green, 1.0) == pytest.approx(cruise)
    # reaching it 10 s into the red: 30 s more, and the queue ahead takes up to 6 s to start at noon
    red = noon + 10 - cruise / 2
    waited = day.travel_s(route, 0, red, 1.0) - cruise
    assert 30 <= waited <= 30 + params.signal_start_up_s * (1 + day.congestion(noon + 10))
    assert signal_timings([route]) == {("모의-01", 0): (light,)}
