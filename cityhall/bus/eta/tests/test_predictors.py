"""The predictors on small numbers worked by hand."""

import math
from datetime import datetime, timedelta

import pytest

from cityhall.bus.eta import SegmentTravel, VehicleState, default_predictor
from cityhall.bus.eta.predictors import (
    MIN_REMAINING_S,
    SEOUL,
    HistoricalAverage,
    KalmanPredictor,
    kalman_propagate,
    kalman_update,
)

DAY = datetime(2025, 3, 3, tzinfo=SEOUL)


def at(hh, mm=0, ss=0.0):
    return DAY + timedelta(hours=hh, minutes=mm, seconds=ss)


def flat_history(route="R", segments=2, travel=100.0):
    """Every segment takes exactly ``travel`` seconds at 07:00 and 12:00: a flat profile."""
    return [
        SegmentTravel(route, i, at(h), travel, dwell_s=None if i == 0 else 20.0)
        for h in (7, 12)
        for i in range(segments)
    ]


def bus(last, departed, now=None):
    return VehicleState("R", "v1", last, departed, now or departed)


def test_kalman_update_by_hand():
    # gain = P / (P + R) = .04 / .05 = .8; x = 0 + .8 (.3 − 0) = .24; P = (1 − .8) .04 = .008
    x, var, gain = kalman_update(0.0, 0.04, 0.3, 0.01)
    assert (x, var, gain) == pytest.approx((0.24, 0.008, 0.8))


def test_kalman_propagate_fades_to_the_profile():
    # after τ ln 2 the state halves; the variance goes ¼ of the way … to ¼ P + ¾ S = .002 + .03
    x, var = kalman_propagate(0.24, 0.008, 1200 * math.log(2), tau_s=1200, state_var=0.04)
    assert (x, var) == pytest.approx((0.12, 0.032))
    assert kalman_propagate(0.24, 0.008, -60, tau_s=1200, state_var=0.04) == pytest.approx((0.24, 0.008))


def test_kalman_predictor_learns_from_the_bus_ahead():
    k = KalmanPredictor(tau_s=1200, state_var=0.04, route_var=0.0, measurement_var=0.01)
    k.fit(flat_history())
    assert k.predict(bus(0, at(8)), 1, at(8)) == pytest.approx(100.0)
    # a bus ahead took 100·e^0.3 s on segment 0; its middle is the observation's time
    ahead = SegmentTravel("R", 0, at(8), 100 * math.exp(0.3))
    k.observe(ahead)
    middle = ahead.departed_at + timedelta(seconds=ahead.travel_s / 2)
    # x = .24 (test above): segment 0 now takes 100·e^.24 = 127.12 s; segment 1 unknown today: 100 s
    assert k.predict(bus(0, middle), 1, middle) == pytest.approx(100 * math.exp(0.24))
    assert k.predict(bus(0, middle), 2, middle) == pytest.approx(100 * math.exp(0.24) + 20 + 100)
    # τ ln 2 later the state has halved: 100·e^.12
    later = middle + timedelta(seconds=1200 * math.log(2))
    assert k.predict(bus(0, later), 1, later) == pytest.approx(100 * math.exp(0.12))


def test_the_route_part_carries_news_to_segments_no_bus_has_driven_yet():
    # route_var .04, segment .04, R .01; one observation z = .3 on segment 0:
    # route: gain .04 / (.04 + .04 + .01) = 4/9 → g = .13333; segment: gain .8 on z − g → s = .13333
    k = KalmanPredictor(tau_s=1200, state_var=0.04, route_var=0.04, measurement_var=0.01)
    k.fit(flat_history())
    ahead = SegmentTravel("R", 0, at(8), 100 * math.exp(0.3))
    k.observe(ahead)
    middle = ahead.departed_at + timedelta(seconds=ahead.travel_s / 2)
    assert k.state_at("R", 1, middle) == pytest.approx(0.3 * 4 / 9)
    assert k.state_at("R", 0, middle) == pytest.approx(0.3 * 4 / 9 + 0.8 * (0.3 - 0.3 * 4 / 9))


def test_yesterdays_state_is_forgotten():
    k = KalmanPredictor(tau_s=1e9, state_var=0.04, route_var=0.0, measurement_var=0.01)
    k.fit(flat_history())
    k.observe(SegmentTravel("R", 0, at(8), 100 * math.exp(0.3)))
    k.observe(SegmentTravel("R", 1, at(8) + timedelta(days=1), 100.0))
    assert ("R", 0) not in k.states


