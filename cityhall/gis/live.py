"""Live overlays on the shared map: a page's own points (devices, vehicles) coloured by their state
now, refreshed by the map every few seconds.

A module serves one JSON view built with :func:`live_feed` and names its URL on the map::

    {% gis_map "streetlight-sites" live=live_url live_label=_("가로등 실시간 상태") refresh=5 %}

The map (``static/gis/map.js``) reads the feed on load and every ``refresh`` seconds, draws each
point as a circle in its state's colour (class ``gis-live-<state>`` on the marker), and keeps a
legend with the count per state. The feed's shape, the one contract between gis and the modules::

    {"at": "2026-…", "states": [{"key": "on", "label": "점등", "tone": "ok", "count": 412}, …],
     "points": [{"id": "SL-…", "lat": 37.6, "lon": 126.6, "state": "on", "title": "SL-…",
                 "href": "/streetlights/lights/SL-…/", "spread": false,
                 "properties": {"지역": "학운 4-1", …}}, …]}

``tone`` picks the colour from the map's one palette (``TONES``), so every live map speaks the same
colours: ``ok`` green, ``idle`` blue-grey, ``info`` blue, ``warn`` amber, ``bad`` red, ``lost``
purple, ``none`` light grey. Points that share a position (a light has only its site's coordinates)
are fanned out around it for display (``spread``: true; the popup says so); the data keeps no such
offset.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.http import JsonResponse
from django.utils import timezone

TONES = ("ok", "idle", "info", "warn", "bad", "lost", "none")
SPREAD_STEP_M = 9.0  # the fan's spacing: markers of a few pixels apart at street zoom
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
_M_PER_DEG_LAT = 110_540.0
_M_PER_DEG_LON_EQUATOR = 111_320.0


@dataclass(frozen=True)
class LiveState:
    key: str  # a short ASCII key: the marker's class is gis-live-<key>
    label: str
    tone: str

    def __post_init__(self) -> None:
        if self.tone not in TONES:
            raise ValueError(f"unknown tone {self.tone!r}; one of {TONES}")
        if not self.key.replace("_", "").replace("-", "").isalnum() or not self.key.isascii():
            raise ValueError(f"state key {self.key!r} must be ASCII letters, digits, - or _")


@dataclass
class LivePoint:
    id: str
    lat: float
    lon: float
    state: str
    title: str = ""
    href: str = ""  # a path on this site ("/…"); anything else is dropped
    properties: dict[str, Any] = field(default_factory=dict)


def spread(points: list[LivePoint], step_m: float = SPREAD_STEP_M) -> list[dict[str, Any]]:
    """The points as the feed's dicts, those sharing a position fanned out on a sunflower (Vogel)
    spiral around it: the n-th at radius step·√(n+1), turned by the golden angle, so a group of
    any size fills a disc evenly and the centre stays free for the place's own marker."""
    groups: dict[tuple[float, float], int] = {}
    for p in points:
        key = (round(p.lat, 7), round(p.lon, 7))
        groups[key] = groups.get(key, 0) + 1
    seen: dict[tuple[float, float], int] = {}
    out = []
    for p in points:
        key = (round(p.lat, 7), round(p.lon, 7))
        lat, lon, moved = p.lat, p.lon, False
        if groups[key] > 1:
            n = seen.get(key, 0)
            seen[key] = n + 1
            radius = step_m * math.sqrt(n + 1)
            angle = n * _GOLDEN_ANGLE
            lat += radius * math.cos(angle) / _M_PER_DEG_LAT
            lon += radius * math.sin(angle) / (_M_PER_DEG_LON_EQUATOR * math.cos(math.radians(p.lat)))
            moved = True
        out.append(
            {
                "id": p.id,
                "lat": round(lat, 7),
                "lon": round(lon, 7),
                "state": p.state,
                "title": p.title or p.id,
                "href": p.href if p.href.startswith("/") and not p.href.startswith("//") else "",
                "spread": moved,
                "properties": {str(k): _plain(v) for k, v in p.properties.items()},
            }
        )
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def live_feed(
    states: Iterable[LiveState], points: Iterable[LivePoint], *, at: datetime | None = None
) -> dict[str, Any]:
    """The feed as a dict: the states (in legend order) with their counts, and the points."""
    states = list(states)
    known = {s.key for s in states}
    points = list(points)
    unknown = {p.state for p in points} - known
    if unknown:
        raise ValueError(f"points in undeclared states: {sorted(unknown)}")
    counts = {s.key: 0 for s in states}
    for p in points:
        counts[p.state] += 1
    return {
        "at": (at or timezone.now()).isoformat(),
        "states": [
            {"key": s.key, "label": str(s.label), "tone": s.tone, "count": counts[s.key]} for s in states
        ],
        "points": spread(points),
    }


def live_response(
    states: Iterable[LiveState], points: Iterable[LivePoint], *, at: datetime | None = None
) -> JsonResponse:
    """The feed as the JSON response a module's live view returns (never cached: it is "now")."""
    response = JsonResponse(live_feed(states, points, at=at), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response
