"""DSRC roadside readers (노변기지국): their wire contract over MQTT, the keyed hash that stands in for an
on-board unit's ID, and the pure rules that turn sightings into link travel times (ADR 0029).

A reader reports every 30 s the equipped vehicles it saw in the interval::

    cityhall/v1/traffic/{reader_id}/dsrc        reader → platform    QoS 1

    {"reader_id": "dsrc-A0A1", "ts": "2025-06-01T08:00:30Z", "interval_s": 30,
     "passes": [{"obu_id": "OBU-0012AB", "ts": "2025-06-01T08:00:12.4Z"}], "simulated": true}

- ``ts`` is the interval's end; ``(reader_id, ts)`` identifies the report (a repeat is a duplicate,
  and the report is the reader's heartbeat even when ``passes`` is empty); each pass is identified by
  (reader, hashed OBU, pass time), so a redelivered report stores nothing twice.
- The OBU ID is personal data (a vehicle's identifier, 개인정보 보호법 §2): it is never stored. The
  ingester replaces it at once by ``obu_hash`` — HMAC-SHA-256 under a key of the day (Seoul date of the
  pass), derived from ``CITYHALL_DSRC_HASH_KEY`` (else ``SECRET_KEY``) — so passes match within a day
  and not across days, and nobody without the key can go back to the ID.
- Strict types as VDS (msgspec); at most ``MAX_PASSES`` passes, each within the interval (a clock
  tolerance of 2 s).

Travel times: ``match_pairs`` pairs each hashed OBU's consecutive sightings at the two readers of a
segment; ``aggregate`` takes one segment's pairs of one interval, drops the implausible ones (faster
than ``max_kmh``, slower than ``min_kmh`` — a vehicle that stopped off-route — then those further than
``k`` robust deviations from the median: the Hampel identifier) and gives the median of the rest.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

import msgspec

from cityhall.telemetry.choices import Reason
from cityhall.telemetry.validation import EARLIEST_TS, MAX_CLOCK_SKEW, Rejection

from . import envelope
from .envelope import TOPIC_PREFIX

SUBSCRIPTION = f"{TOPIC_PREFIX}/+/dsrc"
MAX_PASSES = 500
MAX_PAYLOAD_BYTES = 64 * 1024
PASS_TOLERANCE = timedelta(seconds=2)
SEOUL = ZoneInfo("Asia/Seoul")


def dsrc_topic(reader_id: str) -> str:
    return f"{TOPIC_PREFIX}/{reader_id}/dsrc"


class PassWire(msgspec.Struct, forbid_unknown_fields=False):
    obu_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    ts: str


class DsrcWire(msgspec.Struct, forbid_unknown_fields=False):
    reader_id: str
    ts: str
    passes: Annotated[list[PassWire], msgspec.Meta(max_length=MAX_PASSES)]
    interval_s: Annotated[int, msgspec.Meta(ge=10, le=300)] = 30
    simulated: bool = False


class DsrcReport(msgspec.Struct, frozen=True):
    """A valid report: the raw OBU IDs already replaced by their hashes."""

    reader_id: str
    ts: datetime
    interval_s: int
    passes: tuple[tuple[str, datetime], ...]  # (obu_hash, pass time)
    simulated: bool


CONTRACT = envelope.Contract(
    suffix="dsrc",
    noun="기지국",
    id_field="reader_id",
    decoder=msgspec.json.Decoder(DsrcWire),
    max_bytes=MAX_PAYLOAD_BYTES,
)
_ENCODER = msgspec.json.Encoder()


def encode(report: DsrcWire) -> bytes:
    return _ENCODER.encode(report)


# -- the OBU's keyed hash ----------------------------------------------------------------------------


def day_key(secret: str, day: date) -> bytes:
    """The hashing key of a (Seoul) day: a new one every day, so hashes do not link days."""
    return hmac.new(secret.encode(), f"cityhall.dsrc:{day.isoformat()}".encode(), hashlib.sha256).digest()


def obu_hash(obu_id: str, at: datetime, secret: str) -> str:
    """32 hex characters standing in for ``obu_id`` on the Seoul day of ``at``."""
    key = day_key(secret, at.astimezone(SEOUL).date())
    return hmac.new(key, obu_id.encode(), hashlib.sha256).hexdigest()[:32]


# An OBU ID's value in a payload as received, well-formed or not: a string up to its closing quote (or
# the payload's end), or any other value up to the next comma or bracket.
_OBU_ID_VALUE = re.compile(rb'("obu_id"\s*:\s*)(?:"(?:[^"\\]|\\.)*"?|[^,}\]\s]+)')
_REDACTED = '"(삭제)"'.encode()


def redact(payload: bytes) -> bytes:
    """``payload`` with every OBU ID's value replaced, for keeping a refused report as a dead letter:
    the ID is personal data and is never stored, whatever was wrong with the message."""
    return _OBU_ID_VALUE.sub(lambda m: m.group(1) + _REDACTED, payload)


def _parse_ts(value: str, field: str) -> datetime | Rejection:
    try:
        ts = datetime.fromisoformat(value)
    except ValueError:
        return Rejection(
            Reason.BAD_TIMESTAMP, f"'{field}' 값 {value!r}은(는) ISO-8601 시각이 아닙니다.", field
        )
    if ts.tzinfo is None or ts.utcoffset() is None:
        return Rejection(Reason.BAD_TIMESTAMP, f"'{field}' 값 {value!r}에 시간대가 없습니다.", field)
    ts = ts.astimezone(UTC)
    if ts < EARLIEST_TS:
        return Rejection(
            Reason.BAD_TIMESTAMP, f"'{field}' 값 {value!r}은(는) 시계가 설정되지 않은 시각입니다.", field
        )
    return ts


def parse_dsrc(
    topic: str,
    payload: bytes,
    known: set[str] | None = None,
    *,
    secret: str,
    now: datetime | None = None,
) -> DsrcReport | Rejection:
    """One message's verdict: the report (OBU IDs hashed), or why it is refused. Never raises."""
    now = now or datetime.now(UTC)
    wire = envelope.open_message(CONTRACT, topic, payload, known)
    if isinstance(wire, Rejection):
        return wire
    verdict = _check(wire, secret, now)
    if isinstance(verdict, Rejection):
        return Rejection(verdict.reason, verdict.message, verdict.field, wire.reader_id)
    return verdict


