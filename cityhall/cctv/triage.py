"""Triage of analytics events, as pure functions: read and check one event off the wire, score it
(severity with its reasons), hold back a camera that fires too often (rate limit) and recognise
suppressed zones and hours. No database here: ``services.events_triage`` feeds these with the
registry and writes the result.

The wire shape follows ONVIF's analytics events (``tt:Message`` with a ``UtcTime``, the rule that fired
and the source video channel), flattened to JSON::

    {"id": "vms-7f3a…", "camera": "CAM-00017", "rule": "zone-1", "type": "intrusion",
     "confidence": 0.87, "time": "2025-06-01T23:30:00+09:00", "snapshot": "vms://…/17/…jpg"}

The intake (webhook or publisher) notes when the event arrived (the ``Cityhall-Received-At`` header on
the stream, epoch seconds): the arrival-to-wall clock starts there.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import msgspec
from django.utils.translation import gettext as _

from .choices import EventKind

SEOUL = ZoneInfo("Asia/Seoul")
EVENT_ID_MAX = 64
RULE_MAX = 64
SNAPSHOT_MAX = 300
PAYLOAD_MAX = 8192  # bytes of one event on the wire
#: How far ahead of the intake's clock an event's time may be (camera clocks drift a little).
FUTURE_SKEW = timedelta(seconds=30)
#: Older events are history, not something for the wall (a VMS replaying its buffer after an outage).
MAX_AGE = timedelta(days=1)
_ID = re.compile(r"^[A-Za-z0-9._:\-]+$")

# -- the score ---------------------------------------------------------------------------------------

#: Points by event type: harm to people first (fire, violence, a person down), then property and traffic.
KIND_POINTS: dict[str, int] = {
    EventKind.FIRE_SMOKE: 60,
    EventKind.FIGHT: 50,
    EventKind.FALL: 50,
    EventKind.INTRUSION: 40,
    EventKind.WRONG_WAY: 35,
    EventKind.CROWD: 25,
    EventKind.ABANDONED: 25,
    EventKind.LOITERING: 20,
}
NIGHT_POINTS = 15  # 22:00–06:00 Asia/Seoul: few passers-by, most crimes (심야)
EVENING_POINTS = 5  # 18:00–22:00
RISK_POINTS = 5  # per step of the site's risk above 1 (risk 1 → 0, risk 5 → 20)
SCORE_MAX = 100


@dataclass(frozen=True, slots=True)
class Reason:
    factor: str  # type | time | site | confidence
    label: str
    points: int

    def as_dict(self) -> dict:
        return {"factor": self.factor, "label": self.label, "points": self.points}


@dataclass(frozen=True, slots=True)
class Severity:
    score: int
    reasons: tuple[Reason, ...]


def _half_up(value: float) -> int:
    return int(math.floor(value + 0.5 + 1e-9))


def _hour_bucket(hour: int) -> str:
    if hour >= 22 or hour < 6:
        return "night"
    if hour >= 18:
        return "evening"
    return "day"


def _hour_reason(bucket: str) -> tuple[int, str]:
    if bucket == "night":
        return NIGHT_POINTS, _("심야(22~06시)")
    if bucket == "evening":
        return EVENING_POINTS, _("저녁(18~22시)")
    return 0, _("주간(06~18시)")


def time_points(moment: datetime) -> tuple[int, str]:
    return _hour_reason(_hour_bucket(moment.astimezone(SEOUL).hour))


class Scorer:
    """``severity`` for a batch: the same arithmetic, with the translated labels looked up once per
    (type, hour band, site risk) instead of once per event (the worker scores thousands a second)."""

    def __init__(self) -> None:
        self._fixed: dict[tuple[str, str, int], tuple[int, tuple[Reason, Reason, Reason]]] = {}
        self._confidence = _("신뢰도 %(c).2f 반영")

    def score(self, *, kind: str, occurred_at: datetime, site_risk: int, confidence: float) -> Severity:
        bucket = _hour_bucket(occurred_at.astimezone(SEOUL).hour)
        key = (kind, bucket, site_risk)
        fixed = self._fixed.get(key)
        if fixed is None:
            kind_pts = KIND_POINTS[kind]
            hour_pts, hour_label = _hour_reason(bucket)
            risk_pts = (max(1, min(5, site_risk)) - 1) * RISK_POINTS
            reasons = (
                Reason("type", str(EventKind(kind).label), kind_pts),
                Reason("time", hour_label, hour_pts),
                Reason("site", _("개소 위험도 %(risk)d") % {"risk": site_risk}, risk_pts),
            )
            fixed = self._fixed[key] = (kind_pts + hour_pts + risk_pts, reasons)
        subtotal, reasons = fixed
        score = min(SCORE_MAX, _half_up(subtotal * confidence))
        tail = Reason("confidence", self._confidence % {"c": confidence}, score - subtotal)
        return Severity(score, (*reasons, tail))


def severity(*, kind: str, occurred_at: datetime, site_risk: int, confidence: float) -> Severity:
    """위험 점수 0~100: (type + time of day + site risk) × confidence, rounded half up, capped at 100.
    The reasons add up to the score: the confidence's reason carries what it took away."""
    return Scorer().score(kind=kind, occurred_at=occurred_at, site_risk=site_risk, confidence=confidence)


