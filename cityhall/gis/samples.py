"""Sample layers (예시) standing in for the city's spatial databases, which the seed only measures.

The seed gives the cumulative lengths and coverage of the road-facility and water-main databases
(II.4 line 361: 누적 776.3km, 87.9%; line 362: 누적 1,411.6km, 95.3%) and sewers at 100 % (IV.4.4
line 1144), but no geometry. These layers reproduce those lengths exactly with synthetic lines
laid inside Gimpo's extent in EPSG:5186 (whole metres, so each length is exact), and the coverage
pages compute 87.9 % / 95.3 % / 100 % from them. The administrative boundaries are a synthetic grid
named after the city's 13 eup/myeon/dong. Real layers replace them by import.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import shapely

# Gimpo's extent in EPSG:5186 (metres), about 126.54–126.80 E, 37.58–37.77 N.
XMIN, YMIN, XMAX, YMAX = 159_500, 553_500, 182_300, 574_400

AREAS = [
    ["월곶면", "하성면", "통진읍"],
    ["대곶면", "마산동", "구래동"],
    ["양촌읍", "장기본동", "운양동"],
    ["김포본동", "사우동", "풍무동", "고촌읍"],
]

ROAD_KM = Decimal("776.3")  # II.4 line 361
WATER_KM = Decimal("1411.6")  # II.4 line 362
ROAD_PERCENT = Decimal("87.9")
WATER_PERCENT = Decimal("95.3")
SEWER_KM = Decimal("600")  # not in the seed: a sample length, its target the same (100 %, line 1144)


def target_km(cumulative: Decimal, percent: Decimal) -> Decimal:
    """The length a database covers when complete, from a stated cumulative length and coverage,
    to 0.1 km as the seed states lengths: 776.3 km at 87.9 % → 883.2 km."""
    return (cumulative * 100 / percent).quantize(Decimal("0.1"))


def boundaries() -> tuple[np.ndarray, list[dict[str, Any]]]:
    geoms, rows = [], []
    height = (YMAX - YMIN) / len(AREAS)
    for r, names in enumerate(AREAS):
        top = YMAX - r * height
        width = (XMAX - XMIN) / len(names)
        for c, name in enumerate(names):
            left = XMIN + c * width
            geoms.append(shapely.box(left, top - height, left + width, top))
            rows.append({"name": name, "note": "예시(실제 경계 아님)"})
    return np.array(geoms), rows


def lines(count: int, each_m: int, seed: int, label: str) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """``count`` L-shaped lines of exactly ``each_m`` metres each (whole-metre legs), spread over the
    city's extent by a fixed pseudo-random sequence, so the layer measures ``count × each_m``."""
    rng = np.random.default_rng(seed)
    geoms, rows = [], []
    for i in range(count):
        across = int(rng.integers(each_m // 4, each_m * 3 // 4))
        down = each_m - across
        x = int(rng.integers(XMIN, XMAX - across))
        y = int(rng.integers(YMIN + down, YMAX))
        geoms.append(shapely.LineString([(x, y), (x + across, y), (x + across, y - down)]))
        rows.append({"name": f"{label} 예시 {i + 1:03d}", "length_m": each_m})
    return np.array(geoms), rows


LAYERS: list[dict[str, Any]] = [
    {
        "code": "admin-boundaries",
        "title": "행정경계 (예시)",
        "kind": "boundary",
        "base": True,
        "description": "김포시 13개 읍·면·동 이름을 붙인 격자. 실제 경계가 아닌 예시입니다.",
        "accuracy": "예시(격자)",
        "build": boundaries,
    },
    {
        "code": "road-facilities",
        "title": "도로 시설물 (예시)",
        "kind": "road",
        "base": True,
        "description": "누적 776.3km(II.4 361행)를 재현한 예시 선형 100개(각 7,763m).",
        "accuracy": "1/1,000 (예시)",
        "target": ("road", ROAD_KM, ROAD_PERCENT, 361, "II.4"),
        "build": lambda: lines(100, 7_763, 1, "도로"),
    },
    {
        "code": "water-mains",
        "title": "상수 지하시설물 (예시)",
        "kind": "water",
        "base": True,
        "description": "누적 1,411.6km(II.4 362행)를 재현한 예시 관로 200개(각 7,058m).",
        "accuracy": "1/1,000 (예시)",
        "target": ("water", WATER_KM, WATER_PERCENT, 362, "II.4"),
        "build": lambda: lines(200, 7_058, 2, "상수관로"),
    },
    {
        "code": "sewers",
        "title": "하수 지하시설물 (예시)",
        "kind": "sewer",
        "base": False,
        "description": "하수 100% 구축(IV.4.4 1144행)을 나타내는 예시 관로 120개(각 5,000m, 총연장은 예시).",
        "accuracy": "1/1,000 (예시)",
        "target": ("sewer", SEWER_KM, Decimal(100), 1144, "IV.4.4"),
        "build": lambda: lines(120, 5_000, 3, "하수관로"),
    },
]

# 2025 공간정보 추진사업 규모 (IV.4.4 lines 1136-1140); budgets and the national share are the programs'.
PROJECTS: list[dict[str, Any]] = [
    {
        "code": "orthophoto-2025",
        "name": "위성 정사영상 제작",
        "kind": "orthophoto",
        "target_area": "김포시 전역",
        "quantity": Decimal("297.0"),
        "unit": "km2",
        "program": "smart-city-p7",
        "line": 1136,
    },
    {
        "code": "road-facility-db-2025",
        "name": "도로 시설물 DB 구축",
        "kind": "road",
        "target_area": "대곶면 일원",
        "quantity": Decimal("28.071"),
        "unit": "km",
        "program": "smart-city-p8",
        "layer": "road-facilities",
        "line": 1137,
    },
    {
        "code": "water-facility-db-2025",
        "name": "상하수도 지하시설물 DB 수정 갱신",
        "kind": "water",
        "target_area": "양촌, 대곶, 하성 등",
        "quantity": Decimal("74.23"),
        "unit": "km",
        "program": "smart-city-p9",
        "layer": "water-mains",
        "note": "국비 30% (250,000천원)",
        "line": 1138,
    },
    {
        "code": "utility-db-2025",
        "name": "유관기관 지하시설물 DB 재갱신",
        "kind": "utility",
        "target_area": "전기, 가스, 통신, 열배관",
        "quantity": Decimal(2),
        "unit": "times",
        "note": "비예산, 연 2회 전체 재갱신",
        "line": 1139,
    },
    {
        "code": "spatial-platform-2025",
        "name": "공간정보플랫폼 관리",
        "kind": "platform",
        "target_area": "기본도, 재산세, 인허가 등",
        "quantity": Decimal(10),
        "unit": "systems",
        "program": "smart-city-p10",
        "line": 1140,
    },
]

# Work done so far (예시): by area and map sheet (도엽 번호는 예시).
PROGRESS: list[dict[str, Any]] = [
    {
        "project": "orthophoto-2025",
        "area": "김포시 전역",
        "sheet": "",
        "quantity": Decimal("297.0"),
        "done_on": "2025-09-30",
    },
    {
        "project": "road-facility-db-2025",
        "area": "대곶면",
        "sheet": "376081",
        "quantity": Decimal("9.500"),
        "done_on": "2025-06-30",
    },
    {
        "project": "road-facility-db-2025",
        "area": "대곶면",
        "sheet": "376082",
        "quantity": Decimal("6.200"),
        "done_on": "2025-09-30",
    },
    {
        "project": "water-facility-db-2025",
        "area": "양촌읍",
        "sheet": "376091",
        "quantity": Decimal("20.000"),
        "done_on": "2025-06-30",
    },
    {
        "project": "water-facility-db-2025",
        "area": "대곶면",
        "sheet": "376083",
        "quantity": Decimal("15.500"),
        "done_on": "2025-08-31",
    },
    {
        "project": "water-facility-db-2025",
        "area": "하성면",
        "sheet": "376052",
        "quantity": Decimal("10.000"),
        "done_on": "2025-09-30",
    },
    {
        "project": "utility-db-2025",
        "area": "김포시 전역",
        "sheet": "",
        "quantity": Decimal(1),
        "done_on": "2025-06-30",
    },
    {
        "project": "spatial-platform-2025",
        "area": "공간정보플랫폼",
        "sheet": "",
        "quantity": Decimal(10),
        "done_on": "2025-03-31",
    },
]
