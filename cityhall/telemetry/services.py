"""Storing telemetry: one batch of MQTT messages in, readings / dead letters / device state out.

``ingest_batch`` is what the MQTT ingester (and any other transport) calls with the messages it has
received; it validates each one (``validation.parse_payload``), keeps going through bad messages, and
writes the whole batch in one transaction. The caller acknowledges the messages to the broker only
after it returns, so a crash loses nothing (the broker redelivers) and a redelivery stores nothing
twice (the unique (device_id, message_id) constraint). See ADR 0007.
"""

from __future__ import annotations

import functools
import json
import weakref
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from django.db import connection, models, transaction
from django.utils import timezone

from .choices import Reason
from .models import DeadLetter, DeviceState, Reading
from .validation import GatewayOf, ParsedReading, Rejection, is_batch_topic, parse_batch, parse_payload

Message = tuple[str, bytes, datetime]  # (topic, payload, received_at)

# Kept well under SQLite's bound-parameter limit (two parameters per pair).
_LOOKUP_CHUNK = 400


@dataclass
class IngestReport:
    """What one batch did. ``received == stored + duplicates + sum(rejected.values())``: readings
    received, a batch message counting as its elements (a batch rejected as a whole as one)."""

    received: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    late: int = 0  # stored, but older than the device's last state (out of order)
    devices: int = 0  # devices whose state was created or moved
    batches: int = 0  # gateway batch messages among the messages (each counted in received by element)

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())


