"""Reads of the traffic twin: networks, controllers with plans, runs with their junction plans, the
latest benchmark, and the network drawing (SVG geometry) for the pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from cityhall.organisation.models import OrgUnit

from .choices import DEPARTMENT
from .models import BenchmarkReport, EmergencyRun, SignalController, SignalPlan, TrafficNetwork
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
                congestion_level(speeds[edge], road_class(info.edge_speeds.get(edge, 13.89) * 3.6))
                if edge in speeds
                else ""
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
