"""Reads of the bus information system: the network, live vehicles (without the stale ones), gaps
and bunching, BITs with what they show, notices on air."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cityhall.organisation.models import OrgUnit

from .choices import (
    BUNCHING_RATIO,
    DEPARTMENT,
    EARLY_S,
    GAP_RATIO,
    LATE_S,
    STALE_S,
    NoticeStatus,
)
from .models import Bit, BitNotice, Route, RouteStop, ServiceAlert, Stop, VehicleState

# The permission: 스마트도시과 editors and managers, the director and administrators.
BUS_STAFF = "bus_staff"


def department_id() -> int | None:
    return OrgUnit.objects.filter(code=DEPARTMENT).values_list("pk", flat=True).first()


def routes() -> QuerySet[Route]:
    return Route.objects.annotate(stop_count=Count("stops")).order_by("kind", "code")


def route(code: str) -> Route | None:
    return Route.objects.filter(code=code).first()


def pattern(route: Route) -> list[RouteStop]:
    return list(route.stops.select_related("stop").order_by("sequence"))


def stops() -> QuerySet[Stop]:
    return Stop.objects.annotate(bit_count=Count("bits")).order_by("code")


def stop(code: str) -> Stop | None:
    return Stop.objects.filter(code=code).first()


def routes_at(stop: Stop) -> list[RouteStop]:
    """The (route, sequence) pairs serving ``stop``, the loop's closing repeat left out."""
    rows = list(
        RouteStop.objects.filter(stop=stop).select_related("route").order_by("route__code", "sequence")
    )
    seen: set[int] = set()
    out = []
    for rs in rows:
        if rs.route_id not in seen:
            seen.add(rs.route_id)
            out.append(rs)
    return out


def live_states(now: datetime | None = None) -> QuerySet[VehicleState]:
    """Vehicles that reported within ``STALE_S``: a silent bus is dropped, not frozen where it was."""
    now = now or timezone.now()
    return (
        VehicleState.objects.filter(observed_at__gte=now - timedelta(seconds=STALE_S))
        .select_related("vehicle__route", "trip")
        .order_by("vehicle__code")
    )


# A bus silent for longer than this has ended its day (or left service), not lost its signal.
STALE_SHOWN = timedelta(hours=2)


def stale_states(now: datetime | None = None) -> QuerySet[VehicleState]:
    now = now or timezone.now()
    return VehicleState.objects.filter(
        observed_at__lt=now - timedelta(seconds=STALE_S), observed_at__gte=now - STALE_SHOWN
    ).select_related("vehicle__route", "trip")


def punctuality(delay_s: int | None) -> str:
    """ "late", "early", "on_time" or "" (no trip matched)."""
    if delay_s is None:
        return ""
    if delay_s > LATE_S:
        return "late"
    if delay_s < EARLY_S:
        return "early"
    return "on_time"


@dataclass(frozen=True)
class Spacing:
    route: Route
    leader: str
    follower: str
    distance_m: float
    expected_m: float
    kind: str  # "bunching" | "gap"


def spacings(states: list[VehicleState], loop_lengths: dict[int, float]) -> list[Spacing]:
    """Bunching (two buses closer than half the scheduled spacing) and gaps (farther than 1.5 times)
    between consecutive live buses of each loop route. The scheduled spacing is the loop's length
    shared among the route's live buses, so a route with one live bus has neither."""
    by_route: dict[int, list[VehicleState]] = {}
    for state in states:
        by_route.setdefault(state.vehicle.route_id, []).append(state)
    found: list[Spacing] = []
    for route_id, group in by_route.items():
        length = loop_lengths.get(route_id)
        if not length or len(group) < 2:
            continue
        group.sort(key=lambda s: s.distance_m % length)
        expected = length / len(group)
        for i, follower in enumerate(group):
            leader = group[(i + 1) % len(group)]
            ahead = (leader.distance_m - follower.distance_m) % length
            kind = ""
            if ahead < expected * BUNCHING_RATIO:
                kind = "bunching"
            elif ahead > expected * GAP_RATIO:
                kind = "gap"
            if kind:
                found.append(
                    Spacing(
                        route=follower.vehicle.route,
                        leader=leader.vehicle.code,
                        follower=follower.vehicle.code,
                        distance_m=round(ahead),
                        expected_m=round(expected),
                        kind=kind,
                    )
                )
    return found


def loop_lengths() -> dict[int, float]:
    """Each route's loop length (distance of its closing stop)."""
    out: dict[int, float] = {}
    for rs in RouteStop.objects.order_by("route_id", "sequence").values("route_id", "distance_m"):
        out[rs["route_id"]] = max(out.get(rs["route_id"], 0.0), rs["distance_m"])
    return out


def bits() -> QuerySet[Bit]:
    return Bit.objects.select_related("stop").order_by("code")


def notices_on_air(now: datetime | None = None) -> QuerySet[BitNotice]:
    now = now or timezone.now()
    return BitNotice.objects.filter(
        status=NoticeStatus.APPROVED, starts_at__lte=now, ends_at__gt=now
    ).order_by("starts_at")


def notices() -> QuerySet[BitNotice]:
    return BitNotice.objects.select_related("template", "approved_by").order_by("-starts_at", "number")


def alerts_active(now: datetime | None = None) -> QuerySet[ServiceAlert]:
    now = now or timezone.now()
    return ServiceAlert.objects.filter(starts_at__lte=now, ends_at__gt=now).select_related("route", "stop")


def alerts_for_stop(stop: Stop, now: datetime | None = None) -> QuerySet[ServiceAlert]:
    route_ids = RouteStop.objects.filter(stop=stop).values("route_id")
    return alerts_active(now).filter(Q(stop=stop) | Q(route_id__in=route_ids))


#: The live map's states (cityhall.gis.live), in legend order: a spacing problem first, then the
#: punctuality of the matched trip; a silent bus (stale) at its last reported position.
MAP_STATES = (
    ("on_time", "ok"),
    ("early", "info"),
    ("late", "bad"),
    ("spacing", "warn"),
    ("unmatched", "none"),
    ("stale", "lost"),
)


def live_map(now: datetime | None = None):
    """Every bus on the shared map's live overlay: ``(states, points)`` for
    ``cityhall.gis.live.live_response``."""
    from django.utils.translation import gettext as _

    from cityhall.gis.live import LivePoint, LiveState

    now = now or timezone.now()
    states = list(live_states(now))
    troubled = {s.follower: s.kind for s in spacings(states, loop_lengths())}
    points = []

    def point(state: VehicleState, key: str) -> LivePoint:
        vehicle = state.vehicle
        return LivePoint(
            id=vehicle.code,
            lat=state.lat,
            lon=state.lon,
            state=key,
            title=f"{vehicle.route.number} {vehicle.code}",
            properties={
                _("노선"): vehicle.route.number,
                _("회차"): state.trip.code if state.trip else "",
                _("지연(초)"): state.delay_s,
                _("속도(km/h)"): round(state.speed_kmh),
                _("최종 보고"): state.observed_at,
                _("모의"): vehicle.simulated,
            },
        )

    for state in states:
        key = "spacing" if state.vehicle.code in troubled else (punctuality(state.delay_s) or "unmatched")
        points.append(point(state, key))
    for state in stale_states(now):
        points.append(point(state, "stale"))
    labels = {
        "on_time": _("정시"),
        "early": _("조기 운행"),
        "late": _("지연"),
        "spacing": _("배차 간격 이상"),
        "unmatched": _("회차 미확인"),
        "stale": _("신호 끊김"),
    }
    return [LiveState(key, labels[key], tone) for key, tone in MAP_STATES], points
