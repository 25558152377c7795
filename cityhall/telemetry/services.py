"""Storing telemetry: one batch of MQTT messages in, readings / dead letters / device state out.

``ingest_batch`` is what the MQTT ingester (and any other transport) calls with the messages it has
received; it validates each one (``validation.parse_payload``), keeps going through bad messages, and
writes the whole batch in one transaction. The caller acknowledges the messages to the broker only
after it returns, so a crash loses nothing (the broker redelivers) and a redelivery stores nothing
twice (the unique (device_id, message_id) constraint). See ADR 0007.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .choices import Reason
from .models import DeadLetter, DeviceState, Reading
from .validation import ParsedReading, Rejection, parse_payload

Message = tuple[str, bytes, datetime]  # (topic, payload, received_at)

# Kept well under SQLite's bound-parameter limit (two parameters per pair).
_LOOKUP_CHUNK = 400


@dataclass
class IngestReport:
    """What one batch did. ``received == stored + duplicates + sum(rejected.values())``."""

    received: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    late: int = 0  # stored, but older than the device's last state (out of order)
    devices: int = 0  # devices whose state was created or moved

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())


def _existing_pairs(pairs: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (device_id, message_id) pairs of ``pairs`` that are already stored."""
    found: set[tuple[str, str]] = set()
    for start in range(0, len(pairs), _LOOKUP_CHUNK):
        chunk = set(pairs[start : start + _LOOKUP_CHUNK])
        devices = {device for device, _ in chunk}
        messages = {message for _, message in chunk}
        rows = Reading.objects.filter(device_id__in=devices, message_id__in=messages).values_list(
            "device_id", "message_id"
        )
        found.update(pair for pair in rows if pair in chunk)
    return found


def _dead_letter(topic: str, payload: bytes, received_at: datetime, rejection: Rejection) -> DeadLetter:
    return DeadLetter(
        received_at=received_at,
        topic=topic[: DeadLetter._meta.get_field("topic").max_length],
        payload=payload[: DeadLetter.PAYLOAD_MAX_CHARS * 4].decode("utf-8", errors="replace")[
            : DeadLetter.PAYLOAD_MAX_CHARS
        ],
        payload_bytes=len(payload),
        reason=rejection.reason,
        message=rejection.message,
        field=rejection.field[:64],
        device_id=rejection.device_id,
    )


_STATE_FIELDS = (
    "lamp_on",
    "dim",
    "power_w",
    "energy_wh",
    "voltage_v",
    "current_a",
    "temperature_c",
    "simulated",
)


def _state_values(reading: ParsedReading) -> dict[str, object]:
    values: dict[str, object] = {name: getattr(reading, name) for name in _STATE_FIELDS}
    values.update(last_ts=reading.ts, last_message_id=reading.message_id, faults=list(reading.faults))
    return values


def _advance_states(
    newest: dict[str, ParsedReading], seen: dict[str, datetime], report: IngestReport
) -> None:
    """Move each device's last state forward to its newest reading of the batch; never backwards.

    Race-safe between ingesters: missing rows are inserted (conflicts ignored), then all rows of the
    batch are locked in a fixed order and compared before they are updated.
    """
    DeviceState.objects.bulk_create(
        [
            DeviceState(device_id=device, last_seen=seen[device], **_state_values(reading))
            for device, reading in sorted(newest.items())
        ],
        ignore_conflicts=True,
    )
    changed: list[DeviceState] = []
    states = DeviceState.objects.select_for_update().filter(device_id__in=list(newest)).order_by("device_id")
    moved = 0
    for state in states:
        reading = newest[state.device_id]
        dirty = False
        if reading.ts > state.last_ts:
            for name, value in _state_values(reading).items():
                setattr(state, name, value)
            dirty = True
            moved += 1
        elif reading.ts == state.last_ts and reading.message_id == state.last_message_id:
            moved += 1  # created just now from this batch
        if seen[state.device_id] > state.last_seen:
            state.last_seen = seen[state.device_id]
            dirty = True
        if dirty:
            changed.append(state)
    if changed:
        DeviceState.objects.bulk_update(
            changed, ["last_ts", "last_message_id", "last_seen", *_STATE_FIELDS, "faults"]
        )
    report.devices = moved


def ingest_batch(messages: Iterable[Message], *, known_devices: set[str] | None = None) -> IngestReport:
    """Validate and store a batch of ``(topic, payload, received_at)`` messages; return the counts.

    Valid readings go in with one bulk insert (a message already stored, or repeated in the batch,
    counts as a duplicate and is stored once); rejected messages go to the dead letters with their
    reason; device state only moves forward in device time. A bad message never stops the batch; a
    database error does (nothing of the batch is written, and the broker will redeliver it).
    ``known_devices=None`` accepts any well-formed device ID (until the device registry exists).
    """
    report = IngestReport()
    rejected: Counter[str] = Counter()
    readings: dict[tuple[str, str], tuple[ParsedReading, datetime]] = {}
    dead: list[DeadLetter] = []
    for topic, payload, received_at in messages:
        if timezone.is_naive(received_at):
            raise ValueError("received_at must be an aware datetime (UTC)")
        report.received += 1
        try:
            result = parse_payload(topic, payload, known_devices, now=received_at)
        except Exception as exc:  # noqa: BLE001 - a bad message must not stop the batch
            result = Rejection(
                Reason.UNEXPECTED, f"메시지를 처리하는 중 오류가 났습니다: {type(exc).__name__}"
            )
        if isinstance(result, Rejection):
            rejected[result.reason] += 1
            dead.append(_dead_letter(topic, payload, received_at, result))
            continue
        key = (result.device_id, result.message_id)
        if key in readings:
            report.duplicates += 1  # repeated within the batch: the first copy wins
            continue
        readings[key] = (result, received_at)

    with transaction.atomic():
        already = _existing_pairs(list(readings))
        report.duplicates += len(already)
        # Sorted by the unique key, so two ingesters inserting overlapping batches take the same
        # index entries in the same order and cannot deadlock (PostgreSQL).
        fresh = [readings[key] for key in sorted(readings) if key not in already]
        Reading.objects.bulk_create(
            [
                Reading(
                    device_id=r.device_id,
                    message_id=r.message_id,
                    ts=r.ts,
                    received_at=received_at,
                    lamp_on=r.lamp_on,
                    dim=r.dim,
                    power_w=r.power_w,
                    energy_wh=r.energy_wh,
                    voltage_v=r.voltage_v,
                    current_a=r.current_a,
                    temperature_c=r.temperature_c,
                    heartbeat=r.heartbeat,
                    simulated=r.simulated,
                    faults=list(r.faults),
                )
                for r, received_at in fresh
            ],
            ignore_conflicts=True,  # a concurrent ingester may have stored the same message meanwhile
        )
        report.stored = len(fresh)
        if dead:
            DeadLetter.objects.bulk_create(dead)

        newest: dict[str, ParsedReading] = {}
        seen: dict[str, datetime] = {}
        for reading, received_at in fresh:
            device = reading.device_id
            if device not in newest or reading.ts > newest[device].ts:
                newest[device] = reading
            if device not in seen or received_at > seen[device]:
                seen[device] = received_at
        if newest:
            last = dict(
                DeviceState.objects.filter(device_id__in=list(newest)).values_list("device_id", "last_ts")
            )
            report.late = sum(1 for r, _ in fresh if r.device_id in last and r.ts < last[r.device_id])
            _advance_states(newest, seen, report)
    report.rejected = dict(sorted(rejected.items()))
    return report
