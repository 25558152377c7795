"""The twin's DSRC roadside readers (노변기지국, RSE): where they stand, which pairs of them bound a link,
and what they see — the equipped vehicles (those with an on-board unit, OBU; a share of all traffic,
``CITYHALL_DSRC_PENETRATION``) passing their antenna. SUMO's instant induction loops (one per lane, a
few metres before the link's end) record every vehicle passing; this module places them, reads their
output and keeps the equipped vehicles' passes (pure apart from the files it writes and reads)."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET  # noqa: S405 - SUMO's own output, written by this run
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from .network import NetworkInfo

READER_COUNT = 96  # seed: DSRC 96
ANTENNA_BACK_M = 5.0  # the antenna's spot, this far before the link's end (the stop line side)


@dataclass(frozen=True)
class Reader:
    id: str  # "dsrc-<edge>"
    edge: str


@dataclass(frozen=True)
class Segment:
    """A link between two consecutive readers: a vehicle seen at ``upstream`` then at ``downstream``
    travelled ``edge`` (the downstream reader's link), ``length_m`` long."""

    upstream: str
    downstream: str
    edge: str
    length_m: float
    limit_kmh: float


@dataclass(frozen=True)
class Pass:
    reader: str
    vehicle: str
    t: float  # simulation seconds


def readers(info: NetworkInfo, count: int = READER_COUNT) -> list[Reader]:
    """``count`` readers (예시: the seed counts them, it does not place them): at the end of links into a
    signal, in link order, leaving out every third link so 96 of the grid's 144 are equipped."""
    into_signals = [edge for edge, (_a, to) in sorted(info.edge_nodes.items()) if to in info.signals]
    chosen = [edge for i, edge in enumerate(into_signals) if i % 3 != 2]
    return [Reader(f"dsrc-{edge}", edge) for edge in chosen[:count]]


def _straight_ahead(info: NetworkInfo, edge: str) -> str | None:
    start, end = info.edge_nodes[edge]
    shape = info.edges[edge]
    dx, dy = shape[-1][0] - shape[0][0], shape[-1][1] - shape[0][1]
    best, best_cos = None, 0.5
    for other, (a, b) in sorted(info.edge_nodes.items()):
        if a != end or b == start:
            continue
        o = info.edges[other]
        ox, oy = o[-1][0] - o[0][0], o[-1][1] - o[0][1]
        norm = ((dx * dx + dy * dy) * (ox * ox + oy * oy)) ** 0.5
        cos = (dx * ox + dy * oy) / norm if norm else 0.0
        if cos > best_cos:
            best, best_cos = other, cos
    return best


def segments(info: NetworkInfo, placed: list[Reader]) -> list[Segment]:
    """Every pair of readers where the second's link leaves the first's end (any direction but a
    U-turn): its travel time is the second link's, from antenna to antenna."""
    by_edge = {r.edge: r for r in placed}
    out = []
    for r in placed:
        _start, end = info.edge_nodes[r.edge]
        for other, (a, b) in sorted(info.edge_nodes.items()):
            if a != end or b == _start or other not in by_edge:
                continue
            out.append(
                Segment(
                    r.id,
                    by_edge[other].id,
                    other,
                    round(info.edge_lengths[other], 1),
                    round(info.edge_speeds.get(other, 13.89) * 3.6, 1),
                )
            )
    return out


def write_additional(path: Path, info: NetworkInfo, placed: list[Reader], output: Path) -> Path:
    lines = ["<additional>"]
    for r in placed:
        pos = max(info.edge_lengths[r.edge] - ANTENNA_BACK_M, 0.1)
        for i in range(info.edge_lanes.get(r.edge, 1)):
            lines.append(
                f"  <instantInductionLoop id={quoteattr(f'{r.id}|{i}')} lane={quoteattr(f'{r.edge}_{i}')} "
                f'pos="{pos:.1f}" file={quoteattr(str(output))}/>'
            )
    lines.append("</additional>")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def equipped(vehicle: str, penetration: float, *, seed: int = 1) -> bool:
    """Whether a vehicle carries an OBU: a stable draw per vehicle and seed (same answer every time)."""
    digest = hashlib.sha256(f"{seed}:{vehicle}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < penetration


def read_output(output: Path, penetration: float, *, seed: int = 1) -> list[Pass]:
    """The equipped vehicles' passes (entering the antenna's spot), in time order."""
    if not output.exists():
        return []
    passes = []
    for _event, elem in ET.iterparse(output):  # noqa: S314 - our own SUMO output
        if elem.tag == "instantOut" and elem.get("state") == "enter":
            vehicle = elem.get("vehID", "")
            if equipped(vehicle, penetration, seed=seed):
                passes.append(Pass(elem.get("id", "").split("|")[0], vehicle, float(elem.get("time", 0))))
        elem.clear()
    passes.sort(key=lambda p: (p.t, p.reader, p.vehicle))
    return passes
