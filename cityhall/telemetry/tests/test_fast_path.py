"""The fast decoding path (msgspec) against the reference path (the json module), no database.

``parse_payload`` and ``parse_batch`` first try ``_fast_single`` / ``_fast_batch``, which may only
accept; everything else goes to the reference path, which gives the verdict. What must hold: the
fast path accepts nothing the reference path rejects, and what it accepts has exactly the values the
reference path gives. Checked here on hand-picked odd payloads and on a few thousand seeded random
mutations of valid ones; and that valid readings really take the fast path.
"""

from __future__ import annotations

import json
import math
import random
from datetime import timedelta
from typing import Any

import pytest

from cityhall.telemetry.choices import Reason
from cityhall.telemetry.validation import (
    MAX_PAYLOAD_BYTES,
    ParsedReading,
    Rejection,
    _fast_batch,
    _fast_single,
    _parse_batch_reference,
    _parse_payload_reference,
    batch_topic,
    parse_batch,
    parse_payload,
)

from .factories import NOW, payload

TOPIC = "cityhall/v1/streetlights/SL-0001/telemetry"
GATEWAY = "BS-01"
BATCH_TOPIC = batch_topic(GATEWAY)
KNOWN = {"SL-0001", "SL-0002", GATEWAY}
GATEWAYS = {"SL-0001": GATEWAY, "SL-0002": GATEWAY}
VALID = json.dumps(payload()).encode()


def _no_gateway(device: str) -> str | None:
    return None


