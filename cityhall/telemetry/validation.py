"""Parsing and validating telemetry messages: pure functions, no database (ADR 0007).

``parse_payload`` returns either a ``ParsedReading`` or a ``Rejection`` with a stable reason code (for
machines and the dead-letter store) and a Korean message that says what was wrong and where. It never
raises on bad input. ``parse_batch`` does the same for a gateway's batch message (a JSON array of
readings): one ``Rejection`` for a malformed batch, else one verdict per element, each exactly as if
the element had come alone on its device's single-reading topic.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, cast

import msgspec

from .choices import Reason
from .models import DEVICE_ID_MAX, MESSAGE_ID_MAX

TOPIC_PREFIX = "cityhall/v1/streetlights"
TOPIC_RE = re.compile(r"^cityhall/v1/streetlights/(?P<device>[^/]+)/telemetry$")
BATCH_TOPIC_RE = re.compile(r"^cityhall/v1/streetlights/(?P<gateway>[^/]+)/telemetry/batch$")
BATCH_SUFFIX = "/telemetry/batch"
DEVICE_ID_RE = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9_-]{{0,{DEVICE_ID_MAX - 1}}}$")
MESSAGE_ID_RE = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9_.:-]{{0,{MESSAGE_ID_MAX - 1}}}$")
FAULT_RE = re.compile(r"^[A-Z][A-Z0-9_]{0,31}$")

MAX_PAYLOAD_BYTES = 4096
# A gateway's batch message: at most this many readings and bytes (each reading also at most 4,096).
MAX_BATCH_READINGS = 500
MAX_BATCH_BYTES = 256 * 1024
# energy_wh is stored in a 64-bit integer column: more would fail the INSERT (and stall the batch).
INT64_MAX = 2**63 - 1
MAX_FAULTS = 16
# A device clock may run a little ahead of ours; more than this is a clock fault, not telemetry.
MAX_CLOCK_SKEW = timedelta(minutes=5)
# Before this, the device clock was never set (RTC at 1970 after a power loss).
EARLIEST_TS = datetime(2000, 1, 1, tzinfo=UTC)

# name: (minimum, maximum or None), inclusive
RANGES: dict[str, tuple[float, float | None]] = {
    "dim": (0, 100),
    "power_w": (0, None),
    "energy_wh": (0, INT64_MAX),
    "voltage_v": (0, 300),
    "current_a": (0, None),
    "temperature_c": (-40, 90),
}
FLOAT_FIELDS = ("power_w", "voltage_v", "current_a", "temperature_c")
INT_FIELDS = ("dim", "energy_wh")
REQUIRED = ("msg_id", "device_id", "ts", "lamp_on", *INT_FIELDS, *FLOAT_FIELDS)


def telemetry_topic(device_id: str) -> str:
    return f"{TOPIC_PREFIX}/{device_id}/telemetry"


def batch_topic(gateway_id: str) -> str:
    """The topic a gateway (a base station) publishes its batch messages on."""
    return f"{TOPIC_PREFIX}/{gateway_id}{BATCH_SUFFIX}"


def is_batch_topic(topic: str) -> bool:
    return topic.endswith(BATCH_SUFFIX)


class ParsedReading(msgspec.Struct, frozen=True):
    """A valid reading, ready to be stored (field names as in ``models.Reading``). A msgspec Struct
    rather than a frozen dataclass: one is built per reading, and a frozen dataclass's ``__init__``
    costs ~10× as much."""

    device_id: str
    message_id: str
    ts: datetime
    lamp_on: bool
    dim: int
    power_w: float
    energy_wh: int
    voltage_v: float
    current_a: float
    temperature_c: float
    heartbeat: bool = False
    faults: tuple[str, ...] = ()
    simulated: bool = False


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why a message was not stored: ``reason`` is a ``choices.Reason`` value, ``message`` is Korean."""

    reason: str
    message: str
    field: str = ""
    device_id: str = ""


class _Reject(Exception):
    def __init__(self, reason: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.rejection = Rejection(reason, message, field)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name}은(는) JSON 숫자가 아닙니다")


# Built once: json.loads(..., parse_constant=...) would build a new decoder for every message.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