def _existing_pairs(pairs: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (device_id, message_id) pairs of ``pairs`` that are already stored.

    A join of the pairs (a VALUES list) with the readings: one probe of the unique index per pair.
    ``device_id IN (…) AND message_id IN (…)`` would probe every combination of the two lists."""
    found: set[tuple[str, str]] = set()
    quote = connection.ops.quote_name
    meta = Reading._meta
    device, message = (
        quote(cast(models.Field, meta.get_field(name)).column) for name in ("device_id", "message_id")
    )
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), _LOOKUP_CHUNK):
            chunk = pairs[start : start + _LOOKUP_CHUNK]
            values = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(
                f"WITH v (device_id, message_id) AS (VALUES {values}) "  # noqa: S608 - names from the model
                f"SELECT r.{device}, r.{message} FROM v JOIN {quote(meta.db_table)} AS r "
                f"ON r.{device} = v.device_id AND r.{message} = v.message_id",
                [value for pair in chunk for value in pair],
            )
            found.update(cursor.fetchall())
    return found


#: The columns of a reading row, in the order of the inserts (and of the bench's COPY reference).
READING_COLUMNS = (
    "device_id",
    "message_id",
    "ts",
    "received_at",
    "lamp_on",
    "dim",
    "power_w",
    "energy_wh",
    "voltage_v",
    "current_a",
    "temperature_c",
    "heartbeat",
    "simulated",
    "faults",
)


def _columns(model, names: Sequence[str]) -> list[str]:
    return [connection.ops.quote_name(model._meta.get_field(name).column) for name in names]


# PostgreSQL connections (the driver's, so a reconnect starts afresh) → their staging tables.
_staged: weakref.WeakKeyDictionary[object, set[str]] = weakref.WeakKeyDictionary()


def _stage(model, names: Sequence[str], rows: Sequence[Sequence[Any]]) -> tuple[str, str]:
    """PostgreSQL: ``COPY`` the rows into a session-local temporary table with these columns of
    ``model``; return its name and the column list. The caller's statement takes them out again
    with ``WITH batch AS (DELETE FROM stage RETURNING …)``. COPY is the fastest way into PostgreSQL
    from Python (the driver formats the rows in C); parameter lists of 500 × 14 values cost more in
    the driver than the insert costs in the database."""
    columns = ", ".join(_columns(model, names))
    table = f"cityhall_stage_{model._meta.db_table}_{zlib.crc32(columns.encode()):08x}"
    with connection.cursor() as cursor:
        source = connection.ops.quote_name(model._meta.db_table)
        _temporary_table(cursor, table, f"SELECT {columns} FROM {source}")  # noqa: S608 - model names
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    return table, columns


# The PostgreSQL types of READING_COLUMNS, for binary COPY.
_READING_TYPES = (
    "text", "text", "timestamptz", "timestamptz", "bool", "int2", "float8", "int8", "float8", "float8",
    "float8", "bool", "bool", "jsonb",
)  # fmt: skip


@functools.cache
def _encoded_jsonb_dumper() -> type:
    """psycopg's binary ``jsonb`` dumper for values already encoded (``_Adapter.faults_binary``):
    the fault lists repeat (mostly ``[]``), so each is encoded once, not once per row."""
    from psycopg.adapt import Dumper
    from psycopg.postgres import types
    from psycopg.pq import Format

    class EncodedJsonbDumper(Dumper):
        format = Format.BINARY
        oid = types["jsonb"].oid

        def dump(self, obj: bytes) -> bytes:
            return obj

    return EncodedJsonbDumper


def _copy_binary(
    cursor: Any, table: str, columns: str, types: Sequence[str], rows: Iterable[Sequence[object]]
) -> None:
    """PostgreSQL: ``COPY table (columns) FROM STDIN`` in the binary format, each column dumped as
    ``types`` says (by the driver's C dumpers; the server parses no text)."""
    cursor.adapters.register_dumper(None, _encoded_jsonb_dumper())
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(list(types))
        write = copy.write_row
        for row in rows:
            write(row)


def _temporary_table(cursor: Any, table: str, select: str) -> None:
    """PostgreSQL: create the session-local temporary table ``table`` as ``select`` (its columns),
    once per connection. Emptied at every commit (``ON COMMIT DELETE ROWS``, a truncation): rows
    deleted in it would otherwise keep their pages (autovacuum does not reach temporary tables), and
    the table, and each scan of it, would grow with every batch for as long as the ingester runs."""
    created = _staged.setdefault(connection.connection, set())
    if table not in created:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {table} ON COMMIT DELETE ROWS AS {select} WITH NO DATA"
        )
        # Temporary tables are transactional: remember it only once its creation is committed.
        transaction.on_commit(lambda: created.add(table))


class _Copied:
    """Whether the next batch's readings go straight into the table by ``COPY`` (the common case)
    or through the staged ``INSERT … ON CONFLICT``: after a batch that held an already stored
    reading (a redelivery, which comes in runs after an outage), staged until one finds none."""

    straight = True


def _copy_readings(rows: list[list[object]]) -> bool:
    """PostgreSQL: ``COPY`` the (new, in key order) reading rows straight into the readings table in
    a savepoint; False, with nothing written, if one of them is already stored (the unique
    constraint fails the COPY: the caller then inserts them ignoring conflicts). A COPY is what the
    database takes fastest: no staging table, no conflict handling per row."""
    from psycopg.errors import UniqueViolation

    table = connection.ops.quote_name(Reading._meta.db_table)
    columns = ", ".join(_columns(Reading, READING_COLUMNS))
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            _copy_binary(cursor, table, columns, _READING_TYPES, rows)
    except UniqueViolation:
        return False
    return True


def _insert_ignoring_conflicts(
    model, names: Sequence[str], rows: Sequence[Sequence[Any]], *, returning: Sequence[str] = ()
) -> list[tuple]:
    """``INSERT … ON CONFLICT DO NOTHING`` of ready database values, without building model
    instances, in the order of the first two columns (the key). SQLite runs one prepared statement
    per row in C (``executemany``); PostgreSQL copies them into a staging table and inserts from
    there in one statement, which can also return what it inserted (``returning``: those rows'
    values of these fields; SQLite returns nothing)."""
    if not rows:
        return []
    table = connection.ops.quote_name(model._meta.db_table)
    if connection.vendor != "postgresql":
        columns = ", ".join(_columns(model, names))
        placeholders = ", ".join(["%s"] * len(names))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) ON CONFLICT DO NOTHING",  # noqa: S608
                rows,
            )
        return []
    stage, columns = _stage(model, names, rows)
    # In key order, so that two ingesters take the same index entries in the same order.
    order = ", ".join(_columns(model, names[:2]))
    sql = (
        f"WITH batch AS (DELETE FROM {stage} RETURNING {columns}) "  # noqa: S608 - names from the model
        f"INSERT INTO {table} ({columns}) SELECT {columns} FROM batch ORDER BY {order} "
        "ON CONFLICT DO NOTHING"
    )
    if returning:
        sql += f" RETURNING {', '.join(_columns(model, returning))}"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall() if returning else []


