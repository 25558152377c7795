"""Evaluating a predictor on simulated days: predictions against the arrivals that happened.

On each held-out day the predictor sees, in time order, every segment a bus finished (``observe``) and
is asked, every ``sample_every_s`` for every bus on the road, when it will reach each of its next
stops up to 20 minutes ahead. A bus standing at a stop is given as the live path gives it (its last
stop that one, leaving now), not as still on the segment before. The error of each prediction is put
in a bucket by its horizon (the true time to arrival): 0–5, 5–10 and 10–20 minutes.
"""

from __future__ import annotations

import bisect
import copy
from collections.abc import Sequence
from dataclasses import dataclass, field

from cityhall.bus.eta import Predictor, VehicleState
from cityhall.bus.eta.simulator import SimulatedDay

BUCKETS = ((0, 300, "0-5"), (300, 600, "5-10"), (600, 1200, "10-20"))


@dataclass
class Errors:
    """Signed errors (predicted − actual, seconds) per horizon bucket."""

    by_bucket: dict[str, list[float]] = field(default_factory=lambda: {name: [] for *_, name in BUCKETS})

    def add(self, horizon_s: float, error_s: float) -> None:
        for lo, hi, name in BUCKETS:
            if lo < horizon_s <= hi:
                self.by_bucket[name].append(error_s)
                return

    def merged(self, names: Sequence[str]) -> list[float]:
        return [e for name in names for e in self.by_bucket[name]]


def summary(errors: list[float]) -> dict[str, float | int]:
    n = len(errors)
    if not n:
        return {"n": 0, "within_1min": 0.0, "within_2min": 0.0, "mae_s": 0.0}
    return {
        "n": n,
        "within_1min": sum(abs(e) <= 60 for e in errors) / n,
        "within_2min": sum(abs(e) <= 120 for e in errors) / n,
        "mae_s": sum(abs(e) for e in errors) / n,
    }


def evaluate_day(predictor: Predictor, day: SimulatedDay, *, sample_every_s: float = 120.0) -> Errors:
    """Errors of ``predictor`` over one day. The predictor is copied, so a day starts from what it
    learned in ``fit`` and not from the previous held-out day."""
    predictor = copy.deepcopy(predictor)
    errors = Errors()
    # Everything a bus finished, in order of when it was known (its arrival at the next stop).
    finished = sorted(day.travels, key=lambda t: t.departed_at.timestamp() + t.travel_s)
    finished_at = [t.departed_at.timestamp() + t.travel_s for t in finished]
    day_start = day.at(0).timestamp()
    queries = []  # (now, trip)
    for trip in day.trips:
        t = trip.departures[0] + sample_every_s / 2
        while t < trip.arrivals[-1]:
            queries.append((t, trip))
            t += sample_every_s
    queries.sort(key=lambda q: q[0])
    seen = 0
    for now_s, trip in queries:
        now_ts = day_start + now_s
        upto = bisect.bisect_right(finished_at, now_ts)
        for travel in finished[seen:upto]:
            predictor.observe(travel)
        seen = max(seen, upto)
        last = bisect.bisect_right(trip.departures, now_s) - 1  # last stop the bus has left
        departed_s = trip.departures[last] if last >= 0 else now_s
        if 0 <= last < len(trip.arrivals) - 1 and trip.arrivals[last + 1] <= now_s:
            # standing at the next stop, doors open: the live path (predictions.vehicle_fact) knows it
            # is there and counts the segment ahead from now
            last, departed_s = last + 1, now_s
        if last < 0 or last >= len(trip.arrivals) - 1:
            continue
        now = day.at(now_s)
        state = VehicleState(
            route_id=trip.route_id,
            vehicle_id=trip.vehicle_id,
            last_stop_index=last,
            departed_at=day.at(departed_s),
            observed_at=now,
        )
        path = _predict_path(predictor, state, now, trip, now_s)
        for stop, predicted in path:
            errors.add(trip.arrivals[stop] - now_s, predicted - (trip.arrivals[stop] - now_s))
    return errors


def _predict_path(predictor, state, now, trip, now_s) -> list[tuple[int, float]]:
    """Predictions for every next stop the bus truly reaches within the largest bucket."""
    horizon = BUCKETS[-1][1]
    stops = [
        s for s in range(state.last_stop_index + 1, len(trip.arrivals)) if trip.arrivals[s] - now_s <= horizon
    ]
    if not stops:
        return []
    many = getattr(predictor, "predict_many", None)
    if many is not None:
        return list(zip(stops, many(state, stops[-1], now)[: len(stops)], strict=True))
    return [(s, predictor.predict(state, s, now)) for s in stops]
