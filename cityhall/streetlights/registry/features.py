"""The registry as GeoJSON features for the platform's map and OGC API – Features (registered with
``cityhall.gis.collections`` in ``apps.py``). Reads through the registry's selectors, so a caller
sees only what they may; positions are the sites' (a light has no coordinates of its own yet), and
an approximate position says so (``approximate_position``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from ..choices import LightState
from ..operations.selectors import site_position, sites_visible
from .selectors import lights_in_service


def _point(position: tuple[float, float]) -> dict[str, Any]:
    lat, lon = position
    return {"type": "Point", "coordinates": [lon, lat]}


def site_features(user) -> list[dict[str, Any]]:
    sites = (
        sites_visible(user)
        .select_related("org_unit")
        .annotate(
            n_lights=Count("lights", filter=~Q(lights__state=LightState.RETIRED), distinct=True),
            n_stations=Count("base_stations", distinct=True),
        )
    )
    found = []
    for site in sites.order_by("code"):
        position, approximate = site_position(site)
        if position is None:
            continue
        found.append(
            {
                "type": "Feature",
                "id": site.code,
                "geometry": _point(position),
                "properties": {
                    "code": site.code,
                    "name": site.name,
                    "department": site.org_unit.name,
                    "installed": site.installed,
                    "lights": site.n_lights,
                    "base_stations": site.n_stations,
                    "approximate_position": approximate,
                },
            }
        )
    return found


def light_features(user) -> list[dict[str, Any]]:
    positions: dict[int, tuple[tuple[float, float] | None, bool]] = {
        site.pk: site_position(site) for site in sites_visible(user)
    }
    found = []
    for light in lights_in_service(user):
        position, _approximate = positions.get(light.site_id, (None, True))
        if position is None:
            continue
        found.append(
            {
                "type": "Feature",
                "id": light.code,
                "geometry": _point(position),
                "properties": {
                    "code": light.code,
                    "site": light.site.code,
                    "base_station": light.base_station.code,
                    "state": light.state,
                    "rated_power_w": light.rated_power_w,
                    "position": "site",  # the site's position: lights have no coordinates of their own yet
                },
            }
        )
    return found