def test_historical_average_reads_between_bin_centres():
    # 60 s in the 08:00–08:30 bin, 120 s in 08:30–09:00: 08:15 → 60, 08:30 → 90, 08:45 → 120
    history = [SegmentTravel("R", 0, at(8, 10), 60.0), SegmentTravel("R", 0, at(8, 40), 120.0)]
    h = HistoricalAverage()
    h.fit(history)
    assert h.predict(bus(0, at(8, 15)), 1, at(8, 15)) == pytest.approx(60.0)
    assert h.predict(bus(0, at(8, 30)), 1, at(8, 30)) == pytest.approx(90.0)
    assert h.predict(bus(0, at(8, 45)), 1, at(8, 45)) == pytest.approx(120.0)
    assert h.predict(bus(0, at(15)), 1, at(15)) == pytest.approx(90.0)  # other bins: the day's mean
    h.observe(SegmentTravel("R", 0, at(15), 500.0))  # the baseline learns nothing from today
    assert h.predict(bus(0, at(15)), 1, at(15)) == pytest.approx(90.0)


def test_the_rest_of_a_segment_already_under_way():
    h = HistoricalAverage()
    h.fit(flat_history())  # every ratio to the profile is 1
    assert h.predict(bus(0, at(8)), 1, at(8, 0, 30)) == pytest.approx(70.0)
    # 150 s into a 100 s segment: slower than any bus of the history, so only the floor is left
    assert h.predict(bus(0, at(8)), 1, at(8, 2, 30)) == pytest.approx(MIN_REMAINING_S)
    # then the dwell (learned: 20 s) and segment 1 (100 s)
    assert h.predict(bus(0, at(8)), 2, at(8, 2, 30)) == pytest.approx(MIN_REMAINING_S + 120.0)


def test_dwell_given_by_the_caller_wins():
    k = default_predictor(dwell_s={("R", 1): 45.0})
    assert isinstance(k, KalmanPredictor)
    k.fit(flat_history())
    assert k.predict(bus(0, at(8)), 2, at(8)) == pytest.approx(100 + 45 + 100)


def test_unknown_segments_fall_back_and_a_past_stop_is_refused():
    h = HistoricalAverage()
    h.fit([])
    assert h.predict(bus(0, at(8)), 1, at(8)) == pytest.approx(90.0)  # DEFAULT_TRAVEL_S
    with pytest.raises(ValueError, match="must be after the bus's last stop 3"):
        h.predict(bus(3, at(8)), 3, at(8))


def test_a_trips_own_pace_by_hand():
    # pace gain .01 / (.01 + .04 + 0 + .01) = 1/6 → v = .3/6 = .05; then the segment sees .3 − .05:
    # gain .8 → s = .2
    k = KalmanPredictor(tau_s=1200, state_var=0.04, route_var=0.0, measurement_var=0.01, vehicle_var=0.01)
    k.fit(flat_history())
    ahead = SegmentTravel("R", 0, at(8), 100 * math.exp(0.3), vehicle_id="v1")
    k.observe(ahead)
    arrived = ahead.departed_at + timedelta(seconds=ahead.travel_s)
    assert k.paces[("R", "v1")][0] == pytest.approx(0.05)
    assert k.states[("R", 0)].x == pytest.approx(0.2)
    # v1 on segment 1 (nothing known of it today) drives at its own pace: 100·e^.05; another bus at 100
    v1 = VehicleState("R", "v1", 1, arrived, arrived)
    v2 = VehicleState("R", "v2", 1, arrived, arrived)
    assert k.predict(v1, 2, arrived) == pytest.approx(100 * math.exp(0.05))
    assert k.predict(v2, 2, arrived) == pytest.approx(100.0)
    # the same vehicle id back on segment 0 is a new trip: its pace starts again from 0, not .05.
    # The middle of its run (09:00:50) is dt after the middle of the first run; by then
    # s = .2 e^(−dt/τ), P = .008 e^(−2dt/τ) + .04 (1 − e^(−2dt/τ)); v = .01 / (.01 + P + .01) · (0 − s)
    dt = (at(9, 0, 50) - (ahead.departed_at + timedelta(seconds=ahead.travel_s / 2))).total_seconds()
    decay = math.exp(-dt / 1200)
    s_prior, p_prior = 0.2 * decay, 0.008 * decay**2 + 0.04 * (1 - decay**2)
    k.observe(SegmentTravel("R", 0, at(9), 100.0, vehicle_id="v1"))
    assert k.paces[("R", "v1")][0] == pytest.approx(0.01 / (0.02 + p_prior) * -s_prior)
