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


# A detector's occupancy (% of the interval its loop was covered) raises the level a speed gives: a
# loop covered 15 % of the time on an urban link sees platoons stopping over it (서행), 30 % a queue
# standing back across it (정체). Our choice for mid-link loops on signalised links (a setting,
# ``TRAFFIC_OCCUPANCY_THRESHOLDS``), documented in docs/apps/traffic.md; the speed thresholds above
# stay the named authority's.
DEFAULT_OCCUPANCY_THRESHOLDS = (15.0, 30.0)  # (서행 from, 정체 from), %
_ORDER = {FREE: 0, SLOW: 1, JAMMED: 2}


def occupancy_level(occupancy_pct: float, thresholds: tuple[float, float] | None = None) -> str:
    slow_from, jammed_from = thresholds or DEFAULT_OCCUPANCY_THRESHOLDS
    if occupancy_pct >= jammed_from:
        return JAMMED
    if occupancy_pct >= slow_from:
        return SLOW
    return FREE


def link_level(
    speed_kmh: float,
    occupancy_pct: float,
    road_class: str = "urban",
    *,
    thresholds: dict | None = None,
    occupancy_thresholds: tuple[float, float] | None = None,
) -> str:
    """A link's level from its detectors: the worse of what its speed and its occupancy say."""
    by_speed = congestion_level(speed_kmh, road_class, thresholds)
    by_occupancy = occupancy_level(occupancy_pct, occupancy_thresholds)
    return max(by_speed, by_occupancy, key=_ORDER.__getitem__)
