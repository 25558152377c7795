"""The twin's road network: the default synthetic grid (모의), an OpenStreetMap import, and the facts
the signal plans, the preemption and the pages read from a SUMO ``.net.xml``.

The default network is synthetic and says so: a 6 × 6 grid of two-lane arterials (36 signalised
junctions, 400 m apart, 50 km/h), the shape of the seed's "36 smart intersections" — not Gimpo's roads.
A city loads its own roads with ``cityhall traffic import-osm FILE`` (netconvert)."""

from __future__ import annotations

import functools
import math
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .sumo import SumoError, run_tool
from .text import gettext_noop

GRID_SIZE = 6  # 6 × 6 = 36 signalised junctions (seed: 스마트교차로 36개소)
GRID_SPACING_M = 400.0
FRINGE_LENGTH_M = 200.0
LANES = 2
SPEED_MS = 13.89  # 50 km/h, urban arterial limit (안전속도 5030)
NET_FILE = "network.net.xml"
# Where the synthetic grid is drawn on the city's map: its south-west corner near 김포시청. A placement
# for the map only (모의): the grid is not Gimpo's roads.
SYNTHETIC_ANCHOR = (37.6153, 126.7156)  # latitude, longitude
EARTH_M_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Signal:
    """One signal-controlled junction as the network describes it."""

    tls_id: str
    x: float
    y: float
    link_count: int
    green_states: tuple[str, ...]  # the network program's green stages, in order
    incoming: dict[int, str]  # TLS link index -> incoming lane id
    foes: frozenset[tuple[int, int]]  # pairs (a, b), a < b, of TLS links that conflict
    # (incoming edge id, outgoing edge id) -> the TLS link indices of that movement (one per lane)
    movements: dict[tuple[str, str], tuple[int, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class NetworkInfo:
    path: Path
    signals: dict[str, Signal]
    edges: dict[str, tuple[tuple[float, float], ...]]  # edge id -> shape (SUMO x/y metres)
    edge_lengths: dict[str, float]
    bounds: tuple[float, float, float, float]  # xmin, ymin, xmax, ymax
    edge_nodes: dict[str, tuple[str, str]] = field(default_factory=dict)
    edge_speeds: dict[str, float] = field(default_factory=dict)  # limit, m/s
    fringe_in: tuple[str, ...] = field(default=())  # edges entering the network from its boundary
    fringe_out: tuple[str, ...] = field(default=())
    edge_lanes: dict[str, int] = field(default_factory=dict)  # edge id -> number of lanes


def grid_junction_ids(size: int = GRID_SIZE) -> list[str]:
    """netgenerate names grid junctions by column letter and row number: A0 … F5."""
    return [f"{chr(ord('A') + col)}{row}" for col in range(size) for row in range(size)]


def build_grid(directory: Path, *, size: int = GRID_SIZE, spacing: float = GRID_SPACING_M) -> Path:
    """Writes the synthetic grid network (netgenerate) to ``directory`` and returns its path."""
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / NET_FILE
    run_tool(
        "netgenerate",
        [
            "--grid",
            f"--grid.number={size}",
            f"--grid.length={spacing:g}",
            f"--grid.attach-length={FRINGE_LENGTH_M:g}",
            f"--default.lanenumber={LANES}",
            f"--default.speed={SPEED_MS}",
            "--default-junction-type=priority",
            "--tls.set=" + ",".join(grid_junction_ids(size)),
            "--tls.default-type=static",
            "--no-turnarounds=true",
            "--seed=1",
            "-o",
            str(out),
        ],
    )
    return out


def import_osm(osm_file: Path, directory: Path) -> Path:
    """Builds a network from an OpenStreetMap extract with netconvert (signals guessed and joined as
    SUMO's OSM import recommends). Raises SumoError when netconvert cannot read it."""
    if not osm_file.exists():
        raise SumoError(gettext_noop("파일이 없습니다: %(file)s", file=osm_file))
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / NET_FILE
    run_tool(
        "netconvert",
        [
            "--osm-files",
            str(osm_file),
            "--geometry.remove",
            "--ramps.guess",
            "--junctions.join",
            "--tls.guess-signals",
            "--tls.discard-simple",
            "--tls.join",
            "--tls.default-type=static",
            "--no-turnarounds=true",
            "--keep-edges.by-vclass=passenger",
            "--remove-edges.isolated",
            "-o",
            str(out),
        ],
    )
    info = read_network(out)
    if not info.edges:
        raise SumoError(gettext_noop("도로가 없는 OSM 파일입니다: %(file)s", file=osm_file))
    return out


def copy_network(net_file: Path, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / NET_FILE
    shutil.copyfile(net_file, out)
    return out


def read_network(path: Path) -> NetworkInfo:
    path = Path(path)
    return _read_network(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _read_network(path: str, mtime_ns: int) -> NetworkInfo:
    import sumolib

    net = sumolib.net.readNet(path, withPrograms=True)
    signals: dict[str, Signal] = {}
    for tls in net.getTrafficLights():
        connections = tls.getConnections()  # [in_lane, out_lane, tls link index]
        incoming = {index: in_lane.getID() for in_lane, _out, index in connections}
        movements: dict[tuple[str, str], list[int]] = defaultdict(list)
        for in_lane, out_lane, index in connections:
            movements[(in_lane.getEdge().getID(), out_lane.getEdge().getID())].append(index)
        link_count = max(incoming) + 1 if incoming else 0
        foes: set[tuple[int, int]] = set()
        by_index = {}
        for in_lane, out_lane, index in connections:
            node = in_lane.getEdge().getToNode()
            conn = next(
                (c for c in in_lane.getOutgoing() if c.getToLane() == out_lane),
                None,
            )
            if conn is not None:
                by_index[index] = (node, node.getLinkIndex(conn))
        for a, (node_a, ja) in by_index.items():
            for b, (node_b, jb) in by_index.items():
                if a < b and node_a is node_b and ja >= 0 and jb >= 0 and node_a.areFoes(ja, jb):
                    foes.add((a, b))
        greens: list[str] = []
        programs = tls.getPrograms()
        if programs:
            program = next(iter(programs.values()))
            for phase in program.getPhases():
                state = phase.state
                if any(c in "Gg" for c in state) and "y" not in state and state not in greens:
                    greens.append(state)
        nodes = tls.getNodes() if hasattr(tls, "getNodes") else []
        if nodes:
            xs = [n.getCoord()[0] for n in nodes]
            ys = [n.getCoord()[1] for n in nodes]
            x, y = sum(xs) / len(xs), sum(ys) / len(ys)
        else:
            lane_shape = net.getLane(next(iter(incoming.values()))).getShape()
            x, y = lane_shape[-1]
        signals[tls.getID()] = Signal(
            tls_id=tls.getID(),
            x=round(x, 1),
            y=round(y, 1),
            link_count=link_count,
            green_states=tuple(greens),
            incoming=incoming,
            foes=frozenset(foes),
            movements={k: tuple(sorted(set(v))) for k, v in movements.items()},
        )
    edges = {}
    lengths = {}
    edge_nodes = {}
    edge_speeds = {}
    edge_lanes = {}
    fringe_in, fringe_out = [], []
    for edge in net.getEdges(withInternal=False):
        edges[edge.getID()] = tuple((round(px, 1), round(py, 1)) for px, py in edge.getShape())
        lengths[edge.getID()] = edge.getLength()
        edge_nodes[edge.getID()] = (edge.getFromNode().getID(), edge.getToNode().getID())
        edge_speeds[edge.getID()] = edge.getSpeed()
        edge_lanes[edge.getID()] = edge.getLaneNumber()
        if not edge.getFromNode().getIncoming():
            fringe_in.append(edge.getID())
        if not edge.getToNode().getOutgoing():
            fringe_out.append(edge.getID())
        elif len(edge.getToNode().getOutgoing()) == 1 and edge.getToNode().getType() == "dead_end":
            fringe_out.append(edge.getID())
    if not fringe_in or not fringe_out:  # netgenerate's fringe nodes have both directions
        for edge in net.getEdges(withInternal=False):
            if edge.getFromNode().getType() == "dead_end":
                fringe_in.append(edge.getID())
            if edge.getToNode().getType() == "dead_end":
                fringe_out.append(edge.getID())
    xmin, ymin, xmax, ymax = net.getBoundary()
    return NetworkInfo(
        path=Path(path),
        signals=signals,
        edges=edges,
        edge_lengths=lengths,
        edge_nodes=edge_nodes,
        edge_speeds=edge_speeds,
        edge_lanes=edge_lanes,
        bounds=(xmin, ymin, xmax, ymax),
        fringe_in=tuple(sorted(set(fringe_in))),
        fringe_out=tuple(sorted(set(fringe_out))),
    )


def route_is_valid(info: NetworkInfo, edges: list[str]) -> list[str]:
    """The edges of a route that the network does not have (empty when all exist)."""
    return [e for e in edges if e not in info.edges]


def to_lonlat(path: Path, points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """SUMO x/y metres as WGS84 (longitude, latitude): through the network's own projection when it
    has one (an OpenStreetMap import), else placed at ``SYNTHETIC_ANCHOR`` (the synthetic grid)."""
    net = _geo_net(str(path), Path(path).stat().st_mtime_ns)
    if net is not None:
        return [tuple(round(c, 7) for c in net.convertXY2LonLat(x, y)) for x, y in points]
    lat0, lon0 = SYNTHETIC_ANCHOR
    per_lon = EARTH_M_PER_DEGREE * math.cos(math.radians(lat0))
    return [(round(lon0 + x / per_lon, 7), round(lat0 + y / EARTH_M_PER_DEGREE, 7)) for x, y in points]


@functools.lru_cache(maxsize=4)
def _geo_net(path: str, mtime_ns: int):
    import sumolib

    net = sumolib.net.readNet(path)
    return net if net.hasGeoProj() else None
