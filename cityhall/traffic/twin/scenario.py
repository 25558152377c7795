"""The benchmark's and the demo's scenario: the network, background demand at a level, emergency
vehicles on dispatched routes, and the coordinated plans. ``export`` writes all of it as SUMO files so
anyone can rerun it with ``sumo``."""

from __future__ import annotations

import json
import random
from pathlib import Path

from .demand import LEVELS, Trip, background_trips, shortest_route, write_routes
from .network import NetworkInfo, read_network
from .signals import Plan, default_plan
from .simulation import EV_SPEED_MODE, RESCUE_LANE_RESOLUTION_M, Scenario
from .text import gettext_noop

PROGRESSION_SPEED_MS = 13.89
DEMAND_S = 1800  # 30 minutes of demand, as the yardstick
EV_DEPARTS = (300, 750, 1200)  # one emergency run at a time, spaced so they do not meet


def coordinated_plans(info: NetworkInfo) -> dict[str, Plan]:
    """Default plans: each junction's green stages 40 s / yellow 3 s / all-red 2 s (cycle 90 s for two
    stages) and offsets giving a west-to-east green wave at 50 km/h."""
    plans = {}
    for tls_id, signal in info.signals.items():
        if len(signal.green_states) < 2:
            continue
        base = default_plan(signal.green_states)
        offset = round(signal.x / PROGRESSION_SPEED_MS) % base.cycle
        plans[tls_id] = Plan(cycle=base.cycle, offset=offset, phases=base.phases)
    return plans


def emergency_routes(info: NetworkInfo, *, count: int, seed: int) -> dict[str, list[str]]:
    """Routes across the network between boundary edges on opposite sides, at least 4 signals long."""
    rng = random.Random(seed * 7919 + 17)  # noqa: S311 - reproducible routes
    routes: dict[str, list[str]] = {}
    tries = 0
    while len(routes) < count and tries < 500:
        tries += 1
        origin = rng.choice(info.fringe_in)
        destination = rng.choice(info.fringe_out)
        route = shortest_route(info.path, origin, destination)
        signals = [e for e in route if info.edge_nodes[e][1] in info.signals]
        if len(signals) >= 4:
            routes[f"ev{len(routes)}"] = route
    return routes


def build(net_path: Path, *, level: str, seed: int, ev_count: int = len(EV_DEPARTS)) -> Scenario:
    info = read_network(net_path)
    if level not in LEVELS:
        raise ValueError(
            gettext_noop(
                "알 수 없는 수요 수준: %(level)s (%(choices)s 중 하나)",
                level=level,
                choices=", ".join(LEVELS),
            )
        )
    trips = background_trips(info, vehicles_per_hour=LEVELS[level], begin=0, end=DEMAND_S, seed=seed)
    routes = emergency_routes(info, count=ev_count, seed=seed)
    for (vid, route), depart in zip(routes.items(), EV_DEPARTS, strict=False):
        trips.append(Trip(vid, float(depart), route[0], route[-1], emergency=True))
    return Scenario(
        net_path=net_path,
        trips=trips,
        ev_routes=routes,
        plans=coordinated_plans(info),
        end=DEMAND_S,
        seed=seed,
    )


def export(scenario: Scenario, directory: Path) -> list[Path]:
    """Writes network, demand (with the emergency routes) and a SUMO configuration whose signal
    programs are the plans, so ``sumo -c scenario.sumocfg`` reruns it without preemption."""
    directory.mkdir(parents=True, exist_ok=True)
    net = directory / "network.net.xml"
    net.write_bytes(Path(scenario.net_path).read_bytes())
    routes = write_routes(
        directory / "demand.rou.xml", scenario.trips, scenario.ev_routes, yielding=scenario.yielding
    )
    tls = directory / "signal-plans.add.xml"
    lines = ["<additional>"]
    for tls_id, plan in sorted(scenario.plans.items()):
        lines.append(f'  <tlLogic id="{tls_id}" type="static" programID="cityhall" offset="{plan.offset}">')
        for phase in plan.phases:
            lines.append(f'    <phase duration="{phase.duration}" state="{phase.state}"/>')
        lines.append("  </tlLogic>")
    lines.append("</additional>")
    tls.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cfg = directory / "scenario.sumocfg"
    # Drivers yield in the sublane model; the twin also sets each emergency vehicle's speed mode to 31
    # (keep to red lights) as it departs, which a plain ``sumo`` run cannot (ADR 0020): there the
    # siren device lets it run red lights.
    sublane = (
        f'  <processing><lateral-resolution value="{RESCUE_LANE_RESOLUTION_M}"/></processing>\n'
        if scenario.yielding and scenario.ev_routes
        else ""
    )
    cfg.write_text(
        "<configuration>\n  <input>\n"
        '    <net-file value="network.net.xml"/>\n    <route-files value="demand.rou.xml"/>\n'
        '    <additional-files value="signal-plans.add.xml"/>\n  </input>\n'
        f"{sublane}"
        f'  <random_number><seed value="{scenario.seed}"/></random_number>\n</configuration>\n',
        encoding="utf-8",
    )
    evs = directory / "emergency-routes.json"
    departs = {t.id: t.depart for t in scenario.trips if t.emergency}
    evs.write_text(
        json.dumps(
            {
                v: {"depart": departs.get(v), "edges": r, "speed_mode_on_departure": EV_SPEED_MODE}
                for v, r in scenario.ev_routes.items()
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    return [net, routes, tls, cfg, evs]
