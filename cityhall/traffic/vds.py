"""The detectors' (VDS, 차량검지기) wire contract over MQTT: topic, payload, validation (ADR 0028).

A vehicle detection station reports each of its loops (one per lane) every 30 s, as the field's VDS
do, on the telemetry pipeline's broker and topic scheme (ADR 0007)::

    cityhall/v1/traffic/{detector_id}/vds        detector → platform    QoS 1

    {"detector_id": "vds-A0B0_0", "ts": "2025-06-01T08:00:30Z", "interval_s": 30,
     "volume": 7, "speed_kmh": 41.3, "occupancy_pct": 12.5, "simulated": true}

- ``ts`` is the end of the counting interval (device time, with a zone); ``interval_s`` its length.
  The reading is the detector's for that interval: ``(detector_id, ts)`` is its identity, so a
  redelivered or repeated report is stored once (the first one stays).
- ``volume``: vehicles that crossed the loop (0–200 in an interval: more than 6 a second is a
  fault); ``speed_kmh``: their mean speed (0–250), ``null`` or absent when nobody crossed, and then
  required when somebody did; ``occupancy_pct``: the share of the interval the loop was covered.
- Strict types as the lamp telemetry's (``true`` is not a number, ``"7"`` is not a volume, no
  ``NaN``); unknown extra fields are ignored.

``parse_vds`` decodes with msgspec (types and ranges checked while decoding) and turns msgspec's
error into a stable reason code (``telemetry.choices.Reason``) and a Korean message; it never raises.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import msgspec

from cityhall.telemetry.choices import Reason
from cityhall.telemetry.validation import EARLIEST_TS, MAX_CLOCK_SKEW, MAX_PAYLOAD_BYTES, Rejection

from . import envelope
from .envelope import TOPIC_PREFIX

SUBSCRIPTION = f"{TOPIC_PREFIX}/+/vds"
MAX_VOLUME = 200
MAX_SPEED_KMH = 250.0
INTERVAL_RANGE_S = (10, 300)


def vds_topic(detector_id: str) -> str:
    return f"{TOPIC_PREFIX}/{detector_id}/vds"


class VdsWire(msgspec.Struct, forbid_unknown_fields=False):
    """A report as sent: strict types and ranges, checked by msgspec as it decodes."""

    detector_id: str
    ts: str
    volume: Annotated[int, msgspec.Meta(ge=0, le=MAX_VOLUME)]
    occupancy_pct: Annotated[float, msgspec.Meta(ge=0, le=100)]
    interval_s: Annotated[int, msgspec.Meta(ge=INTERVAL_RANGE_S[0], le=INTERVAL_RANGE_S[1])] = 30
    speed_kmh: Annotated[float, msgspec.Meta(ge=0, le=MAX_SPEED_KMH)] | None = None
    simulated: bool = False


class VdsReport(msgspec.Struct, frozen=True):
    """A valid report, ready to be stored (``ts`` aware UTC)."""

    detector_id: str
    ts: datetime
    interval_s: int
    volume: int
    speed_kmh: float | None
    occupancy_pct: float
    simulated: bool


CONTRACT = envelope.Contract(
    suffix="vds",
    noun="검지기",
    id_field="detector_id",
    decoder=msgspec.json.Decoder(VdsWire),
    max_bytes=MAX_PAYLOAD_BYTES,
)
_ENCODER = msgspec.json.Encoder()


def encode(report: VdsWire) -> bytes:
    return _ENCODER.encode(report)


def parse_vds(
    topic: str, payload: bytes, known: set[str] | None = None, *, now: datetime | None = None
) -> VdsReport | Rejection:
    """One message's verdict: the report, or why it is refused (``known``: the registry's detector
    IDs; None accepts any well-formed ID)."""
    now = now or datetime.now(UTC)
    wire = envelope.open_message(CONTRACT, topic, payload, known)
    if isinstance(wire, Rejection):
        return wire
    verdict = _check(wire, now)
    if isinstance(verdict, Rejection):
        return Rejection(verdict.reason, verdict.message, verdict.field, wire.detector_id)
    return verdict


def _check(wire: VdsWire, now: datetime) -> VdsReport | Rejection:
    try:
        ts = datetime.fromisoformat(wire.ts)
    except ValueError:
        return Rejection(Reason.BAD_TIMESTAMP, f"'ts' 값 {wire.ts!r}은(는) ISO-8601 시각이 아닙니다.", "ts")
    if ts.tzinfo is None or ts.utcoffset() is None:
        return Rejection(Reason.BAD_TIMESTAMP, f"'ts' 값 {wire.ts!r}에 시간대가 없습니다.", "ts")
    ts = ts.astimezone(UTC)
    if ts < EARLIEST_TS:
        return Rejection(
            Reason.BAD_TIMESTAMP, f"'ts' 값 {wire.ts!r}은(는) 시계가 설정되지 않은 시각입니다.", "ts"
        )
    if ts > now + MAX_CLOCK_SKEW:
        return Rejection(
            Reason.TS_IN_FUTURE, f"'ts' 값 {wire.ts!r}이(가) 수신 시각보다 5분 넘게 앞섭니다.", "ts"
        )
    if wire.volume and wire.speed_kmh is None:
        return Rejection(
            Reason.MISSING_FIELD, f"차량 {wire.volume}대가 지났는데 'speed_kmh'가 없습니다.", "speed_kmh"
        )
    if not wire.volume and wire.speed_kmh is not None:
        return Rejection(
            Reason.OUT_OF_RANGE,
            "지난 차량이 0대인데 'speed_kmh'가 있습니다 (null이어야 합니다).",
            "speed_kmh",
        )
    return VdsReport(
        detector_id=wire.detector_id,
        ts=ts,
        interval_s=wire.interval_s,
        volume=wire.volume,
        speed_kmh=wire.speed_kmh,
        occupancy_pct=wire.occupancy_pct,
        simulated=wire.simulated,
    )
