"""New-site selection (신규 설치장소 선정), as pure functions: each candidate site gets a score out of 100
from incidents, citizen requests, the coverage gap left by the existing cameras, a school zone and the
cost, with the points of each factor and why — for 통합관제 운영위원회 (seed line 190: 17 members, chaired
by the deputy mayor; it decides 설치장소 선정·확정). The ranking advises; the committee decides.

The coverage gap is geometric: every existing camera's field of view is a sector (heading, angle,
range) on a local metric plane around the candidate; the gap is the share of the candidate's disc
(``RADIUS_M``) that no sector covers, computed with shapely (GEOS).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from shapely import Polygon, union_all
from shapely.geometry import Point

RADIUS_M = 100  # the area a new pole of cameras is meant to watch
M_PER_DEG_LAT = 110_540.0
M_PER_DEG_LON_EQUATOR = 111_320.0
#: Points per factor (the maximum each can give); they add up to 100.
WEIGHTS = {"incidents": 30, "requests": 20, "gap": 25, "school": 10, "cost": 15}


@dataclass(frozen=True, slots=True)
class View:
    """An existing camera's field of view: position (WGS84), heading (0° north, clockwise), angle, range."""

    lat: float
    lon: float
    heading: float
    fov: float
    range_m: float


@dataclass(frozen=True, slots=True)
class Candidate:
    code: str
    name: str
    lat: float
    lon: float
    incidents: int  # 5대 범죄·안전사고 (최근 3년)
    requests: int  # 주민 설치 요청
    school_zone: bool  # 어린이보호구역 안
    cost: int  # won


@dataclass(frozen=True, slots=True)
class Factor:
    factor: str
    label: str
    points: float
    max_points: int


@dataclass(frozen=True, slots=True)
class Ranked:
    rank: int
    candidate: Candidate
    score: float
    gap: float  # 0–1, uncovered share of the disc
    factors: tuple[Factor, ...]


def _local(lat0: float, lon0: float):
    kx = M_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0))

    def to_xy(lat: float, lon: float) -> tuple[float, float]:
        return (lon - lon0) * kx, (lat - lat0) * M_PER_DEG_LAT

    return to_xy


QUAD_SEGS = 32  # arc segments per quarter circle, for the disc and the views alike


def sector(x: float, y: float, view: View) -> Polygon:
    """A camera's view as a polygon: the apex and an arc of ``range_m`` over ``fov`` degrees."""
    if view.fov >= 360:
        return Point(x, y).buffer(view.range_m, quad_segs=QUAD_SEGS)
    steps = max(2, math.ceil(view.fov / 90 * QUAD_SEGS))
    start = view.heading - view.fov / 2
    arc = []
    for i in range(steps + 1):
        bearing = math.radians(start + view.fov * i / steps)
        arc.append((x + view.range_m * math.sin(bearing), y + view.range_m * math.cos(bearing)))
    return Polygon([(x, y), *arc])


def coverage_gap(lat: float, lon: float, views: Sequence[View], radius_m: float = RADIUS_M) -> float:
    """The share (0–1) of the disc of ``radius_m`` around (lat, lon) that no camera's view covers."""
    to_xy = _local(lat, lon)
    disc = Point(0, 0).buffer(radius_m, quad_segs=QUAD_SEGS)
    reach = radius_m + max((v.range_m for v in views), default=0)
    shapes = []
    for view in views:
        x, y = to_xy(view.lat, view.lon)
        if math.hypot(x, y) <= reach:
            shapes.append(sector(x, y, view))
    if not shapes:
        return 1.0
    covered = disc.intersection(union_all(shapes)).area
    return max(0.0, min(1.0, 1.0 - covered / disc.area))


def _r1(value: float) -> float:
    return math.floor(value * 10 + 0.5) / 10  # one decimal, half up


def rank(candidates: Sequence[Candidate], views: Sequence[View]) -> list[Ranked]:
    """Score and rank. Incidents and requests count against the candidates' highest; the gap by its
    share; a school zone all or nothing; cost by the cheapest candidate's cost over this one's. Ties
    go to the larger gap, then the code."""
    if not candidates:
        return []
    top_incidents = max(c.incidents for c in candidates)
    top_requests = max(c.requests for c in candidates)
    cheapest = min(c.cost for c in candidates)
    rows = []
    for c in candidates:
        gap = coverage_gap(c.lat, c.lon, views)
        w = WEIGHTS
        incidents = w["incidents"] * c.incidents / top_incidents if top_incidents else 0.0
        requests = w["requests"] * c.requests / top_requests if top_requests else 0.0
        cost = w["cost"] * cheapest / c.cost if c.cost > 0 else 0.0
        factors = (
            Factor(
                "incidents",
                _("사건 %(n)d건 (후보 중 최다 %(top)d건 대비)") % {"n": c.incidents, "top": top_incidents},
                _r1(incidents),
                w["incidents"],
            ),
            Factor(
                "requests",
                _("주민 요청 %(n)d건 (최다 %(top)d건 대비)") % {"n": c.requests, "top": top_requests},
                _r1(requests),
                w["requests"],
            ),
            Factor(
                "gap",
                _("반경 %(r)dm 중 기존 CCTV가 못 보는 면적 %(p).0f%%") % {"r": RADIUS_M, "p": gap * 100},
                _r1(w["gap"] * gap),
                w["gap"],
            ),
            Factor(
                "school",
                _("어린이보호구역") if c.school_zone else _("어린이보호구역 아님"),
                float(w["school"] if c.school_zone else 0),
                w["school"],
            ),
            Factor(
                "cost",
                _("사업비 %(cost)s천원 (최저 %(low)s천원 대비)")
                % {"cost": f"{c.cost // 1000:,}", "low": f"{cheapest // 1000:,}"},
                _r1(cost),
                w["cost"],
            ),
        )
        rows.append((round(sum(f.points for f in factors), 1), gap, c, factors))
    rows.sort(key=lambda r: (-r[0], -r[1], r[2].code))
    return [Ranked(i + 1, c, score, gap, factors) for i, (score, gap, c, factors) in enumerate(rows)]
