"""Reads of the traffic twin: networks, controllers with plans, runs with their junction plans, the
latest benchmark, and the network drawing (SVG geometry) for the pages."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from cityhall.organisation.models import OrgUnit

from . import vms
from .choices import DEPARTMENT, RunStatus, VmsMessageStatus
from .models import (
    BenchmarkReport,
    DetectorReading,
    EmergencyRun,
    LinkTravelTime,
    SignalController,
    SignalPlan,
    TrafficNetwork,
    VmsMessage,
    VmsSend,
    VmsSign,
)
from .twin import detectors
from .twin import signals as twin_signals
from .twin.congestion import congestion_level, road_class
from .twin.network import read_network

# The permission: 스마트도시과 editors and managers, the director and administrators.
TRAFFIC_STAFF = "traffic_staff"


def department_id() -> int | None:
    return OrgUnit.objects.filter(code=DEPARTMENT).values_list("pk", flat=True).first()


def active_network() -> TrafficNetwork | None:
    return TrafficNetwork.objects.filter(active=True).order_by("-created_at").first()


def controllers(network: TrafficNetwork) -> QuerySet[SignalController]:
    return network.controllers.select_related("plan").order_by("tls_id")


def plan_from_record(obj: SignalPlan) -> twin_signals.Plan:
    return twin_signals.plan_from_dict({"cycle": obj.cycle_s, "offset": obj.offset_s, "phases": obj.phases})


def signal_plans(network: TrafficNetwork) -> dict[str, twin_signals.Plan]:
    """The plans in force at the network's junctions, by signal ID."""
    return {c.tls_id: plan_from_record(c.plan) for c in controllers(network) if hasattr(c, "plan")}


def controller(network: TrafficNetwork, tls_id: str) -> SignalController | None:
    return network.controllers.select_related("plan").filter(tls_id=tls_id).first()


def plan_for(network: TrafficNetwork, tls_id: str) -> SignalPlan | None:
    return (
        SignalPlan.objects.select_related("controller")
        .filter(controller__network=network, controller__tls_id=tls_id)
        .first()
    )


def runs() -> QuerySet[EmergencyRun]:
    return EmergencyRun.objects.select_related("network").order_by("-requested_at", "-pk")


def run(pk: int) -> EmergencyRun | None:
    return EmergencyRun.objects.select_related("network").prefetch_related("junctions").filter(pk=pk).first()


def latest_benchmark() -> BenchmarkReport | None:
    return BenchmarkReport.objects.order_by("-created_at").first()


@dataclass(frozen=True)
class Drawing:
    """The network as SVG paths in a viewBox (y flipped: SUMO's y grows northwards)."""

    view_box: str
    roads: list[dict]
    signals: list[dict]
    route: str
    track: list[dict]


def speed_level(speed_kmh: float, limit_kmh: float) -> str:
    """A link's level from a speed alone (a twin run's), by the office's thresholds (the setting
    ``TRAFFIC_CONGESTION_THRESHOLDS``, as the detectors' levels use)."""
    return congestion_level(
        speed_kmh, road_class(limit_kmh), getattr(settings, "TRAFFIC_CONGESTION_THRESHOLDS", None)
    )


def _pt(x: float, y: float, ymax: float) -> str:
    return f"{x:.0f},{ymax - y:.0f}"