# -- the fast path ----------------------------------------------------------------------------------
#
# Nearly every message is a valid reading. The fast path decodes it with msgspec into ``_Wire`` (types
# and ranges checked in C as it decodes) and checks the rest (identifiers, time, faults) itself. It
# only ever *accepts*: whatever it does not accept at once — any decoding error, any failed check —
# goes through the reference path below (``_parse`` / ``_validate``, the json module), which gives
# the verdict with its reason and message. So the fast path can change no rejection; the tests check
# that it accepts exactly what the reference path accepts, with the same values.

_FLOAT_MAX = sys.float_info.max  # a finite float: msgspec refuses what would decode to infinity


def _range(name: str) -> msgspec.Meta:
    low, high = RANGES[name]
    return msgspec.Meta(ge=low, le=_FLOAT_MAX if high is None else high)


class _Wire(msgspec.Struct):
    """A reading as sent (ADR 0007), as msgspec decodes it: strict types (no bool for a number, no
    float for an integer, no null), ranges as ``RANGES``; unknown fields ignored."""

    msg_id: Annotated[int, msgspec.Meta(ge=0)] | str
    device_id: str
    ts: str
    lamp_on: bool
    dim: Annotated[int, _range("dim")]
    power_w: Annotated[float, _range("power_w")]
    energy_wh: Annotated[int, _range("energy_wh")]
    voltage_v: Annotated[float, _range("voltage_v")]
    current_a: Annotated[float, _range("current_a")]
    temperature_c: Annotated[float, _range("temperature_c")]
    heartbeat: bool = False
    simulated: bool = False
    faults: list[str] = msgspec.field(default_factory=list)


_WIRE = msgspec.json.Decoder(_Wire)
_RAW_ARRAY = msgspec.json.Decoder(list[msgspec.Raw])
_NO_FAULTS: tuple[str, ...] = ()


def _utf8(payload: bytes) -> bool:
    """Whether the payload is UTF-8: msgspec does not check the strings it skips (a byte-order mark
    it refuses itself)."""
    if payload.isascii():
        return True
    try:
        payload.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _accept(
    wire: _Wire,
    topic_device: str | None,
    known_devices: set[str] | None,
    now: datetime,
    gateway: tuple[str, Callable[[str], str | None]] | None,
) -> ParsedReading | None:
    """The reading, if it passes every check of ``_validate``; None for anything else (the caller
    then asks ``_validate`` why)."""
    device_id = wire.device_id
    if not DEVICE_ID_RE.match(device_id):
        return None
    if gateway is not None:
        expected = gateway[1](device_id)
        if expected is not None and expected != gateway[0]:
            return None
    elif device_id != topic_device:
        return None
    if known_devices is not None and device_id not in known_devices:
        return None
    message_id = wire.msg_id if type(wire.msg_id) is str else str(wire.msg_id)
    if not MESSAGE_ID_RE.match(message_id):
        return None
    try:
        ts = datetime.fromisoformat(wire.ts)
    except ValueError:
        return None
    if ts.tzinfo is None or ts.utcoffset() is None:
        return None
    ts = ts.astimezone(UTC)
    if ts < EARLIEST_TS or ts > now + MAX_CLOCK_SKEW:
        return None
    faults = wire.faults
    if faults:
        if len(faults) > MAX_FAULTS or not all(FAULT_RE.match(code) for code in faults):
            return None
        codes = tuple(dict.fromkeys(faults))
    else:
        codes = _NO_FAULTS
    return ParsedReading(
        device_id,
        message_id,
        ts,
        wire.lamp_on,
        wire.dim,
        wire.power_w,
        wire.energy_wh,
        wire.voltage_v,
        wire.current_a,
        wire.temperature_c,
        wire.heartbeat,
        codes,
        wire.simulated,
    )


def _fast_single(
    topic: str, payload: bytes, known_devices: set[str] | None, now: datetime
) -> ParsedReading | None:
    match = TOPIC_RE.match(topic)
    if match is None or len(payload) > MAX_PAYLOAD_BYTES or not _utf8(payload):
        return None
    try:
        wire = _WIRE.decode(payload)
    except Exception:  # noqa: BLE001 - whatever msgspec refuses, the reference path explains
        return None
    return _accept(wire, match["device"], known_devices, now, None)


