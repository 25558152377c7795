"""The synthetic bus network (모의) laid on the traffic twin's grid: pure functions, no database.

The twin's default network is a 6 × 6 grid of junctions A0 … F5, 400 m apart (traffic.twin.network).
Each route is a loop of junctions; a stop stands in the middle of every block a route drives along,
named after the twin's edge (``B1C1`` is the edge from junction B1 to C1), so two routes driving the
same block in the same direction share its stop, and the stop's code never changes when the network is
generated again. Positions are metres on the twin's plane; ``to_lonlat`` places the plane around
Gimpo's city hall so the shared map can draw it (clearly labelled 모의: these are not real stops).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from cityhall.traffic.twin.network import FRINGE_LENGTH_M, GRID_SPACING_M

# The twin's plane is placed with its south-west corner here (Gimpo city hall, approximately).
ORIGIN_LON = 126.7070
ORIGIN_LAT = 37.6090
_M_PER_DEG_LAT = 111_320.0


@dataclass(frozen=True)
class RouteSpec:
    code: str  # GTFS route_id, stable
    number: str  # what the bus shows
    kind: str  # "city" | "village"
    loop: tuple[str, ...]  # junctions, the first repeated at the end implicitly
    headway_min: int
    first_departure: str  # "HH:MM"
    last_departure: str
    color: str


# Three city and three village routes (모의). The seed counts 63 village routes and 101 village buses
# (line 1104); it names none, so the network is small and says so.
ROUTES: tuple[RouteSpec, ...] = (
    RouteSpec("C10", "10", "city", ("A1", "F1", "F4", "A4"), 10, "05:30", "23:30", "2E7D32"),
    RouteSpec("C20", "20", "city", ("B0", "B5", "E5", "E0"), 12, "05:40", "23:20", "1565C0"),
    RouteSpec("C30", "30", "city", ("A2", "D2", "D5", "A5"), 15, "06:00", "23:00", "6A1B9A"),
    RouteSpec("V1", "마을1", "village", ("C2", "E2", "E3", "C3"), 8, "06:30", "21:30", "F9A825"),
    RouteSpec("V2", "마을2", "village", ("A0", "C0", "C1", "A1"), 15, "06:30", "21:00", "EF6C00"),
    RouteSpec("V3", "마을3", "village", ("D3", "F3", "F5", "D5"), 20, "07:00", "20:40", "00838F"),
)

BUS_SPEED_MS = 7.0  # ≈25 km/h between stops, signals included
DWELL_S = 20


def junction_xy(junction: str) -> tuple[float, float]:
    """Metres on the twin's plane (netgenerate puts A0 at the attach length from the corner)."""
    col = ord(junction[0]) - ord("A")
    row = int(junction[1:])
    return (FRINGE_LENGTH_M + col * GRID_SPACING_M, FRINGE_LENGTH_M + row * GRID_SPACING_M)


def to_lonlat(x: float, y: float) -> tuple[float, float]:
    lat = ORIGIN_LAT + y / _M_PER_DEG_LAT
    lon = ORIGIN_LON + x / (_M_PER_DEG_LAT * math.cos(math.radians(ORIGIN_LAT)))
    return round(lon, 6), round(lat, 6)


def to_xy(lon: float, lat: float) -> tuple[float, float]:
    y = (lat - ORIGIN_LAT) * _M_PER_DEG_LAT
    x = (lon - ORIGIN_LON) * _M_PER_DEG_LAT * math.cos(math.radians(ORIGIN_LAT))
    return x, y


def _step(a: str, b: str) -> str:
    """The neighbouring junction one block from ``a`` towards ``b`` (same row or column)."""
    col_a, row_a = ord(a[0]), int(a[1:])
    col_b, row_b = ord(b[0]), int(b[1:])
    if col_a != col_b and row_a != row_b:
        raise ValueError(f"{a}→{b}: a route leg must follow one row or one column of the grid")
    col = col_a + (col_b > col_a) - (col_b < col_a)
    row = row_a + (row_b > row_a) - (row_b < row_a)
    return f"{chr(col)}{row}"


@functools.cache
def blocks(loop: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The loop as blocks (twin edges) in driving order."""
    out: list[tuple[str, str]] = []
    corners = [*loop, loop[0]]
    for a, b in zip(corners, corners[1:], strict=False):
        here = a
        while here != b:
            nxt = _step(here, b)
            out.append((here, nxt))
            here = nxt
    return tuple(out)


@dataclass(frozen=True)
class StopSpec:
    code: str  # GTFS stop_id: the twin edge it stands on
    name: str
    x: float
    y: float
    edge: str


@dataclass(frozen=True)
class PatternStop:
    stop: StopSpec
    sequence: int  # 0-based
    distance_m: float  # from the first stop, along the route
    offset_s: int  # scheduled arrival after the trip's start


def stop_for_block(a: str, b: str) -> StopSpec:
    (xa, ya), (xb, yb) = junction_xy(a), junction_xy(b)
    return StopSpec(
        code=f"{a}{b}",
        name=f"{a}–{b} 중간 정류장",
        x=(xa + xb) / 2,
        y=(ya + yb) / 2,
        edge=f"{a}{b}",
    )


@functools.cache
def pattern(spec: RouteSpec) -> tuple[PatternStop, ...]:
    """The route's stops in order with distance and scheduled offset; the trip ends back at its first
    stop (a loop), which GTFS writes as the same stop twice."""
    stops = [stop_for_block(a, b) for a, b in blocks(spec.loop)]
    stops.append(stops[0])
    out = []
    for i, stop in enumerate(stops):
        distance = i * GRID_SPACING_M
        travel = distance / BUS_SPEED_MS + i * DWELL_S
        out.append(PatternStop(stop=stop, sequence=i, distance_m=distance, offset_s=round(travel)))
    return tuple(out)


@functools.cache
def shape(spec: RouteSpec) -> tuple[tuple[float, float], ...]:
    """The route's path on the plane, from its first stop round to it again (through the corners)."""
    legs = blocks(spec.loop)
    out: list[tuple[float, float]] = []
    for a, b in legs:
        stop = stop_for_block(a, b)
        out.append((stop.x, stop.y))
        out.append(junction_xy(b))
    first = stop_for_block(*legs[0])
    out.append((first.x, first.y))
    return tuple(out)


def position_at(spec: RouteSpec, distance_m: float) -> tuple[float, float]:
    """The point ``distance_m`` along the route from its first stop (wrapping round the loop)."""
    pts = shape(spec)
    total = len(blocks(spec.loop)) * GRID_SPACING_M
    left = distance_m % total
    for (x1, y1), (x2, y2) in zip(pts, pts[1:], strict=False):
        length = math.hypot(x2 - x1, y2 - y1)
        if left <= length:
            t = left / length if length else 0.0
            return x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
        left -= length
    return pts[-1]


def minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)