def _sqlite_datetime(value: datetime) -> str:
    """What Django's SQLite backend stores for an aware datetime (naive UTC text), without its
    per-call settings checks: ~40,000 calls per 20,000 readings."""
    return str(value.astimezone(UTC).replace(tzinfo=None))


class _Adapter:
    """Python values → database values for the raw statements, as the model fields would prepare
    them (datetimes in UTC, JSON as text), cached where values repeat."""

    def __init__(self) -> None:
        self.datetime: Callable[[datetime], Any] = connection.ops.adapt_datetimefield_value
        if connection.vendor == "sqlite" and connection.timezone == UTC:
            self.datetime = _sqlite_datetime
        self.json: dict[tuple[str, ...], str] = {}
        self.binary: dict[tuple[str, ...], bytes] = {}
        self.received: dict[datetime, object] = {}

    def faults(self, faults: tuple[str, ...]) -> str:
        value = self.json.get(faults)
        if value is None:
            value = self.json[faults] = json.dumps(list(faults))  # as JSONField.get_db_prep_value
        return value

    def faults_binary(self, faults: tuple[str, ...]) -> bytes:
        """The faults as PostgreSQL's binary ``jsonb``: a version byte, then the JSON text."""
        value = self.binary.get(faults)
        if value is None:
            value = self.binary[faults] = b"\x01" + self.faults(faults).encode()
        return value

    def received_at(self, value: datetime) -> object:
        adapted = self.received.get(value)
        if adapted is None:
            adapted = self.received[value] = self.datetime(value)
        return adapted


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


_STATE_COLUMNS = ("last_ts", "last_message_id", "last_seen", *_STATE_FIELDS, "faults")


def _advance_states(
    fresh: list[tuple[ParsedReading, datetime]],
    newest: dict[str, ParsedReading],
    seen: dict[str, datetime],
    report: IngestReport,
    adapt: _Adapter,
) -> None:
    """Move each device's last state forward to its newest reading of the batch; never backwards.
    Counts the batch's readings that are older than their device's state before it (``late``).

    Race-safe between ingesters: missing rows are inserted (conflicts ignored), then all rows of the
    batch are locked in a fixed order and compared before they are updated.
    """
    if connection.vendor == "postgresql":
        _advance_states_postgresql(fresh, newest, seen, report, adapt)
        return
    rows = [
        [
            device,
            adapt.datetime(reading.ts),
            reading.message_id,
            adapt.received_at(seen[device]),
            *(getattr(reading, name) for name in _STATE_FIELDS),
            adapt.faults(reading.faults),
        ]
        for device, reading in sorted(newest.items())
    ]
    devices = sorted(newest)
    last = dict(DeviceState.objects.filter(device_id__in=devices).values_list("device_id", "last_ts"))
    _insert_ignoring_conflicts(DeviceState, ("device_id", *_STATE_COLUMNS), rows)
    # Only the columns the comparison needs: building 500 model instances per batch is not free.
    states = (
        DeviceState.objects.select_for_update()
        .filter(device_id__in=devices)
        .order_by("device_id")
        .values_list("pk", "device_id", "last_ts", "last_message_id", "last_seen")
    )
    report.late = sum(1 for r, _ in fresh if r.device_id in last and r.ts < last[r.device_id])
    changed: list[tuple[int, ParsedReading | None, datetime]] = []
    moved = 0
    for pk, device, last_ts, last_message_id, last_seen in states:
        reading = newest[device]
        heard = max(seen[device], last_seen)
        if reading.ts > last_ts:
            changed.append((pk, reading, heard))
            moved += 1
            continue
        if reading.ts == last_ts and reading.message_id == last_message_id:
            moved += 1  # created just now from this batch
        if heard > last_seen:
            changed.append((pk, None, heard))  # heard from, but nothing newer to show
    _update_states(changed, adapt)
    report.devices = moved