def _fast_batch(
    payload: bytes,
    known_devices: set[str] | None,
    now: datetime,
    gateway: tuple[str, Callable[[str], str | None]],
) -> list[BatchElement] | None:
    """Every element of a batch message, if each one is accepted; None as soon as one is not (the
    reference path then gives each element its verdict)."""
    if len(payload) > MAX_BATCH_BYTES or not _utf8(payload):
        return None
    try:
        # Each element's own bytes first: its size counts (at most 4,096 bytes, as if alone).
        raws = _RAW_ARRAY.decode(payload)
        if len(raws) > MAX_BATCH_READINGS:
            return None
        elements = []
        for raw in raws:
            if len(raw) > MAX_PAYLOAD_BYTES:
                return None
            reading = _accept(_WIRE.decode(raw), None, known_devices, now, gateway)
            if reading is None:
                return None
            elements.append(BatchElement(b"", reading))
    except Exception:  # noqa: BLE001 - whatever msgspec refuses, the reference path explains
        return None
    return elements


# -- the reference path -----------------------------------------------------------------------------


def _number(data: dict[str, Any], name: str, *, integer: bool) -> int | float:
    value = data[name]
    # The common case first, without the checks below: an exact int (or a finite float: 1e400
    # decodes to inf), in range. ``type() is`` also keeps bool (an int subclass) out.
    if type(value) is int or (not integer and type(value) is float and math.isfinite(value)):
        low, high = RANGES[name]
        if low <= value and (high is None or value <= high):
            return value if integer else float(value)
    kind = "정수" if integer else "숫자"
    ok = isinstance(value, int) if integer else isinstance(value, int | float)
    if isinstance(value, bool) or not ok:
        raise _Reject(Reason.WRONG_TYPE, f"'{name}' 값은 {kind}여야 합니다 (받은 값: {value!r}).", name)
    if isinstance(value, float) and not math.isfinite(value):
        raise _Reject(Reason.WRONG_TYPE, f"'{name}' 값은 유한한 숫자여야 합니다.", name)
    low, high = RANGES[name]
    if value < low or (high is not None and value > high):
        allowed = f"{_show(low)}–{_show(high)}" if high is not None else f"{_show(low)} 이상"
        shown = _show(value)
        raise _Reject(
            Reason.OUT_OF_RANGE, f"'{name}' 값 {shown}이(가) 허용 범위({allowed})를 벗어났습니다.", name
        )
    return value if integer else float(value)


def _show(value: float) -> str:
    """A number for a message: ``:g`` as before, but large integers in full (``:g`` would round them,
    and fail on integers beyond a float's range), and absurdly long ones cut."""
    if isinstance(value, int) and abs(value) >= 10**6:
        text = f"{value:,}"
        return text if len(text) <= 40 else f"{text[:20]}…({len(str(abs(value)))}자리)"
    return f"{value:g}"


def _timestamp(value: Any, now: datetime) -> datetime:
    if not isinstance(value, str):
        raise _Reject(
            Reason.WRONG_TYPE, f"'ts' 값은 ISO-8601 문자열이어야 합니다 (받은 값: {value!r}).", "ts"
        )
    try:
        ts = datetime.fromisoformat(value)
    except ValueError:
        raise _Reject(
            Reason.BAD_TIMESTAMP, f"'ts' 값 {value!r}은(는) ISO-8601 시각이 아닙니다.", "ts"
        ) from None
    if ts.tzinfo is None or ts.utcoffset() is None:
        raise _Reject(
            Reason.BAD_TIMESTAMP,
            f"'ts' 값 {value!r}에 시간대가 없습니다 (UTC, 예: 2025-01-01T00:00:00Z).",
            "ts",
        )
    ts = ts.astimezone(UTC)
    if ts < EARLIEST_TS:
        raise _Reject(
            Reason.BAD_TIMESTAMP, f"'ts' 값 {value!r}은(는) 장치 시계가 설정되지 않은 시각입니다.", "ts"
        )
    if ts > now + MAX_CLOCK_SKEW:
        ahead = int((ts - now).total_seconds())
        raise _Reject(
            Reason.TS_IN_FUTURE,
            f"'ts' 값 {value!r}이(가) 수신 시각보다 {ahead:,}초 앞섭니다 "
            f"(허용 {int(MAX_CLOCK_SKEW.total_seconds())}초).",
            "ts",
        )
    return ts