def drawing(network: TrafficNetwork, run: EmergencyRun | None = None) -> Drawing:
    info = read_network(network.path)
    xmin, ymin, xmax, ymax = info.bounds
    pad = 60
    speeds = run.link_speeds if run is not None else {}
    roads = [
        {
            "d": "M" + " L".join(_pt(x, y, ymax) for x, y in shape),
            "level": (
                speed_level(speeds[edge], info.edge_speeds.get(edge, 13.89) * 3.6) if edge in speeds else ""
            ),
        }
        for edge, shape in info.edges.items()
    ]
    online = dict(network.controllers.values_list("tls_id", "online"))
    signals = [
        {"id": s.tls_id, "cx": f"{s.x:.0f}", "cy": f"{ymax - s.y:.0f}", "online": online.get(s.tls_id, False)}
        for s in info.signals.values()
    ]
    route, track = "", []
    if run is not None:
        parts = [info.edges[e] for e in run.route if e in info.edges]
        route = " ".join("M" + " L".join(_pt(x, y, ymax) for x, y in shape) for shape in parts)
        track = [
            {"t": t, "x": f"{x:.0f}", "y": f"{ymax - y:.0f}", "v": round(v * 3.6)}
            for t, x, y, v in run.positions
        ]
    return Drawing(
        view_box=f"{xmin - pad:.0f} {-pad:.0f} {xmax - xmin + 2 * pad:.0f} {ymax - ymin + 2 * pad:.0f}",
        roads=roads,
        signals=signals,
        route=route,
        track=track,
    )


# -- ITS: detectors, congestion, VMS (ADR 0028) ------------------------------------------------------

LIVE_WINDOW = timedelta(minutes=2)  # a detector's newest interval counts while younger than this
INCIDENT_WINDOW = timedelta(minutes=10)  # an emergency run is an incident on its route this long
DSRC_FRESH = timedelta(minutes=15)  # a DSRC link time (5-minute intervals) counts while this recent


@functools.lru_cache(maxsize=4)
def _stations(path: str) -> dict[str, str]:
    return {s.id: s.edge for s in detectors.stations(read_network(path))}


def detector_edges() -> dict[str, str]:
    """Each detector of the active network (the twin's VDS loops) and the link it counts."""
    network = active_network()
    return dict(_stations(network.path)) if network is not None else {}


def link_states_now(
    network: TrafficNetwork, *, now: datetime | None = None
) -> dict[str, detectors.LinkState]:
    """Each link's state from its detectors' newest interval within ``LIVE_WINDOW`` (links without
    a fresh reading are left out: no data is not "free-flowing")."""

    now = now or timezone.now()
    newest: dict[str, detectors.VdsReading] = {}
    rows = (
        DetectorReading.objects.filter(ts__gt=now - LIVE_WINDOW, ts__lte=now)
        .order_by("detector_id", "-ts")
        .values_list("detector_id", "edge", "ts", "volume", "speed_kmh", "occupancy_pct")
    )
    for detector, edge, ts, volume, speed, occupancy in rows:
        if detector not in newest and edge:
            newest[detector] = detectors.VdsReading(
                detector, edge, int(ts.timestamp()), volume, speed, occupancy
            )
    info = read_network(network.path)
    limits = {edge: speed * 3.6 for edge, speed in info.edge_speeds.items()}
    return detectors.link_states(
        limits,
        list(newest.values()),
        thresholds=getattr(settings, "TRAFFIC_CONGESTION_THRESHOLDS", None),
        occupancy_thresholds=getattr(settings, "TRAFFIC_OCCUPANCY_THRESHOLDS", None),
    )


def incidents_now(*, now: datetime | None = None) -> list[vms.Incident]:
    """Emergency runs requested within ``INCIDENT_WINDOW``: an incident on every link of their route."""
    now = now or timezone.now()
    routes = (
        EmergencyRun.objects.filter(requested_at__gt=now - INCIDENT_WINDOW, requested_at__lte=now)
        .exclude(status=RunStatus.FAILED)
        .values_list("route", flat=True)
    )
    return [vms.Incident(edge) for route in routes for edge in route]


def travel_times_latest(
    *, now: datetime | None = None, within: timedelta = timedelta(minutes=30)
) -> list[LinkTravelTime]:
    """Each link's newest DSRC travel time with an estimate, its interval starting within ``within``
    of now."""
    now = now or timezone.now()
    seen: dict[str, LinkTravelTime] = {}
    qs = LinkTravelTime.objects.filter(
        start__gte=now - within, start__lte=now, median_s__isnull=False
    ).order_by("edge", "-start")
    for row in qs:
        seen.setdefault(row.edge, row)
    return sorted(seen.values(), key=lambda r: r.edge)


