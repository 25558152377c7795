"""Detector fault rules (검지기 장애 판정), plain functions over a detector's recent intervals (ADR 0029).

Each rule looks at one detector — a VDS loop or a DSRC reader — and says whether it shows its fault:

- ``stuck``: the last ``n`` readings identical and not empty (a loop reporting the same non-zero
  volume, speed and occupancy interval after interval has frozen; an empty road reports zeros, which
  is not a fault);
- ``impossible``: the newest reading's speed above ``max_speed_kmh``, occupancy above 100 % or a
  volume above ``max_flow_veh_h`` per lane (scaled to the interval);
- ``silent``: no report for more than ``n`` intervals.

Thresholds are settings (``TRAFFIC_DETECTOR_FAULTS``). The defaults are examples in the spirit of the
data-quality checks of loop-detector archives (Caltrans PeMS' diagnostics: constant values, high
flow, missing samples; the 3,000 veh/h/lane flow ceiling and 200 km/h speed ceiling are ours for
urban signalised links), not figures an authority prescribes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

STUCK, IMPOSSIBLE, SILENT = "stuck", "impossible", "silent"
KIND_LABELS = {
    STUCK: _("검지기 측정값 고정"),
    IMPOSSIBLE: _("검지기 불가능한 측정값"),
    SILENT: _("검지기 통신 두절"),
}


@dataclass(frozen=True)
class Thresholds:
    stuck_intervals: int = 10  # 5 minutes of 30-s intervals
    silent_intervals: int = 10
    max_speed_kmh: float = 200.0
    max_flow_veh_h: float = 3000.0  # per lane

    @classmethod
    def from_settings(cls, value: dict | None) -> Thresholds:
        return cls(**(value or {}))


@dataclass(frozen=True)
class Reading:
    ts: datetime
    volume: int
    speed_kmh: float | None
    occupancy_pct: float
    interval_s: int = 30


def stuck(readings: list[Reading], n: int) -> bool:
    """The newest ``n`` readings (``readings`` oldest first) all the same, and not an empty road."""
    if n < 2 or len(readings) < n:
        return False
    last = readings[-n:]
    values = {(r.volume, r.speed_kmh, r.occupancy_pct) for r in last}
    if len(values) != 1:
        return False
    volume, _speed, occupancy = values.pop()
    return bool(volume or occupancy)


def impossible(reading: Reading, t: Thresholds) -> bool:
    """A value no working loop reports."""
    if reading.speed_kmh is not None and reading.speed_kmh > t.max_speed_kmh:
        return True
    if reading.occupancy_pct > 100 or reading.occupancy_pct < 0:
        return True
    return reading.volume > t.max_flow_veh_h * reading.interval_s / 3600


def silent(last_ts: datetime | None, now: datetime, n: int, interval_s: int = 30) -> bool:
    """No report for more than ``n`` intervals (``last_ts`` None: never heard — not judged here)."""
    return last_ts is not None and now - last_ts > timedelta(seconds=n * interval_s)


def vds_faults(readings: list[Reading], now: datetime, t: Thresholds) -> set[str]:
    """A VDS loop's faults now, from its recent readings (oldest first)."""
    found = set()
    if readings and silent(readings[-1].ts, now, t.silent_intervals, readings[-1].interval_s):
        found.add(SILENT)
    if stuck(readings, t.stuck_intervals):
        found.add(STUCK)
    if readings and impossible(readings[-1], t):
        found.add(IMPOSSIBLE)
    return found


def reader_faults(last_ts: datetime | None, now: datetime, t: Thresholds, interval_s: int = 30) -> set[str]:
    """A DSRC reader's faults: silence (its reports are its heartbeat; a reader seeing nobody still
    reports an empty list)."""
    return {SILENT} if silent(last_ts, now, t.silent_intervals, interval_s) else set()
