"""Simulated bus days (모의) for training and evaluating the arrival predictors.

Not Gimpo's buses: a generator whose parameters are written here and in docs/bus-eta.md. Segment
speeds are grounded in the traffic twin's network: stops about one or two of its 400 m blocks apart,
a 50 km/h limit (안전속도 5030), and peak speeds that fall into the 서행 band (10–25 km/h) of the
twin's congestion levels. What makes a day:

- **time-of-day profile**: a morning and an evening peak slow every segment, each segment by its own
  sensitivity (some roads congest every day — recurring congestion);
- **day-to-day variation**: the whole day a little faster or slower, the peaks a little earlier, later,
  stronger or weaker than usual;
- **within-day drift**: each segment's speed wanders slowly around its profile (a mean-reverting
  process, 20-minute memory) — the traffic of that day;
- **incidents**: a few a day, a segment slowed 1.8–3.5× for 15–60 minutes, then back at once;
- **signals**: each segment has 0–2 signals, each on a fixed-time plan (a 125 s cycle, 50 s of it red
  for the bus, its own offset); a bus that reaches one in the red waits for the green, then a few
  seconds more for the queue ahead to start (more at the peaks). Over a day a bus waits at 40 % of
  them, a uniform share of the red, but which ones follows from when it gets there, as on the street;
- **dwell**: a base plus 2.5 s per boarding, boardings Poisson with a rate that peaks with the traffic;
- **drivers and vehicles**: each trip drives at its own pace (±5 %).

The same network (routes, stops, segment lengths and sensitivities) serves every day of a seed; days
differ by their own seed, so the training days and the held-out days share nothing but the city.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from cityhall.bus.eta import SegmentTravel, Signals, SignalTiming
from cityhall.bus.eta.predictors import SEOUL
from cityhall.traffic.twin.congestion import DEFAULT_THRESHOLDS
from cityhall.traffic.twin.network import GRID_SPACING_M, SPEED_MS

FIRST_DAY = date(2025, 3, 3)  # a Monday; the simulated days are consecutive weekdays


@dataclass(frozen=True)
class SimulationParameters:
    routes: int = 4
    stops_per_route: tuple[int, int] = (22, 30)
    headway_s: tuple[int, int] = (480, 900)  # 8–15 minutes between trips
    service: tuple[int, int] = (5 * 3600 + 1800, 23 * 3600)  # 05:30–23:00
    cruise_share_of_limit: float = 0.8  # between signals a bus holds 80 % of the limit
    peaks: tuple[tuple[float, float, float], ...] = (
        (8.25, 1.0, 0.9),
        (18.5, 1.2, 0.9),
    )  # hour, width h, depth
    day_sigma: float = 0.06  # whole-day speed factor (lognormal σ)
    peak_shift_sigma_h: float = 0.25  # the day's peaks earlier or later
    peak_depth_sigma: float = 0.25  # and stronger or weaker (relative)
    drift_sigma: float = 0.12  # within-day drift of a segment's log travel time (stationary σ)
    drift_tau_s: float = 1200.0
    incidents_per_day: float = 4.0
    incident_duration_s: tuple[int, int] = (900, 3600)
    incident_factor: tuple[float, float] = (1.8, 3.5)
    signal_cycle_s: float = 125.0
    signal_red_s: float = 50.0  # 40 % of the cycle
    signal_start_up_s: float = 6.0  # after a red, the queue ahead leaves first: U(0, this × (1 + congestion))
    dwell_base_s: float = 6.0
    dwell_per_boarding_s: float = 2.5
    boardings_per_stop: float = 2.0  # off-peak mean; the peaks double it
    driver_sigma: float = 0.05


@dataclass(frozen=True)
class Segment:
    length_m: float
    signals: tuple[SignalTiming, ...]  # in the order the bus meets them
    peak_sensitivity: float  # 0.3–1.2: how much the peaks slow this road


@dataclass(frozen=True)
class Route:
    route_id: str
    segments: tuple[Segment, ...]
    headway_s: int
    stop_demand: tuple[float, ...]  # boarding rate factor per stop


@dataclass
class Trip:
    route_id: str
    vehicle_id: str
    arrivals: list[float]  # seconds of day at each stop (stop 0: the terminal departure)
    departures: list[float]


@dataclass
class SimulatedDay:
    day: date
    trips: list[Trip]
    travels: list[SegmentTravel] = field(default_factory=list)
    incidents: list[tuple[str, int, float, float, float]] = field(default_factory=list)

    def at(self, seconds: float) -> datetime:
        return datetime.combine(self.day, time(), tzinfo=SEOUL) + timedelta(seconds=seconds)


def build_network(seed: int, params: SimulationParameters | None = None) -> list[Route]:
    p = params or SimulationParameters()
    rng = random.Random(f"network-{seed}")  # noqa: S311 - a simulation, not cryptography
    routes = []
    for r in range(p.routes):
        n = rng.randint(*p.stops_per_route)
        segments = tuple(
            Segment(
                length_m=GRID_SPACING_M * rng.choice((1, 1, 1.5, 2)) * rng.uniform(0.85, 1.15),
                signals=_signals(rng, p),
                peak_sensitivity=rng.uniform(0.3, 1.2),
            )
            for _ in range(n - 1)
        )
        routes.append(
            Route(
                route_id=f"모의-{r + 1:02d}",
                segments=segments,
                headway_s=rng.randrange(p.headway_s[0], p.headway_s[1] + 1, 60),
                stop_demand=tuple(rng.uniform(0.3, 2.0) for _ in range(n)),
            )
        )
    return routes


def _signals(rng: random.Random, p: SimulationParameters) -> tuple[SignalTiming, ...]:
    shares = sorted(rng.uniform(0.1, 0.9) for _ in range(rng.choice((0, 1, 1, 2))))
    return tuple(
        SignalTiming(share, p.signal_cycle_s, p.signal_red_s, rng.uniform(0, p.signal_cycle_s))
        for share in shares
    )


def signal_timings(routes: list[Route]) -> Signals:
    """The network's signal plans as the predictors take them (what the city's signal system knows)."""
    return {
        (route.route_id, i): segment.signals
        for route in routes
        for i, segment in enumerate(route.segments)
        if segment.signals
    }


def peak_speed_floor_ms() -> float:
    """The deepest peak brings a fully sensitive segment to the middle of the twin's 서행 band."""
    free_from, jammed_below = DEFAULT_THRESHOLDS["urban"]
    return (free_from + jammed_below) / 2 / 3.6


