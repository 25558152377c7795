"""Arrival predictions: the live vehicles through the predictor, the timetable when no bus is live.

``predictor()`` is the one place that chooses the model. With ``cityhall.bus.eta`` present it is
``eta.default_predictor()`` fitted on the stored segment travel times (refitted every
``REFIT_S``); without it, ``ScheduleFallback`` (the timetable's segment times from the last stop the
bus left), which has the same interface."""

from __future__ import annotations

import threading
import time as monotonic
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors
from .avl import seconds_of_day, service_of
from .choices import Occupancy
from .models import RouteStop, SegmentTravel, Stop, Trip, VehicleState

REFIT_S = 600.0
HISTORY_DAYS = 28
SOON_S = 90  # "곧 도착"
PER_ROUTE = 2

try:  # the models are built beside this app (SHARED_API: cityhall/bus/eta)
    from .eta import SegmentTravel as TravelFact  # type: ignore[import-not-found,unused-ignore]
    from .eta import VehicleState as VehicleFact  # type: ignore[import-not-found,unused-ignore]
    from .eta import default_predictor  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # until then: the same shapes, and the timetable as the model
    default_predictor = None

    @dataclass(frozen=True)
    class TravelFact:  # type: ignore[no-redef]
        route_id: str
        segment_index: int
        departed_at: datetime
        travel_s: float

    @dataclass(frozen=True)
    class VehicleFact:  # type: ignore[no-redef]
        route_id: str
        vehicle_id: str
        last_stop_index: int
        departed_at: datetime
        observed_at: datetime


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


_lock = threading.Lock()
_cached: tuple[float, object] | None = None


def _offsets() -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for route_code, offset in RouteStop.objects.order_by("route__code", "sequence").values_list(
        "route__code", "offset_s"
    ):
        out.setdefault(route_code, []).append(offset)
    return out


def history(since: datetime) -> list[TravelFact]:
    return [
        TravelFact(route_id=code, segment_index=i, departed_at=at, travel_s=s)
        for code, i, at, s in SegmentTravel.objects.filter(departed_at__gte=since)
        .order_by("departed_at")
        .values_list("route__code", "segment_index", "departed_at", "travel_s")
    ]


def predictor(*, refresh: bool = False):
    """The model serving arrivals, fitted on the last ``HISTORY_DAYS`` days (cached ``REFIT_S``)."""
    global _cached
    with _lock:
        if not refresh and _cached is not None and monotonic.monotonic() - _cached[0] < REFIT_S:
            return _cached[1]
        if default_predictor is not None:
            model = default_predictor()
            model.fit(history(timezone.now() - timedelta(days=HISTORY_DAYS)))
        else:
            model = ScheduleFallback(_offsets())
        _cached = (monotonic.monotonic(), model)
        return model


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


def vehicle_fact(state: VehicleState) -> VehicleFact | None:
    if state.departed_at is None or state.last_stop_index < 0:
        return None
    return VehicleFact(
        route_id=state.vehicle.route.code,
        vehicle_id=state.vehicle.code,
        last_stop_index=state.last_stop_index,
        departed_at=state.departed_at,
        observed_at=state.observed_at,
    )


def remaining(state: VehicleState, model, last_index: int, now: datetime) -> list[tuple[int, float]]:
    """(stop sequence, seconds from now) for the rest of the vehicle's trip."""
    fact = vehicle_fact(state)
    if fact is None:
        return []
    return [(j, model.predict(fact, j, now)) for j in range(fact.last_stop_index + 1, last_index + 1)]


def arrivals(stop: Stop, now: datetime | None = None) -> list[Arrival]:
    """What a stop's page and its BITs show: up to two buses per route, live first; a route without a
    live bus shows its next timetabled departure from this stop."""
    now = now or timezone.now()
    model = predictor()
    served = selectors.routes_at(stop)
    last_index = {
        rs.route_id: n
        for rs, n in (
            (
                rs,
                RouteStop.objects.filter(route_id=rs.route_id)
                .order_by("-sequence")
                .values_list("sequence", flat=True)
                .first(),
            )
            for rs in served
        )
    }
    states = [s for s in selectors.live_states(now) if s.vehicle.route_id in last_index]
    out: list[Arrival] = []
    for rs in served:
        route = rs.route
        n = last_index[rs.route_id]
        target = n if rs.sequence == 0 else rs.sequence  # the first stop of a loop is reached as its last
        live = []
        for state in states:
            if state.vehicle.route_id != rs.route_id:
                continue
            fact = vehicle_fact(state)
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
    day = timezone.localtime(now).date()
    at = seconds_of_day(now) - rs.offset_s
    trip = (
        Trip.objects.filter(route_id=rs.route_id, service=service_of(day), start_s__gte=at)
        .order_by("start_s")
        .first()
    )
    if trip is None:
        return None
    eta = trip.start_s - at
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
