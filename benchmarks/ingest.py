"""``cityhall bench ingest``: telemetry ingestion rate and latency, with the broker's and the
database's own limits measured in the same run (see benchmarks/README.md, "ingest").

    cityhall bench ingest [--n N] [--runs R] [--warmup N] [--db sqlite|postgresql|both]
                          [--database-url postgresql://…] [--url mqtt://…] [--protocol 5|3.1.1]
                          [--batch-size B] [--flush-ms MS] [--per-message N] [--ingesters K] [--json]

Processes: this one (the parent) starts a private Mosquitto on a free loopback port (unless ``--url``
names a broker) and, per database, one *worker* process with its own environment (a temporary data
directory; for PostgreSQL a throwaway database, created and dropped here). The worker migrates, loads
the Gimpo dataset and builds the streetlight registry (638 lights, 25 base stations), then runs the
phases below ``--runs`` times (after one smaller warm-up round). Each phase's readings come from a
*publisher* process of their own, so that it does not share the GIL with the ingester:

- broker only: publisher → Mosquitto → a subscriber that only counts (QoS 1 both ways);
- database only: the same payloads through ``ingest_batch`` in batches, no broker;
- raw insert: the same rows as ``Reading`` objects through ``bulk_create`` (and ``COPY`` on
  PostgreSQL) — the floor of what storing them costs, for reference;
- pipeline: publisher → Mosquitto → the real ingester (``run_ingester``, manual acks, persistent
  session; with ``--ingesters K`` > 1, K ingester processes on one MQTT 5 shared subscription) →
  ``ingest_batch`` → commit. Each payload carries the publisher's clock (``pub_ts``, an
  extra field that validation ignores); latency is the commit time of its batch minus that;
- paced: the pipeline again at half the rate it just sustained (latency without a backlog).

Every phase uses the same message shape: ``--per-message N`` readings per MQTT message (1: the
single-reading topic; more: a gateway's batch message on ``…/{base station}/telemetry/batch``, each
base station's lights grouped together, ADR 0007).

Besides rates, each phase reports the CPU time per reading of each process (publisher, broker,
ingester, PostgreSQL backend): on a shared, noisy machine that is what stays comparable.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import math
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

MOSQUITTO = "/usr/sbin/mosquitto"
LOOPBACK = "127.0.0.1"
DEFAULT_N = 50_000
DEFAULT_RUNS = 3
SMOKE_N = 400  # --smoke: readings per phase
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/cityhall"
WARMUP_MAX = 5_000  # messages per phase in the discarded warm-up round
PACED_SHARE = 4  # the paced pipeline phase publishes N / 4 readings (at half the sustained rate)
# QoS 1 messages the publisher keeps unacknowledged (its window). Small on purpose: paho walks all
# of its unacknowledged messages on every PUBACK; with 1,000 that walk took 40% of the publisher.
INFLIGHT = 100
# What the broker sends a subscriber before its PUBACKs (MQTT 3.1.1; MQTT 5 clients set their own
# Receive Maximum: the ingester asks for twice its batch size).
BROKER_INFLIGHT = 1_000
PHASE_TIMEOUT = 300.0  # s: a phase that has not finished by then failed
WORKER_TIMEOUT = 3_600.0  # s
DATASET = "gimpo-2025"
# As validation.telemetry_topic() (ADR 0007); spelled out so the publisher needs no Django.
TOPIC = "cityhall/v1/streetlights/{device}/telemetry"
BATCH_TOPIC = "cityhall/v1/streetlights/{gateway}/telemetry/batch"
DEFAULT_PER_MESSAGE = 50
MAX_PER_MESSAGE = 500  # validation.MAX_BATCH_READINGS


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


# -- payloads ---------------------------------------------------------------------------------------


def payload_parts(devices: list[str], n: int, tag: str, start: datetime) -> list[tuple[str, bytes]]:
    """(topic, payload without its closing ``pub_ts``) for ``n`` valid ADR-0007 readings.

    Round-robin over ``devices``, message IDs ``{tag}-{i}`` (unique per phase), device times one
    millisecond apart ending at ``start`` (never ahead of the receive time). The caller appends the
    publish time and ``}``. Needs no Django: the publisher process runs without it."""
    parts = []
    for i in range(n):
        device = devices[i % len(devices)]
        ts = (start - timedelta(milliseconds=n - i)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        on = i % 7 != 0
        lamp = "true" if on else "false"
        body = (
            f'{{"msg_id":"{tag}-{i}","device_id":"{device}","ts":"{ts}","lamp_on":{lamp},'
            f'"dim":{70 if on else 0},"power_w":{84.5 if on else 0.0},"energy_wh":{100000 + i},'
            f'"voltage_v":221.3,"current_a":{0.38 if on else 0.0},"temperature_c":18.5,'
            f'"heartbeat":false,"simulated":true,"faults":[],"pub_ts":'
        )
        parts.append((TOPIC.format(device=device), body.encode()))
    return parts


def finish(prefix: bytes, pub_ts: float) -> bytes:
    return prefix + repr(pub_ts).encode() + b"}"


def pub_ts_of(payload: bytes) -> float:
    """The publish time in a single reading or a batch message (all its readings carry the same)."""
    start = payload.rindex(b'"pub_ts":') + 9
    return float(payload[start : payload.index(b"}", start)])


def readings_in(payload: bytes) -> int:
    return payload.count(b'"pub_ts":')


def group(
    parts: list[tuple[str, bytes]], per_message: int, gateways: dict[str, str]
) -> list[tuple[str, list[bytes]]]:
    """The readings as MQTT messages: (topic, their payload prefixes). ``per_message`` 1: each on its
    device's topic; more: batch messages of up to that many readings of one gateway's devices (a
    device without one is its own gateway), in publishing order (a message goes out when it is full,
    the rest at the end)."""
    if per_message == 1:
        return [(topic, [prefix]) for topic, prefix in parts]
    messages: list[tuple[str, list[bytes]]] = []
    open_: dict[str, list[bytes]] = {}
    for topic, prefix in parts:
        device = topic.split("/")[3]
        gateway = gateways.get(device, device)
        chunk = open_.setdefault(gateway, [])
        chunk.append(prefix)
        if len(chunk) == per_message:
            messages.append((BATCH_TOPIC.format(gateway=gateway), chunk))
            del open_[gateway]
    messages.extend((BATCH_TOPIC.format(gateway=gateway), chunk) for gateway, chunk in open_.items())
    return messages


def encode(topic: str, prefixes: list[bytes], pub_ts: float) -> bytes:
    """One message's payload: a single reading, or a batch message's JSON array."""
    if not topic.endswith("/batch"):
        return finish(prefixes[0], pub_ts)
    stamp = repr(pub_ts).encode() + b"}"
    return b"[" + b",".join([prefix + stamp for prefix in prefixes]) + b"]"


def read_devices(path: Path) -> tuple[list[str], dict[str, str]]:
    """The devices file: one ``device [gateway]`` a line."""
    devices, gateways = [], {}
    for line in path.read_text(encoding="utf-8").splitlines():
        device, *gateway = line.split()
        devices.append(device)
        if gateway:
            gateways[device] = gateway[0]
    return devices, gateways


# -- publisher process ------------------------------------------------------------------------------


def publish_worker(argv: list[str]) -> int:
    """Publish ``--n`` readings at QoS 1 as fast as the broker acknowledges them; print timings."""
    parser = argparse.ArgumentParser(prog="benchmarks.ingest _publish")
    parser.add_argument("--url", required=True)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--tag", required=True)
    parser.add_argument("--devices", required=True, help="file with one device ID a line")
    parser.add_argument("--inflight", type=int, default=INFLIGHT)
    parser.add_argument("--rate", type=float, default=0.0, help="readings/s (0: as fast as possible)")
    parser.add_argument("--per-message", type=int, default=1)
    args = parser.parse_args(argv)

    from cityhall.telemetry.mqtt import broker_from_url, new_client

    devices, gateways = read_devices(Path(args.devices))
    messages = group(payload_parts(devices, args.n, args.tag, datetime.now(UTC)), args.per_message, gateways)
    total = len(messages)
    rate = args.rate / args.n * total  # messages/s
    broker = broker_from_url(args.url)
    client, connect = new_client(broker, f"bench-pub-{args.tag}")
    client.max_inflight_messages_set(args.inflight)
    client.max_queued_messages_set(0)
    acked = [0]

    def on_publish(client, userdata, mid, reason_code, properties):
        acked[0] += 1

    client.on_publish = on_publish
    client.connect(**connect)
    # One thread: publish while the window has room, then let paho read the PUBACKs (and write what
    # is pending). A network thread beside the publishing one would trade the GIL back and forth.
    deadline = time.monotonic() + 30
    while not client.is_connected():
        client.loop(timeout=0.05)
        if time.monotonic() > deadline:
            raise SystemExit("publisher: no connection to the broker")
    first = time.time()
    paced_from = time.monotonic()
    cpu_start = time.process_time()
    sent = 0
    deadline = time.monotonic() + PHASE_TIMEOUT
    while acked[0] < total:
        # As fast as the broker takes them: at most `inflight` unacknowledged.
        due = total if not rate else min(total, int((time.monotonic() - paced_from) * rate) + 1)
        while sent < due and sent - acked[0] < args.inflight:
            topic, prefixes = messages[sent]
            client.publish(topic, encode(topic, prefixes, time.time()), qos=1)
            sent += 1
        client.loop(timeout=0.001 if args.rate else 0.01)
        if time.monotonic() > deadline:
            raise SystemExit(f"publisher: only {acked[0]} of {total} messages acknowledged")
    last_ack = time.time()
    cpu = time.process_time() - cpu_start
    client.disconnect()
    print(json.dumps({"first": first, "last_ack": last_ack, "cpu_s": cpu}))
    return 0


class Publisher:
    """The publisher process; ``result()`` waits for it and returns its timings."""

    def __init__(
        self, url: str, n: int, tag: str, devices_file: Path, rate: float = 0.0, per_message: int = 1
    ) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "benchmarks.ingest",
                "_publish",
                "--url",
                url,
                "--n",
                str(n),
                "--tag",
                tag,
                "--devices",
                str(devices_file),
                "--rate",
                str(rate),
                "--per-message",
                str(per_message),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def result(self) -> dict[str, float]:
        try:
            out, err = self.process.communicate(timeout=PHASE_TIMEOUT + 60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
            raise RuntimeError("the publisher did not finish") from None
        if self.process.returncode != 0:
            raise RuntimeError(f"the publisher failed: {err.strip()[-800:]}")
        return json.loads(out.strip().splitlines()[-1])

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


# -- worker process: one database -------------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_cpu(pid: int | None) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` (Linux /proc; 0 if unknown)."""
    if not pid:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


