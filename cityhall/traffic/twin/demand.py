"""Demand by time of day: trips between the network's boundary edges, Poisson arrivals whose rate
follows an hourly profile, and the emergency vehicles' trips. Deterministic for a seed."""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from .network import NetworkInfo

# Share of the daily volume by hour (0–23): a weekday urban arterial with morning and evening peaks,
# synthetic (모의); staff replace it with counts from the detectors.
HOURLY_PROFILE = (
    0.010, 0.006, 0.004, 0.004, 0.008, 0.020, 0.045, 0.075, 0.080, 0.060, 0.052, 0.054,
    0.056, 0.054, 0.055, 0.058, 0.064, 0.078, 0.075, 0.058, 0.042, 0.033, 0.024, 0.016,
)  # fmt: skip
PEAK_HOUR_VEH = 4000  # the yardstick: 2,000 trips per 30 min on the 6 × 6 grid
LEVELS = {"off_peak": 1400, "peak": PEAK_HOUR_VEH}  # vehicles per hour entering the network
EV_TYPE = "emergency"
# Drivers yield to a siren (도로교통법 제29조: pull aside, keep out of its way at junctions), modelled
# with SUMO's bluelight device on the emergency vehicle: vehicles within the siren's reach ahead of it
# clear a lane (a rescue lane where the sublane model is on), the rest keep their lanes. The same drivers
# in every strategy, so a comparison measures the signals only.
SIREN_REACH_M = 100.0  # distance at which drivers ahead react (SUMO's default: 25 m)


@dataclass(frozen=True)
class Trip:
    id: str
    depart: float
    origin: str
    destination: str
    emergency: bool = False


def hourly_volume(hour: int, *, daily: int) -> int:
    """Vehicles in ``hour`` (0–23) for a day of ``daily`` vehicles."""
    return round(daily * HOURLY_PROFILE[hour % 24])


def vehicles_per_hour_at(hour: int) -> int:
    """The profile scaled so that its busiest hour is the peak level."""
    return round(PEAK_HOUR_VEH * HOURLY_PROFILE[hour % 24] / max(HOURLY_PROFILE))


def background_trips(
    info: NetworkInfo, *, vehicles_per_hour: float, begin: float, end: float, seed: int
) -> list[Trip]:
    rng = random.Random(seed)  # noqa: S311 - reproducible demand, not security
    origins, destinations = list(info.fringe_in), list(info.fringe_out)
    trips: list[Trip] = []
    t = begin
    while True:
        t += rng.expovariate(vehicles_per_hour / 3600.0)
        if t >= end:
            break
        origin = rng.choice(origins)
        destination = rng.choice(destinations)
        if info.edge_nodes[destination][1] == info.edge_nodes[origin][0]:  # not back where it came from
            destination = rng.choice(destinations)
        trips.append(Trip(f"v{len(trips)}", round(t, 2), origin, destination))
    return trips


def write_routes(
    path: Path, trips: list[Trip], routes: dict[str, list[str]] | None = None, *, yielding: bool = True
) -> Path:
    """A SUMO route file: vehicle types, then every trip sorted by departure. ``routes`` gives the
    emergency vehicles' dispatched routes (edge lists); ``yielding`` equips them with the siren that
    makes the others yield."""
    routes = routes or {}
    ev_type = f'  <vType id="{EV_TYPE}" vClass="emergency" speedFactor="1.5" maxSpeed="27.8" color="1,0,0"'
    if yielding:
        ev_type += (
            '>\n    <param key="has.bluelight.device" value="true"/>\n'
            f'    <param key="device.bluelight.reactiondist" value="{SIREN_REACH_M:g}"/>\n  </vType>'
        )
    else:
        ev_type += "/>"
    lines = ["<routes>", '  <vType id="car" vClass="passenger" speedDev="0.1"/>', ev_type]
    for trip in sorted(trips, key=lambda tr: (tr.depart, tr.id)):
        vtype = EV_TYPE if trip.emergency else "car"
        if trip.id in routes:
            lines.append(
                f'  <vehicle id={quoteattr(trip.id)} type="{vtype}" depart="{trip.depart:.2f}" '
                f'departLane="best" departSpeed="max">'
            )
            lines.append(f"    <route edges={quoteattr(' '.join(routes[trip.id]))}/>")
            lines.append("  </vehicle>")
        else:
            lines.append(
                f'  <trip id={quoteattr(trip.id)} type="{vtype}" depart="{trip.depart:.2f}" '
                f"from={quoteattr(trip.origin)} to={quoteattr(trip.destination)} "
                f'departLane="best" departSpeed="max"/>'
            )
    lines.append("</routes>")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def shortest_route(net_path: Path, origin: str, destination: str) -> list[str]:
    """The fastest route for an emergency vehicle between two edges (empty when none)."""
    net = _net(str(net_path))
    path, _cost = net.getFastestPath(net.getEdge(origin), net.getEdge(destination), vClass="emergency")
    return [e.getID() for e in path] if path else []


@functools.lru_cache(maxsize=4)
def _net(path: str):
    import sumolib

    return sumolib.net.readNet(path)
