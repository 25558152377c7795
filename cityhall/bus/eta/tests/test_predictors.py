"""The predictors on small numbers worked by hand."""

import math
from datetime import datetime, timedelta

import pytest

from cityhall.bus.eta import SegmentTravel, SignalTiming, VehicleState, default_predictor
from cityhall.bus.eta.predictors import (
    MIN_REMAINING_S,
    SEOUL,
    STARTUP_LOST_S,
    HistoricalAverage,
    KalmanPredictor,
    fit_offsets,
    kalman_propagate,
    kalman_update,
    light_delay,
    median,
    offset_for,
    segment_remaining_s,
    still_ahead,
    through_lights,
    trips_of,
    walk_lights,
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
    # x = .24, P = .008 (test above): segment 0 now takes 100·e^(.24 + (.008 − .04)/2) = 100·e^.224 s
    # (the expected time of a log-normal, against a profile that is itself a mean); segment 1 unknown
    # today (x = 0, P = S): 100 s
    assert k.predict(bus(0, middle), 1, middle) == pytest.approx(100 * math.exp(0.224))
    assert k.predict(bus(0, middle), 2, middle) == pytest.approx(100 * math.exp(0.224) + 20 + 100)
    # τ ln 2 later the state has halved and P = .032: 100·e^(.12 − .004)
    later = middle + timedelta(seconds=1200 * math.log(2))
    assert k.predict(bus(0, later), 1, later) == pytest.approx(100 * math.exp(0.116))


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


def test_the_rest_of_a_segment_from_its_own_history():
    ratios = [0.8, 1.0, 1.2, 1.6]  # the segment's buses: travel / profile
    # not started: the median of all, (1.0 + 1.2) / 2 = 1.1 → 110 s of an expected 100 s
    assert segment_remaining_s(ratios, 100.0, 0.0) == pytest.approx(110.0)
    # 90 s under way: the buses still driving at 0.9 are 1.0, 1.2, 1.6 → median 1.2 → 120 − 90
    assert segment_remaining_s(ratios, 100.0, 90.0) == pytest.approx(30.0)
    assert segment_remaining_s(ratios, 100.0, 130.0) == pytest.approx(30.0)  # only 1.6 left: 160 − 130
    assert segment_remaining_s(ratios, 100.0, 170.0) == MIN_REMAINING_S  # later than all of them


def test_the_kalman_model_uses_a_segments_own_spread_once_it_has_enough_rows():
    # segment 0: 30 rows at 07:00, half 60 s and half 140 s (profile 100 s); segment 1 always 100 s
    rows = [SegmentTravel("R", 0, at(7, 0, i), 60.0 if i % 2 else 140.0) for i in range(30)]
    rows += [SegmentTravel("R", 1, at(7, 0, i), 100.0) for i in range(30)]
    k = KalmanPredictor(tau_s=1200, state_var=0.04, route_var=0.0, measurement_var=0.01)
    super(KalmanPredictor, k).fit(rows)  # the profile and ratios only (not the variances)
    # 70 s into segment 0 (profile 100 s at 07:00): the 60 s buses have arrived, the others take 140
    assert k.current_remaining_s("R", 0, 100.0, 70.0) == pytest.approx(70.0)
    # segment 1's ratios are all 1: 70 s into it, 30 s to go
    assert k.current_remaining_s("R", 1, 100.0, 70.0) == pytest.approx(30.0)
    # an unknown segment: all segments' ratios, their conditional mean (the baseline's rule)
    assert k.current_remaining_s("R", 9, 100.0, 70.0) == pytest.approx(k.remaining_s(100.0, 70.0))


def test_median_and_offset_bins():
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([4.0, 1.0, 2.0, 3.0]) == 2.5
    offsets = (1.0, 2.0, 3.0, 4.0, 5.0)  # bins ≤ 120, ≤ 300, ≤ 600, ≤ 900, ≤ 1200 s
    assert [offset_for(offsets, s) for s in (60, 120, 121, 600, 1000, 5000)] == [1, 1, 2, 3, 5, 5]


def test_the_history_is_cut_into_trips():
    rows = [
        SegmentTravel("R", i, at(7, 0, 100 * n), 90.0, vehicle_id="v") for n, i in enumerate((0, 1, 2, 0, 1))
    ]
    rows.append(SegmentTravel("R", 0, at(7, 30), 90.0))  # no vehicle: cannot be joined
    rows.append(SegmentTravel("R", 1, at(7) + timedelta(days=1), 90.0, vehicle_id="v"))  # next day
    trips = sorted(trips_of(rows), key=lambda t: t[0].departed_at)
    assert [[r.segment_index for r in t] for t in trips] == [[0, 1, 2], [0, 1], [1]]


class _Late:
    """A stand-in model that always predicts 7 s too late (it knows the trips below)."""

    def __init__(self, arrivals):
        self.arrivals = arrivals

    def reset(self):
        pass

    def observe(self, travel):
        pass

    def predict_many(self, vehicle, to_stop_index, now):
        return [
            (self.arrivals[s] - now).total_seconds() + 7.0
            for s in range(vehicle.last_stop_index + 1, to_stop_index + 1)
        ]


def test_the_median_offset_is_learned_per_predicted_horizon():
    # one trip of 10 segments of 100 s (no dwell) from 07:00, asked at 5 s, 15 s … 995 s; every
    # prediction 7 s late → 7 s in each bin with at least 50 predictions. The last bin (predicted
    # 900–1200 s, true 893–1193 s) has only 12: stop 10 asked at 5 … 105 s, stop 9 at 5 s → 0
    rows = [SegmentTravel("R", i, at(7, 0, 100 * i), 100.0, vehicle_id="v") for i in range(10)]
    arrivals = {i + 1: at(7, 0, 100 * (i + 1)) for i in range(10)}
    offsets, error = fit_offsets(_Late(arrivals), rows, every_s=10.0)
    assert offsets == (7.0, 7.0, 7.0, 7.0, 0.0)
    # 100 questions, each for the 10 − k stops still ahead in the k-th 100 s: 550 predictions; once
    # the offsets are taken off, only the last bin's 12 are still 7 s out
    assert error == pytest.approx(7.0 * 12 / 550)


# A light halfway along segment 0: a 100 s cycle that starts red (40 s) on every full 100 s of the
# day, so at 07:00:00 (25,200 s) a cycle starts.
LIGHT = SignalTiming(share=0.5, cycle_s=100.0, red_s=40.0, offset_s=0.0)


def test_a_light_makes_a_bus_wait_the_rest_of_its_red():
    assert [LIGHT.wait_s(t) for t in (0, 30, 39.5, 40, 99, 100)] == [40, 10, 0.5, 0, 0, 40]
    late = SignalTiming(share=0.5, cycle_s=100.0, red_s=40.0, offset_s=10.0)
    assert [late.wait_s(t) for t in (9, 10, 130)] == [0, 40, 20]


def test_through_lights_by_hand():
    # 60 s of driving from 07:00:00: the light at 30 s, 10 s of red left, the queue's 2 s start-up
    # lost time, then 30 s more
    start = 7 * 3600.0
    assert light_delay(LIGHT, start + 30) == 10.0 + STARTUP_LOST_S == 12.0
    assert light_delay(LIGHT, start + 40) == 2.0  # the red is over, its queue not yet moving
    assert light_delay(LIGHT, start + 42) == 0.0
    assert through_lights((LIGHT,), start, 60.0) == (start + 72.0, 0.5)  # it waited at the light at 0.5
    # from 07:00:50 the light is green at 07:01:20: no wait
    assert through_lights((LIGHT,), start + 50, 60.0) == (start + 50 + 60.0, 0.0)
    assert through_lights((), start, 60.0) == (start + 60.0, 0.0)


def test_the_driving_time_is_the_travel_time_less_the_waits():
    walk = HistoricalAverage(signals={("R", 0): (LIGHT,)})
    row = SegmentTravel("R", 0, at(7), 72.0)
    assert walk.driving(row).travel_s == pytest.approx(60.0, abs=1e-6)
    # it waited at the light halfway: the time shows the driving of the second half only
    assert walk.driving_seen(row)[1] == 0.5
    assert walk.driving_seen(SegmentTravel("R", 0, at(7, 0, 50), 60.0))[1] == 1.0  # all green
    assert walk.driving(SegmentTravel("R", 1, at(7), 70.0)).travel_s == 70.0  # no light known there


def test_a_red_gathers_the_buses_that_reach_it():
    start = 7 * 3600.0
    # reaching the light 20 s into its red, give or take 3 s: every bus leaves when it turns green
    # (and its queue has started, 2 s later), then drives 20 s more
    mean, var = walk_lights((LIGHT,), start, 9.0, 40.0, 0.0)
    assert (mean - start, var) == pytest.approx((62.0, 0.0))
    # with no spread the walk is through_lights
    assert walk_lights((LIGHT,), start, 0.0, 60.0, 0.0)[0] == through_lights((LIGHT,), start, 60.0)[0]


def test_still_ahead_keeps_what_has_not_happened():
    assert still_ahead(100.0, 0.0) == (100.0, 0.0)
    assert still_ahead(-50.0, 0.0) == (-1.0, 0.0)
    rest, var = still_ahead(0.0, 100.0**2)  # half of the spread already past
    assert 50 < rest < 120 and 0 < var < 100.0**2


def test_the_walk_adds_the_wait_its_plan_gives_for_when_the_bus_gets_there():
    history = [
        SegmentTravel("R", 0, departed, through_lights((LIGHT,), 7 * 3600.0 + s, 60.0)[0] - (7 * 3600.0 + s))
        for s in range(0, 3600, 37)
        for departed in [at(7, 0, s)]
    ]
    walk = HistoricalAverage(signals={("R", 0): (LIGHT,)})
    walk.fit(history)
    assert walk.travel.at(("R", 0), at(7, 30)) == pytest.approx(60.0, abs=1e-6)  # driving only
    assert walk.predict(bus(0, at(8)), 1, at(8)) == pytest.approx(72.0, abs=1e-3)  # 10 s of red left
    assert walk.predict(bus(0, at(8, 0, 50)), 1, at(8, 0, 50)) == pytest.approx(60.0, abs=1e-3)
    # without the plan the walk can only add the mean wait
    blind = HistoricalAverage()
    blind.fit(history)
    assert 60.0 < blind.predict(bus(0, at(8)), 1, at(8)) < 72.0
    # a bus 45 s under way (it has met the light): the plan says it arrives at 72 s, 27 s from now
    assert walk.predict(bus(0, at(8), at(8, 0, 45)), 1, at(8, 0, 45)) == pytest.approx(27.0, abs=1e-3)


def test_a_time_the_plan_cannot_give_is_driving_without_a_wait():
    walk = HistoricalAverage(signals={("R", 0): (LIGHT,)})
    # leaving at 07:00:00, the bus would meet the light in its red unless it drove 84 s or more to
    # it: 30 s for the whole segment says the bus passed where the plan says red
    row = SegmentTravel("R", 0, at(7), 30.0)
    assert walk.driving_seen(row) == (row, 1.0)


def test_a_segments_driving_is_one_spread_across_its_lights():
    start = 7 * 3600.0 + 42  # the light is green from 42 s after a cycle starts: no wait
    always_green = SignalTiming(share=0.5, cycle_s=100.0, red_s=0.0, offset_s=0.0)
    # a light that never stops the bus leaves the variance of one segment: 0.01 × 60²
    assert walk_lights((always_green,), start, 4.0, 60.0, 0.01) == pytest.approx((start + 60.0, 4.0 + 36.0))


def test_a_bus_that_waited_at_a_red_moves_the_filter_less():
    k = KalmanPredictor(
        signals={("R", 0): (LIGHT,)}, tau_s=1200, state_var=0.04, route_var=0.0, measurement_var=0.01
    )
    k.fit(flat_history(travel=60.0))
    # 72 s from 07:00: 60 s of driving, caught at the light halfway (it shows half the driving);
    # 60 s from 07:00:42: 60 s of driving, all green. Both drove at the profile: the filter must not
    # move (x stays 0), but how sure it gets differs: gain P / (P + R / seen²)
    k.observe(SegmentTravel("R", 0, at(7), 72.0))
    caught = k.states[("R", 0)].var
    k.reset()
    k.observe(SegmentTravel("R", 0, at(7, 0, 42), 60.0))
    green = k.states[("R", 0)].var
    assert caught == pytest.approx((1 - 0.04 / (0.04 + 0.01 / 0.25)) * 0.04)  # gain 0.5
    assert green == pytest.approx((1 - 0.04 / (0.04 + 0.01)) * 0.04)  # gain 0.8


def test_a_bus_later_than_its_lights_explain_is_counted_on_its_driving():
    history = [
        SegmentTravel(
            "R", 0, at(7, 0, s), through_lights((LIGHT,), 7 * 3600.0 + s, 60.0)[0] - (7 * 3600.0 + s)
        )
        for s in range(0, 3600, 37)
    ]
    walk = HistoricalAverage(signals={("R", 0): (LIGHT,)})
    walk.fit(history)
    # left at 08:00:00, due at 72 s; 100 s later still on its way: the 12 s the light cost are not
    # driving, so it is 88 s into a 60 s drive, late like a bus 88 s into a plain 60 s segment
    plain = HistoricalAverage()
    plain.fit([SegmentTravel("R", 0, r.departed_at, walk.driving(r).travel_s) for r in history])
    assert walk.predict(bus(0, at(8), at(8, 0, 100)), 1, at(8, 0, 100)) == pytest.approx(
        plain.predict(bus(0, at(8), at(8, 0, 88)), 1, at(8, 0, 88))
    )