class CpuMeter:
    """CPU seconds spent during a phase by this process, the broker and a PostgreSQL backend: per
    reading, they do not depend on what else the machine is doing, unlike readings per second."""

    def __init__(self, broker_pid: int | None) -> None:
        self.broker_pid = broker_pid
        self.start = (time.process_time(), process_cpu(broker_pid))

    def per_reading(
        self, n: int, publisher_s: float = 0.0, database_s: float = 0.0, python_s: float | None = None
    ) -> dict[str, float]:
        worker = time.process_time() - self.start[0] if python_s is None else python_s
        broker = process_cpu(self.broker_pid) - self.start[1] if self.broker_pid else None
        used = {"publisher": publisher_s, "broker": broker, "python": worker, "postgresql": database_s}
        return {name: round(value / n * 1e6, 1) for name, value in used.items() if value}


def _backend_pid() -> int | None:
    """This thread's PostgreSQL server process, to read its CPU time (None on SQLite)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _gateways() -> dict[str, str]:
    """Each light's base station (its gateway), as ``cityhall manage telemetry_ingest`` reads it."""
    from cityhall.streetlights.registry.selectors import light_gateways

    return light_gateways()


def _prepare_database() -> list[str]:
    """Migrate, load the Gimpo dataset, build the streetlight registry; the accepted device IDs."""
    from django.core.management import call_command

    from cityhall.core.audit import Actor
    from cityhall.core.transfer import import_document, read_dataset
    from cityhall.streetlights.registry.selectors import known_device_ids
    from cityhall.streetlights.registry.services import registry_build_from_seed

    call_command("migrate", interactive=False, verbosity=0)
    import_document(read_dataset(DATASET), actor=Actor.system("bench:ingest"))
    registry_build_from_seed(actor=Actor.system("bench:ingest"))
    return sorted(known_device_ids())