# -- one event off the wire ---------------------------------------------------------------------------


class WireEvent(msgspec.Struct, forbid_unknown_fields=True):
    id: str
    camera: str
    type: str
    confidence: float
    time: datetime
    rule: str = ""
    snapshot: str = ""
    simulated: bool = False


_decoder = msgspec.json.Decoder(WireEvent)
_list_decoder = msgspec.json.Decoder(list[msgspec.Raw])
encoder = msgspec.json.Encoder()


@dataclass(frozen=True, slots=True)
class Problem:
    """Why an event was refused: ``reason`` is a telemetry dead-letter reason, ``field`` the JSON key."""

    reason: str
    field: str
    message: str


@dataclass(frozen=True, slots=True)
class CameraInfo:
    id: int
    site_id: int
    site_risk: int
    active: bool


_MSGSPEC_PATH = re.compile(r"at `\$\.?([A-Za-z_]*)")


def _decode_problem(exc: msgspec.MsgspecError) -> Problem:
    text = str(exc)
    where = _MSGSPEC_PATH.search(text)
    name = where.group(1) if where else ""
    if not isinstance(exc, msgspec.ValidationError):  # (a ValidationError is a DecodeError too)
        return Problem("malformed_json", "", _("JSON으로 읽을 수 없습니다: %(e)s") % {"e": text})
    if text.startswith("Object missing required field"):
        missing = text.split("`")[1] if "`" in text else ""
        return Problem("missing_field", missing, _("필수 항목 '%(f)s'이(가) 없습니다.") % {"f": missing})
    if text.startswith("Object contains unknown field"):
        unknown = text.split("`")[1] if "`" in text else ""
        return Problem("wrong_type", unknown, _("알 수 없는 항목 '%(f)s'이(가) 있습니다.") % {"f": unknown})
    if name == "time":
        return Problem(
            "bad_timestamp",
            "time",
            _("time은 시간대가 있는 ISO 8601 시각이어야 합니다 (%(e)s).") % {"e": text},
        )
    if text.startswith("Expected `object`"):
        return Problem("not_an_object", "", _("이벤트는 JSON 객체여야 합니다."))
    return Problem("wrong_type", name, _("'%(f)s'의 자료형이 맞지 않습니다: %(e)s") % {"f": name, "e": text})


def decode(payload: bytes) -> WireEvent | Problem:
    if len(payload) > PAYLOAD_MAX:
        return Problem(
            "payload_too_large", "", _("이벤트 하나는 %(n)d바이트 이내여야 합니다.") % {"n": PAYLOAD_MAX}
        )
    try:
        return _decoder.decode(payload)
    except msgspec.MsgspecError as exc:
        return _decode_problem(exc)