def _update_states(changed: list[tuple[int, ParsedReading | None, datetime]], adapt: _Adapter) -> None:
    """SQLite: write the compared (already locked) states with one prepared UPDATE per row
    (``executemany``). Not ``bulk_update``: Django builds that as one CASE expression per column and
    row, which cost more than everything else in a batch of 500 devices. A row that only gets a new
    ``last_seen`` passes NULL for the rest, which COALESCE keeps as stored (every column is NOT
    NULL)."""
    if not changed:
        return
    kept = ("last_ts", "last_message_id", *_STATE_FIELDS, "faults")
    rows: list[list[Any]] = []
    for key, reading, heard in changed:
        if reading is None:
            rows.append([adapt.datetime(heard), *([None] * len(kept)), key])
        else:
            rows.append(
                [
                    adapt.datetime(heard),
                    adapt.datetime(reading.ts),
                    reading.message_id,
                    *(getattr(reading, name) for name in _STATE_FIELDS),
                    adapt.faults(reading.faults),
                    key,
                ]
            )
    table = connection.ops.quote_name(DeviceState._meta.db_table)
    pk, seen_column, *columns = _columns(DeviceState, ("id", "last_seen", *kept))
    assignments = ", ".join(
        [f"{seen_column} = %s"] + [f"{column} = COALESCE(%s, {column})" for column in columns]
    )
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", rows)  # noqa: S608 - model names


# The columns of the staged device states on PostgreSQL: a device's newest reading of the batch
# (as the state would hold it), then the batch's oldest reading time of that device (``first_ts``)
# and its number of readings in the batch (``readings``).
_STATE_STAGE_TYPES = (
    "text", "timestamptz", "text", "timestamptz", "bool", "int2", "float8", "int8", "float8", "float8",
    "float8", "bool", "jsonb", "timestamptz", "int4",
)  # fmt: skip


@functools.cache
def _state_statement(stage: str) -> str:
    """PostgreSQL: one statement that takes the staged rows out, locks the states that exist in
    device order (``FOR UPDATE``, so concurrent ingesters queue rather than deadlock), moves each
    forward where the batch has a newer reading (``last_seen`` always to the latest receive time),
    and returns: states found, states moved, the staged devices without a state, the number of
    readings older than their device's state before the batch (where all of a device's readings
    are), and the devices (with their previous ``last_ts``) where only some are. The comparison is
    made in the database: no timestamps come back in the common case."""
    q = connection.ops.quote_name
    table = q(DeviceState._meta.db_table)
    pk, device, last_ts, seen, *kept = _columns(
        DeviceState, ("id", "device_id", "last_ts", "last_seen", "last_message_id", *_STATE_FIELDS, "faults")
    )
    newer = f"b.{last_ts} > o.{last_ts}"
    assignments = ", ".join(
        [
            f"{seen} = GREATEST(o.{seen}, b.{seen})",
            f"{last_ts} = CASE WHEN {newer} THEN b.{last_ts} ELSE s.{last_ts} END",
        ]
        + [f"{column} = CASE WHEN {newer} THEN b.{column} ELSE s.{column} END" for column in kept]
    )
    some_late = f"b.first_ts < o.{last_ts} AND o.{last_ts} <= b.{last_ts}"
    return (
        f"WITH b AS (DELETE FROM {stage} RETURNING *), "  # noqa: S608 - names from the model
        f"o AS (SELECT s.{pk}, s.{device}, s.{last_ts}, s.{seen} FROM {table} AS s "
        f"WHERE s.{device} IN (SELECT {device} FROM b) ORDER BY s.{device} FOR UPDATE), "
        f"u AS (UPDATE {table} AS s SET {assignments} FROM o JOIN b ON b.{device} = o.{device} "
        f"WHERE s.{pk} = o.{pk} AND ({newer} OR b.{seen} > o.{seen})) "
        f"SELECT count(o.{pk}), count(*) FILTER (WHERE {newer}), "
        f"array_agg(b.{device}) FILTER (WHERE o.{pk} IS NULL), "
        f"sum(b.readings) FILTER (WHERE o.{last_ts} > b.{last_ts}), "
        f"array_agg(o.{device}) FILTER (WHERE {some_late}), "
        f"array_agg(o.{last_ts}) FILTER (WHERE {some_late}) "
        f"FROM b LEFT JOIN o ON o.{device} = b.{device}"
    )


