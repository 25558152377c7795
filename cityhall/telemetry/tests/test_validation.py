"""parse_payload: one valid message, and every reason a message is rejected (no database)."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from cityhall.telemetry.choices import Reason
from cityhall.telemetry.validation import MAX_PAYLOAD_BYTES, ParsedReading, Rejection, parse_payload

from .factories import NOW, payload

TOPIC = "cityhall/v1/streetlights/SL-0001/telemetry"


def parse(data=None, *, topic=TOPIC, raw=None, known=None, **fields):
    body = raw if raw is not None else json.dumps(data if data is not None else payload(**fields)).encode()
    return parse_payload(topic, body, known, now=NOW)


def test_valid_message_is_parsed_exactly():
    result = parse(faults=["LAMP_FAIL", "FLICKER", "LAMP_FAIL"], heartbeat=True)
    assert result == ParsedReading(
        device_id="SL-0001",
        message_id="m-1",
        ts=NOW,
        lamp_on=True,
        dim=70,
        power_w=84.5,
        energy_wh=123_456,
        voltage_v=221.3,
        current_a=0.38,
        temperature_c=18.5,
        heartbeat=True,
        faults=("LAMP_FAIL", "FLICKER"),
    )


def test_sequence_message_id_offsets_and_optional_fields():
    data = payload(msg_id=42, ts="2025-06-01T21:00:00+09:00", power_w=0, voltage_v=230)
    del data["heartbeat"], data["faults"]
    result = parse(data)
    assert isinstance(result, ParsedReading)
    assert (result.message_id, result.ts, result.power_w, result.voltage_v) == ("42", NOW, 0.0, 230.0)
    assert (result.heartbeat, result.faults) == (False, ())
    assert isinstance(result.power_w, float)


def test_known_devices_accepts_registered_and_boundary_values():
    result = parse(known={"SL-0001"}, dim=100, voltage_v=300, temperature_c=-40, current_a=0, energy_wh=0)
    assert isinstance(result, ParsedReading)
    # A clock slightly ahead of ours (within 5 minutes) is accepted.
    assert isinstance(parse(ts=NOW + timedelta(minutes=5)), ParsedReading)


@pytest.mark.parametrize(
    ("kwargs", "reason", "field", "message"),
    [
        ({"topic": "cityhall/v1/streetlights/SL-0001/status"}, Reason.BAD_TOPIC, "", "형식이 아닙니다"),
        ({"topic": "lights/SL-0001"}, Reason.BAD_TOPIC, "", "토픽 'lights/SL-0001'"),
        ({"raw": b"{" + b" " * MAX_PAYLOAD_BYTES + b"}"}, Reason.PAYLOAD_TOO_LARGE, "", "4,098바이트"),
        ({"raw": b'{"msg_id": "m-1",'}, Reason.MALFORMED_JSON, "", "올바른 JSON이 아닙니다"),
        ({"raw": b"\xff\xfe{}"}, Reason.MALFORMED_JSON, "", "UTF-8이 아닙니다"),
        ({"raw": b'{"power_w": NaN}'}, Reason.MALFORMED_JSON, "", "NaN"),
        ({"raw": b"[1, 2]"}, Reason.NOT_AN_OBJECT, "", "(받은 형식: list)"),
        ({"dim": None}, Reason.MISSING_FIELD, "dim", "필수 항목 'dim'이(가) 없습니다."),
        ({"dim": 50.5}, Reason.WRONG_TYPE, "dim", "'dim' 값은 정수여야 합니다 (받은 값: 50.5)."),
        ({"dim": "70"}, Reason.WRONG_TYPE, "dim", "'dim' 값은 정수여야 합니다"),
        ({"power_w": True}, Reason.WRONG_TYPE, "power_w", "'power_w' 값은 숫자여야 합니다"),
        ({"energy_wh": 12.5}, Reason.WRONG_TYPE, "energy_wh", "정수여야"),
        ({"lamp_on": 1}, Reason.WRONG_TYPE, "lamp_on", "'lamp_on' 값은 true 또는 false여야 합니다"),
        ({"heartbeat": "yes"}, Reason.WRONG_TYPE, "heartbeat", "true 또는 false"),
        ({"faults": "LAMP_FAIL"}, Reason.WRONG_TYPE, "faults", "고장 코드(예: LAMP_FAIL)의 목록"),
        ({"faults": ["lamp fail"]}, Reason.WRONG_TYPE, "faults", "목록이어야"),
        ({"faults": [f"F{n}" for n in range(17)]}, Reason.OUT_OF_RANGE, "faults", "17개로 최대 16개"),
        ({"msg_id": -1}, Reason.WRONG_TYPE, "msg_id", "UUID 또는 0 이상의 순번"),
        ({"msg_id": "has space"}, Reason.WRONG_TYPE, "msg_id", "UUID 또는"),
        ({"device_id": 17}, Reason.WRONG_TYPE, "device_id", "'device_id' 값 17은(는)"),
        ({"ts": 1717243200}, Reason.WRONG_TYPE, "ts", "ISO-8601 문자열"),
        (
            {"ts": "yesterday"},
            Reason.BAD_TIMESTAMP,
            "ts",
            "'ts' 값 'yesterday'은(는) ISO-8601 시각이 아닙니다.",
        ),
        ({"ts": "2025-06-01T12:00:00"}, Reason.BAD_TIMESTAMP, "ts", "시간대가 없습니다"),
        ({"ts": "1970-01-01T00:00:10Z"}, Reason.BAD_TIMESTAMP, "ts", "시계가 설정되지 않은"),
        (
            {"ts": "2025-06-01T12:05:01Z"},
            Reason.TS_IN_FUTURE,
            "ts",
            "수신 시각보다 301초 앞섭니다 (허용 300초).",
        ),
        ({"dim": 101}, Reason.OUT_OF_RANGE, "dim", "'dim' 값 101이(가) 허용 범위(0–100)를 벗어났습니다."),
        ({"dim": -1}, Reason.OUT_OF_RANGE, "dim", "허용 범위(0–100)"),
        (
            {"voltage_v": 300.5},
            Reason.OUT_OF_RANGE,
            "voltage_v",
            "'voltage_v' 값 300.5이(가) 허용 범위(0–300)",
        ),
        ({"current_a": -0.1}, Reason.OUT_OF_RANGE, "current_a", "허용 범위(0 이상)"),
        ({"temperature_c": -41}, Reason.OUT_OF_RANGE, "temperature_c", "허용 범위(-40–90)"),
        ({"temperature_c": 90.1}, Reason.OUT_OF_RANGE, "temperature_c", "허용 범위(-40–90)"),
        ({"power_w": -3}, Reason.OUT_OF_RANGE, "power_w", "허용 범위(0 이상)"),
        ({"energy_wh": -1}, Reason.OUT_OF_RANGE, "energy_wh", "허용 범위(0–9,223,372,036,854,775,807)"),
        # Beyond the 64-bit column: rejected here, not by a failing INSERT that stalls the ingester.
        ({"energy_wh": 2**63}, Reason.OUT_OF_RANGE, "energy_wh", "값 9,223,372,036,854,775,808이(가)"),
        ({"energy_wh": 10**400}, Reason.OUT_OF_RANGE, "energy_wh", "…(401자리)이(가)"),
        ({"dim": 10**30}, Reason.OUT_OF_RANGE, "dim", "허용 범위(0–100)"),
        (
            {"device": "SL-0002"},
            Reason.TOPIC_DEVICE_MISMATCH,
            "device_id",
            "'SL-0002'이(가) 토픽의 장치 ID 'SL-0001'",
        ),
        (
            {"known": {"SL-0002"}},
            Reason.UNKNOWN_DEVICE,
            "device_id",
            "장치 'SL-0001'은(는) 등록되지 않은 장치입니다.",
        ),
    ],
)
def test_each_rejection_reason(kwargs, reason, field, message):
    result = parse(**kwargs)
    assert isinstance(result, Rejection)
    assert (result.reason, result.field) == (reason, field)
    assert message in result.message
    expected_device = "" if kwargs.get("topic") == "lights/SL-0001" else "SL-0001"
    assert result.device_id == expected_device


def test_missing_fields_are_all_named():
    data = payload()
    del data["ts"], data["voltage_v"]
    result = parse(data)
    assert result == Rejection(
        Reason.MISSING_FIELD, "필수 항목 'ts', 'voltage_v'이(가) 없습니다.", "ts", "SL-0001"
    )


def test_every_reason_code_is_covered_by_a_test():
    tested = {Reason.UNEXPECTED}  # only reachable through a bug; ingest_batch turns it into a dead letter
    for mark in test_each_rejection_reason.pytestmark:
        if mark.name == "parametrize":
            tested |= {case[1] for case in mark.args[1]}
    batch_only = {Reason.NOT_AN_ARRAY, Reason.BATCH_TOO_MANY}  # test_batches.py
    assert tested | {Reason.MISSING_FIELD} | batch_only == set(Reason)


def test_default_now_is_the_current_time():
    future = datetime.now(UTC) + timedelta(hours=1)
    result = parse_payload(TOPIC, json.dumps(payload(ts=future)).encode())
    assert isinstance(result, Rejection) and result.reason == Reason.TS_IN_FUTURE