def _parse(topic: str, payload: bytes, known_devices: set[str] | None, now: datetime) -> ParsedReading:
    match = TOPIC_RE.match(topic)
    if not match:
        raise _Reject(
            Reason.BAD_TOPIC, f"토픽 {topic!r}은(는) '{TOPIC_PREFIX}/{{장치 ID}}/telemetry' 형식이 아닙니다."
        )
    topic_device = match["device"]
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise _Reject(
            Reason.PAYLOAD_TOO_LARGE,
            f"메시지가 {len(payload):,}바이트로 최대 {MAX_PAYLOAD_BYTES:,}바이트를 넘습니다.",
        )
    text = _text(payload)
    try:
        data = _DECODER.decode(text)
    except ValueError as exc:
        raise _Reject(Reason.MALFORMED_JSON, f"메시지가 올바른 JSON이 아닙니다: {exc}") from None
    return _validate(data, topic_device, known_devices, now)


def _text(payload: bytes) -> str:
    """The payload as text: UTF-8 without a byte-order mark (worded as json.loads words it)."""
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Reject(Reason.MALFORMED_JSON, f"메시지가 UTF-8이 아닙니다 ({exc.start}번째 바이트).") from None
    if text.startswith("\ufeff"):
        bom = json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        raise _Reject(Reason.MALFORMED_JSON, f"메시지가 올바른 JSON이 아닙니다: {bom}")
    return text


def _validate(
    data: Any,
    topic_device: str | None,
    known_devices: set[str] | None,
    now: datetime,
    gateway: tuple[str, Callable[[str], str | None]] | None = None,
) -> ParsedReading:
    """One decoded reading. ``topic_device``: the device its topic names (None for a batch element);
    ``gateway``: (the batch topic's gateway, a device's gateway if known) for a batch element."""
    if not isinstance(data, dict):
        raise _Reject(
            Reason.NOT_AN_OBJECT, f"메시지는 JSON 객체여야 합니다 (받은 형식: {type(data).__name__})."
        )
    missing = [name for name in REQUIRED if name not in data or data[name] is None]
    if missing:
        names = ", ".join(f"'{name}'" for name in missing)
        raise _Reject(Reason.MISSING_FIELD, f"필수 항목 {names}이(가) 없습니다.", missing[0])

    device_id = data["device_id"]
    if not isinstance(device_id, str) or not DEVICE_ID_RE.match(device_id):
        raise _Reject(
            Reason.WRONG_TYPE,
            f"'device_id' 값 {device_id!r}은(는) 영문·숫자·'-'·'_'로 된 "
            f"{DEVICE_ID_MAX}자 이하 문자열이어야 합니다.",
            "device_id",
        )
    if gateway is not None:
        expected = gateway[1](device_id)
        if expected is not None and expected != gateway[0]:
            raise _Reject(
                Reason.TOPIC_DEVICE_MISMATCH,
                f"장치 {device_id!r}은(는) 토픽의 기지국 {gateway[0]!r}이 아니라 "
                f"기지국 {expected!r}에 속합니다.",
                "device_id",
            )
    elif device_id != topic_device:
        raise _Reject(
            Reason.TOPIC_DEVICE_MISMATCH,
            f"메시지의 장치 ID {device_id!r}이(가) 토픽의 장치 ID {topic_device!r}와 다릅니다.",
            "device_id",
        )
    if known_devices is not None and device_id not in known_devices:
        raise _Reject(
            Reason.UNKNOWN_DEVICE, f"장치 {device_id!r}은(는) 등록되지 않은 장치입니다.", "device_id"
        )

    message_id = data["msg_id"]
    if isinstance(message_id, int) and not isinstance(message_id, bool) and message_id >= 0:
        message_id = str(message_id)  # a device sequence number
    if not isinstance(message_id, str) or not MESSAGE_ID_RE.match(message_id):
        raise _Reject(
            Reason.WRONG_TYPE,
            f"'msg_id' 값 {message_id!r}은(는) UUID 또는 0 이상의 순번이어야 합니다 "
            f"({MESSAGE_ID_MAX}자 이하).",
            "msg_id",
        )
    ts = _timestamp(data["ts"], now)
    for name in ("lamp_on", "heartbeat", "simulated"):
        if name in data and not isinstance(data[name], bool):
            raise _Reject(
                Reason.WRONG_TYPE,
                f"'{name}' 값은 true 또는 false여야 합니다 (받은 값: {data[name]!r}).",
                name,
            )
    numbers = {name: _number(data, name, integer=name in INT_FIELDS) for name in (*INT_FIELDS, *FLOAT_FIELDS)}

    faults = data.get("faults", [])
    if faults is None:
        faults = []
    if not isinstance(faults, list) or not all(
        isinstance(code, str) and FAULT_RE.match(code) for code in faults
    ):
        raise _Reject(
            Reason.WRONG_TYPE,
            "'faults' 값은 영문 대문자 고장 코드(예: LAMP_FAIL)의 목록이어야 합니다.",
            "faults",
        )
    if len(faults) > MAX_FAULTS:
        raise _Reject(
            Reason.OUT_OF_RANGE,
            f"'faults'에 고장 코드가 {len(faults)}개로 최대 {MAX_FAULTS}개를 넘습니다.",
            "faults",
        )
    return ParsedReading(
        device_id=device_id,
        message_id=message_id,
        ts=ts,
        lamp_on=data["lamp_on"],
        heartbeat=data.get("heartbeat", False),
        simulated=data.get("simulated", False),
        faults=tuple(dict.fromkeys(faults)),
        **numbers,  # type: ignore[arg-type]
    )


