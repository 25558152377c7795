"""The two predictors behind ``Predictor``: the historical average (기준 모델) and the Kalman filter.

Both walk the same way from a bus to a stop: the rest of the segment it is on, then for every further
segment the dwell at the stop before it and the segment's travel time at the time the bus will be
there. They differ only in that travel time:

- ``HistoricalAverage``: the mean travel time of the segment at that time of day over the history
  (30-minute bins, read linearly between bin centres), as TransitClock-style systems do.
- ``KalmanPredictor``: the same profile, times e^x, x today's state of the segment as a Kalman filter
  estimates it from the buses that finished the segment today: the segment's own part (fades back to
  the profile with time constant ``tau_s``), the route's part (every bus of the route sees it) and the
  trip's own pace (driver, vehicle). Variances and time constant are fitted from the history
  (``fit``). See docs/adr/0016-bus-eta-kalman.md.

Given the timing plans of the signals on a segment (``signals``), a predictor learns and predicts the
segment's driving time without the lights, and adds the wait at each light for when the bus will
reach it: the walk carries the arrival time's variance and averages the wait over it, so a light far
ahead costs its mean wait and the next one what its plan says (docs/adr/0035-bus-eta-signal-plans.md).
"""

from __future__ import annotations

import bisect
import dataclasses
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from cityhall.bus.eta import SegmentTravel, Signals, SignalTiming, VehicleState
from cityhall.traffic.twin.preemption import STARTUP_LOST_S

SEOUL = ZoneInfo("Asia/Seoul")
BIN_S = 1800  # time-of-day bins of the historical profile (30 min)
DAY_S = 86400
DEFAULT_DWELL_S = 20.0  # a stop with no dwell in the history or the mapping
DEFAULT_TRAVEL_S = 90.0  # a segment with no history at all (about 600 m at 25 km/h)
SEGMENT_RATIOS_MIN = 30  # a segment with fewer rows in the history uses all segments' ratios
MIN_REMAINING_S = 5.0  # a bus past its expected time on a segment still has a little to go
TAU_CHOICES_S = (1200.0, 2400.0, 4800.0)  # the segment time constants fit() chooses from
ROUTE_SHARE_CHOICES = (0.0, 0.4, 0.8)  # the route's share of the state variance fit() chooses from
ROUTE_TAU_S = 7200.0  # the route-wide part fades over two hours at least
REPLAY_DAYS = 2
PACE_VAR_CHOICES = (0.001, 0.0025, 0.005, 0.01)  # variance of a trip's log pace fit() chooses from
SPREAD_CHOICES = (0.25, 0.5, 1.0)  # shares of the filter's variance the walk's spread may use
STALE_AFTER = timedelta(hours=6)
# Upper ends of the predicted horizons (s) the median offset is learned for, and how often the replay
# of the training days asks each bus (sparser than the benchmark: a fit stays cheap).
OFFSET_BINS_S = (120.0, 300.0, 600.0, 900.0, 1200.0)  # beyond the last: its offset
OFFSET_REPLAY_AHEAD_S = 1800.0  # replayed stops up to 30 min ahead, so no bin is cut by the true horizon
OFFSET_QUERY_EVERY_S = 240.0
OFFSET_MIN_N = 50  # a bin with fewer replayed predictions keeps offset 0
# Equal-weight points of the standard normal (its quantiles, scaled to variance 1): the arrival times
# over which a light's wait is averaged.
_QUANTILES = [statistics.NormalDist().inv_cdf((i + 0.5) / 15) for i in range(15)]
_Z = [z / math.sqrt(sum(v * v for v in _QUANTILES) / len(_QUANTILES)) for z in _QUANTILES]
DRIVING_BISECTIONS = 30
MIN_DRIVING_S = 1.0
MIN_SEEN = 0.1


def seconds_of_day(at: datetime) -> float:
    local = at.astimezone(SEOUL)
    return local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6