def link_travel_times(network: TrafficNetwork, *, now: datetime | None = None) -> dict[str, float]:
    """Each link's current travel time (s): the DSRC readers' measured time where a recent one exists
    (``DSRC_FRESH``: matched pairs time the whole link), else its length over the VDS loops' speed
    now (links without fresh data are left out, as in ``link_states_now``; a standing queue, 0 km/h,
    counts at 1 km/h so the time stays finite)."""
    now = now or timezone.now()
    info = read_network(network.path)
    times = {}
    for edge, state in link_states_now(network, now=now).items():
        length = info.edge_lengths.get(edge)
        if length is not None:
            times[edge] = length / (max(state.speed_kmh, 1.0) / 3.6)
    for row in travel_times_latest(now=now, within=DSRC_FRESH):
        if row.edge in info.edge_lengths:
            times[row.edge] = row.median_s
    return times


def vms_messages() -> QuerySet[VmsMessage]:
    return VmsMessage.objects.select_related("created_by", "approved_by").order_by("-created_at", "-pk")


def vms_message(pk: int) -> VmsMessage | None:
    return vms_messages().filter(pk=pk).first()


def vms_messages_active(*, now: datetime) -> list[VmsMessage]:
    """Approved messages whose schedule covers ``now``, newest first."""
    return list(
        VmsMessage.objects.filter(status=VmsMessageStatus.APPROVED, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .order_by("-approved_at", "-pk")
    )


def _message_for(message: VmsMessage, link_times: dict[str, float]) -> vms.Message | None:
    if message.kind == vms.TRAVEL_TIME:
        destinations = [
            vms.Destination(str(d.get("name", "")), tuple(d.get("route") or [])) for d in message.destinations
        ]
        lines = vms.travel_time_lines(destinations, link_times)
        return vms.Message(vms.TRAVEL_TIME, lines) if lines else None
    return vms.Message(message.kind, tuple(message.text.splitlines()))


@dataclass(frozen=True)
class SignBoard:
    sign: VmsSign
    message: vms.Message  # what the sign should show now
    composed: vms.Message  # what the rules say, shown beside an override
    source: str = "rules"  # rules / override / message:<id>


def vms_board(network: TrafficNetwork, *, now: datetime | None = None) -> list[SignBoard]:
    """What every sign should show now: its override, else the strongest of the composed message
    and the approved, scheduled messages for it (``vms.PRIORITY``)."""
    now = now or timezone.now()
    states = {
        edge: vms.LinkLevel(state.level, state.speed_kmh)
        for edge, state in link_states_now(network, now=now).items()
    }
    incidents = incidents_now(now=now)
    active = vms_messages_active(now=now)
    link_times = link_travel_times(network, now=now) if any(m.kind == vms.TRAVEL_TIME for m in active) else {}
    rendered = [(m, _message_for(m, link_times)) for m in active]
    board = []
    for sign in VmsSign.objects.select_related("override_by").order_by("code"):
        composed = vms.compose(list(sign.watch), states, incidents)
        if sign.override_text:
            board.append(
                SignBoard(
                    sign,
                    vms.Message(vms.OVERRIDE, tuple(sign.override_text.splitlines())),
                    composed,
                    "override",
                )
            )
            continue
        candidates = [
            (f"message:{m.pk}", msg) for m, msg in rendered if msg and (not m.signs or sign.code in m.signs)
        ]
        candidates.append(("rules", composed))
        source, shown = vms.choose(candidates)
        board.append(SignBoard(sign, shown, composed, source))
    return board


def vms_sends(sign: VmsSign, limit: int = 50) -> list[VmsSend]:
    return list(sign.sends.order_by("-created_at", "-pk")[:limit])


def vms_sign(code: str) -> VmsSign | None:
    return VmsSign.objects.filter(code=code).first()


# -- the live map (cityhall.gis.live) ---------------------------------------------------------------

# What a sign shows, as the live map's states (the sign's message kind; unreachable over all).
_SIGN_STATES = {
    vms.INCIDENT: "vms_incident",
    vms.CONGESTION: "vms_traffic",
    vms.TRAVEL_TIME: "vms_traffic",
    vms.NOTICE: "vms_notice",
    vms.OVERRIDE: "vms_override",
}


def ev_positions(*, now: datetime) -> list[tuple[EmergencyRun, float, float, float]]:
    """Where each emergency run's vehicle is now: the twin's track of the run followed at real time
    from when its plan was ready (``completed_at``, the vehicle setting off), as (run, x, y, km/h);
    a vehicle that has arrived is no longer on the map (모의 positions)."""
    runs = EmergencyRun.objects.filter(
        status=RunStatus.COMPLETED, completed_at__gt=now - INCIDENT_WINDOW, completed_at__lte=now
    ).order_by("completed_at")
    out = []
    for run in runs:
        elapsed = (now - run.completed_at).total_seconds()
        track = [p for p in run.positions if 0 <= p[0] <= elapsed]
        if track and run.positions[-1][0] > elapsed:
            _, x, y, v = track[-1]
            out.append((run, x, y, v * 3.6))
    return out


def live_map(network: TrafficNetwork, *, now: datetime | None = None):
    """The traffic map's live overlay: every VMS sign by what it shows and every emergency vehicle
    on its way, as ``(states, points)`` for ``cityhall.gis.live.live_response``."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from cityhall.gis.live import LivePoint, LiveState

    from .twin.network import to_lonlat

    now = now or timezone.now()
    info = read_network(network.path)
    states = [
        LiveState("ev", _("긴급차량 운행 중 (모의)"), "bad"),
        LiveState("vms_incident", _("전광표지: 긴급차량 안내"), "warn"),
        LiveState("vms_traffic", _("전광표지: 정체·소요시간 안내"), "info"),
        LiveState("vms_notice", _("전광표지: 일반 안내"), "ok"),
        LiveState("vms_override", _("전광표지: 수동 표출"), "idle"),
        LiveState("vms_unreachable", _("전광표지: 통신 두절"), "lost"),
    ]
    placed: list[tuple[LivePoint, tuple[float, float]]] = []  # each point and its x/y on the plane
    for run, x, y, kmh in ev_positions(now=now):
        point = LivePoint(
            id=f"run-{run.pk}",
            lat=0.0,
            lon=0.0,
            state="ev",
            title=f"{run.unit} · {run.incident}",
            href=reverse("traffic:run", args=[run.pk]),
            properties={_("속도(km/h)"): round(kmh), _("모의"): True},
        )
        placed.append((point, (x, y)))
    for board in vms_board(network, now=now):
        shape = info.edges.get(board.sign.edge)
        if not shape:
            continue
        (x0, y0), (x1, y1) = shape[0], shape[-1]
        state = "vms_unreachable" if not board.sign.reachable else _SIGN_STATES[board.message.kind]
        point = LivePoint(
            id=board.sign.code,
            lat=0.0,
            lon=0.0,
            state=state,
            title=f"{board.sign.code} {board.sign.name}",
            href=reverse("traffic:vms_sign", args=[board.sign.code]),
            properties={_("표출 문안"): " / ".join(board.message.lines)},
        )
        placed.append((point, ((x0 + x1) / 2, (y0 + y1) / 2)))  # a sign at mid-link
    # One projection for all points (the map polls this every few seconds).
    for (point, _xy), (lon, lat) in zip(placed, to_lonlat(info.path, [xy for _p, xy in placed]), strict=True):
        point.lat, point.lon = lat, lon
    points = [point for point, _xy in placed]
    return states, points