def _move_states_postgresql(rows: list[list[Any]]) -> tuple[int, list[str], int, dict[str, datetime]]:
    """Stage ``rows`` (``_STATE_STAGE_TYPES``, in device order) and run ``_state_statement``:
    (states moved, devices without a state, late readings of devices whose readings are all late,
    {device with some late readings: its previous last_ts})."""
    q = connection.ops.quote_name
    names = _columns(DeviceState, ("device_id", *_STATE_COLUMNS))
    stage = "cityhall_stage_telemetry_devicestate_batch"
    with connection.cursor() as cursor:
        source = q(DeviceState._meta.db_table)
        last_ts = q(DeviceState._meta.get_field("last_ts").column)
        select = f"SELECT {', '.join(names)}, {last_ts} AS first_ts, 0 AS readings FROM {source}"  # noqa: S608
        _temporary_table(cursor, stage, select)
        _copy_binary(cursor, stage, ", ".join([*names, "first_ts", "readings"]), _STATE_STAGE_TYPES, rows)
        cursor.execute(_state_statement(stage))
        _, moved, missing, all_late, devices, before = cursor.fetchone()
    return moved, missing or [], all_late or 0, dict(zip(devices or [], before or [], strict=True))


def _advance_states_postgresql(
    fresh: list[tuple[ParsedReading, datetime]],
    newest: dict[str, ParsedReading],
    seen: dict[str, datetime],
    report: IngestReport,
    adapt: _Adapter,
) -> None:
    """``_advance_states`` on PostgreSQL: one statement moves the states that exist
    (``_state_statement``); the devices without one (new devices: rare) are inserted, ignoring
    conflicts, and the ones another ingester inserted meanwhile go through the statement again."""
    first: dict[str, datetime] = {}
    count: Counter[str] = Counter()
    for reading, _ in fresh:
        device = reading.device_id
        count[device] += 1
        if device not in first or reading.ts < first[device]:
            first[device] = reading.ts
    binary = adapt.faults_binary

    def staged(devices: Iterable[str]) -> list[list[Any]]:
        return [
            [
                d, r.ts, r.message_id, seen[d], r.lamp_on, r.dim, r.power_w, r.energy_wh, r.voltage_v,
                r.current_a, r.temperature_c, r.simulated, binary(r.faults), first[d], count[d],
            ]
            for d, r in ((d, newest[d]) for d in devices)
        ]  # fmt: skip

    devices = sorted(newest)
    moved, missing, late, some_late = _move_states_postgresql(staged(devices))
    if missing:
        rows = []
        for d in sorted(missing):
            r = newest[d]
            rows.append([d, r.ts, r.message_id, seen[d], *(getattr(r, n) for n in _STATE_FIELDS)])
            rows[-1].append(adapt.faults(r.faults))
        inserted = _insert_ignoring_conflicts(
            DeviceState, ("device_id", *_STATE_COLUMNS), rows, returning=("device_id",)
        )
        created = {device for (device,) in inserted}
        moved += len(created)
        others = sorted(set(missing) - created)  # inserted by another ingester since the statement
        if others:
            moved_too, _, late_too, some_late_too = _move_states_postgresql(staged(others))
            moved += moved_too
            late += late_too
            some_late.update(some_late_too)
    if some_late:
        late += sum(1 for r, _ in fresh if r.device_id in some_late and r.ts < some_late[r.device_id])
    report.late = late
    report.devices = moved