def _empty_readings() -> None:
    """Every phase starts from an empty readings table (device states stay: the steady state)."""
    from django.db import connection

    from cityhall.telemetry.models import Reading

    table = Reading._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {table}")
            cursor.execute(f"ANALYZE {table}")
        else:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - the model's table


def _stored(tag: str) -> int:
    from cityhall.telemetry.models import Reading

    return Reading.objects.filter(message_id__startswith=f"{tag}-").count()


def phase_broker(
    url: str, n: int, tag: str, devices_file: Path, broker_pid: int | None, per_message: int = 1
) -> dict[str, Any]:
    """Publisher → broker → a subscriber that only counts readings (QoS 1, automatic acknowledgement),
    in the same message shape as the pipeline."""
    from cityhall.telemetry.ingester import BATCH_SUBSCRIPTION, SUBSCRIPTION
    from cityhall.telemetry.mqtt import broker_from_url, new_client

    client, connect = new_client(broker_from_url(url), f"bench-count-{tag}", receive_maximum=BROKER_INFLIGHT)
    count = [0]
    last = [0.0]
    done = threading.Event()
    subscribed = threading.Event()

    def on_connect(client, userdata, flags, reason_code, properties):
        client.subscribe([(SUBSCRIPTION, 1), (BATCH_SUBSCRIPTION, 1)])

    def on_subscribe(client, userdata, mid, reason_codes, properties):
        subscribed.set()

    def on_message(client, userdata, message):
        count[0] += readings_in(message.payload)
        if count[0] >= n and not done.is_set():
            last[0] = time.time()
            done.set()

    client.on_connect, client.on_subscribe, client.on_message = on_connect, on_subscribe, on_message
    client.connect(**connect)
    client.loop_start()
    try:
        if not subscribed.wait(30):
            raise RuntimeError("the counting subscriber did not subscribe")
        meter = CpuMeter(broker_pid)
        publisher = Publisher(url, n, tag, devices_file, per_message=per_message)
        try:
            timing = publisher.result()
            if not done.wait(PHASE_TIMEOUT):
                raise RuntimeError(f"broker only: {count[0]} of {n} readings arrived")
        finally:
            publisher.kill()
    finally:
        client.disconnect()
        client.loop_stop()
    seconds = last[0] - timing["first"]
    return {
        "rate": n / seconds,
        "seconds": seconds,
        "publish_rate": n / (timing["last_ack"] - timing["first"]),
        "cpu_us": meter.per_reading(n, timing["cpu_s"]),
    }


