"""Gateway batch messages (ADR 0007): one MQTT message, many devices' readings, each with its own
verdict exactly as on the single-reading topic; plus the ingester's batch weight and shared option."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from cityhall.telemetry import ingester
from cityhall.telemetry.choices import Reason
from cityhall.telemetry.models import DeadLetter, DeviceState, Reading
from cityhall.telemetry.services import IngestReport, ingest_batch
from cityhall.telemetry.validation import (
    MAX_BATCH_BYTES,
    MAX_BATCH_READINGS,
    BatchElement,
    ParsedReading,
    Rejection,
    batch_topic,
    parse_batch,
    parse_payload,
    telemetry_topic,
)

from .factories import NOW, message, payload
from .test_validation import test_each_rejection_reason

GATEWAY = "BS-01"
TOPIC = batch_topic(GATEWAY)
MINUTE = timedelta(minutes=1)


def body(*elements) -> bytes:
    return json.dumps(list(elements)).encode()


def batch(*elements, gateway: str = GATEWAY, received_at=NOW, raw: bytes | None = None):
    return (batch_topic(gateway), raw if raw is not None else body(*elements), received_at)


def test_topic_and_valid_batch_parse_like_single_messages():
    assert TOPIC == "cityhall/v1/streetlights/BS-01/telemetry/batch"
    elements = [payload("SL-0001", "a"), payload("SL-0002", 7, faults=["LAMP_FAIL"]), payload(GATEWAY, "g")]
    result = parse_batch(TOPIC, body(*elements), now=NOW)
    assert [e.result for e in result] == [
        parse_payload(telemetry_topic(e["device_id"]), json.dumps(e).encode(), now=NOW) for e in elements
    ]
    assert all(isinstance(e.result, ParsedReading) and e.payload == b"" for e in result)
    # Whitespace anywhere JSON allows it; an empty batch holds no readings.
    spaced = (
        b" \n[ " + json.dumps(elements[0]).encode() + b" ,\t" + json.dumps(elements[1]).encode() + b"]\r\n"
    )
    assert len(parse_batch(TOPIC, spaced, now=NOW)) == 2
    assert parse_batch(TOPIC, b" [ ] ", now=NOW) == []


def _element_cases():
    """The single-message rejection cases that are about the reading's fields (not about the topic
    or the bytes of the whole message)."""
    for mark in test_each_rejection_reason.pytestmark:
        if mark.name != "parametrize":
            continue
        for kwargs, reason, field, _ in mark.args[1]:
            if not {"topic", "raw", "device"} & set(kwargs):
                yield pytest.param(kwargs, id=f"{reason}-{field}-{sorted(kwargs)[0]}")


@pytest.mark.parametrize("kwargs", list(_element_cases()))
def test_each_bad_element_gets_the_verdict_it_would_get_alone(kwargs):
    kwargs = dict(kwargs)  # shared with test_validation: do not change it
    known = kwargs.pop("known", None)
    bad = {**payload("SL-0001", "bad"), **kwargs}
    good = payload("SL-0002", "good")
    alone = parse_payload(telemetry_topic("SL-0001"), json.dumps(bad).encode(), known, now=NOW)
    result = parse_batch(TOPIC, body(good, bad, good), known | {"SL-0002"} if known else None, now=NOW)
    assert isinstance(alone, Rejection)
    assert [type(e.result) for e in result] == [ParsedReading, Rejection, ParsedReading]
    # The dead letter names the element's device when it is a valid ID, else the gateway.
    device = GATEWAY if "device_id" in kwargs else "SL-0001"
    expected = Rejection(alone.reason, alone.message, alone.field, device)
    assert result[1] == BatchElement(json.dumps(bad).encode(), expected)


def test_element_verdicts_for_shapes_only_a_batch_can_have():
    too_big = payload("SL-0003", "big", note="x" * 4096)
    elements = [1, None, payload("SL-0001", "a"), {"device_id": "no/good"}, too_big]
    result = parse_batch(TOPIC, body(*elements), now=NOW)
    reasons = [e.result.reason if isinstance(e.result, Rejection) else "ok" for e in result]
    assert reasons == ["not_an_object", "not_an_object", "ok", "missing_field", "payload_too_large"]
    assert result[0] == BatchElement(
        b"1", Rejection(Reason.NOT_AN_OBJECT, result[0].result.message, "", GATEWAY)
    )
    assert "(받은 형식: int)" in result[0].result.message
    assert result[4].result.device_id == "SL-0003" and "최대 4,096바이트" in result[4].result.message
    assert result[3].result.device_id == GATEWAY  # the element names no valid device: the gateway


@pytest.mark.parametrize(
    ("topic", "raw", "reason", "text"),
    [
        (TOPIC, b'[{"msg_id": 1},', Reason.MALFORMED_JSON, "올바른 JSON이 아닙니다"),
        (TOPIC, b"[1] 2", Reason.MALFORMED_JSON, "Extra data"),
        (TOPIC, b'[{"power_w": NaN}]', Reason.MALFORMED_JSON, "NaN"),
        (TOPIC, b"\xff[]", Reason.MALFORMED_JSON, "UTF-8이 아닙니다"),
        (TOPIC, "\ufeff[]".encode(), Reason.MALFORMED_JSON, "BOM"),
        (TOPIC, json.dumps(payload()).encode(), Reason.NOT_AN_ARRAY, "(받은 형식: dict)"),
        (TOPIC, b"[1]" + b" " * MAX_BATCH_BYTES, Reason.PAYLOAD_TOO_LARGE, "최대 262,144바이트"),
        (TOPIC, body(*[1] * (MAX_BATCH_READINGS + 1)), Reason.BATCH_TOO_MANY, "500개를 넘습니다"),
        ("cityhall/v1/streetlights/BS 01/telemetry/batch", b"[]", Reason.BAD_TOPIC, "{기지국 ID}"),
        ("cityhall/v1/streetlights/BS-01/telemetry/batch/x", b"[]", Reason.BAD_TOPIC, "형식이 아닙니다"),
    ],
)
def test_malformed_batch_is_one_rejection(topic, raw, reason, text):
    result = parse_batch(topic, raw, now=NOW)
    assert isinstance(result, Rejection), result
    assert (result.reason, result.field) == (reason, "")
    assert text in result.message
    assert result.device_id == ("" if "BS 01" in topic else GATEWAY)


def test_full_batch_of_the_most_readings_is_accepted():
    elements = [payload(f"SL-{i:04d}", i) for i in range(MAX_BATCH_READINGS)]
    assert len(parse_batch(TOPIC, body(*elements), now=NOW)) == MAX_BATCH_READINGS


def test_gateway_check_uses_the_mapping_when_it_knows_the_device():
    gateways = {"SL-0001": GATEWAY, "SL-0002": "BS-02"}
    elements = [payload("SL-0001", "a"), payload("SL-0002", "b"), payload("SL-0003", "c")]
    for mapping in (gateways, gateways.get):
        result = parse_batch(TOPIC, body(*elements), now=NOW, gateways=mapping)
        verdicts = [e.result for e in result]
        assert isinstance(verdicts[0], ParsedReading) and isinstance(verdicts[2], ParsedReading)
        assert verdicts[1] == Rejection(
            Reason.TOPIC_DEVICE_MISMATCH,
            "장치 'SL-0002'은(는) 토픽의 기지국 'BS-01'이 아니라 기지국 'BS-02'에 속합니다.",
            "device_id",
            "SL-0002",
        )


# -- ingest_batch ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_mixed_batch_stores_good_elements_and_dead_letters_each_bad_one_alone():
    bad_range = payload("SL-0002", "b", dim=101)
    report = ingest_batch(
        [
            batch(payload("SL-0001", "a"), bad_range, 5, payload("SL-0003", "c"), received_at=NOW + MINUTE),
            message("SL-0004", "d"),
        ]
    )
    assert report == IngestReport(
        received=5,
        stored=3,
        duplicates=0,
        rejected={"not_an_object": 1, "out_of_range": 1},
        late=0,
        devices=3,
        batches=1,
    )
    assert sorted(Reading.objects.values_list("device_id", "message_id")) == [
        ("SL-0001", "a"),
        ("SL-0003", "c"),
        ("SL-0004", "d"),
    ]
    assert Reading.objects.get(device_id="SL-0001").received_at == NOW + MINUTE
    letters = {d.reason: d for d in DeadLetter.objects.all()}
    assert letters["out_of_range"].payload == json.dumps(bad_range)
    assert letters["out_of_range"].payload_bytes == len(json.dumps(bad_range).encode())
    assert (letters["out_of_range"].topic, letters["out_of_range"].field) == (TOPIC, "dim")
    assert (letters["out_of_range"].device_id, letters["not_an_object"].device_id) == ("SL-0002", GATEWAY)
    assert letters["not_an_object"].payload == "5"
    assert "허용 범위(0–100)" in letters["out_of_range"].message


@pytest.mark.django_db
def test_duplicates_across_batches_and_single_messages_are_stored_once():
    first = ingest_batch(
        [
            message("SL-0001", "a"),
            batch(payload("SL-0001", "a"), payload("SL-0002", "b"), payload("SL-0002", "b")),
        ]
    )
    assert (first.received, first.stored, first.duplicates, first.batches) == (4, 2, 2, 1)
    # Redelivered: the batch again, and its reading again as a single message.
    again = ingest_batch(
        [
            batch(payload("SL-0001", "a"), payload("SL-0002", "b"), payload("SL-0002", "c", ts=NOW + MINUTE)),
            message("SL-0002", "b"),
        ]
    )
    assert (again.received, again.stored, again.duplicates) == (4, 1, 3)
    assert Reading.objects.count() == 3
    assert DeviceState.objects.get(device_id="SL-0002").last_message_id == "c"


@pytest.mark.django_db
def test_malformed_and_oversized_batches_are_one_dead_letter_each():
    huge = b"[" + b" " * MAX_BATCH_BYTES + b"]"
    report = ingest_batch([batch(raw=b"[{oops"), batch(raw=huge), batch(raw=b"{}"), message("SL-0001", "a")])
    assert report == IngestReport(
        received=4,
        stored=1,
        rejected={"malformed_json": 1, "not_an_array": 1, "payload_too_large": 1},
        devices=1,
        batches=3,
    )
    letter = DeadLetter.objects.get(reason="payload_too_large")
    assert (letter.topic, letter.device_id, letter.payload_bytes) == (TOPIC, GATEWAY, len(huge))
    assert len(letter.payload) == DeadLetter.PAYLOAD_MAX_CHARS
    too_many = ingest_batch([batch(*[payload("SL-0001", i) for i in range(MAX_BATCH_READINGS + 1)])])
    assert (too_many.received, too_many.rejected) == (1, {"batch_too_many": 1})
    assert Reading.objects.count() == 1


@pytest.mark.django_db
def test_gateway_mapping_and_known_devices_apply_to_elements():
    report = ingest_batch(
        [batch(payload("SL-0001", "a"), payload("SL-0002", "b"), payload("SL-9999", "c"))],
        known_devices={"SL-0001", "SL-0002", GATEWAY},
        gateways={"SL-0001": GATEWAY, "SL-0002": "BS-02"},
    )
    assert report.rejected == {"topic_device_mismatch": 1, "unknown_device": 1}
    assert list(Reading.objects.values_list("device_id", flat=True)) == ["SL-0001"]


@pytest.mark.django_db
def test_energy_beyond_64_bits_is_rejected_and_does_not_stall_the_batch():
    """It used to pass validation and fail the INSERT, so the batch was retried for ever."""
    report = ingest_batch(
        [
            message("SL-0001", "huge", energy_wh=2**63),
            message("SL-0001", "max", energy_wh=2**63 - 1),
            batch(payload("SL-0002", "huge", energy_wh=10**30), payload("SL-0002", "ok")),
        ]
    )
    assert (report.stored, report.rejected) == (2, {"out_of_range": 2})
    assert Reading.objects.get(message_id="max").energy_wh == 2**63 - 1
    assert set(DeadLetter.objects.values_list("field", flat=True)) == {"energy_wh"}


# -- ingester -----------------------------------------------------------------------------------------


def test_a_batch_message_counts_toward_the_batch_size_by_its_readings():
    elements = [payload(f"SL-{i:04d}", i) for i in range(50)]
    assert ingester._weight(TOPIC, body(*elements)) == 50
    assert ingester._weight(TOPIC, b"[]") == 1
    assert ingester._weight(TOPIC, b"{" * 10_000) == MAX_BATCH_READINGS
    assert ingester._weight(telemetry_topic("SL-0001"), json.dumps(payload()).encode()) == 1
    assert ingester.shared(ingester.BATCH_SUBSCRIPTION, "g1") == (
        "$share/g1/cityhall/v1/streetlights/+/telemetry/batch"
    )
    assert ingester.shared(ingester.SUBSCRIPTION, None) == ingester.SUBSCRIPTION


def test_shared_subscription_is_refused_on_mqtt_311_and_for_bad_names():
    with pytest.raises(ValueError, match="MQTT 5에서만"):
        ingester.run_ingester("mqtt://127.0.0.1:1?protocol=3.1.1", share="g1")
    with pytest.raises(ValueError, match="공유 구독 그룹 이름"):
        ingester.run_ingester("mqtt://127.0.0.1:1", share="a/b")
    with pytest.raises(CommandError, match="MQTT 5에서만"):
        call_command("telemetry_ingest", "--url", "mqtt://127.0.0.1:1?protocol=3.1.1", "--share", "g1")