def parse_payload(
    topic: str, payload: bytes, known_devices: set[str] | None = None, *, now: datetime | None = None
) -> ParsedReading | Rejection:
    """Validate one message from ``topic``. ``known_devices=None`` accepts any well-formed device ID;
    ``now`` (aware; default: the current time) is the receive time that ``ts`` may not run ahead of."""
    now = datetime.now(UTC) if now is None else now
    reading = _fast_single(topic, payload, known_devices, now)
    if reading is not None:
        return reading
    return _parse_payload_reference(topic, payload, known_devices, now)


def _parse_payload_reference(
    topic: str, payload: bytes, known_devices: set[str] | None, now: datetime
) -> ParsedReading | Rejection:
    """``parse_payload`` without the fast path: the verdict, with its reason, for any message."""
    try:
        return _parse(topic, payload, known_devices, now)
    except _Reject as exc:
        rejection = exc.rejection
        device_id = _device_hint(topic)
        return Rejection(rejection.reason, rejection.message, rejection.field, device_id)


def _device_hint(topic: str) -> str:
    """The device a rejected message claims to come from, when that can be told (for the dead letter)."""
    match = TOPIC_RE.match(topic)
    if match and DEVICE_ID_RE.match(match["device"]):
        return match["device"]
    parts = topic.split("/")
    if len(parts) >= 4 and parts[:3] == TOPIC_PREFIX.split("/") and DEVICE_ID_RE.match(parts[3]):
        return parts[3]
    return ""


# -- gateway batch messages -------------------------------------------------------------------------

_WHITESPACE = re.compile(r"[ \t\n\r]*")  # JSON's whitespace
GatewayOf = Mapping[str, str] | Callable[[str], str | None]


class BatchElement(msgspec.Struct, frozen=True):
    """One element of a batch message: its verdict and, if rejected, its own JSON text (the dead
    letter's payload; empty for a valid reading)."""

    payload: bytes
    result: ParsedReading | Rejection


def _split_array(text: str) -> list[tuple[str, Any]] | None:
    """The elements of the JSON array ``text`` as (their own text, their value), with the same decoder
    as single messages; None if ``text`` is not exactly one JSON array (the caller then says why).
    Stops early past ``MAX_BATCH_READINGS`` elements (the list is then one element longer)."""
    skip = cast(Callable[[str, int], re.Match[str]], _WHITESPACE.match)  # matches everywhere (may be empty)
    scan = _DECODER.raw_decode
    index = skip(text, 0).end()
    if text[index : index + 1] != "[":
        return None
    index = skip(text, index + 1).end()
    elements: list[tuple[str, Any]] = []
    if text[index : index + 1] == "]":
        index += 1
    else:
        while True:
            try:
                value, end = scan(text, index)
            except ValueError:
                return None
            elements.append((text[index:end], value))
            if len(elements) > MAX_BATCH_READINGS:
                return elements
            index = skip(text, end).end()
            separator = text[index : index + 1]
            if separator == "]":
                index += 1
                break
            if separator != ",":
                return None
            index = skip(text, index + 1).end()
    return elements if skip(text, index).end() == len(text) else None


def _batch_elements(text: str) -> list[tuple[str, Any]]:
    elements = _split_array(text)
    if elements is None:
        try:
            data = _DECODER.decode(text)  # only to say what is wrong
        except ValueError as exc:
            raise _Reject(Reason.MALFORMED_JSON, f"메시지가 올바른 JSON이 아닙니다: {exc}") from None
        raise _Reject(
            Reason.NOT_AN_ARRAY,
            f"묶음 메시지는 측정값 객체의 JSON 배열이어야 합니다 (받은 형식: {type(data).__name__}).",
        )
    if len(elements) > MAX_BATCH_READINGS:
        raise _Reject(
            Reason.BATCH_TOO_MANY,
            f"묶음 메시지의 측정값이 {MAX_BATCH_READINGS:,}개를 넘습니다 (최대 {MAX_BATCH_READINGS:,}개).",
        )
    return elements