def phase_database(
    devices: list[str],
    n: int,
    tag: str,
    batch_size: int,
    known: set[str],
    per_message: int = 1,
    gateways: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The same payloads (in the same message shape) through ``ingest_batch``, ``batch_size``
    readings at a time, no broker."""
    from cityhall.telemetry.services import ingest_batch

    _empty_readings()
    now = datetime.now(UTC)
    gateways = gateways or {}
    parts = group(payload_parts(devices, n, tag, now), per_message, gateways)
    messages = [(topic, encode(topic, prefixes, 0.0), now) for topic, prefixes in parts]
    step = max(1, batch_size // per_message)
    stored = 0
    backend = _backend_pid()
    backend_start = process_cpu(backend)
    meter = CpuMeter(None)
    start = time.perf_counter()
    for i in range(0, len(messages), step):
        stored += ingest_batch(messages[i : i + step], known_devices=known, gateways=gateways).stored
    seconds = time.perf_counter() - start
    if stored != n:
        raise RuntimeError(f"database only: {stored} of {n} stored")
    cpu = meter.per_reading(n, database_s=process_cpu(backend) - backend_start)
    return {"rate": n / seconds, "seconds": seconds, "cpu_us": cpu}


def phase_raw(devices: list[str], n: int, tag: str, batch_size: int) -> dict[str, Any]:
    """The same rows as ready ``Reading`` objects: ``bulk_create`` per batch (and ``COPY`` on
    PostgreSQL), one transaction per batch. Validation and dedup are not included."""
    from django.db import connection, transaction

    from cityhall.telemetry.models import Reading
    from cityhall.telemetry.services import READING_COLUMNS
    from cityhall.telemetry.validation import ParsedReading, parse_payload

    now = datetime.now(UTC)
    parsed: list[ParsedReading] = []
    for topic, prefix in payload_parts(devices, n, tag, now):
        reading = parse_payload(topic, finish(prefix, 0.0), now=now)
        assert isinstance(reading, ParsedReading), reading
        parsed.append(reading)

    def objects(rows: list[ParsedReading]) -> list[Reading]:
        return [
            Reading(
                device_id=r.device_id,
                message_id=r.message_id,
                ts=r.ts,
                received_at=now,
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
            for r in rows
        ]

    batches = [objects(parsed[i : i + batch_size]) for i in range(0, n, batch_size)]
    _empty_readings()
    start = time.perf_counter()
    for batch in batches:
        with transaction.atomic():
            Reading.objects.bulk_create(batch, ignore_conflicts=True)
    result: dict[str, Any] = {"bulk_create_rate": n / (time.perf_counter() - start)}
    if connection.vendor == "postgresql":
        _empty_readings()
        columns = ", ".join(READING_COLUMNS)
        values = {"received_at": lambda r: now, "faults": lambda r: json.dumps(list(r.faults))}
        rows = [
            tuple(values[c](r) if c in values else getattr(r, c) for c in READING_COLUMNS) for r in parsed
        ]
        start = time.perf_counter()
        for i in range(0, n, batch_size):
            with transaction.atomic(), connection.cursor() as cursor:
                with cursor.copy(f"COPY {Reading._meta.db_table} ({columns}) FROM STDIN") as copy:
                    for row in rows[i : i + batch_size]:
                        copy.write_row(row)
        result["copy_rate"] = n / (time.perf_counter() - start)
    return result


class _Observer:
    """Stands in for ``ingest_batch`` in an ingester: per batch, its commit time and its messages
    (``ingest_batch`` returns after its transaction has committed); the totals; the CPU time of the
    ingester's PostgreSQL backend. ``n``: set ``done`` once that many readings were received."""

    def __init__(self, real, n: int | None = None) -> None:
        self.real = real
        self.n = n
        self.batches: list[tuple[float, list]] = []
        self.totals = {"received": 0, "stored": 0, "duplicates": 0, "rejected": 0}
        self.backend: dict[str, Any] = {}
        self.done = threading.Event()

    def __call__(self, messages, **kwargs):
        if "pid" not in self.backend:  # the ingester thread's own connection, opened for this phase
            self.backend["pid"] = _backend_pid()
        report = self.real(messages, **kwargs)
        committed = time.time()
        self.batches.append((committed, messages))
        totals = self.totals
        totals["received"] += report.received
        totals["stored"] += report.stored
        totals["duplicates"] += report.duplicates
        totals["rejected"] += report.rejected_total
        if self.n is None or totals["received"] >= self.n:
            self.backend["cpu_s"] = process_cpu(self.backend["pid"])  # before the connection is closed
            if self.n is not None:
                self.done.set()
        return report

    def timed(self) -> list[tuple[float, list[tuple[float, int]]]]:
        """Per batch: its commit time, and (publish time, readings) of each of its messages."""
        return [(c, [(pub_ts_of(m[1]), readings_in(m[1])) for m in ms]) for c, ms in self.batches]


def _create_sessions(url: str, client_ids: list[str], topics: list[str]) -> None:
    """Create the ingesters' persistent sessions (and subscriptions) before anything is published,
    so no message can be published before they are subscribed."""
    from cityhall.telemetry.mqtt import broker_from_url, new_client

    for client_id in client_ids:
        client, connect = new_client(broker_from_url(url), client_id, persistent=True)
        subscribed = threading.Event()
        client.on_connect = lambda c, *a: c.subscribe([(topic, 1) for topic in topics])
        client.on_subscribe = lambda *a, subscribed=subscribed: subscribed.set()
        client.connect(**connect)
        client.loop_start()
        ok = subscribed.wait(30)
        client.disconnect()
        client.loop_stop()
        if not ok:
            raise RuntimeError(f"could not create the session of {client_id}")


def phase_pipeline(
    url: str,
    n: int,
    tag: str,
    devices_file: Path,
    batch_size: int,
    flush_ms: int,
    broker_pid: int | None,
    rate: float = 0.0,
    per_message: int = 1,
    ingesters: int = 1,
) -> dict[str, Any]:
    """Publisher → broker → ingester(s) → commit, timed per reading; the publisher as fast as the
    broker takes them, or at ``rate`` readings/s. One ingester runs in this process (a thread); more
    run as processes of their own on one shared subscription."""
    from cityhall.telemetry.ingester import BATCH_SUBSCRIPTION, SUBSCRIPTION, shared

    _empty_readings()
    if ingesters > 1:
        share = f"bench-{tag}"
        client_ids = [f"bench-ingester-{tag}-{i + 1}" for i in range(ingesters)]
        topics = [shared(SUBSCRIPTION, share), shared(BATCH_SUBSCRIPTION, share)]
        _create_sessions(url, client_ids, topics)
        timed, totals, timing, cpu = _pipeline_processes(
            url, n, tag, devices_file, batch_size, flush_ms, broker_pid, rate, per_message, share, client_ids
        )
    else:
        client_id = f"bench-ingester-{tag}"
        _create_sessions(url, [client_id], [SUBSCRIPTION, BATCH_SUBSCRIPTION])
        timed, totals, timing, cpu = _pipeline_thread(
            url, n, tag, devices_file, batch_size, flush_ms, broker_pid, rate, per_message, client_id
        )

    latencies: list[float] = []
    for committed, messages in timed:
        for pub_ts, count in messages:
            latencies.extend([(committed - pub_ts) * 1000] * count)
    first = min(timing["first"], min(pub_ts for _, messages in timed for pub_ts, _ in messages))
    seconds = max(c for c, _ in timed) - first
    stored = _stored(tag)
    if stored != n or totals["rejected"]:
        raise RuntimeError(f"pipeline: {stored} of {n} stored, {totals['rejected']} rejected")
    return {
        "rate": n / seconds,
        "seconds": seconds,
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "max_ms": max(latencies),
        "batches": len(timed),
        "mean_batch": round(statistics.fmean(sum(c for _, c in m) for _, m in timed), 1),
        "duplicates": totals["duplicates"],
        "publish_rate": n / (timing["last_ack"] - timing["first"]),
        "cpu_us": cpu,
        "offered_rate": rate or None,
    }


def _pipeline_thread(
    url, n, tag, devices_file, batch_size, flush_ms, broker_pid, rate, per_message, client_id
):
    """The real ingester (``run_ingester``) in a thread of this process."""
    import cityhall.telemetry.ingester as ingester_module
    from cityhall.streetlights.registry.selectors import known_device_ids

    real = ingester_module.ingest_batch
    observer = _Observer(real, n)
    stop = threading.Event()
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["stats"] = ingester_module.run_ingester(
                url,
                batch_size=batch_size,
                flush_ms=flush_ms,
                stop_event=stop,
                known_devices=known_device_ids,
                gateways=_gateways,
                client_id=client_id,
            )
        except Exception as exc:  # reported by the phase below
            outcome["error"] = exc
            observer.done.set()

    ingester_module.ingest_batch = observer
    thread = threading.Thread(target=run, name="ingester", daemon=True)
    try:
        thread.start()
        time.sleep(0.5)  # let it connect; what it misses meanwhile waits in its session
        meter = CpuMeter(broker_pid)
        publisher = Publisher(url, n, tag, devices_file, rate, per_message)
        try:
            timing = publisher.result()
            if not observer.done.wait(PHASE_TIMEOUT):
                raise RuntimeError(f"pipeline: {observer.totals['received']} of {n} readings ingested")
            cpu = meter.per_reading(n, timing["cpu_s"], observer.backend.get("cpu_s", 0.0))
        finally:
            publisher.kill()
    finally:
        stop.set()
        thread.join(60)
        ingester_module.ingest_batch = real
    if "error" in outcome:
        raise RuntimeError(f"the ingester failed: {outcome['error']!r}")
    return observer.timed(), observer.totals, timing, cpu


def _pipeline_processes(
    url, n, tag, devices_file, batch_size, flush_ms, broker_pid, rate, per_message, share, client_ids
):
    """K ingester processes (``_ingest``, each ``run_ingester`` with its own client ID) on one shared
    subscription; done when all N readings are stored, then stopped with SIGTERM (they flush)."""
    directory = devices_file.parent
    processes: list[tuple[subprocess.Popen, Path]] = []
    try:
        for client_id in client_ids:
            out = directory / f"{client_id}.json"
            with (directory / f"{client_id}.log").open("wb") as log_file:
                process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                    [sys.executable, "-m", "benchmarks.ingest", "_ingest", "--url", url,
                     "--client-id", client_id, "--share", share, "--batch-size", str(batch_size),
                     "--flush-ms", str(flush_ms), "--out", str(out)],
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                )  # fmt: skip
            processes.append((process, out))
        deadline = time.monotonic() + 60
        while not all(out.with_suffix(".ready").exists() for _, out in processes):
            if time.monotonic() > deadline or any(p.poll() is not None for p, _ in processes):
                raise RuntimeError("the ingester processes did not start")
            time.sleep(0.05)
        time.sleep(0.5)  # let them connect; what they miss meanwhile waits in their sessions
        meter = CpuMeter(broker_pid)
        publisher = Publisher(url, n, tag, devices_file, rate, per_message)
        try:
            timing = publisher.result()
            deadline = time.monotonic() + PHASE_TIMEOUT
            while _stored(tag) < n:
                if time.monotonic() > deadline or any(p.poll() is not None for p, _ in processes):
                    raise RuntimeError(f"pipeline: {_stored(tag)} of {n} readings stored")
                time.sleep(0.1)
        finally:
            publisher.kill()
        for process, _ in processes:
            process.send_signal(signal.SIGTERM)
        for process, _ in processes:
            process.wait(timeout=60)
            if process.returncode != 0:
                raise RuntimeError(f"an ingester process failed (exit {process.returncode})")
    finally:
        for process, _ in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    results = [json.loads(out.read_text(encoding="utf-8")) for _, out in processes]
    timed = [(c, [tuple(m) for m in ms]) for r in results for c, ms in r["batches"]]
    totals = {key: sum(r["totals"][key] for r in results) for key in results[0]["totals"]}
    python_s = sum(r["cpu_s"] for r in results)
    cpu = meter.per_reading(n, timing["cpu_s"], sum(r["backend_cpu_s"] for r in results), python_s)
    return timed, totals, timing, cpu