def check(event: WireEvent, cameras: dict[str, CameraInfo], now: datetime) -> CameraInfo | Problem:
    """The rules beyond the shape: a known, working camera; a type we score; times that make sense."""
    if not event.id or len(event.id) > EVENT_ID_MAX or not _ID.match(event.id):
        return Problem(
            "out_of_range",
            "id",
            _("id는 영문·숫자·._:- 로 된 %(n)d자 이내의 값이어야 합니다.") % {"n": EVENT_ID_MAX},
        )
    camera = cameras.get(event.camera)
    if camera is None:
        return Problem(
            "unknown_device", "camera", _("등록되지 않은 카메라입니다: %(c)s") % {"c": event.camera[:40]}
        )
    if not camera.active:
        return Problem(
            "unknown_device", "camera", _("운영 중이 아닌 카메라입니다: %(c)s") % {"c": event.camera}
        )
    if event.type not in KIND_POINTS:
        return Problem(
            "out_of_range",
            "type",
            _("알 수 없는 이벤트 유형입니다: %(t)s (가능: %(all)s)")
            % {"t": event.type[:40], "all": ", ".join(KIND_POINTS)},
        )
    if not (0.0 <= event.confidence <= 1.0) or math.isnan(event.confidence):
        return Problem("out_of_range", "confidence", _("confidence는 0~1 사이여야 합니다."))
    if event.time.tzinfo is None:
        return Problem("bad_timestamp", "time", _("time에 시간대(예: +09:00 또는 Z)가 없습니다."))
    if event.time > now + FUTURE_SKEW:
        return Problem(
            "ts_in_future",
            "time",
            _("발생 시각이 미래입니다: %(t)s") % {"t": event.time.astimezone(SEOUL).isoformat()},
        )
    if event.time < now - MAX_AGE:
        return Problem("out_of_range", "time", _("발생한 지 하루가 넘은 이벤트는 받지 않습니다."))
    if len(event.rule) > RULE_MAX:
        return Problem("out_of_range", "rule", _("rule은 %(n)d자 이내여야 합니다.") % {"n": RULE_MAX})
    if len(event.snapshot) > SNAPSHOT_MAX:
        return Problem(
            "out_of_range", "snapshot", _("snapshot은 %(n)d자 이내여야 합니다.") % {"n": SNAPSHOT_MAX}
        )
    return camera


# -- rate limits and suppression --------------------------------------------------------------------


@dataclass
class RateLimiter:
    """Per-camera token bucket: ``burst`` events at once, refilled at ``per_minute``. A camera beyond it
    (a tree in the wind, a flickering lamp) still has its events stored, as 'throttled', off the wall.

    This is the arithmetic; ``services.TriageContext`` keeps the buckets: shared through the
    database, or in the memory of the one worker that receives a camera's events."""

    per_minute: float = 12.0
    burst: int = 10
    _buckets: dict[int, tuple[float, float]] = field(default_factory=dict)

    def allow(self, camera_id: int, now: float) -> bool:
        tokens, last = self._buckets.get(camera_id, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.per_minute / 60.0)
        if tokens < 1.0:
            self._buckets[camera_id] = (tokens, now)
            return False
        self._buckets[camera_id] = (tokens - 1.0, now)
        return True


@dataclass(frozen=True, slots=True)
class SuppressionRule:
    id: int
    camera_id: int | None
    site_id: int | None
    rule: str
    kinds: frozenset[str]
    start: time | None
    end: time | None
    valid_until: datetime | None
    reason: str


def in_hours(local: time, start: time | None, end: time | None) -> bool:
    """``start``–``end`` (end exclusive), crossing midnight when ``start`` > ``end``; none = all day."""
    if start is None or end is None:
        return True
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def suppressed_by(
    rules: list[SuppressionRule], *, camera: CameraInfo, rule: str, kind: str, occurred_at: datetime
) -> SuppressionRule | None:
    local = occurred_at.astimezone(SEOUL).time()
    for candidate in rules:
        if candidate.camera_id is not None and candidate.camera_id != camera.id:
            continue
        if candidate.camera_id is None and candidate.site_id != camera.site_id:
            continue
        if candidate.rule and candidate.rule != rule:
            continue
        if candidate.kinds and kind not in candidate.kinds:
            continue
        if candidate.valid_until is not None and occurred_at >= candidate.valid_until:
            continue
        if in_hours(local, candidate.start, candidate.end):
            return candidate
    return None


def epoch(moment: datetime) -> float:
    return moment.timestamp()


def from_epoch(value: float) -> datetime:
    return datetime.fromtimestamp(value, tz=UTC)