class _Day:
    """The state of the roads over one day: drift per segment, the day's peaks, its incidents."""

    def __init__(self, routes: list[Route], p: SimulationParameters, rng: random.Random) -> None:
        self.p = p
        self.rng = rng
        self.day_factor = math.exp(rng.gauss(0, p.day_sigma))
        self.peaks = [
            (
                h * 3600 + rng.gauss(0, p.peak_shift_sigma_h) * 3600,
                w * 3600,
                d * math.exp(rng.gauss(0, p.peak_depth_sigma)),
            )
            for h, w, d in p.peaks
        ]
        self.drift: dict[tuple[str, int], tuple[float, float]] = {}  # (value, at seconds)
        self.incidents: list[tuple[str, int, float, float, float]] = []
        n_incidents = _poisson(rng, p.incidents_per_day)
        for _ in range(n_incidents):
            route = rng.choice(routes)
            seg = rng.randrange(len(route.segments))
            start = rng.uniform(p.service[0] + 3600, p.service[1] - 3600)
            self.incidents.append(
                (
                    route.route_id,
                    seg,
                    start,
                    start + rng.uniform(*p.incident_duration_s),
                    rng.uniform(*p.incident_factor),
                )
            )

    def congestion(self, at: float) -> float:
        """0 off-peak … about 1 at the deepest peak."""
        return min(1.0, sum(d * math.exp(-0.5 * ((at - c) / w) ** 2) for c, w, d in self.peaks))

    def drift_at(self, key: tuple[str, int], at: float) -> float:
        p = self.p
        value, last = self.drift.get(key, (self.rng.gauss(0, p.drift_sigma), at))
        decay = math.exp(-abs(at - last) / p.drift_tau_s)
        value = value * decay + self.rng.gauss(0, p.drift_sigma * math.sqrt(1 - decay * decay))
        self.drift[key] = (value, at)
        return value

    def travel_s(self, route: Route, index: int, at: float, driver: float) -> float:
        p, seg = self.p, route.segments[index]
        cruise = SPEED_MS * p.cruise_share_of_limit
        floor = peak_speed_floor_ms()
        slow = self.congestion(at) * seg.peak_sensitivity / 1.2
        speed = cruise - (cruise - floor) * min(slow, 1.0)
        moving = (
            seg.length_m
            / speed
            * self.day_factor
            * math.exp(self.drift_at((route.route_id, index), at))
            * driver
        )
        for rid, s, start, end, factor in self.incidents:
            if rid == route.route_id and s == index and start <= at < end:
                moving *= factor
        # The bus drives the segment at an even speed and waits out the red at each signal, then for
        # the queue ahead of it to start (what no plan says).
        t, done = at, 0.0
        for signal in seg.signals:
            t += (signal.share - done) * moving
            wait = signal.wait_s(t)
            if wait:
                wait += self.rng.uniform(0, p.signal_start_up_s * (1 + self.congestion(t)))
            t += wait
            done = signal.share
        return t + (1 - done) * moving - at

    def dwell_s(self, route: Route, stop: int, at: float) -> float:
        p = self.p
        rate = p.boardings_per_stop * route.stop_demand[stop] * (1 + self.congestion(at))
        boardings = _poisson(self.rng, rate)
        return p.dwell_base_s + p.dwell_per_boarding_s * boardings if boardings else p.dwell_base_s / 2