def ingest_child(argv: list[str]) -> int:
    """One ingester process of a shared subscription: ``run_ingester`` until SIGTERM, then its
    batches' commit times and messages' publish times, and its CPU time, into ``--out``."""
    parser = argparse.ArgumentParser(prog="benchmarks.ingest _ingest")
    for name in ("--url", "--client-id", "--share", "--out"):
        parser.add_argument(name, required=True)
    parser.add_argument("--batch-size", type=int, required=True)
    parser.add_argument("--flush-ms", type=int, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import logging

    logging.getLogger("cityhall.telemetry").setLevel(logging.WARNING)
    logging.getLogger("paho.mqtt").setLevel(logging.CRITICAL)
    import cityhall.telemetry.ingester as ingester_module
    from cityhall.streetlights.registry.selectors import known_device_ids

    observer = _Observer(ingester_module.ingest_batch)
    ingester_module.ingest_batch = observer
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    out = Path(args.out)
    cpu_start = time.process_time()
    out.with_suffix(".ready").write_text("", encoding="utf-8")
    ingester_module.run_ingester(
        args.url,
        batch_size=args.batch_size,
        flush_ms=args.flush_ms,
        stop_event=stop,
        known_devices=known_device_ids,
        gateways=_gateways,
        client_id=args.client_id,
        share=args.share,
    )
    cpu = time.process_time() - cpu_start
    result = {
        "batches": observer.timed(),
        "totals": observer.totals,
        "cpu_s": cpu,
        "backend_cpu_s": observer.backend.get("cpu_s", 0.0),
    }
    out.write_text(json.dumps(result), encoding="utf-8")
    return 0


def ingest_worker(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.ingest _worker")
    parser.add_argument("--url", required=True)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--runs", type=int, required=True)
    parser.add_argument("--batch-size", type=int, required=True)
    parser.add_argument("--flush-ms", type=int, required=True)
    parser.add_argument("--warmup", type=int, default=WARMUP_MAX)
    parser.add_argument("--broker-pid", type=int, help="the private broker's process, for its CPU time")
    parser.add_argument("--per-message", type=int, default=1)
    parser.add_argument("--ingesters", type=int, default=1)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    shape = {"per_message": args.per_message}

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import logging

    logging.getLogger("cityhall.telemetry").setLevel(logging.WARNING)
    # paho logs "Client is not connected" when a client of ours is stopped while its network thread
    # is reading; a phase that really fails says so itself (missing readings, timeouts).
    logging.getLogger("paho.mqtt").setLevel(logging.CRITICAL)
    from django.db import connection

    t = time.perf_counter()
    devices = _prepare_database()
    known = set(devices)
    log(f"  {connection.vendor}: {len(devices)} devices registered ({time.perf_counter() - t:.1f} s)")
    gateways = _gateways()
    devices_file = Path(args.out).with_name("devices.txt")
    devices_file.write_text(
        "\n".join(f"{device} {gateways[device]}" if device in gateways else device for device in devices),
        encoding="utf-8",
    )

    results: list[dict[str, Any]] = []
    rounds = ([min(args.n, args.warmup)] if args.warmup else []) + [args.n] * args.runs
    for number, n in enumerate(rounds):
        warmup = bool(args.warmup) and number == 0
        label = "warm-up" if warmup else f"run {number + (0 if args.warmup else 1)}/{args.runs}"
        base = f"r{number}{secrets.token_hex(2)}"
        result: dict[str, Any] = {}
        log(f"  {connection.vendor} {label}: broker only")
        result["broker"] = phase_broker(args.url, n, f"{base}b", devices_file, args.broker_pid, **shape)
        log(f"  {connection.vendor} {label}: database only (ingest_batch)")
        result["database"] = phase_database(
            devices, n, f"{base}d", args.batch_size, known, gateways=gateways, **shape
        )
        log(f"  {connection.vendor} {label}: raw insert")
        result["raw"] = phase_raw(devices, n, f"{base}r", args.batch_size)
        log(f"  {connection.vendor} {label}: pipeline")
        result["pipeline"] = phase_pipeline(
            args.url,
            n,
            f"{base}p",
            devices_file,
            args.batch_size,
            args.flush_ms,
            args.broker_pid,
            ingesters=args.ingesters,
            **shape,
        )
        p = result["pipeline"]
        # Flat out, latency is mostly the queue in front of the ingester; at half the rate it
        # sustained, the queue stays short and the latency is the ingester's own.
        paced = max(1, n // PACED_SHARE)
        log(f"  {connection.vendor} {label}: pipeline at {p['rate'] / 2:,.0f}/s ({paced:,} readings)")
        result["paced"] = phase_pipeline(
            args.url,
            paced,
            f"{base}q",
            devices_file,
            args.batch_size,
            args.flush_ms,
            args.broker_pid,
            rate=p["rate"] / 2,
            ingesters=args.ingesters,
            **shape,
        )
        q = result["paced"]
        log(
            f"    pipeline {p['rate']:,.0f}/s p50 {p['p50_ms']:.0f} ms p99 {p['p99_ms']:.0f} ms; "
            f"at {q['offered_rate']:,.0f}/s p50 {q['p50_ms']:.0f} ms p99 {q['p99_ms']:.0f} ms; "
            f"broker {result['broker']['rate']:,.0f}/s; database {result['database']['rate']:,.0f}/s"
        )
        if not warmup:
            results.append(result)
    Path(args.out).write_text(json.dumps({"vendor": connection.vendor, "runs": results}), encoding="utf-8")
    return 0


# -- parent: broker, databases, table ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def private_broker(directory: Path) -> Iterator[tuple[str, int]]:
    """A private Mosquitto on a free loopback port; yields its URL and process ID, always terminated.

    ``max_queued_messages 0`` / ``max_queued_bytes 0``: no cap on the QoS 1 messages queued for a
    client that is behind (the default, 1,000, drops the rest); ``max_inflight_messages``: how many
    QoS 1 messages the broker sends an MQTT 3.1.1 client before its PUBACKs (MQTT 5 clients say
    their own Receive Maximum); no persistence (nothing here outlives the run)."""
    if not os.path.exists(MOSQUITTO):
        raise RuntimeError(f"{MOSQUITTO} is not installed (apt-get install mosquitto)")
    port = free_port()
    config = directory / "mosquitto.conf"
    config.write_text(
        f"listener {port} {LOOPBACK}\n"
        "allow_anonymous true\n"
        "persistence false\n"
        "max_queued_messages 0\n"
        "max_queued_bytes 0\n"
        f"max_inflight_messages {BROKER_INFLIGHT}\n"
        f"user {getpass.getuser()}\n"
        f"log_dest file {directory}/mosquitto.log\n"
        "log_type error\nlog_type warning\n",
        encoding="utf-8",
    )
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [MOSQUITTO, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"mosquitto exited with {process.returncode}")
            try:
                socket.create_connection((LOOPBACK, port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("mosquitto did not listen within 15 s") from None
                time.sleep(0.05)
        yield f"mqtt://{LOOPBACK}:{port}", process.pid
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def measure(target, args: argparse.Namespace) -> dict[str, Any]:
    """All runs on one database (a worker process); the summary of its runs."""
    from benchmarks.run import clean_env

    with (
        tempfile.TemporaryDirectory(prefix="cityhall-bench-ingest-") as tmp,
        target.database() as database_url,
        contextlib.ExitStack() as stack,
    ):
        cwd = Path(tmp)
        url, broker_pid = (args.url, None) if args.url else stack.enter_context(private_broker(cwd))
        if args.protocol == "3.1.1" and "protocol=" not in url:
            url += "?protocol=3.1.1"  # every client of the run: publisher, subscriber, ingester
        out = cwd / "result.json"
        command = [
            sys.executable,
            "-m",
            "benchmarks.ingest",
            "_worker",
            "--url",
            url,
            "--n",
            str(args.n),
            "--runs",
            str(args.runs),
            "--batch-size",
            str(args.batch_size),
            "--flush-ms",
            str(args.flush_ms),
            "--warmup",
            str(args.warmup),
            "--per-message",
            str(args.per_message),
            "--ingesters",
            str(args.ingesters),
            *(["--broker-pid", str(broker_pid)] if broker_pid else []),
            "--out",
            str(out),
        ]
        env = clean_env(cwd, database_url)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).resolve().parent.parent)]))
        done = subprocess.run(command, env=env, cwd=cwd, timeout=WORKER_TIMEOUT, check=False)  # noqa: S603
        if done.returncode != 0:
            raise RuntimeError(f"the worker failed (exit {done.returncode}); see its output above")
        return summarise(json.loads(out.read_text(encoding="utf-8"))["runs"])


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    def med(path: tuple[str, str]) -> float | None:
        values = [r[path[0]][path[1]] for r in runs if r.get(path[0], {}).get(path[1]) is not None]
        return statistics.median(values) if values else None

    def spread(path: tuple[str, str]) -> list[float]:
        return [round(r[path[0]][path[1]], 1) for r in runs if path[1] in r[path[0]]]

    pipeline = med(("pipeline", "rate"))
    broker = med(("broker", "rate"))
    database = med(("database", "rate"))
    lower = min(broker, database)

    def cpu(phase: str) -> dict[str, float]:
        names = {name for r in runs for name in r[phase].get("cpu_us", {})}
        return {
            name: statistics.median(r[phase]["cpu_us"][name] for r in runs if name in r[phase]["cpu_us"])
            for name in sorted(names)
        }

    pipeline_cpu = cpu("pipeline")
    # The pipeline against the database's own floor, run by run: the raw COPY of the same rows
    # measured minutes apart on the same machine (PostgreSQL only).
    copy_ratios = [
        round(r["pipeline"]["rate"] / r["raw"]["copy_rate"], 2) for r in runs if r["raw"].get("copy_rate")
    ]
    return {
        "runs": len(runs),
        "pipeline_rate": pipeline,
        "pipeline_rates": spread(("pipeline", "rate")),
        "p50_ms": med(("pipeline", "p50_ms")),
        "p99_ms": med(("pipeline", "p99_ms")),
        "paced_rate": med(("paced", "offered_rate")),
        "paced_p50_ms": med(("paced", "p50_ms")),
        "paced_p99_ms": med(("paced", "p99_ms")),
        "mean_batch": med(("pipeline", "mean_batch")),
        "publish_rate": med(("pipeline", "publish_rate")),
        "broker_rate": broker,
        "broker_rates": spread(("broker", "rate")),
        "database_rate": database,
        "database_rates": spread(("database", "rate")),
        "bulk_create_rate": med(("raw", "bulk_create_rate")),
        "copy_rate": med(("raw", "copy_rate")),
        "copy_rates": spread(("raw", "copy_rate")),
        "copy_ratio": statistics.median(copy_ratios) if copy_ratios else None,
        "copy_ratios": copy_ratios,
        "lower_limit": "broker" if broker <= database else "database",
        "ratio": pipeline / lower,
        # CPU µs per reading by process; 2 CPUs over their sum is what the machine could do if
        # nothing else ran and nothing waited.
        "cpu_us": {phase: cpu(phase) for phase in ("pipeline", "broker", "database")},
        "cpu_bound_rate": (os.cpu_count() or 1) * 1e6 / sum(pipeline_cpu.values()) if pipeline_cpu else None,
        "detail": runs,
    }


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _cpu(result: dict[str, Any], phase: str, process: str) -> str:
    value = result["cpu_us"][phase].get(process)
    return "—" if value is None else f"{value:,.1f}"