def _check(wire: DsrcWire, secret: str, now: datetime) -> DsrcReport | Rejection:
    ts = _parse_ts(wire.ts, "ts")
    if isinstance(ts, Rejection):
        return ts
    if ts > now + MAX_CLOCK_SKEW:
        return Rejection(
            Reason.TS_IN_FUTURE, f"'ts' 값 {wire.ts!r}이(가) 수신 시각보다 5분 넘게 앞섭니다.", "ts"
        )
    start = ts - timedelta(seconds=wire.interval_s) - PASS_TOLERANCE
    passes = []
    for i, p in enumerate(wire.passes):
        at = _parse_ts(p.ts, f"passes[{i}].ts")
        if isinstance(at, Rejection):
            return at
        if not start <= at <= ts + PASS_TOLERANCE:
            return Rejection(
                Reason.OUT_OF_RANGE,
                f"'passes[{i}].ts' 값 {p.ts!r}이(가) 보고 구간({wire.interval_s}초) 밖입니다.",
                f"passes[{i}].ts",
            )
        passes.append((obu_hash(p.obu_id, at, secret), at))
    return DsrcReport(wire.reader_id, ts, wire.interval_s, tuple(passes), wire.simulated)


# -- travel times ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sighting:
    reader: str
    obu: str  # hashed
    t: float  # seconds (epoch or simulation)


@dataclass(frozen=True)
class Pair:
    upstream: str
    downstream: str
    obu: str
    t_up: float
    t_down: float

    @property
    def travel_s(self) -> float:
        return self.t_down - self.t_up


def match_pairs(sightings: list[Sighting], segments: set[tuple[str, str]]) -> list[Pair]:
    """Each OBU's consecutive sightings (in time order) whose readers bound a segment (upstream,
    downstream): one pair per such step. A sighting at a third reader in between breaks the pair (the
    vehicle went elsewhere), and a repeated sighting at the same reader keeps the latest."""
    by_obu: dict[str, list[Sighting]] = {}
    for s in sorted(sightings, key=lambda s: (s.obu, s.t, s.reader)):
        by_obu.setdefault(s.obu, []).append(s)
    pairs = []
    for obu, seen in by_obu.items():
        for prev, nxt in zip(seen, seen[1:], strict=False):
            if (prev.reader, nxt.reader) in segments and nxt.t > prev.t:
                pairs.append(Pair(prev.reader, nxt.reader, obu, prev.t, nxt.t))
    return pairs


@dataclass(frozen=True)
class TravelTime:
    samples: int  # pairs given
    used: int  # pairs kept
    median_s: float | None  # None when fewer than ``min_samples`` were kept
    speed_kmh: float | None


def aggregate(
    travel_s: list[float],
    length_m: float,
    *,
    max_kmh: float = 150.0,
    min_kmh: float = 3.0,
    k: float = 3.0,
    min_samples: int = 3,
) -> TravelTime:
    """One segment's travel time for one interval from its pairs' travel times (seconds):
    1. drop pairs faster than ``max_kmh`` or slower than ``min_kmh`` over ``length_m`` (impossible, or
       a vehicle that stopped or went off-route between the readers);
    2. drop pairs further from the median than ``k`` × 1.4826 × MAD (Hampel identifier; MAD the median
       absolute deviation, 1.4826 makes it a standard deviation for normal data), with a floor of 10 %
       of the median so that identical times do not reject every other one;
    3. the median of the rest, if at least ``min_samples`` are left."""
    shortest = length_m / (max_kmh / 3.6)
    longest = length_m / (min_kmh / 3.6)
    plausible = [t for t in travel_s if shortest <= t <= longest]
    if not plausible:
        return TravelTime(len(travel_s), 0, None, None)
    median = statistics.median(plausible)
    mad = statistics.median(abs(t - median) for t in plausible)
    band = max(k * 1.4826 * mad, 0.1 * median)
    kept = [t for t in plausible if abs(t - median) <= band]
    if len(kept) < min_samples:
        return TravelTime(len(travel_s), len(kept), None, None)
    result = statistics.median(kept)
    return TravelTime(len(travel_s), len(kept), round(result, 1), round(length_m / result * 3.6, 1))
