"""The bus network as GeoJSON for the shared map (gis.register_collection): stops with their BITs,
routes as lines. Everyone who may see the map sees them (a stop is public information)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import network as net
from . import selectors


def stop_features(user) -> Iterator[dict[str, Any]]:
    for stop in selectors.stops():
        yield {
            "type": "Feature",
            "id": stop.code,
            "geometry": {"type": "Point", "coordinates": [stop.lon, stop.lat]},
            "properties": {
                "name": stop.name,
                "code": stop.code,
                "bit": stop.bit_count > 0,
                "url": f"/bus/stops/{stop.code}/",
                "simulated": stop.simulated,
            },
        }


def route_features(user) -> Iterator[dict[str, Any]]:
    specs = {s.code: s for s in net.ROUTES}
    for route in selectors.routes():
        spec = specs.get(route.code)
        if spec is None:
            continue
        yield {
            "type": "Feature",
            "id": route.code,
            "geometry": {
                "type": "LineString",
                "coordinates": [list(net.to_lonlat(x, y)) for x, y in net.shape(spec)],
            },
            "properties": {
                "name": route.name,
                "number": route.number,
                "kind": route.get_kind_display(),
                "color": f"#{route.color}",
            },
        }