def outcome(call, *args, **kwargs) -> Any:
    """What ``call`` returns, or the type of what it raises (``ingest_batch`` turns an exception
    into an ``unexpected`` dead letter, e.g. a 400-digit integer as a float field)."""
    try:
        return call(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - compared below
        return type(exc)


def check_single(body: bytes, known: set[str] | None = None) -> Any:
    """The verdict of ``parse_payload``, after checking it against the reference path's."""
    fast = _fast_single(TOPIC, body, known, NOW)
    reference = outcome(_parse_payload_reference, TOPIC, body, known, NOW)
    if fast is not None:
        assert reference == fast, body
        assert [type(getattr(fast, f)) for f in fast.__struct_fields__] == [
            type(getattr(reference, f)) for f in reference.__struct_fields__
        ], body
    verdict = outcome(parse_payload, TOPIC, body, known, now=NOW)
    assert verdict == reference, body
    return verdict


def check_batch(body: bytes, gateways=None) -> Any:
    gateway = (GATEWAY, gateways.get if gateways else _no_gateway)
    fast = _fast_batch(body, None, NOW, gateway)
    reference = outcome(_parse_batch_reference, body, None, NOW, gateway)
    if fast is not None:
        assert reference == fast, body
    verdict = outcome(parse_batch, BATCH_TOPIC, body, now=NOW, gateways=gateways)
    assert verdict == reference, body
    return verdict


def test_valid_readings_take_the_fast_path():
    assert _fast_single(TOPIC, VALID, KNOWN, NOW) == parse_payload(TOPIC, VALID, KNOWN, now=NOW)
    sequence = json.dumps(payload(msg_id=42, faults=["FLICKER", "FLICKER"], heartbeat=True)).encode()
    reading = _fast_single(TOPIC, sequence, None, NOW)
    assert reading is not None and (reading.message_id, reading.faults) == ("42", ("FLICKER",))
    elements = [payload("SL-0001", "a"), payload("SL-0002", 7, simulated=True), payload(GATEWAY, "g")]
    body = json.dumps(elements).encode()
    batch = _fast_batch(body, KNOWN, NOW, (GATEWAY, GATEWAYS.get))
    assert batch is not None and [e.result.message_id for e in batch] == ["a", "7", "g"]
    assert batch == parse_batch(BATCH_TOPIC, body, KNOWN, now=NOW, gateways=GATEWAYS)


def _replace(field: str, raw: str) -> bytes:
    """The valid payload with ``field``'s JSON value replaced by the text ``raw``."""
    data = payload()
    data[field] = "\x00marker\x00"
    return json.dumps(data).replace('"\\u0000marker\\u0000"', raw).encode()


def _extra(raw: str) -> bytes:
    return VALID[:-1] + b', "extra": ' + raw.encode() + b"}"


ODD = [
    # wrong types
    _replace("dim", "70.0"),
    _replace("dim", "1e2"),
    _replace("dim", "true"),
    _replace("dim", '"70"'),
    _replace("energy_wh", "12.5"),
    _replace("power_w", "true"),
    _replace("power_w", '"84.5"'),
    _replace("lamp_on", "1"),
    _replace("lamp_on", '"true"'),
    _replace("heartbeat", "0"),
    _replace("faults", '"LAMP_FAIL"'),
    _replace("faults", "[1]"),
    _replace("faults", '["lamp fail"]'),
    _replace("faults", json.dumps([f"F{n}" for n in range(17)])),
    _replace("msg_id", "true"),
    _replace("msg_id", "-1"),
    _replace("msg_id", "1.5"),
    _replace("msg_id", '"has space"'),
    _replace("msg_id", json.dumps("m" * 65)),
    _replace("device_id", "17"),
    _replace("device_id", '"SL-0001\\u0000"'),
    _replace("ts", "1717243200"),
    # NaN, infinities and numbers beyond every range
    _replace("power_w", "NaN"),
    _replace("power_w", "Infinity"),
    _replace("power_w", "-Infinity"),
    _replace("power_w", "1e400"),
    _replace("power_w", "-1e400"),
    _replace("power_w", "9" * 400),
    _replace("current_a", "1e308"),
    _replace("voltage_v", "300.0000000000001"),
    _replace("temperature_c", "-40.000000000000001"),
    _replace("temperature_c", "90.1"),
    _replace("dim", "101"),
    _replace("dim", "-0"),
    _replace("dim", str(10**30)),
    _replace("energy_wh", str(2**63 - 1)),
    _replace("energy_wh", str(2**63)),
    _replace("energy_wh", str(10**400)),
    _extra("NaN"),
    _extra("1e400"),
    # nulls and missing fields
    _replace("dim", "null"),
    _replace("faults", "null"),
    _replace("heartbeat", "null"),
    b'{"msg_id": "m-1"}',
    b"{}",
    # not an object, not JSON
    b"[1, 2]",
    b'"text"',
    b"null",
    b"",
    b"{",
    VALID + b" x",
    VALID[:-1] + b",}",
    # oversized, encodings
    VALID[:-1] + b', "pad": "' + b"x" * MAX_PAYLOAD_BYTES + b'"}',
    b"\xef\xbb\xbf" + VALID,
    b"\xff\xfe" + VALID,
    VALID[:-1] + b', "bad": "\xff"}',
    VALID[:-1] + b', "bad": "\xed\xa0\x80"}',
    VALID[:-1] + ', "ok": "가로등"}'.encode(),
    _extra('"\\ud800"'),
    _extra('"\\x"'),
    _extra('"tab\there"'),
    _extra("01"),
    _extra("[1,]"),
    _extra("[" * 2000 + "]" * 2000),
    # values the json module decodes its own way
    VALID[:-1] + b', "dim": 5}',
    b'{"dim": 5, ' + VALID[1:],
    VALID.replace(b'"dim"', b'"d\\u0069m"'),
    VALID[:-1] + b', "dim": "x"}',
    _replace("power_w", "84"),
    _replace("power_w", "-0.0"),
    _replace("power_w", "1E+2"),
    _replace("power_w", str(2**53 + 1)),
    _replace("power_w", "12345678901234567890123"),
    _replace("power_w", "0.1000000000000000055511151231257827021181583404541015625"),
    _replace("power_w", "4.9e-324"),
    _replace("power_w", "1e-400"),
    _replace("power_w", "1." + "1" * 800),
    _replace("msg_id", "-0"),
    _replace("msg_id", str(10**63)),
    _replace("msg_id", str(10**64)),
    _replace("msg_id", '"\\u0061"'),
    # times
    _replace("ts", '"2025-06-01T12:00:00"'),
    _replace("ts", '"2025-06-01 21:00:00+09:00"'),
    _replace("ts", '"20250601T120000Z"'),
    _replace("ts", '"2025-06-01T12:00:00.123456789Z"'),
    _replace("ts", '"2025-06-01T12:05:00Z"'),
    _replace("ts", '"2025-06-01T12:05:00.000001Z"'),
    _replace("ts", '"1999-12-31T23:59:59Z"'),
    _replace("ts", '"yesterday"'),
]


@pytest.mark.parametrize("body", ODD, ids=range(len(ODD)))
def test_odd_payloads_get_the_reference_verdict(body):
    check_single(body)
    check_single(body, KNOWN)
    # The same as a batch element, beside a valid one, and as a whole batch message.
    check_batch(b"[" + VALID + b", " + body + b"]", GATEWAYS)
    check_batch(body)


def test_rejections_keep_their_reasons():
    assert check_single(_replace("power_w", "NaN")).reason == Reason.MALFORMED_JSON
    assert check_single(_replace("power_w", "1e400")).reason == Reason.WRONG_TYPE
    assert check_single(_replace("power_w", "9" * 400)) is OverflowError  # as before: `unexpected`
    assert check_single(_replace("dim", "70.0")).reason == Reason.WRONG_TYPE
    assert check_single(_replace("energy_wh", str(2**63))).reason == Reason.OUT_OF_RANGE
    assert check_single(_replace("dim", "null")).reason == Reason.MISSING_FIELD
    assert check_single(VALID[:-1] + b', "bad": "\xff"}').reason == Reason.MALFORMED_JSON
    assert check_single(b"\xef\xbb\xbf" + VALID).reason == Reason.MALFORMED_JSON
    assert check_single(VALID[:-1] + b', "p": "' + b"x" * 4096 + b'"}').reason == Reason.PAYLOAD_TOO_LARGE
    assert check_single(_replace("ts", '"2025-06-01T12:05:00.000001Z"')).reason == Reason.TS_IN_FUTURE
    # Accepted by the reference path but not by msgspec: still accepted (through the reference path).
    assert isinstance(check_single(_extra('"\\ud800"')), ParsedReading)
    assert isinstance(check_single(_replace("faults", "null")), ParsedReading)


def test_batch_shapes_the_fast_path_leaves_to_the_reference():
    # An element over 4,096 bytes is rejected alone; a number of more digits than Python converts
    # (4,300) makes the whole message malformed, as the json module says.
    big = json.dumps(payload("SL-0002", "big", pad="x" * MAX_PAYLOAD_BYTES)).encode()
    result = check_batch(b"[" + VALID + b"," + big + b"]")
    assert [type(e.result) for e in result] == [ParsedReading, Rejection]
    assert result[1].result.reason == Reason.PAYLOAD_TOO_LARGE
    digits = VALID[:-1] + b', "n": ' + b"1" * 4301 + b"}"
    assert check_batch(b"[" + digits + b"]").reason == Reason.MALFORMED_JSON
    # A device of another gateway, and too many elements.
    other = check_batch(b"[" + VALID + b"]", {"SL-0001": "BS-02"})
    assert other[0].result.reason == Reason.TOPIC_DEVICE_MISMATCH
    assert check_batch(b"[" + b",".join([VALID] * 501) + b"]").reason == Reason.BATCH_TOO_MANY
    assert check_batch(b" [ ] ") == []


def _random_value(rng: random.Random) -> str:
    return rng.choice(
        [
            "null", "true", "false", "0", "-0", "1", "-1", "100", "101", "300", "-40", "90", "1.5",
            "-0.5", "1e2", "1E-2", "2e308", "9223372036854775807", "9223372036854775808",
            "18446744073709551616", '""', '"x"', '"SL-0001"', '"SL-0002"', '"BS-01"', "[]", '["LAMP_FAIL"]',
            '["a"]', "{}", '"2025-06-01T12:00:00Z"', '"2025-06-01T12:04:59+00:00"', '"2025-06-01T11:00:00"',
            '"2025-06-01T21:00:00+09:00"', '"\\u00e9"', "NaN", "[1,", "01", '"\\ud83d\\ude00"',
            str(rng.randrange(-(10**20), 10**20)), repr(rng.uniform(-100, 400)),
        ]
    )  # fmt: skip


def _mutate(rng: random.Random, data: dict[str, Any]) -> bytes:
    """A valid payload with one to three random changes: a field's value replaced by random JSON
    text, a field removed, added or duplicated, or a character of the text changed."""
    data = dict(data)
    text_changes = []
    for _ in range(rng.randint(1, 3)):
        action = rng.random()
        name = rng.choice([*data, "extra", "simulated"])
        if action < 0.55:
            data[name] = f"\x00{len(text_changes)}\x00"
            text_changes.append((json.dumps(data[name]), _random_value(rng)))
        elif action < 0.7:
            data.pop(name, None)
        elif action < 0.8:
            data["ts"] = (NOW + timedelta(seconds=rng.randint(-400, 400))).isoformat()
        else:
            text_changes.append(None)
    body = json.dumps(data, separators=rng.choice([(",", ":"), (", ", ": ")]))
    for change in text_changes:
        if change is None:
            at = rng.randrange(len(body))
            swap = rng.choice(['"', ",", "}", "\\", " ", "0", "e", "-", "\x01", "é"])
            body = body[:at] + swap + body[at + 1 :]
        else:
            body = body.replace(change[0], change[1], 1)
    if rng.random() < 0.1:
        body = body[:-1] + ', "dim": ' + _random_value(rng) + "}"
    return body.encode()


def test_random_mutations_get_the_reference_verdict():
    rng = random.Random(20251203)  # noqa: S311 - seeded test data
    accepted_fast = 0
    verdicts = set()
    bases = [payload(), payload(msg_id=7, faults=["LAMP_FAIL"], heartbeat=True, simulated=True)]
    for _ in range(3000):
        body = _mutate(rng, rng.choice(bases))
        verdict = check_single(body)
        verdicts.add(verdict.reason if isinstance(verdict, Rejection) else "ok")
        accepted_fast += _fast_single(TOPIC, body, None, NOW) is not None
    for _ in range(300):
        elements = [_mutate(rng, payload(rng.choice(["SL-0001", "SL-0002"]), f"e{i}")) for i in range(4)]
        check_batch(b"[" + b", ".join(elements) + b"]", GATEWAYS)
    # The mutations reach the accepting path and most of the reasons.
    assert accepted_fast > 300
    assert {"ok", "malformed_json", "missing_field", "wrong_type", "out_of_range"} <= verdicts
    assert {"bad_timestamp", "ts_in_future", "topic_device_mismatch"} <= verdicts


def test_fast_values_are_the_reference_values_for_random_numbers():
    rng = random.Random(7)  # noqa: S311 - seeded test data
    for _ in range(2000):
        value = rng.choice(
            [
                repr(rng.uniform(0, 300)),
                f"{rng.uniform(0, 300):.{rng.randint(0, 25)}f}",
                f"{rng.uniform(1, 9):.17f}e{rng.randint(-320, 2)}",
                str(rng.randrange(0, 2**64)),
            ]
        )
        reading = check_single(_replace("voltage_v", value))
        if isinstance(reading, ParsedReading):
            assert reading.voltage_v == float(value) and not math.isnan(reading.voltage_v)
