"""New-site selection (신규 설치장소 선정), as pure functions: each candidate site gets a score out of 100
from incidents, citizen requests, the coverage gap left by the existing cameras, a school zone and the
cost, with the points of each factor and why — for 통합관제 운영위원회 (seed line 190: 17 members, chaired
by the deputy mayor; it decides 설치장소 선정·확정). The ranking advises; the committee decides.

The coverage gap is geometric: every existing camera's field of view is a sector (heading, angle,
range) on a local metric plane around the candidate; the gap is the share of the candidate's disc
(``RADIUS_M``) that no sector covers, computed by the platform's spatial backend
(``cityhall.gis.spatial``): in PostGIS on PostgreSQL with the extension, else with shapely (GEOS);
both on the same local plane, with the same result.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from cityhall.gis import spatial

RADIUS_M = 100  # the area a new pole of cameras is meant to watch
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


def coverage_gap(lat: float, lon: float, views: Sequence[View], radius_m: float = RADIUS_M) -> float:
    """The share (0–1) of the disc of ``radius_m`` around (lat, lon) that no camera's view covers
    (shapely; the platform's spatial backend, ``cityhall.gis.spatial``, which also answers it in
    PostGIS for the ranking of many sites at once)."""
    rows = [(v.lat, v.lon, v.heading, v.fov, v.range_m) for v in views]
    return spatial.coverage_gaps_shapely([(0, lat, lon)], rows, radius_m)[0]


def _r1(value: float) -> float:
    return math.floor(value * 10 + 0.5) / 10  # one decimal, half up


def rank(
    candidates: Sequence[Candidate], views: Sequence[View], gaps: Mapping[str, float] | None = None
) -> list[Ranked]:
    """Score and rank; ``gaps`` (candidate code → gap), when given, were computed already (in the
    database: ``selectors.site_ranking``), else each is computed here. Incidents and requests count
    against the candidates' highest; the gap by its
    share; a school zone all or nothing; cost by the cheapest candidate's cost over this one's. Ties
    go to the larger gap, then the code."""
    if not candidates:
        return []
    top_incidents = max(c.incidents for c in candidates)
    top_requests = max(c.requests for c in candidates)
    cheapest = min(c.cost for c in candidates)
    rows = []
    for c in candidates:
        gap = gaps[c.code] if gaps is not None else coverage_gap(c.lat, c.lon, views)
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