def ingest_batch(
    messages: Iterable[Message],
    *,
    known_devices: set[str] | None = None,
    gateways: GatewayOf | None = None,
) -> IngestReport:
    """Validate and store a batch of ``(topic, payload, received_at)`` messages; return the counts.

    A message is a single reading (``…/{device_id}/telemetry``) or a gateway's batch of readings
    (``…/{gateway_id}/telemetry/batch``), in any mix: each reading gets its own verdict. Valid
    readings go in with one bulk insert (a reading already stored, or repeated in the batch, counts
    as a duplicate and is stored once); rejected readings (and batch messages rejected as a whole)
    go to the dead letters with their reason; device state only moves forward in device time. A bad
    message never stops the batch; a database error does (nothing of the batch is written, and the
    broker will redeliver it). ``known_devices=None`` accepts any well-formed device ID (until the
    device registry exists); ``gateways``: each device's gateway, for batch messages (see
    ``validation.parse_batch``).
    """
    report = IngestReport()
    rejected: Counter[str] = Counter()
    readings: dict[tuple[str, str], tuple[ParsedReading, datetime]] = {}
    dead: list[DeadLetter] = []

    def verdict(topic: str, payload: bytes, received_at: datetime, result: ParsedReading | Rejection) -> None:
        if isinstance(result, Rejection):
            rejected[result.reason] += 1
            dead.append(_dead_letter(topic, payload, received_at, result))
            return
        key = (result.device_id, result.message_id)
        if key in readings:
            report.duplicates += 1  # repeated within the batch: the first copy wins
            return
        readings[key] = (result, received_at)

    for topic, payload, received_at in messages:
        if timezone.is_naive(received_at):
            raise ValueError("received_at must be an aware datetime (UTC)")
        if is_batch_topic(topic):
            report.batches += 1
            try:
                elements = parse_batch(topic, payload, known_devices, now=received_at, gateways=gateways)
            except Exception as exc:  # noqa: BLE001 - a bad message must not stop the batch
                elements = Rejection(
                    Reason.UNEXPECTED, f"메시지를 처리하는 중 오류가 났습니다: {type(exc).__name__}"
                )
            if isinstance(elements, Rejection):
                report.received += 1
                verdict(topic, payload, received_at, elements)
                continue
            report.received += len(elements)
            for element in elements:
                verdict(topic, element.payload, received_at, element.result)
            continue
        report.received += 1
        try:
            result = parse_payload(topic, payload, known_devices, now=received_at)
        except Exception as exc:  # noqa: BLE001 - a bad message must not stop the batch
            result = Rejection(
                Reason.UNEXPECTED, f"메시지를 처리하는 중 오류가 났습니다: {type(exc).__name__}"
            )
        verdict(topic, payload, received_at, result)

    adapt = _Adapter()

    def row(r: ParsedReading, received_at: datetime) -> list[object]:
        return [
            r.device_id,
            r.message_id,
            adapt.datetime(r.ts),
            adapt.received_at(received_at),
            r.lamp_on,
            r.dim,
            r.power_w,
            r.energy_wh,
            r.voltage_v,
            r.current_a,
            r.temperature_c,
            r.heartbeat,
            r.simulated,
            adapt.faults(r.faults),
        ]

    # Sorted by the unique key, so two ingesters inserting overlapping batches take the same index
    # entries in the same order and cannot deadlock (PostgreSQL).
    keys = sorted(readings)
    # No savepoint of its own inside a caller's transaction (the ingester's, with the command
    # acknowledgements): a database error fails the caller's whole transaction anyway, and a
    # savepoint costs two round trips per batch.
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            binary = adapt.faults_binary
            if _Copied.straight and _copy_readings(
                [
                    [
                        r.device_id,
                        r.message_id,
                        r.ts,
                        received_at,
                        r.lamp_on,
                        r.dim,
                        r.power_w,
                        r.energy_wh,
                        r.voltage_v,
                        r.current_a,
                        r.temperature_c,
                        r.heartbeat,
                        r.simulated,
                        binary(r.faults),
                    ]
                    for r, received_at in (readings[key] for key in keys)
                ]  # fmt: skip
            ):
                fresh = [readings[key] for key in keys]
            else:
                # Some are stored already. The insert itself says which rows it stored
                # (RETURNING): no lookup, and the count is exact even when another ingester stores
                # the same message at the same moment.
                inserted = set(
                    _insert_ignoring_conflicts(
                        Reading,
                        READING_COLUMNS,
                        [row(*readings[key]) for key in keys],
                        returning=("device_id", "message_id"),
                    )
                )
                fresh = [readings[key] for key in keys if key in inserted]
                report.duplicates += len(keys) - len(fresh)
                _Copied.straight = len(fresh) == len(keys)
        else:
            # SQLite: the writer holds the database lock, so the lookup's count is exact too.
            already = _existing_pairs(keys)
            report.duplicates += len(already)
            fresh = [readings[key] for key in keys if key not in already]
            _insert_ignoring_conflicts(Reading, READING_COLUMNS, [row(*reading) for reading in fresh])
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
            _advance_states(fresh, newest, seen, report, adapt)
    report.rejected = dict(sorted(rejected.items()))
    return report


def dead_letters_record(entries: Iterable[tuple[str, bytes, datetime, Rejection]]) -> int:
    """Store messages that another field system's intake rejected (e.g. CCTV analytics events, whose
    ``topic`` is the stream subject) beside telemetry's own, so one list shows every rejected message."""
    rows = [
        _dead_letter(topic, payload, received_at, rejection)
        for topic, payload, received_at, rejection in entries
    ]
    DeadLetter.objects.bulk_create(rows, batch_size=500)
    return len(rows)
