"""ingest_batch: idempotent storage, dead letters, forward-only device state, bad messages skipped."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from cityhall.telemetry.choices import Reason
from cityhall.telemetry.models import DeadLetter, DeviceState, Reading
from cityhall.telemetry.services import IngestReport, ingest_batch

from .factories import NOW, message, stream

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)


def stored(device="SL-0001"):
    return list(Reading.objects.filter(device_id=device).order_by("ts").values_list("message_id", flat=True))


def test_valid_batch_stores_readings_and_state():
    report = ingest_batch(
        [
            message("SL-0001", "a", NOW, received_at=NOW + timedelta(seconds=2), faults=["LAMP_FAIL"]),
            message("SL-0002", 7, NOW, received_at=NOW + timedelta(seconds=3), dim=30, lamp_on=False),
        ]
    )
    assert report == IngestReport(received=2, stored=2, duplicates=0, rejected={}, late=0, devices=2)
    reading = Reading.objects.get(device_id="SL-0001")
    assert (reading.message_id, reading.ts, reading.received_at) == ("a", NOW, NOW + timedelta(seconds=2))
    assert (reading.lamp_on, reading.dim, reading.power_w, reading.energy_wh) == (True, 70, 84.5, 123_456)
    assert (reading.voltage_v, reading.current_a, reading.temperature_c) == (221.3, 0.38, 18.5)
    assert (reading.heartbeat, reading.faults) == (False, ["LAMP_FAIL"])
    state = DeviceState.objects.get(device_id="SL-0002")
    assert (state.last_ts, state.last_message_id, state.last_seen) == (NOW, "7", NOW + timedelta(seconds=3))
    assert (state.lamp_on, state.dim, state.faults) == (False, 30, [])
    assert DeadLetter.objects.count() == 0


def test_redelivered_message_is_stored_once_within_and_across_batches():
    first = ingest_batch([message(msg_id="a"), message(msg_id="a"), message(msg_id="b", ts=NOW + MINUTE)])
    assert (first.stored, first.duplicates) == (2, 1)
    # The broker redelivers after an ingester crash: same messages, later receive time.
    again = [message(msg_id="a", received_at=NOW + MINUTE), message(msg_id="b", ts=NOW + MINUTE)]
    second = ingest_batch([*again, message(msg_id="c", ts=NOW + 2 * MINUTE)])
    assert second == IngestReport(received=3, stored=1, duplicates=2, rejected={}, late=0, devices=1)
    assert stored() == ["a", "b", "c"]
    # The first copy's receive time is kept.
    assert Reading.objects.get(message_id="a").received_at == NOW
    # Another device may reuse a message ID (sequence numbers are per device).
    assert ingest_batch([message("SL-0002", "a")]).stored == 1


def test_unique_constraint_backs_idempotency():
    ingest_batch([message(msg_id="a")])
    with pytest.raises(IntegrityError), transaction.atomic():
        Reading.objects.create(
            **{f.name: getattr(Reading.objects.get(), f.name) for f in Reading._meta.fields[1:]}
        )


def test_out_of_order_messages_are_stored_but_state_never_moves_back():
    ingest_batch([message(msg_id="3", ts=NOW + 3 * MINUTE, dim=30, received_at=NOW)])
    # An older reading arrives late (buffered on the device during an outage), and in the same batch a
    # still older one after a newer one.
    late = [
        message(msg_id="2", ts=NOW + 2 * MINUTE, dim=20, received_at=NOW + 5 * MINUTE),
        message(msg_id="1", ts=NOW + MINUTE, dim=10, received_at=NOW + 6 * MINUTE),
    ]
    report = ingest_batch(late)
    assert (report.stored, report.late, report.devices) == (2, 2, 0)
    assert stored() == ["1", "2", "3"]
    state = DeviceState.objects.get(device_id="SL-0001")
    assert (state.last_message_id, state.last_ts, state.dim) == ("3", NOW + 3 * MINUTE, 30)
    # The device was still heard from: last_seen moves forward.
    assert state.last_seen == NOW + 6 * MINUTE

    # Within one batch, the newest by device time wins, whatever the arrival order.
    ingest_batch(
        [
            message(msg_id="5", ts=NOW + 5 * MINUTE, dim=50, received_at=NOW + 7 * MINUTE),
            message(msg_id="4", ts=NOW + 4 * MINUTE, dim=40, received_at=NOW + 8 * MINUTE),
        ]
    )
    state.refresh_from_db()
    assert (state.last_message_id, state.dim, state.last_seen) == ("5", 50, NOW + 8 * MINUTE)


def test_equal_timestamp_does_not_replace_state():
    ingest_batch([message(msg_id="a", dim=10)])
    ingest_batch([message(msg_id="b", dim=90, received_at=NOW + MINUTE)])
    state = DeviceState.objects.get()
    assert (state.last_message_id, state.dim, state.last_seen) == ("a", 10, NOW + MINUTE)
    assert sorted(stored()) == ["a", "b"]


def test_mixed_batch_keeps_every_good_message_and_dead_letters_the_bad():
    messages = [
        message(msg_id="good-1"),
        message(raw=b"not json"),
        message(msg_id="bad-dim", dim=150),
        message(msg_id="good-2", ts=NOW + MINUTE),
        message("SL-0999", "x"),  # unknown device
        message(topic="cityhall/v1/streetlights/SL-0001/telemetry", device="SL-0002", msg_id="y"),
        message(msg_id="good-1"),  # duplicate
        message(topic="other/topic", raw=b"\xff" * 10),
        message("SL-0002", "good-3"),
    ]
    report = ingest_batch(messages, known_devices={"SL-0001", "SL-0002"})
    assert report == IngestReport(
        received=9,
        stored=3,
        duplicates=1,
        rejected={
            "bad_topic": 1,
            "malformed_json": 1,
            "out_of_range": 1,
            "topic_device_mismatch": 1,
            "unknown_device": 1,
        },
        late=0,
        devices=2,
    )
    assert report.rejected_total == 5
    assert report.received == report.stored + report.duplicates + report.rejected_total
    assert sorted(Reading.objects.values_list("message_id", flat=True)) == ["good-1", "good-2", "good-3"]
    letters = list(DeadLetter.objects.order_by("id").values_list("reason", "device_id", "field", "payload"))
    assert letters == [
        ("malformed_json", "SL-0001", "", "not json"),
        ("out_of_range", "SL-0001", "dim", letters[1][3]),
        ("unknown_device", "SL-0999", "device_id", letters[2][3]),
        ("topic_device_mismatch", "SL-0001", "device_id", letters[3][3]),
        ("bad_topic", "", "", "\ufffd" * 10),
    ]
    dim = DeadLetter.objects.get(reason=Reason.OUT_OF_RANGE)
    assert dim.message == "'dim' 값 150이(가) 허용 범위(0–100)를 벗어났습니다."
    assert '"dim": 150' in dim.payload
    assert (dim.topic, dim.received_at, dim.get_reason_display()) == (messages[2][0], NOW, "허용 범위 초과")


def test_dead_letter_payload_is_size_limited():
    huge = b'{"x": "' + b"a" * 10_000 + b'"}'
    report = ingest_batch([message(raw=huge)])
    assert report.rejected == {"payload_too_large": 1}
    letter = DeadLetter.objects.get()
    assert (len(letter.payload), letter.payload_bytes) == (4096, 10_009)
    assert letter.message == "메시지가 10,009바이트로 최대 4,096바이트를 넘습니다."


def test_an_unexpected_error_in_one_message_does_not_stop_the_batch(monkeypatch):
    from cityhall.telemetry import services

    real = services.parse_payload

    def flaky(topic, payload, known, *, now):
        if b"boom" in payload:
            raise RuntimeError("bug")
        return real(topic, payload, known, now=now)

    monkeypatch.setattr(services, "parse_payload", flaky)
    report = ingest_batch([message(msg_id="boom"), message(msg_id="ok")])
    assert (report.stored, report.rejected) == (1, {"unexpected": 1})
    assert DeadLetter.objects.get().message == "메시지를 처리하는 중 오류가 났습니다: RuntimeError"


def test_all_bad_or_empty_batches_write_no_readings():
    assert ingest_batch([]) == IngestReport()
    assert ingest_batch([message(raw=b"")]).rejected == {"malformed_json": 1}
    assert (Reading.objects.count(), DeviceState.objects.count()) == (0, 0)


def test_naive_receive_time_is_a_programming_error():
    topic, body, received_at = message()
    with pytest.raises(ValueError, match="aware"):
        ingest_batch([(topic, body, received_at.replace(tzinfo=None))])


def test_large_batch_of_5000_messages():
    messages = stream(devices=500, per_device=10)
    report = ingest_batch(messages)
    assert (report.received, report.stored, report.duplicates, report.devices) == (5000, 5000, 0, 500)
    assert Reading.objects.count() == 5000
    # Redelivering the whole batch stores nothing new.
    again = ingest_batch(messages)
    assert (again.stored, again.duplicates, again.devices) == (0, 5000, 0)
    assert Reading.objects.count() == 5000
    state = DeviceState.objects.get(device_id="SL-0500")
    assert (state.last_message_id, state.last_ts, state.energy_wh) == ("9", NOW + 9 * MINUTE, 1009)
    assert DeviceState.objects.count() == 500


def test_queries_do_not_grow_with_the_batch(django_assert_num_queries):
    ingest_batch([message("SL-0001", "seed"), message("SL-0002", "seed")])
    later = NOW + 200 * MINUTE
    small = [message("SL-0001", n, NOW + n * MINUTE, received_at=later) for n in range(1, 5)]
    large = [message(f"SL-000{1 + n % 2}", n, NOW + n * MINUTE, received_at=later) for n in range(10, 70)]
    small.append(message(raw=b"x"))
    large.append(message(raw=b"x"))
    # pair lookup, readings insert, dead letters insert, last-state read, state insert (conflicts
    # ignored), state lock, state update; no savepoint inside the caller's transaction (here the
    # test's). (SQLite splits an insert at 999 bound parameters, ~70 readings; these batches stay
    # under that.)
    with django_assert_num_queries(7):
        ingest_batch(small)
    with django_assert_num_queries(7):
        ingest_batch(large)