def print_table(results: dict[str, dict[str, Any]], args: argparse.Namespace, meta: dict[str, Any]) -> None:
    def rate(value: float | None) -> str:
        return "—" if value is None else f"{value:,.0f}"

    ms = rate

    rows = [
        ("pipeline: publish → committed row (readings/s)", lambda r: rate(r["pipeline_rate"])),
        ("  runs", lambda r: " / ".join(f"{v:,.0f}" for v in r["pipeline_rates"])),
        ("  latency p50 (ms)", lambda r: ms(r["p50_ms"])),
        ("  latency p99 (ms)", lambda r: ms(r["p99_ms"])),
        ("  mean batch (readings)", lambda r: f"{r['mean_batch']:,.0f}"),
        ("paced at half that rate (/s)", lambda r: rate(r["paced_rate"])),
        ("  latency p50 (ms)", lambda r: ms(r["paced_p50_ms"])),
        ("  latency p99 (ms)", lambda r: ms(r["paced_p99_ms"])),
        ("broker only: publish → counting subscriber (/s)", lambda r: rate(r["broker_rate"])),
        ("database only: ingest_batch, no broker (/s)", lambda r: rate(r["database_rate"])),
        ("raw bulk_create of the same rows (/s)", lambda r: rate(r["bulk_create_rate"])),
        ("raw COPY of the same rows (/s)", lambda r: rate(r["copy_rate"])),
        ("  runs", lambda r: " / ".join(f"{v:,.0f}" for v in r.get("copy_rates", [])) or "—"),
        ("pipeline ÷ raw COPY, same run", lambda r: _ratio(r.get("copy_ratio"))),
        ("  runs", lambda r: " / ".join(f"{v:.2f}" for v in r.get("copy_ratios", [])) or "—"),
        ("  CPU µs/reading: publisher", lambda r: _cpu(r, "pipeline", "publisher")),
        ("  CPU µs/reading: broker", lambda r: _cpu(r, "pipeline", "broker")),
        ("  CPU µs/reading: ingester(s) (Python)", lambda r: _cpu(r, "pipeline", "python")),
        ("  CPU µs/reading: PostgreSQL backend", lambda r: _cpu(r, "pipeline", "postgresql")),
        ("  all CPUs ÷ CPU per reading (/s)", lambda r: rate(r["cpu_bound_rate"])),
        ("  database only: ingest_batch CPU µs", lambda r: _cpu(r, "database", "python")),
        ("lower limit", lambda r: r["lower_limit"]),
        ("pipeline ÷ lower limit", lambda r: f"{r['ratio']:.2f}"),
    ]
    labels = [label for label, result in results.items() if "pipeline_rate" in result]
    print(
        f"\ningest: N={args.n:,} readings per phase, medians of {args.runs} run(s); "
        f"batch {args.batch_size}, flush {args.flush_ms} ms, MQTT {args.protocol}, "
        f"{getattr(args, 'per_message', 1)} reading(s) per message, {getattr(args, 'ingesters', 1)} "
        f"ingester(s); {meta['cpus']} CPUs, "
        f"load average (1/5/15 min) at start {meta['loadavg_start']}, at end {meta['loadavg_end']}"
    )
    if labels:
        width = max(len(name) for name, _ in rows) + 2
        print("".ljust(width) + "".join(label.rjust(24) for label in labels))
        for name, cell in rows:
            print(name.ljust(width) + "".join(str(cell(results[label])).rjust(24) for label in labels))
    for label, result in results.items():
        if "pipeline_rate" not in result:
            print(f"{label}: {result.get('skipped') or result.get('error')}")


