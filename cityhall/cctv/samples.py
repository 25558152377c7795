"""The camera registry the seed counts but never lists, as labelled samples (예시).

What the seed says (section I.3 and task 5 of 스마트도시과), and where:

- line 131: 방법CCTV **7,430대** 실시간 모니터링 (CCTV 통합관제 모니터링, 1,237,427천원)
- line 140: 지능형CCTV 확대설치 — **서버 14대, 라이선스 1,400조** (1,380,000천원)
- line 1163: 지능형 관제 S/W 도입 **400개**; line 1164: 방법형(선별관제) CCTV 확대설치 **1,000개**
- line 1161: 북부권 CCTV 설치 **10개소 50대**; line 1162: CCTV 확대설치 **4개소 20대** (2025, 설치 예정)

Everything else — site names, positions, purposes, install years, view directions, which cameras hold
the licences — is invented, deterministically (a fixed random seed), and every row says ``sample``.
The counts above are reproduced exactly; ``tests/test_samples.py`` checks them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

SECTION = "I.3"
LINE_MONITORED = 131
LINE_SERVERS = 140
LINE_INTELLIGENT = 1163
LINE_SELECTIVE = 1164
LINE_NORTHERN = 1161
LINE_EXPANSION = 1162

MONITORED = 7_430
SERVERS = 14
INTELLIGENT = 400
SELECTIVE = 1_000
LICENCES = INTELLIGENT + SELECTIVE  # 1,400조 (line 140)
NORTHERN_SITES, NORTHERN_CAMERAS = 10, 50
EXPANSION_SITES, EXPANSION_CAMERAS = 4, 20
CAMERAS_PER_SITE = 5  # 7,430 = 1,486 sites × 5 (an assumption: the seed gives no site count)
MONITORED_SITES = MONITORED // 5
MONITORING_BUDGET_WON = 1_237_427_000  # line 131

# Gimpo's built-up area, roughly (WGS84): samples fall inside it.
SOUTH, NORTH, WEST, EAST = 37.585, 37.745, 126.545, 126.785
NORTH_BAND = 37.70  # 북부권 (통진·월곶·하성) lies north of this

AREAS = [
    "김포본동",
    "사우동",
    "풍무동",
    "장기본동",
    "장기동",
    "구래동",
    "마산동",
    "운양동",
    "고촌읍",
    "양촌읍",
    "통진읍",
    "대곶면",
    "월곶면",
    "하성면",
]
NORTHERN_AREAS = ["통진읍", "월곶면", "하성면"]
# Purposes in proportion: mostly crime prevention (방범), then child protection, vehicles, dumping, disaster.
PURPOSE_CYCLE = ["crime"] * 14 + ["child"] * 3 + ["vehicle", "dumping", "disaster"]
RISK_WEIGHTS = [(1, 20), (2, 35), (3, 25), (4, 15), (5, 5)]


@dataclass(frozen=True)
class SiteSample:
    code: str
    name: str
    purpose: str
    risk: int
    lat: Decimal
    lon: Decimal
    program: str
    planned: bool
    line: int
    cameras: int


def _coord(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def sites() -> list[SiteSample]:
    rng = random.Random(20250131)  # noqa: S311 - sample positions, not secrets
    risks = [r for r, w in RISK_WEIGHTS for _ in range(w)]
    out: list[SiteSample] = []
    for i in range(MONITORED // CAMERAS_PER_SITE):
        area = AREAS[i % len(AREAS)]
        out.append(
            SiteSample(
                code=f"CS-{i + 1:04d}",
                name=f"{area} 방범 {i // len(AREAS) + 1}",
                purpose=PURPOSE_CYCLE[i % len(PURPOSE_CYCLE)],
                risk=rng.choice(risks),
                lat=_coord(rng.uniform(SOUTH, NORTH)),
                lon=_coord(rng.uniform(WEST, EAST)),
                program="",
                planned=False,
                line=LINE_MONITORED,
                cameras=CAMERAS_PER_SITE,
            )
        )
    for n in range(NORTHERN_SITES):
        out.append(
            SiteSample(
                code=f"CS-N{n + 1:02d}",
                name=f"{NORTHERN_AREAS[n % 3]} 북부권 신규 {n + 1}",
                purpose="crime",
                risk=3,
                lat=_coord(rng.uniform(NORTH_BAND, NORTH)),
                lon=_coord(rng.uniform(WEST, 126.66)),
                program="북부권 CCTV 설치",
                planned=True,
                line=LINE_NORTHERN,
                cameras=NORTHERN_CAMERAS // NORTHERN_SITES,
            )
        )
    for n in range(EXPANSION_SITES):
        out.append(
            SiteSample(
                code=f"CS-E{n + 1:02d}",
                name=f"{AREAS[n]} 확대설치 {n + 1}",
                purpose="crime",
                risk=3,
                lat=_coord(rng.uniform(SOUTH, NORTH_BAND)),
                lon=_coord(rng.uniform(126.66, EAST)),
                program="CCTV 확대설치",
                planned=True,
                line=LINE_EXPANSION,
                cameras=EXPANSION_CAMERAS // EXPANSION_SITES,
            )
        )
    return out


# -- new-site candidates (예시) ----------------------------------------------------------------------------

#: 북부권 CCTV 설치: 400,000천원 for 50 cameras (line 1161) → 8,000천원 a camera.
NORTHERN_BUDGET_WON = 400_000_000
COST_PER_CAMERA_WON = NORTHERN_BUDGET_WON // NORTHERN_CAMERAS
CANDIDATES = 12


@dataclass(frozen=True)
class CandidateSample:
    code: str
    name: str
    lat: Decimal
    lon: Decimal
    incidents: int
    requests: int
    school_zone: bool
    cameras: int


def candidates() -> list[CandidateSample]:
    """Candidate sites: half beside an existing sample site (partly covered already), half in open
    ground; incidents, requests, school zones and camera counts invented (a fixed seed)."""
    rng = random.Random(20250190)  # noqa: S311 - sample figures
    existing = sites()
    out = []
    for n in range(CANDIDATES):
        if n % 2 == 0:
            near = existing[(n * 97) % MONITORED_SITES]
            lat = float(near.lat) + rng.uniform(-0.0004, 0.0004)
            lon = float(near.lon) + rng.uniform(-0.0004, 0.0004)
        else:
            lat, lon = rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)
        out.append(
            CandidateSample(
                code=f"CC-{n + 1:02d}",
                name=f"{AREAS[(n * 5) % len(AREAS)]} 후보지 {n + 1}",
                lat=_coord(lat),
                lon=_coord(lon),
                incidents=rng.randint(0, 24),
                requests=rng.randint(0, 15),
                school_zone=rng.random() < 0.35,
                cameras=rng.choice([3, 4, 5, 6]),
            )
        )
    return out
