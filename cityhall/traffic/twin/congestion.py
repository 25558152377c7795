"""Congestion levels from link speeds. Defaults follow the 국가교통정보센터 (National Transport
Information Center) practice for traffic information: urban roads 원활 ≥ 25 km/h, 서행 10–25 km/h,
정체 < 10 km/h; expressways 원활 ≥ 70, 서행 30–70, 정체 < 30. Thresholds are settings
(``TRAFFIC_CONGESTION_THRESHOLDS``), so a city can use its own."""

from __future__ import annotations

FREE, SLOW, JAMMED = "free", "slow", "jammed"
LABELS = {FREE: "원활", SLOW: "서행", JAMMED: "정체"}
DEFAULT_THRESHOLDS = {"urban": (25.0, 10.0), "expressway": (70.0, 30.0)}  # (free from, jammed below)


def congestion_level(speed_kmh: float, road_class: str = "urban", thresholds: dict | None = None) -> str:
    free_from, jammed_below = (thresholds or DEFAULT_THRESHOLDS)[road_class]
    if speed_kmh >= free_from:
        return FREE
    if speed_kmh < jammed_below:
        return JAMMED
    return SLOW


def road_class(speed_limit_kmh: float) -> str:
    """Roads signed above 80 km/h are treated as expressways, the rest as urban roads."""
    return "expressway" if speed_limit_kmh > 80 else "urban"