def positive(value: str) -> int:
    number = int(value)
    if not 1 <= number <= 10_000_000:
        raise argparse.ArgumentTypeError("expected a number from 1 to 10,000,000")
    return number


def per_message(value: str) -> int:
    number = int(value)
    if not 1 <= number <= MAX_PER_MESSAGE:
        raise argparse.ArgumentTypeError(f"expected a number from 1 to {MAX_PER_MESSAGE}")
    return number


def ingester_count(value: str) -> int:
    number = int(value)
    if not 1 <= number <= 16:
        raise argparse.ArgumentTypeError("expected a number from 1 to 16")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cityhall bench ingest",
        description="Telemetry ingestion through a real broker: readings/s and latency, and the limits.",
    )
    parser.add_argument(
        "--n", type=positive, default=DEFAULT_N, help=f"readings per phase (default {DEFAULT_N:,})"
    )
    parser.add_argument("--runs", type=positive, default=DEFAULT_RUNS, help=f"runs (default {DEFAULT_RUNS})")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_PG,
        help=f"the PostgreSQL server (local only; a throwaway database is made there; default {DEFAULT_PG})",
    )
    parser.add_argument("--url", help="an existing broker mqtt://host:port instead of a private Mosquitto")
    parser.add_argument(
        "--protocol", choices=["5", "3.1.1"], default="5", help="MQTT version of every client (default 5)"
    )
    parser.add_argument("--batch-size", type=positive, default=500, help="ingester batch size (default 500)")
    parser.add_argument(
        "--flush-ms", type=positive, default=100, help="ingester flush interval (default 100)"
    )
    parser.add_argument(
        "--per-message",
        type=per_message,
        default=DEFAULT_PER_MESSAGE,
        help=f"readings per MQTT message: 1 = one reading per message on the device's topic, more = a "
        f"gateway's batch message (default {DEFAULT_PER_MESSAGE}, at most {MAX_PER_MESSAGE})",
    )
    parser.add_argument(
        "--ingesters",
        type=ingester_count,
        default=1,
        help="ingester processes on one MQTT 5 shared subscription (default 1: a thread of the worker)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=WARMUP_MAX,
        help=f"readings per phase in the warm-up round (0: none; {WARMUP_MAX:,})",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=f"check that every phase runs: {SMOKE_N} readings, one run, no warm-up (figures are not worth "
        "reading); any failure, or a database that cannot be reached, fails the run",
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable results")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_publish"]:
        return publish_worker(argv[1:])
    if argv[:1] == ["_worker"]:
        return ingest_worker(argv[1:])
    if argv[:1] == ["_ingest"]:
        return ingest_child(argv[1:])
    if argv[:1] == ["_table"]:  # the table of a saved --json result: _table FILE
        saved = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
        results = saved.pop("results")
        print_table(results, argparse.Namespace(**saved), saved)
        return 0
    args = build_parser().parse_args(argv)
    if args.smoke:
        args.n, args.runs, args.warmup = SMOKE_N, 1, 0
    if args.ingesters > 1 and args.protocol != "5":
        build_parser().error("--ingesters > 1 needs MQTT 5 (a shared subscription)")
    from benchmarks.run import Target, parse_target

    targets: list[Target] = []
    if args.db in {"sqlite", "both"}:
        targets.append(Target(label="sqlite"))
    if args.db in {"postgresql", "both"}:
        try:
            targets.append(parse_target(args.database_url))
        except argparse.ArgumentTypeError as exc:
            build_parser().error(str(exc))
    if args.url is None and not shutil.which(MOSQUITTO):
        log(f"{MOSQUITTO} is not installed: start a broker and pass --url")
        return 1
    results: dict[str, dict[str, Any]] = {}
    failed = False
    loadavg_start = " ".join(f"{v:.2f}" for v in os.getloadavg())
    for target in targets:
        target.probe()
        if target.skipped:
            log(f"{target.label}: {target.skipped}; skipping it.")
            results[target.label] = {"skipped": target.skipped}
            failed = failed or args.smoke  # a smoke run checks every database it is asked for
            continue
        log(f"ingest on {target.display()}")
        try:
            results[target.label] = measure(target, args)
        except Exception as exc:  # one failing database does not hide the other's results
            failed = True
            log(f"  FAILED: {exc}")
            results[target.label] = {"error": f"{type(exc).__name__}: {exc}"}
    meta = {
        "n": args.n,
        "runs": args.runs,
        "batch_size": args.batch_size,
        "flush_ms": args.flush_ms,
        "per_message": args.per_message,
        "ingesters": args.ingesters,
        "protocol": args.protocol,
        "cpus": os.cpu_count(),
        "loadavg_start": loadavg_start,
        "loadavg_end": " ".join(f"{v:.2f}" for v in os.getloadavg()),
    }
    if args.json:
        print(json.dumps({**meta, "results": results}, ensure_ascii=False, indent=1))
    else:
        print_table(results, args, meta)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
