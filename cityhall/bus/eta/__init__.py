"""Bus arrival predictions (도착 예정 정보): the interface shared with the bus app, and its predictors.

Pure Python and NumPy: no Django models, no database. The bus app stores one ``SegmentTravel`` per bus
and segment from its AVL stop events, fits ``default_predictor()`` from that history and asks it for
arrivals; ``cityhall bench eta`` measures it against the historical-average baseline on simulated days
(모의). See docs/bus-eta.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class SegmentTravel:
    """One bus driving from stop i to stop i+1 of a route pattern (구간 운행 시간)."""

    route_id: str
    segment_index: int  # i (stop sequence index of the segment's start, 0-based)
    departed_at: datetime  # tz-aware, departure from stop i
    travel_s: float  # seconds until arrival at stop i+1 (dwell at stop i excluded)
    # Added field: the dwell at stop i before this departure (정차 시간), when the AVL saw the door
    # events; lets a predictor learn dwell times per stop from the same history.
    dwell_s: float | None = None
    # Added field: the bus that drove it, so a predictor can learn this bus's pace on its trip so far
    # (a driver, a vehicle); empty when unknown.
    vehicle_id: str = ""


@dataclass(frozen=True)
class VehicleState:
    """Where a bus is, as far as its predictions need to know."""

    route_id: str
    vehicle_id: str
    last_stop_index: int  # last stop served
    departed_at: datetime  # when it left that stop
    observed_at: datetime  # last AVL report (a stale state is dropped by the caller)


@dataclass(frozen=True)
class SignalTiming:
    """A traffic signal on a segment, as its timing plan (신호 운영계획) runs it for the bus's movement:
    a fixed cycle that starts with the red. Seconds are seconds of the day (local time)."""

    share: float  # where on the segment: its share (0–1) of the way from the first stop to the next
    cycle_s: float
    red_s: float  # red (and amber) for the bus's movement at the start of every cycle
    offset_s: float  # a cycle starts at offset_s + k · cycle_s

    def wait_s(self, at_s: float, lost_s: float = 0.0) -> float:
        """How long a bus reaching the stop line at ``at_s`` waits: the rest of the red, if red.
        ``lost_s`` lengthens the red by the queue's start-up lost time (the effective red)."""
        into = (at_s - self.offset_s) % self.cycle_s
        red = self.red_s + lost_s
        return red - into if into < red else 0.0


# The signals of each segment in the order the bus meets them, by (route_id, segment_index).
Signals = Mapping[tuple[str, int], tuple[SignalTiming, ...]]


class Predictor(Protocol):
    name: str

    def fit(self, history: Iterable[SegmentTravel]) -> None: ...

    def observe(self, travel: SegmentTravel) -> None: ...  # live update, same day

    def predict(self, vehicle: VehicleState, to_stop_index: int, now: datetime) -> float:
        """Seconds from ``now`` until arrival at ``to_stop_index`` (> ``last_stop_index``)."""
        ...


def default_predictor(
    dwell_s: Mapping[tuple[str, int], float] | None = None, signals: Signals | None = None
) -> Predictor:
    """The better model: segment times from the historical profile, corrected by a Kalman filter
    from the same day's buses ahead, and the waits at the signals whose timing plans are known.
    ``HistoricalAverage`` is the baseline with the same interface."""
    from cityhall.bus.eta.predictors import KalmanPredictor

    return KalmanPredictor(dwell_s=dwell_s, signals=signals)


__all__ = ["Predictor", "SegmentTravel", "SignalTiming", "Signals", "VehicleState", "default_predictor"]
