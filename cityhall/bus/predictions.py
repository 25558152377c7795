"""Arrival predictions: the live vehicles through the predictor, the timetable when no bus is live.

``predictor()`` is the one place that chooses the model: ``eta.default_predictor()`` fitted on the
stored segment travel times of the last ``HISTORY_DAYS`` days (with the dwell at each segment's first
stop and the bus that drove it), refitted every ``REFIT_S``; between fits it observes every segment
finished since, so the Kalman filter follows today's traffic. It is given the signal plans of the
lights on the routes (``lights.route_lights``). With no history at all (a new
installation) it is ``ScheduleFallback``, the timetable's segment times, which has the same
interface."""

from __future__ import annotations

import threading
import time as monotonic
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors
from .avl import seconds_into, service_of
from .choices import Occupancy
from .eta import SegmentTravel as TravelFact
from .eta import VehicleState as VehicleFact
from .eta import default_predictor
from .eta.predictors import HistoricalAverage
from .lights import route_lights
from .models import RouteStop, SegmentTravel, Stop, StopEvent, Trip, VehicleState

REFIT_S = 600.0
HISTORY_DAYS = 28
SOON_S = 90  # "곧 도착"
PER_ROUTE = 2


class ScheduleFallback:
    """Timetable segment times: arrival at stop j = departure from stop i + (offset_j − offset_i −
    dwell at i). Learns nothing (``fit``/``observe`` keep nothing)."""

    name = "timetable"

    def __init__(self, offsets: dict[str, list[int]], dwell_s: float = 20.0) -> None:
        self.offsets = offsets
        self.dwell_s = dwell_s

    def fit(self, history) -> None:
        pass

    def observe(self, travel) -> None:
        pass

    def predict(self, vehicle, to_stop_index: int, now: datetime) -> float:
        offsets = self.offsets[vehicle.route_id]
        ahead = offsets[to_stop_index] - offsets[vehicle.last_stop_index]
        if vehicle.last_stop_index > 0:
            ahead -= self.dwell_s
        arrival = vehicle.departed_at + timedelta(seconds=ahead)
        return max(0.0, (arrival - now).total_seconds())


def _offsets() -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for route_code, offset in RouteStop.objects.order_by("route__code", "sequence").values_list(
        "route__code", "offset_s"
    ):
        out.setdefault(route_code, []).append(offset)
    return out


def _facts(rows) -> list[TravelFact]:
    """``SegmentTravel`` rows as the eta package's facts, with the dwell at the segment's first stop
    (its stop event's departure − arrival; none at a trip's first stop) and the bus's code."""
    rows = list(
        rows.values_list(
            "trip_id",
            "service_date",
            "route__code",
            "segment_index",
            "departed_at",
            "travel_s",
            "vehicle__code",
        )
    )
    dwell: dict[tuple, float] = {}
    if rows:
        events = StopEvent.objects.filter(
            trip_id__in={r[0] for r in rows},
            service_date__in={r[1] for r in rows},
            arrived_at__isnull=False,
            departed_at__isnull=False,
        ).values_list("trip_id", "service_date", "sequence", "arrived_at", "departed_at")
        dwell = {(t, d, i): (dep - arr).total_seconds() for t, d, i, arr, dep in events if dep >= arr}
    return [
        TravelFact(
            route_id=code,
            segment_index=i,
            departed_at=at,
            travel_s=s,
            dwell_s=dwell.get((trip, day, i)),
            vehicle_id=vehicle or "",
        )
        for trip, day, code, i, at, s, vehicle in rows
    ]


def history(since: datetime, until: datetime | None = None) -> list[TravelFact]:
    rows = SegmentTravel.objects.filter(departed_at__gte=since)
    if until is not None:
        rows = rows.filter(departed_at__lt=until)
    return _facts(rows.order_by("departed_at"))


@dataclass
class _Served:
    model: object
    fitted: float  # monotonic time of the fit
    seen_pk: int  # the last SegmentTravel observed
    baseline: object | None = None  # the historical average on the same history (accuracy page)


_lock = threading.Lock()
_cached: _Served | None = None
_fitting = False


def _observe_new(served: _Served) -> None:
    """Feed the segments finished since the model last looked (one indexed query per call)."""
    rows = SegmentTravel.objects.filter(pk__gt=served.seen_pk)
    last = rows.order_by("-pk").values_list("pk", flat=True).first()
    if last is None:
        return
    facts = _facts(rows.filter(pk__lte=last).order_by("pk"))
    for fact in sorted(facts, key=lambda f: f.departed_at + timedelta(seconds=f.travel_s)):
        served.model.observe(fact)
        if served.baseline is not None:
            served.baseline.observe(fact)
    served.seen_pk = last


def _fit(now: datetime) -> _Served:
    seen = SegmentTravel.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    past = history(now - timedelta(days=HISTORY_DAYS), until=now)
    if not past:
        return _Served(ScheduleFallback(_offsets()), monotonic.monotonic(), seen)
    model = default_predictor(signals=route_lights())  # the lights' plans as they are now
    model.fit(past)  # fit() forgets the day's state; today's segments are observed again below
    baseline = HistoricalAverage()
    baseline.fit(past)
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    for fact in sorted(
        (f for f in past if f.departed_at >= start_of_day),
        key=lambda f: f.departed_at + timedelta(seconds=f.travel_s),
    ):
        model.observe(fact)
    return _Served(model, monotonic.monotonic(), seen, baseline)


