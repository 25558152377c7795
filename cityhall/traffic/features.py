"""The twin's network as GeoJSON features for the platform's map and OGC API – Features (registered
with ``cityhall.gis.collections`` in ``apps.py``): the signalised junctions with their controllers'
state and plan, and the links with their limit and congestion level: the detectors' where a link
has fresh data, else the latest run's. Reads
only: before the network is first built (the traffic page builds it) there is nothing to show."""

from __future__ import annotations

from typing import Any

from . import selectors
from .twin.congestion import LABELS
from .twin.network import read_network, to_lonlat


def signal_features(user) -> list[dict[str, Any]]:
    network = selectors.active_network()
    if network is None:
        return []
    info = read_network(network.path)
    controllers = {c.tls_id: c for c in selectors.controllers(network)}
    ids = sorted(info.signals)
    points = to_lonlat(info.path, [(info.signals[t].x, info.signals[t].y) for t in ids])
    found = []
    for tls_id, (lon, lat) in zip(ids, points, strict=True):
        c = controllers.get(tls_id)
        plan = getattr(c, "plan", None) if c is not None else None
        found.append(
            {
                "type": "Feature",
                "id": tls_id,
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "tls_id": tls_id,
                    "name": c.name if c is not None else "",
                    "online": bool(c and c.online),
                    "cycle_s": plan.cycle_s if plan is not None else None,
                    "offset_s": plan.offset_s if plan is not None else None,
                    "synthetic": network.synthetic,
                },
            }
        )
    return found


def link_features(user) -> list[dict[str, Any]]:
    network = selectors.active_network()
    if network is None:
        return []
    info = read_network(network.path)
    latest = selectors.runs().filter(network=network).exclude(link_speeds={}).first()
    speeds = dict(latest.link_speeds) if latest is not None else {}
    # The detectors' state now (the live twin in the demo, the field in production) wins over the
    # latest run's speeds wherever a link has fresh data.
    live = selectors.link_states_now(network)
    found = []
    for edge, shape in sorted(info.edges.items()):
        limit = info.edge_speeds.get(edge, 13.89) * 3.6
        level = selectors.speed_level(speeds[edge], limit) if edge in speeds else ""
        source = "run" if edge in speeds else ""
        if edge in live:
            level, source = live[edge].level, "detectors"
            speeds[edge] = live[edge].speed_kmh
        found.append(
            {
                "type": "Feature",
                "id": edge,
                "geometry": {
                    "type": "LineString",
                    "coordinates": [list(p) for p in to_lonlat(info.path, list(shape))],
                },
                "properties": {
                    "link": edge,
                    "limit_kmh": round(limit),
                    "speed_kmh": speeds.get(edge),
                    "congestion": str(LABELS[level]) if level else "",
                    "source": source,
                    "synthetic": network.synthetic,
                },
            }
        )
    return found
