"""The twin's vehicle detection stations (VDS), placed and reporting as the field's do: a loop per lane
in the middle of every link that leads to a signal, reporting every 30 s the lane's volume (vehicles),
mean speed (km/h) and occupancy (% of the interval a vehicle stood over the loop). Link speeds and
congestion levels follow from them (``link_congestion``). SUMO's induction loops (E1) do the counting;
this module places them, reads their last interval and aggregates (pure apart from ``read``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from .congestion import congestion_level, road_class
from .network import NetworkInfo

VDS_PERIOD_S = 30  # the field's VDS reporting interval
LOOP_LENGTH_M = 1.8  # a standard 1.8 m square loop (occupancy depends on it)
STANDSTILL_OCCUPANCY_PCT = 50.0  # nobody passed yet the loop was mostly covered: a standing queue


@dataclass(frozen=True)
class Station:
    id: str  # "vds-<lane>"
    edge: str
    lane: str
    pos_m: float


@dataclass(frozen=True)
class VdsReading:
    detector: str
    edge: str
    end_s: int  # end of the 30 s interval, simulation seconds
    volume: int
    speed_kmh: float | None  # None when no vehicle passed
    occupancy_pct: float


def stations(info: NetworkInfo) -> list[Station]:
    """One loop per lane, mid-link, on every link whose end is a signalised junction."""
    found = []
    for edge, (_from, to) in sorted(info.edge_nodes.items()):
        if to not in info.signals:
            continue
        pos = round(info.edge_lengths[edge] / 2, 1)
        for i in range(info.edge_lanes.get(edge, 1)):
            lane = f"{edge}_{i}"
            found.append(Station(f"vds-{lane}", edge, lane, pos))
    return found


def write_additional(path: Path, placed: list[Station], *, period: int = VDS_PERIOD_S) -> Path:
    """SUMO's additional file declaring the loops; their own file output is discarded (read by API)."""
    lines = ["<additional>"]
    for s in placed:
        lines.append(
            f'  <inductionLoop id={quoteattr(s.id)} lane={quoteattr(s.lane)} pos="{s.pos_m}" '
            f'length="{LOOP_LENGTH_M}" period="{period}" file="NUL"/>'
        )
    lines.append("</additional>")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read(traci, placed: list[Station], end_s: int) -> list[VdsReading]:
    """Every loop's last complete interval (call right after an interval closes)."""
    out = []
    loops = traci.inductionloop
    for s in placed:
        volume = int(loops.getLastIntervalVehicleNumber(s.id))
        speed = loops.getLastIntervalMeanSpeed(s.id)  # m/s, -1 when nobody passed
        out.append(
            VdsReading(
                detector=s.id,
                edge=s.edge,
                end_s=end_s,
                volume=volume,
                speed_kmh=round(speed * 3.6, 1) if volume and speed >= 0 else None,
                # a vehicle over the loop as the interval closes can come out slightly below 0 in SUMO
                occupancy_pct=round(min(max(loops.getLastIntervalOccupancy(s.id), 0.0), 100.0), 1),
            )
        )
    return out


def link_congestion(info: NetworkInfo, readings: list[VdsReading]) -> dict[str, tuple[float, str]]:
    """Per link: the volume-weighted mean speed of its lanes' readings (km/h) and its congestion
    level (원활/서행/정체 by road class). A link nobody crossed is at a standstill when its loops were
    mostly covered (a queue standing on them), else free-flowing at its limit."""
    totals: dict[str, list[float]] = {}
    for r in readings:
        acc = totals.setdefault(r.edge, [0.0, 0.0, 0.0, 0.0])  # speed × volume, volume, occupancy, lanes
        if r.volume and r.speed_kmh is not None:
            acc[0] += r.speed_kmh * r.volume
            acc[1] += r.volume
        acc[2] += r.occupancy_pct
        acc[3] += 1
    out = {}
    for edge, (weighted, volume, occupancy, lanes) in totals.items():
        limit = info.edge_speeds.get(edge, 13.89) * 3.6
        if volume:
            speed = round(weighted / volume, 1)
        elif occupancy / lanes >= STANDSTILL_OCCUPANCY_PCT:
            speed = 0.0
        else:
            speed = round(limit, 1)
        out[edge] = (speed, congestion_level(speed, road_class(limit)))
    return out


@dataclass(frozen=True)
class LinkState:
    speed_kmh: float
    occupancy_pct: float  # mean over the link's lanes
    volume: int  # vehicles over all lanes in the interval
    level: str


def link_states(
    limits_kmh: dict[str, float],
    readings: list[VdsReading],
    *,
    thresholds: dict | None = None,
    occupancy_thresholds: tuple[float, float] | None = None,
) -> dict[str, LinkState]:
    """Per link, from one interval's readings of its lanes: the volume-weighted speed (a link nobody
    crossed: 0 when its loops were mostly covered, else its limit), the mean occupancy, the volume,
    and the level ``congestion.link_level`` gives (the worse of speed and occupancy)."""
    from .congestion import link_level

    totals: dict[str, list[float]] = {}
    for r in readings:
        acc = totals.setdefault(r.edge, [0.0, 0.0, 0.0, 0.0])
        if r.volume and r.speed_kmh is not None:
            acc[0] += r.speed_kmh * r.volume
            acc[1] += r.volume
        acc[2] += r.occupancy_pct
        acc[3] += 1
    out = {}
    for edge, (weighted, volume, occupancy, lanes) in totals.items():
        limit = limits_kmh.get(edge, 50.0)
        mean_occupancy = round(occupancy / lanes, 1)
        if volume:
            speed = round(weighted / volume, 1)
        elif mean_occupancy >= STANDSTILL_OCCUPANCY_PCT:
            speed = 0.0
        else:
            speed = round(limit, 1)
        level = link_level(
            speed,
            mean_occupancy,
            road_class(limit),
            thresholds=thresholds,
            occupancy_thresholds=occupancy_thresholds,
        )
        out[edge] = LinkState(speed, mean_occupancy, int(volume), level)
    return out