def _poisson(rng: random.Random, lam: float) -> int:
    # Knuth's method; the rates here are small
    limit, k, prod = math.exp(-lam), 0, rng.random()
    while prod > limit:
        k += 1
        prod *= rng.random()
    return k


def simulate_day(
    routes: list[Route], day_seed: int, day: date, params: SimulationParameters | None = None
) -> SimulatedDay:
    p = params or SimulationParameters()
    rng = random.Random(f"day-{day_seed}")  # noqa: S311 - a simulation, not cryptography
    state = _Day(routes, p, rng)
    result = SimulatedDay(day=day, trips=[], incidents=list(state.incidents))
    # Trips of all routes in order of departure, so the drift of a segment advances in time.
    starts = sorted(
        (start + rng.uniform(0, 60), route)
        for route in routes
        for start in range(p.service[0] + rng.randrange(route.headway_s), p.service[1], route.headway_s)
    )
    pending: list[tuple[float, int, Route, Trip, float]] = []  # (time, stop, route, trip, driver)
    for n, (start, route) in enumerate(sorted(starts, key=lambda s: s[0])):
        # one vehicle id per trip: the pace (driver, vehicle) belongs to the trip
        trip = Trip(route.route_id, f"{route.route_id}-{n:04d}", [start], [start])
        pending.append((start, 0, route, trip, math.exp(rng.gauss(0, p.driver_sigma))))
        result.trips.append(trip)
    # Advance all buses event by event (departures from stops in time order).
    import heapq

    heap = [(t, i, stop, route, trip, driver) for i, (t, stop, route, trip, driver) in enumerate(pending)]
    heapq.heapify(heap)
    counter = len(heap)
    while heap:
        departed, _, stop, route, trip, driver = heapq.heappop(heap)
        travel = state.travel_s(route, stop, departed, driver)
        dwell_before = trip.departures[stop] - trip.arrivals[stop] if stop else None
        result.travels.append(
            SegmentTravel(
                route_id=route.route_id,
                segment_index=stop,
                departed_at=result.at(departed),
                travel_s=travel,
                dwell_s=dwell_before,
                vehicle_id=trip.vehicle_id,
            )
        )
        arrived = departed + travel
        trip.arrivals.append(arrived)
        nxt = stop + 1
        if nxt >= len(route.segments):
            trip.departures.append(arrived)
            continue
        dep = arrived + state.dwell_s(route, nxt, arrived)
        trip.departures.append(dep)
        counter += 1
        heapq.heappush(heap, (dep, counter, nxt, route, trip, driver))
    return result


def simulate_days(
    seed: int, count: int, *, held_out: bool, params: SimulationParameters | None = None
) -> tuple[list[Route], list[SimulatedDay]]:
    """``count`` days on the seed's network; the held-out days have their own seeds and dates
    (after the training days), never those of the training days."""
    routes = build_network(seed, params)
    offset = 1000 if held_out else 0
    days = []
    for i in range(count):
        day = FIRST_DAY + timedelta(days=offset + i)
        days.append(simulate_day(routes, seed * 100_000 + offset + i, day, params))
    return routes, days


def split_days(
    seed: int, train_days: int, test_days: int, params: SimulationParameters | None = None
) -> tuple[list[SimulatedDay], list[SimulatedDay]]:
    """The benchmark's split: ``train_days`` days to learn from, then ``test_days`` held-out days on
    the same network, with their own dates (after the last training day) and their own seeds."""
    _, train = simulate_days(seed, train_days, held_out=False, params=params)
    _, test = simulate_days(seed, test_days, held_out=True, params=params)
    return train, test