def _element(
    raw: str,
    data: Any,
    known_devices: set[str] | None,
    now: datetime,
    gateway: tuple[str, Callable[[str], str | None]],
) -> BatchElement:
    """One element's verdict; its own bytes only when it is rejected (a dead letter's payload)."""
    try:
        # Up to 1,024 characters are at most 4,096 bytes: most elements need no encoding to tell.
        if len(raw) * 4 > MAX_PAYLOAD_BYTES and len(size := raw.encode()) > MAX_PAYLOAD_BYTES:
            raise _Reject(
                Reason.PAYLOAD_TOO_LARGE,
                f"메시지가 {len(size):,}바이트로 최대 {MAX_PAYLOAD_BYTES:,}바이트를 넘습니다.",
            )
        return BatchElement(b"", _validate(data, None, known_devices, now, gateway))
    except _Reject as exc:
        r = exc.rejection
        device = data.get("device_id") if isinstance(data, dict) else None
        hint = device if isinstance(device, str) and DEVICE_ID_RE.match(device) else gateway[0]
        return BatchElement(raw.encode(), Rejection(r.reason, r.message, r.field, hint))
    except Exception as exc:  # noqa: BLE001 - a bug on one element must not take its siblings along
        message = f"메시지를 처리하는 중 오류가 났습니다: {type(exc).__name__}"
        return BatchElement(raw.encode(), Rejection(Reason.UNEXPECTED, message, "", gateway[0]))


def parse_batch(
    topic: str,
    payload: bytes,
    known_devices: set[str] | None = None,
    *,
    now: datetime | None = None,
    gateways: GatewayOf | None = None,
) -> list[BatchElement] | Rejection:
    """Validate a gateway's batch message from ``…/{gateway_id}/telemetry/batch``: a ``Rejection`` if
    the message as a whole is bad (topic, size, not JSON, not an array, too many elements), else one
    ``BatchElement`` per element, in order, each validated as if it had come alone on
    ``…/{device_id}/telemetry`` (same rules, reasons and messages). ``gateways``: each device's
    gateway (a mapping or a callable; None or a missing device: any gateway may carry it); a
    reading of a device that belongs to another gateway is ``topic_device_mismatch``."""
    now = datetime.now(UTC) if now is None else now
    match = BATCH_TOPIC_RE.match(topic)
    gateway_id = match["gateway"] if match else ""
    if not match or not DEVICE_ID_RE.match(gateway_id):
        return Rejection(
            Reason.BAD_TOPIC,
            f"토픽 {topic!r}은(는) '{TOPIC_PREFIX}/{{기지국 ID}}{BATCH_SUFFIX}' 형식이 아닙니다.",
            "",
            _device_hint(topic),
        )
    if gateways is None:
        gateway_of: Callable[[str], str | None] = lambda device: None  # noqa: E731
    elif callable(gateways):
        gateway_of = gateways
    else:
        gateway_of = gateways.get
    gateway = (gateway_id, gateway_of)
    elements = _fast_batch(payload, known_devices, now, gateway)
    if elements is not None:
        return elements
    return _parse_batch_reference(payload, known_devices, now, gateway)


def _parse_batch_reference(
    payload: bytes,
    known_devices: set[str] | None,
    now: datetime,
    gateway: tuple[str, Callable[[str], str | None]],
) -> list[BatchElement] | Rejection:
    """``parse_batch`` without the fast path, once the topic is known to be good."""
    gateway_id = gateway[0]
    try:
        if len(payload) > MAX_BATCH_BYTES:
            raise _Reject(
                Reason.PAYLOAD_TOO_LARGE,
                f"묶음 메시지가 {len(payload):,}바이트로 최대 {MAX_BATCH_BYTES:,}바이트를 넘습니다.",
            )
        elements = _batch_elements(_text(payload))
    except _Reject as exc:
        r = exc.rejection
        return Rejection(r.reason, r.message, r.field, gateway_id)
    return [_element(raw, data, known_devices, now, gateway) for raw, data in elements]