def predictor(*, now: datetime | None = None, refresh: bool = False):
    """The model serving arrivals, fitted on the ``HISTORY_DAYS`` days before ``now`` (refitted every
    ``REFIT_S``) and up to date with the segments finished since. A refit runs outside the lock: the
    other requests keep the previous model meanwhile."""
    global _cached, _fitting
    now = now or timezone.now()
    with _lock:
        served = _cached
        if served is not None and not refresh:
            if _fitting or monotonic.monotonic() - served.fitted < REFIT_S:
                _observe_new(served)
                return served.model
        _fitting = True
    try:
        fresh = _fit(now)
    finally:
        with _lock:
            _fitting = False
    with _lock:
        _observe_new(fresh)
        _cached = fresh
        return fresh.model


def baseline(*, now: datetime | None = None):
    """The historical-average baseline fitted on the same history as ``predictor()``; ``None`` while
    the model is the timetable (no history)."""
    predictor(now=now)
    with _lock:
        return _cached.baseline if _cached is not None else None


def forget() -> None:
    """Drop the cached model (tests; a changed timetable)."""
    global _cached
    with _lock:
        _cached = None


@dataclass(frozen=True)
class Arrival:
    route_code: str
    route_number: str
    route_kind: str
    vehicle: str | None
    eta_s: int
    stops_away: int | None
    source: str  # "live" | "schedule"
    occupancy: str
    message: str
    scheduled_at: datetime | None = None

    @property
    def occupancy_label(self) -> str:
        return str(Occupancy(self.occupancy).label) if self.occupancy else ""


def message_for(eta_s: int, stops_away: int | None) -> str:
    if stops_away is None:
        return _("%(m)d분 후 출발 예정 (시간표)") % {"m": eta_s // 60}
    if eta_s <= SOON_S or stops_away <= 1 and eta_s <= 2 * SOON_S:
        return _("곧 도착")
    return _("%(m)d분 후 (%(n)d정거장 전)") % {"m": round(eta_s / 60), "n": stops_away}


def vehicle_fact(state: VehicleState, now: datetime | None = None) -> VehicleFact | None:
    """The bus as the predictor sees it. A bus standing at its last stop (doors open) has not left it
    yet: its ``departed_at`` is still the departure from the stop before, which would count the time
    it has spent so far as time on the segment ahead (and predict it early), so it leaves ``now``."""
    if state.last_stop_index < 0:
        return None
    departed_at = state.departed_at
    if state.door_open:
        departed_at = max(now or state.observed_at, state.observed_at)
    if departed_at is None:
        return None
    return VehicleFact(
        route_id=state.vehicle.route.code,
        vehicle_id=state.vehicle.code,
        last_stop_index=state.last_stop_index,
        departed_at=departed_at,
        observed_at=state.observed_at,
    )


def remaining(state: VehicleState, model, last_index: int, now: datetime) -> list[tuple[int, float]]:
    """(stop sequence, seconds from now) for the rest of the vehicle's trip."""
    fact = vehicle_fact(state, now)
    if fact is None or fact.last_stop_index >= last_index:
        return []
    stops = range(fact.last_stop_index + 1, last_index + 1)
    if hasattr(model, "predict_many"):  # one walk for the whole list
        return list(zip(stops, model.predict_many(fact, last_index, now), strict=True))
    return [(j, model.predict(fact, j, now)) for j in stops]


def arrivals(stop: Stop, now: datetime | None = None) -> list[Arrival]:
    """What a stop's page and its BITs show: up to two buses per route, live first; a route without a
    live bus shows its next timetabled departure from this stop."""
    now = now or timezone.now()
    model = predictor(now=now)
    served = selectors.routes_at(stop)
    last_index = dict(
        RouteStop.objects.filter(route_id__in=[rs.route_id for rs in served])
        .values("route_id")
        .annotate(last=Max("sequence"))
        .values_list("route_id", "last")
    )
    states = list(selectors.live_states(now).filter(vehicle__route_id__in=last_index))
    out: list[Arrival] = []
    for rs in served:
        route = rs.route
        n = last_index[rs.route_id]
        target = n if rs.sequence == 0 else rs.sequence  # the first stop of a loop is reached as its last
        live = []
        for state in states:
            if state.vehicle.route_id != rs.route_id:
                continue
            fact = vehicle_fact(state, now)
            if fact is None or fact.last_stop_index >= target:
                continue
            eta = round(model.predict(fact, target, now))
            away = target - fact.last_stop_index
            live.append(
                Arrival(
                    route.code,
                    route.number,
                    route.kind,
                    state.vehicle.code,
                    eta,
                    away,
                    "live",
                    state.occupancy,
                    message_for(eta, away),
                )
            )
        live.sort(key=lambda a: a.eta_s)
        out.extend(live[:PER_ROUTE])
        if not live:
            nxt = _next_departure(rs, now)
            if nxt is not None:
                out.append(nxt)
    out.sort(key=lambda a: (a.source != "live", a.eta_s))
    return out


def _next_departure(rs: RouteStop, now: datetime) -> Arrival | None:
    """The next timetabled bus at this stop: today's trips, or yesterday's still running past midnight."""
    today = timezone.localtime(now).date()
    best: tuple[int, Trip] | None = None
    for day in (today - timedelta(days=1), today):
        at = seconds_into(day, now) - rs.offset_s
        trip = (
            Trip.objects.filter(route_id=rs.route_id, service=service_of(day), start_s__gte=at)
            .order_by("start_s")
            .first()
        )
        if trip is not None and (best is None or trip.start_s - at < best[0]):
            best = (trip.start_s - at, trip)
    if best is None:
        return None
    eta = best[0]
    route = rs.route
    return Arrival(
        route.code,
        route.number,
        route.kind,
        None,
        eta,
        None,
        "schedule",
        "",
        message_for(eta, None),
        scheduled_at=now + timedelta(seconds=eta),
    )