class Profile:
    """Mean of a quantity per key and time-of-day bin, read linearly between bin centres; a key's bin
    without data falls back to the key's mean over the day, a key without data to ``default``."""

    def __init__(self, default: float) -> None:
        self.default = default
        self._sums: dict[tuple, list[float]] = defaultdict(lambda: [0.0] * (DAY_S // BIN_S))
        self._counts: dict[tuple, list[int]] = defaultdict(lambda: [0] * (DAY_S // BIN_S))
        self._means: dict[tuple, list[float]] = {}

    def add(self, key: tuple, at: datetime, value: float) -> None:
        b = int(seconds_of_day(at) // BIN_S)
        self._sums[key][b] += value
        self._counts[key][b] += 1

    def freeze(self) -> None:
        self._means = {}
        for key, sums in self._sums.items():
            counts = self._counts[key]
            total = sum(counts)
            day_mean = sum(sums) / total
            self._means[key] = [s / c if c else day_mean for s, c in zip(sums, counts, strict=True)]

    def keys(self) -> Iterable[tuple]:
        return self._means.keys()

    def at(self, key: tuple, at: datetime) -> float:
        means = self._means.get(key)
        if means is None:
            return self.default
        pos = seconds_of_day(at) / BIN_S - 0.5  # position in bin-centre units
        lo = math.floor(pos)
        frac = pos - lo
        n = len(means)
        return means[lo % n] * (1 - frac) + means[(lo + 1) % n] * frac


class _SegmentWalk:
    """What both predictors share: the profiles, the dwell times, the rest of the current segment."""

    name = "segment-walk"

    def __init__(
        self, dwell_s: Mapping[tuple[str, int], float] | None = None, signals: Signals | None = None
    ) -> None:
        self.dwell_override = dict(dwell_s or {})
        self.signals = dict(signals or {})
        self.travel = Profile(DEFAULT_TRAVEL_S)  # driving time, without the lights of ``signals``
        self.dwell = Profile(DEFAULT_DWELL_S)
        self._ratios: list[float] = [1.0]  # travel / profile in the history, sorted
        self._segment_ratios: dict[tuple[str, int], list[float]] = {}  # the same per segment
        self.travel_log_var = 0.0  # variance of log(travel / profile) in the history
        self.dwell_rel_var = 0.0  # variance of dwell / profile in the history

    def driving(self, row: SegmentTravel) -> SegmentTravel:
        """The row with its travel time less the waits at the lights of its segment whose plans are
        known: the driving time that, with the waits its timing gives, adds up to the travel time
        (the total grows with the driving time, so bisection finds it)."""
        return self.driving_seen(row)[0]

    def driving_seen(self, row: SegmentTravel) -> tuple[SegmentTravel, float]:
        """``driving(row)`` and the share of the segment whose driving the travel time shows: after
        the last red the bus waited at (before it, the bus would have waited anyway), all of it
        when it waited at none. A time shorter than the plans allow for any driving (the bus passed
        where its plan says red: an amber run, a controller off its plan) is taken as driving
        without a wait. A time between two the plans allow (a bus meeting the red as it began,
        leaving a little faster than the start-up lost time) reads as the driving that reaches the
        light as the red begins."""
        signals = self.signals.get((row.route_id, row.segment_index))
        if not signals:
            return row, 1.0
        start = seconds_of_day(row.departed_at)
        lo, hi = 0.0, row.travel_s
        for _ in range(DRIVING_BISECTIONS):
            mid = (lo + hi) / 2
            if through_lights(signals, start, mid)[0] - start < row.travel_s:
                lo = mid
            else:
                hi = mid
        if hi < MIN_DRIVING_S:  # even no driving at all would have taken longer
            return row, 1.0
        return dataclasses.replace(row, travel_s=hi), 1.0 - through_lights(signals, start, hi)[1]

    def fit(self, history: Iterable[SegmentTravel]) -> None:
        self.fit_profiles([self.driving_seen(row) for row in history])

    def fit_profiles(self, seen_rows: list[tuple[SegmentTravel, float]]) -> None:
        """The profiles, ratios and spreads of driving times (each with the share of its segment it
        shows: the spread is read from the rows that show all of it)."""
        rows = [row for row, _ in seen_rows]
        self.travel = Profile(DEFAULT_TRAVEL_S)
        self.dwell = Profile(DEFAULT_DWELL_S)
        for row in rows:
            self.travel.add((row.route_id, row.segment_index), row.departed_at, row.travel_s)
            if row.dwell_s is not None:
                self.dwell.add((row.route_id, row.segment_index), row.departed_at, row.dwell_s)
        self.travel.freeze()
        self.dwell.freeze()
        ratios = sorted(row.travel_s / self.expected_profile(row) for row in rows)
        self._ratios = ratios or [1.0]
        by_segment: dict[tuple[str, int], list[float]] = defaultdict(list)
        for row in rows:
            by_segment[(row.route_id, row.segment_index)].append(row.travel_s / self.expected_profile(row))
        self._segment_ratios = {k: sorted(v) for k, v in by_segment.items() if len(v) >= SEGMENT_RATIOS_MIN}
        self._ratio_tail_sums = [0.0] * (len(self._ratios) + 1)  # sums of ratios from index i to the end
        for i in range(len(self._ratios) - 1, -1, -1):
            self._ratio_tail_sums[i] = self._ratio_tail_sums[i + 1] + self._ratios[i]
        logs = [math.log(row.travel_s / self.expected_profile(row)) for row, seen in seen_rows if seen == 1.0]
        self.travel_log_var = statistics.pvariance(logs) if len(logs) > 1 else 0.0
        dwells = [
            row.dwell_s / self.dwell.at((row.route_id, row.segment_index), row.departed_at)
            for row in rows
            if row.dwell_s is not None
        ]
        self.dwell_rel_var = statistics.pvariance(dwells) if len(dwells) > 1 else 0.0

    def expected_profile(self, row: SegmentTravel) -> float:
        return self.travel.at((row.route_id, row.segment_index), row.departed_at)

    def dwell_at(self, route_id: str, stop_index: int, at: datetime) -> float:
        key = (route_id, stop_index)
        if key in self.dwell_override:
            return self.dwell_override[key]
        return self.dwell.at(key, at)

    def segment_s(self, route_id: str, segment_index: int, at: datetime, now: datetime) -> float:
        """Expected driving time of a segment entered at ``at``, as known at ``now``."""
        return self.travel.at((route_id, segment_index), at)

    def segment_log_var(self, route_id: str, segment_index: int, at: datetime) -> float:
        """Variance of the log of a bus's driving time on the segment around ``segment_s``."""
        return self.travel_log_var

    def remaining_s(self, expected_s: float, elapsed_s: float) -> float:
        """Expected rest of a segment already ``elapsed_s`` under way: E[T − e | T > e], T = expected
        × a ratio drawn from the history's travel/profile ratios. A bus late on a segment is not due
        "now": the slower buses of the history say how much longer such a bus still takes."""
        if elapsed_s <= 0:
            return expected_s - elapsed_s
        r = elapsed_s / expected_s
        i = bisect.bisect_right(self._ratios, r)
        n = len(self._ratios) - i
        if n == 0:
            return MIN_REMAINING_S
        mean_ratio = self._ratio_tail_sums[i] / n
        return max(MIN_REMAINING_S, expected_s * mean_ratio - elapsed_s)

    def current_remaining_s(
        self, route_id: str, segment_index: int, expected_s: float, elapsed_s: float
    ) -> float:
        """The rest of the segment the bus is on (the baseline: ``remaining_s``)."""
        return self.remaining_s(expected_s, elapsed_s)

    def observe(self, travel: SegmentTravel) -> None:
        return None

    def predict(self, vehicle: VehicleState, to_stop_index: int, now: datetime) -> float:
        return self.predict_many(vehicle, to_stop_index, now)[-1]

    def predict_many(self, vehicle: VehicleState, to_stop_index: int, now: datetime) -> list[float]:
        """Seconds from ``now`` until arrival at every stop after the bus's last one, up to
        ``to_stop_index`` (one walk for a whole stop list)."""
        if to_stop_index <= vehicle.last_stop_index:
            raise ValueError(
                f"to_stop_index {to_stop_index} must be after the bus's last stop {vehicle.last_stop_index}"
            )
        route, last = vehicle.route_id, vehicle.last_stop_index
        pace = math.exp(self.pace(vehicle))
        elapsed = (now - vehicle.departed_at).total_seconds()
        now_s = seconds_of_day(now)
        first = self.segment_s(route, last, vehicle.departed_at, now) * pace
        log_var = self.segment_log_var(route, last, vehicle.departed_at)
        # ``total``: expected seconds from now to the bus's arrival at the next stop; ``var``: its
        # variance, over which the waits at the lights further on are averaged
        total, var, driven = -1.0, 0.0, elapsed
        signals = self.signals.get((route, last))
        if signals:
            arrival, arrival_var = walk_lights(signals, now_s - elapsed, 0.0, first, log_var)
            total, var = still_ahead(arrival - now_s, arrival_var)
            # the bus is later than the lights explain: its driving so far is the time spent less
            # the waits they were expected to cost
            driven = max(0.0, elapsed - (arrival - (now_s - elapsed) - first))
        if total < 0:  # no lights known, or the bus is later than they explain
            total = self.current_remaining_s(route, last, first, driven)
            var = log_var * total * total
        out = [total]
        for stop in range(last + 1, to_stop_index):
            dwell = self.dwell_at(route, stop, now + timedelta(seconds=total))
            total += dwell
            var += self.dwell_rel_var * dwell * dwell
            at = now + timedelta(seconds=total)
            driving = self.segment_s(route, stop, at, now) * pace
            log_var = self.segment_log_var(route, stop, at)
            signals = self.signals.get((route, stop))
            if signals:
                arrival, var = walk_lights(signals, now_s + total, var, driving, log_var)
                total = arrival - now_s
            else:
                total += driving
                var += log_var * driving * driving
            out.append(total)
        return [self.calibrated(t) for t in out]

    def calibrated(self, seconds: float) -> float:
        """The walk's expected arrival turned into the one to show (the baseline shows the mean)."""
        return seconds

    def pace(self, vehicle: VehicleState) -> float:
        """Log factor of this bus's own pace on its trip (0: like any other bus)."""
        return 0.0


class HistoricalAverage(_SegmentWalk):
    """The baseline: mean segment time by time-of-day bin, nothing learned from today."""

    name = "historical-average"


@dataclass
class SegmentState:
    """Today's state of one segment: log ratio to the profile (``x``), its variance, and when."""

    x: float
    var: float
    at: datetime


def kalman_propagate(
    x: float, var: float, dt_s: float, *, tau_s: float, state_var: float
) -> tuple[float, float]:
    """Ornstein–Uhlenbeck step: the state fades toward 0 (the profile) and its variance toward the
    stationary ``state_var``."""
    decay = math.exp(-max(dt_s, 0.0) / tau_s)
    return x * decay, var * decay * decay + state_var * (1 - decay * decay)


def kalman_update(x: float, var: float, z: float, measurement_var: float) -> tuple[float, float, float]:
    """One observation ``z`` of the state: returns (new x, new variance, gain)."""
    gain = var / (var + measurement_var)
    return x + gain * (z - x), (1 - gain) * var, gain


class KalmanPredictor(_SegmentWalk):
    """Segment travel times from the profile, corrected by today's buses ahead (Kalman filter).

    The state of a segment today is the sum of two parts, each a fading random walk: the route's
    (the whole road network a little slower today, the peak earlier — seen by every bus on every
    segment of the route) and the segment's own (a queue, an incident — seen only by the buses that
    drove it). An observation updates the route's part first, with the segment's part counted as
    noise, then the segment's part with what is left."""

    name = "kalman"

    def __init__(
        self,
        dwell_s: Mapping[tuple[str, int], float] | None = None,
        signals: Signals | None = None,
        *,
        tau_s: float = 1200.0,
        state_var: float = 0.02,
        route_var: float = 0.0,
        measurement_var: float = 0.02,
        vehicle_var: float = 0.0,
    ) -> None:
        super().__init__(dwell_s, signals)
        self.tau_s = tau_s
        self.state_var = state_var
        self.route_var = route_var
        self.measurement_var = measurement_var
        self.bias = 0.0  # mean log ratio in the history (the profile is an arithmetic mean)
        self.states: dict[tuple[str, int], SegmentState] = {}
        self.route_states: dict[str, SegmentState] = {}
        self.vehicle_var = vehicle_var
        self.spread = 1.0  # the share of the filter's variance the walk's spread uses (fitted)
        # median error (predicted − actual, s) of the walk per bin of OFFSET_BINS_S, from the replay
        self.offsets: tuple[float, ...] = (0.0,) * len(OFFSET_BINS_S)
        # (route, vehicle) -> (pace, its variance, last segment seen): reset when a new trip starts
        self.paces: dict[tuple[str, str], tuple[float, float, int]] = {}

    @property
    def route_tau_s(self) -> float:
        # a day's network-wide deviation (weather, a late peak) lasts longer than one road's queue
        return max(self.tau_s, ROUTE_TAU_S)

    def log_ratio(self, travel: SegmentTravel) -> float:
        return math.log(max(travel.travel_s, 1.0) / self.expected_profile(travel)) - self.bias

    def fit(self, history: Iterable[SegmentTravel]) -> None:
        travels = list(history)
        seen_rows = [self.driving_seen(r) for r in travels]
        self.fit_profiles(seen_rows)
        self.reset()
        # The variances are read from the rows that show their whole segment's driving (a bus that
        # waited at a red shows only the rest after it, and its noise is amplified in proportion);
        # the filter then weighs the others by the share they show.
        rows = [row for row, seen in seen_rows if seen == 1.0]
        if len(rows) < 10:
            return
        z = [math.log(max(r.travel_s, 1.0) / self.expected_profile(r)) for r in rows]
        self.bias = sum(z) / len(z)
        total_var = sum((v - self.bias) ** 2 for v in z) / len(z)
        # Consecutive buses on the same segment and day: half the mean squared difference of their
        # log ratios is the measurement variance plus the state's drift between them.
        by_day: dict[tuple, list[tuple[datetime, float]]] = defaultdict(list)
        for r, v in zip(rows, z, strict=True):
            day = r.departed_at.astimezone(SEOUL).date()
            by_day[(r.route_id, r.segment_index, day)].append((r.departed_at, v - self.bias))
        pairs: list[tuple[float, float]] = []  # (seconds apart, squared difference)
        for items in by_day.values():
            items.sort()
            for (t0, v0), (t1, v1) in zip(items, items[1:], strict=False):
                pairs.append(((t1 - t0).total_seconds(), (v1 - v0) ** 2))
        if not pairs:
            return
        half_sq = sum(d for _, d in pairs) / len(pairs) / 2
        # The time constant and the route's share of the state are chosen by the filter's one-step
        # error replayed over the last training days (a few thousand segments are enough).
        days = sorted({r.departed_at.astimezone(SEOUL).date() for r in rows})
        last_days = set(days[-REPLAY_DAYS:])
        # replayed in the order the buses really arrived (a wait included)
        replay = [
            (row, seen, done_at(travel))
            for (row, seen), travel in zip(seen_rows, travels, strict=True)
            if row.departed_at.astimezone(SEOUL).date() in last_days
        ]
        best = None
        for tau in TAU_CHOICES_S:
            drift = sum(1 - math.exp(-dt / tau) for dt, _ in pairs) / len(pairs)
            # total = S + R, half_sq = R + S·drift  →  S = (total − half_sq) / (1 − drift)
            state_total = max((total_var - half_sq) / (1 - drift), 0.05 * total_var)
            measurement_var = max(total_var - state_total, 0.05 * total_var)
            for share in ROUTE_SHARE_CHOICES:
                self.tau_s, self.measurement_var = tau, measurement_var
                self.route_var, self.state_var = state_total * share, state_total * (1 - share)
                err = self._replay_error(replay)
                if best is None or err < best[0]:
                    best = (err, tau, self.state_var, self.route_var, measurement_var)
        assert best is not None
        _, self.tau_s, self.state_var, self.route_var, self.measurement_var = best
        # Then how much a trip's pace differs from the others' (drivers, vehicles), if the history
        # says which bus drove.
        if any(r.vehicle_id for r, _, _ in replay):
            best_pace = (best[0], 0.0)
            for vehicle_var in PACE_VAR_CHOICES:
                self.vehicle_var = vehicle_var
                err = self._replay_error(replay)
                if err < best_pace[0]:
                    best_pace = (err, vehicle_var)
            self.vehicle_var = best_pace[1]
        # Last, the offsets by horizon; with lights, also how far to trust the walk's spread, by the
        # replay's absolute error (the spread only decides how the lights' waits are averaged)
        replayed = [r for r in travels if r.departed_at.astimezone(SEOUL).date() in last_days]
        fits = []
        for spread in SPREAD_CHOICES if self.signals else (1.0,):
            self.spread, self.offsets = spread, (0.0,) * len(OFFSET_BINS_S)
            offsets, error = fit_offsets(self, replayed)
            fits.append((error, spread, offsets))
        _, self.spread, self.offsets = min(fits)
        self.reset()

    def current_remaining_s(
        self, route_id: str, segment_index: int, expected_s: float, elapsed_s: float
    ) -> float:
        ratios = self._segment_ratios.get((route_id, segment_index))
        if ratios is None:
            return self.remaining_s(expected_s, elapsed_s)
        return segment_remaining_s(ratios, expected_s, elapsed_s)

    def calibrated(self, seconds: float) -> float:
        return max(0.0, seconds - offset_for(self.offsets, seconds))

    def reset(self) -> None:
        """Forgets today (a new service day starts from the profile)."""
        self.states = {}
        self.route_states = {}
        self.paces = {}

    def _replay_error(self, rows: list[tuple[SegmentTravel, float, datetime]]) -> float:
        """Mean squared one-step error of the filter over the history (driving rows, how much of
        each the travel time showed, when it was known), day by day."""
        ordered = sorted(rows, key=lambda r: r[2])
        err, n, day = 0.0, 0, None
        self.reset()
        for row, seen, _ in ordered:
            d = row.departed_at.astimezone(SEOUL).date()
            if d != day:
                self.reset()
                day = d
            expected = self.state_at(row.route_id, row.segment_index, row.departed_at)
            expected += self._pace_of(row.route_id, row.vehicle_id, row.segment_index)[0]
            err += seen * seen * (self.log_ratio(row) - expected) ** 2  # as the filter weighs it
            n += 1
            self._observe_driving(row, seen)
        return err / max(n, 1)

    @staticmethod
    def _part_at(
        state: SegmentState | None, at: datetime, *, tau_s: float, stationary: float
    ) -> tuple[float, float]:
        if state is None:
            return 0.0, stationary
        dt = (at - state.at).total_seconds()
        return kalman_propagate(state.x, state.var, dt, tau_s=tau_s, state_var=stationary)

    def state_at(self, route_id: str, segment_index: int, at: datetime) -> float:
        """Today's expected log ratio (to the profile) of a segment entered at ``at``."""
        return self.state_mean_var(route_id, segment_index, at)[0]

    def state_mean_var(self, route_id: str, segment_index: int, at: datetime) -> tuple[float, float]:
        """Today's log ratio of a segment entered at ``at``: its expected value and its variance."""
        seg = self._part_at(
            self.states.get((route_id, segment_index)), at, tau_s=self.tau_s, stationary=self.state_var
        )
        route = self._part_at(
            self.route_states.get(route_id), at, tau_s=self.route_tau_s, stationary=self.route_var
        )
        return seg[0] + route[0], seg[1] + route[1]

    def observe(self, travel: SegmentTravel) -> None:
        self._observe_driving(*self.driving_seen(travel))

    def _observe_driving(self, travel: SegmentTravel, seen: float = 1.0) -> None:
        key = (travel.route_id, travel.segment_index)
        # a time that shows only the driving after a red says less about the whole segment's
        measurement_var = self.measurement_var / max(seen, MIN_SEEN) ** 2
        # The bus saw the segment over its whole run; its middle stands for when.
        at = travel.departed_at + timedelta(seconds=travel.travel_s / 2)
        seg_state = self.states.get(key)
        route_state = self.route_states.get(travel.route_id)
        if route_state is not None and (at - route_state.at) > STALE_AFTER:
            seg_state = route_state = None  # yesterday's state says nothing about today
            self.reset()
        s, s_var = self._part_at(seg_state, at, tau_s=self.tau_s, stationary=self.state_var)
        g, g_var = self._part_at(route_state, at, tau_s=self.route_tau_s, stationary=self.route_var)
        z = self.log_ratio(travel)
        if travel.vehicle_id and self.vehicle_var > 0:
            # the bus's own pace first (what it did beyond what the road did), then the road's
            # state from what is left
            v, v_var = self._pace_of(travel.route_id, travel.vehicle_id, travel.segment_index)
            v, v_var, _ = kalman_update(v, v_var, z - s - g, s_var + g_var + measurement_var)
            self.paces[(travel.route_id, travel.vehicle_id)] = (v, v_var, travel.segment_index)
            z -= v
        if self.route_var > 0:
            g, g_var, _ = kalman_update(g, g_var, z - s, s_var + measurement_var)
        s, s_var, _ = kalman_update(s, s_var, z - g, measurement_var)
        # an observation older than the state (a late AVL report) does not move the state's clock back
        self.states[key] = SegmentState(x=s, var=s_var, at=max(at, seg_state.at) if seg_state else at)
        self.route_states[travel.route_id] = SegmentState(
            x=g, var=g_var, at=max(at, route_state.at) if route_state else at
        )

    def _pace_of(self, route_id: str, vehicle_id: str, segment_index: int) -> tuple[float, float]:
        """The pace learned on this trip so far, for the bus about to drive ``segment_index``; a
        segment not after the last one seen is a new trip."""
        known = self.paces.get((route_id, vehicle_id)) if vehicle_id else None
        if known is None or segment_index <= known[2]:
            return 0.0, self.vehicle_var
        return known[0], known[1]

    def pace(self, vehicle: VehicleState) -> float:
        if self.vehicle_var <= 0:
            return 0.0
        # the bus may have just finished the segment after its last stop (it stands at the next stop)
        return self._pace_of(vehicle.route_id, vehicle.vehicle_id, vehicle.last_stop_index + 1)[0]

    def segment_s(self, route_id: str, segment_index: int, at: datetime, now: datetime) -> float:
        return self.travel.at((route_id, segment_index), at) * self.state_factor(route_id, segment_index, at)

    def segment_log_var(self, route_id: str, segment_index: int, at: datetime) -> float:
        # what today's state leaves unknown, and what every bus adds of its own; scaled by what the
        # replay of the training days found the walk's averaging of the lights' waits does best with
        return (self.state_mean_var(route_id, segment_index, at)[1] + self.measurement_var) * self.spread

    def state_factor(self, route_id: str, segment_index: int, at: datetime) -> float:
        """Expected travel time over the profile, E[e^(log ratio)], for a segment entered at ``at``.

        The profile is an arithmetic mean, so with nothing known today (x = 0, variance the stationary
        S) the factor is 1, and e^x alone would be too short by about e^(−S/2) on every segment ahead:
        the further ahead, the earlier. With the state known to variance P: e^(x + (P − S)/2)."""
        x, var = self.state_mean_var(route_id, segment_index, at)
        return math.exp(x + (var - self.state_var - self.route_var) / 2)


def offset_for(offsets: tuple[float, ...], predicted_s: float) -> float:
    """The median error learned for a prediction of ``predicted_s`` seconds (its horizon bin)."""
    return offsets[min(bisect.bisect_left(OFFSET_BINS_S, predicted_s), len(offsets) - 1)]


def median(values: list[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2


def trips_of(rows: Iterable[SegmentTravel]) -> list[list[SegmentTravel]]:
    """The history's rows as trips: a bus's rows of a day in time order, a new trip whenever the
    segment index does not go up. Rows without a vehicle id cannot be joined into trips."""
    by_bus: dict[tuple, list[SegmentTravel]] = defaultdict(list)
    for r in rows:
        if r.vehicle_id:
            by_bus[(r.route_id, r.vehicle_id, r.departed_at.astimezone(SEOUL).date())].append(r)
    trips: list[list[SegmentTravel]] = []
    for items in by_bus.values():
        items.sort(key=lambda r: r.departed_at)
        trip: list[SegmentTravel] = []
        for r in items:
            if trip and r.segment_index <= trip[-1].segment_index:
                trips.append(trip)
                trip = []
            trip.append(r)
        if trip:
            trips.append(trip)
    return trips


def fit_offsets(
    model: KalmanPredictor, rows: list[SegmentTravel], *, every_s: float = OFFSET_QUERY_EVERY_S
) -> tuple[tuple[float, ...], float]:
    """Median error of ``model``'s walk by predicted horizon, replayed over ``rows`` (training days),
    and the mean absolute error of the replayed predictions once those medians are taken off.

    The walk adds expected (mean) times, but the mean of a segment's time lies above its median (most
    buses catch the lights, a few wait a whole red; a few stops have many boarding): the absolute error
    is smallest at the median. Day by day, the model sees every segment finished before ``now`` and is
    asked every ``every_s`` when each bus will reach its next stops, up to 30 minutes ahead (so that
    the true horizon cuts no bin of predicted horizons)."""
    errors: list[list[float]] = [[] for _ in OFFSET_BINS_S]
    by_day: dict = defaultdict(list)
    for trip in trips_of(rows):
        by_day[trip[0].departed_at.astimezone(SEOUL).date()].append(trip)
    for trips in by_day.values():
        model.reset()
        finished = sorted(
            (r for trip in trips for r in trip), key=lambda r: r.departed_at + timedelta(seconds=r.travel_s)
        )
        done = [r.departed_at + timedelta(seconds=r.travel_s) for r in finished]
        queries = []
        for trip in trips:
            t = trip[0].departed_at + timedelta(seconds=every_s / 2)
            end = done_at(trip[-1])
            while t < end:
                queries.append((t, trip))
                t += timedelta(seconds=every_s)
        queries.sort(key=lambda q: q[0])
        seen = 0
        for now, trip in queries:
            upto = bisect.bisect_right(done, now)
            for r in finished[seen:upto]:
                model.observe(r)
            seen = max(seen, upto)
            on = [r for r in trip if r.departed_at <= now]
            if not on:
                continue
            current = on[-1]  # the segment the bus last left a stop for
            ahead = [r for r in trip if r.segment_index >= current.segment_index]
            ahead = [r for r in ahead if (done_at(r) - now).total_seconds() <= OFFSET_REPLAY_AHEAD_S]
            if not ahead or ahead[-1].segment_index - current.segment_index != len(ahead) - 1:
                continue  # nothing ahead, or a segment missing from the history
            state = VehicleState(
                current.route_id, current.vehicle_id, current.segment_index, current.departed_at, now
            )
            predicted = model.predict_many(state, ahead[-1].segment_index + 1, now)
            for r in ahead:
                actual = (done_at(r) - now).total_seconds()
                if actual <= 0:
                    continue
                p = predicted[r.segment_index - current.segment_index]
                if p <= OFFSET_BINS_S[-1]:
                    errors[bisect.bisect_left(OFFSET_BINS_S, p)].append(p - actual)
    model.reset()
    offsets = tuple(median(e) if len(e) >= OFFSET_MIN_N else 0.0 for e in errors)
    shown = [abs(v - offset) for e, offset in zip(errors, offsets, strict=True) for v in e]
    return offsets, sum(shown) / max(len(shown), 1)


def light_delay(signal: SignalTiming, at_s: float) -> float:
    """What a light costs a bus reaching it at ``at_s``: the rest of its effective red, the red and
    the start-up lost time (출발손실시간) of the queue before the bus moves. (Adding the lost time
    to every wait instead would make a bus arriving just before the green later than one arriving
    just after it: the total would no longer grow with the driving time.)"""
    return signal.wait_s(at_s, STARTUP_LOST_S)


def through_lights(
    signals: tuple[SignalTiming, ...], start_s: float, driving_s: float
) -> tuple[float, float]:
    """When a bus that leaves a stop at ``start_s`` (seconds of day) and drives the segment in
    ``driving_s`` at an even speed reaches the next stop, waiting out the red at each light; and
    where on the segment the last light is that made it wait (0 when none did)."""
    t, done, last_red = start_s, 0.0, 0.0
    for signal in signals:
        t += (signal.share - done) * driving_s
        wait = light_delay(signal, t)
        if wait > 0:
            t, last_red = t + wait, signal.share
        done = signal.share
    return t + (1 - done) * driving_s, last_red


def walk_lights(
    signals: tuple[SignalTiming, ...], start_s: float, start_var: float, driving_s: float, log_var: float
) -> tuple[float, float]:
    """Mean and variance of the arrival at the next stop of a bus leaving at ``start_s`` (mean,
    variance ``start_var``) that drives the segment in ``driving_s`` (log variance ``log_var``).

    Each light is met at a time known only to a spread: its wait is averaged over that spread (equal-
    weight points of a normal), and the spread after the light is the spread of the departures — a
    red gathers the buses that reach it and lets them go together. The segment's driving is one
    factor (a bus slow on its first half is slow on its second), so its share of the variance grows
    with the square of the distance driven; a light scales both shares by what it leaves of the
    spread."""
    t, before, driven, done = start_s, start_var, 0.0, 0.0
    for signal in signals:
        piece = (signal.share - done) * driving_s
        t += piece
        driven += piece
        var = before + log_var * driven * driven
        sd = math.sqrt(var)
        leaving = [a + light_delay(signal, a) for a in (t + sd * z for z in _Z)]
        t = sum(leaving) / len(leaving)
        kept = sum((v - t) ** 2 for v in leaving) / len(leaving) / var if var > 0 else 0.0
        before, driven = before * kept, driven * math.sqrt(kept)
        done = signal.share
    driven += (1 - done) * driving_s
    return t + (1 - done) * driving_s, before + log_var * driven * driven


def still_ahead(mean_s: float, var: float) -> tuple[float, float]:
    """The expected rest (and its variance) of an arrival ``mean_s`` from now, given that it has not
    happened yet; (−1, 0) when it should have (the bus is later than the spread explains)."""
    sd = math.sqrt(var)
    ahead = [mean_s + sd * z for z in _Z if mean_s + sd * z > MIN_REMAINING_S]
    if not ahead:
        return -1.0, 0.0
    rest = sum(ahead) / len(ahead)
    return rest, sum((a - rest) ** 2 for a in ahead) / len(ahead)


def done_at(row: SegmentTravel) -> datetime:
    return row.departed_at + timedelta(seconds=row.travel_s)


def segment_remaining_s(ratios: list[float], expected_s: float, elapsed_s: float) -> float:
    """Median rest of a segment ``elapsed_s`` under way, from the segment's own history: its buses'
    travel / profile ratios (sorted), scaled by today's ``expected_s``, among those still under way at
    ``elapsed_s``. A segment without lights has a narrow spread, one with two lights a wide one: how
    long a late bus still needs depends on which segment it is on."""
    if expected_s <= 0:
        return MIN_REMAINING_S
    i = bisect.bisect_right(ratios, max(elapsed_s, 0.0) / expected_s)
    tail = ratios[i:]
    if not tail:
        return MIN_REMAINING_S
    return max(MIN_REMAINING_S, expected_s * median(tail) - elapsed_s)
