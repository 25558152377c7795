"""The envelope of a traffic device's MQTT message, the same for VDS and DSRC (ADR 0028, 0029): the
topic names one device, the payload is UTF-8 JSON of at most so many bytes, decodes (msgspec: strict
types and ranges) into the device's wire struct, names the topic's device and, when the registry is
given, a known one. What is inside the envelope is each device's own rule (``vds``, ``dsrc``).

The lamp telemetry's ``telemetry.validation`` checks the same things, but for one message shape and
with its own wording (and a byte-order mark refused); the traffic devices keep theirs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Generic, TypeVar

import msgspec

from cityhall.telemetry.choices import Reason
from cityhall.telemetry.validation import DEVICE_ID_RE, Rejection

TOPIC_PREFIX = "cityhall/v1/traffic"
Wire = TypeVar("Wire", bound=msgspec.Struct)
_PATH = re.compile(r"`\$\.(?P<field>[a-z_]+)`")
_MISSING = re.compile(r"missing required field `(?P<field>[a-z_]+)`")


@dataclass(frozen=True)
class Contract(Generic[Wire]):
    """One kind of device on ``{TOPIC_PREFIX}/{device}/{suffix}``: ``noun`` names it in messages
    (검지기, 기지국), ``id_field`` is the payload's field that repeats the topic's device."""

    suffix: str
    noun: str
    id_field: str
    decoder: msgspec.json.Decoder[Wire]
    max_bytes: int

    @cached_property
    def topic_re(self) -> re.Pattern[str]:
        return re.compile(rf"^{re.escape(TOPIC_PREFIX)}/(?P<device>[^/]+)/{re.escape(self.suffix)}$")


def from_msgspec(exc: Exception) -> Rejection:
    """msgspec's error as a reason code and a Korean message."""
    text = str(exc)
    if isinstance(exc, msgspec.ValidationError):
        missing = _MISSING.search(text)
        if missing:
            name = missing["field"]
            return Rejection(Reason.MISSING_FIELD, f"필수 항목 '{name}'이(가) 없습니다.", name)
        path = _PATH.search(text)
        name = path["field"] if path else ""
        if text.startswith("Expected `object`"):
            return Rejection(Reason.NOT_AN_OBJECT, "메시지는 JSON 객체여야 합니다.")
        if ">=" in text or "<=" in text:
            return Rejection(Reason.OUT_OF_RANGE, f"'{name}' 값이 허용 범위를 벗어났습니다 ({text}).", name)
        return Rejection(Reason.WRONG_TYPE, f"'{name}' 값의 자료형이 맞지 않습니다 ({text}).", name)
    return Rejection(Reason.MALFORMED_JSON, f"메시지가 올바른 JSON이 아닙니다: {text}")


def open_message(
    contract: Contract[Wire], topic: str, payload: bytes, known: set[str] | None
) -> Wire | Rejection:
    """The decoded wire struct, or the ``Rejection`` of its envelope (with the topic's device as the
    dead letter's device when it is a well-formed ID). ``known``: the registry's IDs; None accepts
    any well-formed ID."""
    match = contract.topic_re.match(topic)
    device = match["device"] if match and DEVICE_ID_RE.match(match["device"]) else ""
    verdict = _open(contract, device, payload, known)
    if isinstance(verdict, Rejection):
        return Rejection(verdict.reason, verdict.message, verdict.field, device)
    return verdict


def _open(contract: Contract[Wire], device: str, payload: bytes, known: set[str] | None) -> Wire | Rejection:
    noun = contract.noun
    if not device:
        return Rejection(
            Reason.BAD_TOPIC, f"토픽은 '{TOPIC_PREFIX}/{{{noun} ID}}/{contract.suffix}' 형식이어야 합니다."
        )
    if len(payload) > contract.max_bytes:
        return Rejection(
            Reason.PAYLOAD_TOO_LARGE,
            f"메시지가 {len(payload):,}바이트로 최대 {contract.max_bytes:,}바이트를 넘습니다.",
        )
    try:
        payload.decode("utf-8")
        wire = contract.decoder.decode(payload)
    except UnicodeDecodeError as exc:
        return Rejection(Reason.MALFORMED_JSON, f"메시지가 UTF-8이 아닙니다 ({exc.start}번째 바이트).")
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        return from_msgspec(exc)
    claimed = getattr(wire, contract.id_field)
    if claimed != device:
        return Rejection(
            Reason.TOPIC_DEVICE_MISMATCH,
            f"메시지의 {noun} ID {claimed!r}이(가) 토픽의 {device!r}와 다릅니다.",
            contract.id_field,
        )
    if known is not None and claimed not in known:
        return Rejection(
            Reason.UNKNOWN_DEVICE, f"{noun} {claimed!r}은(는) 등록되지 않은 {noun}입니다.", contract.id_field
        )
    return wire
