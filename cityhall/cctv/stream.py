"""The event path on NATS JetStream (ADR 0012): the intake publishes each event to the stream
``CCTV_EVENTS`` (subject ``cctv.events``) with ``Nats-Msg-Id`` = the event's id, so the server drops a
re-sent copy inside its duplicate window; the triage worker reads through a *durable pull consumer*
with explicit acks, and acknowledges a batch only after its rows are committed. A worker that dies
mid-batch leaves those messages unacknowledged: the server redelivers them after ``ack_wait`` to the
next worker, and the database's unique ``event_id`` absorbs any that had been committed already.

Queueing, persistence and replay are JetStream's; nothing here keeps messages of its own.
Without ``CITYHALL_NATS_URL`` the webhook triages in-process instead (the embedded default).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import nats
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

log = logging.getLogger(__name__)

STREAM = "CCTV_EVENTS"
SUBJECT = "cctv.events"
DURABLE = "triage"
RECEIVED_HEADER = "Cityhall-Received-At"  # epoch seconds at the intake: where arrival-to-wall starts
DUPLICATE_WINDOW_S = 120.0
ACK_WAIT_S = 10.0
MAX_ACK_PENDING = 50_000
BATCH = 1000
FETCH_TIMEOUT_S = 0.2


def nats_url() -> str | None:
    from django.conf import settings

    return os.environ.get("CITYHALL_NATS_URL") or getattr(settings, "CITYHALL_NATS_URL", None) or None


async def ensure_stream(js, *, stream: str = STREAM, subject: str = SUBJECT, storage: str = "file") -> None:
    """Create the stream and the durable consumer if missing (idempotent)."""
    config = StreamConfig(
        name=stream,
        subjects=[subject],
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE if storage == "file" else StorageType.MEMORY,
        duplicate_window=DUPLICATE_WINDOW_S,
        max_age=7 * 24 * 3600.0,
    )
    try:
        await js.stream_info(stream)
    except NotFoundError:
        await js.add_stream(config)
    try:
        await js.consumer_info(stream, DURABLE)
    except NotFoundError:
        await js.add_consumer(
            stream,
            ConsumerConfig(
                durable_name=DURABLE,
                ack_policy=AckPolicy.EXPLICIT,
                deliver_policy=DeliverPolicy.ALL,
                ack_wait=ACK_WAIT_S,
                max_ack_pending=MAX_ACK_PENDING,
                max_deliver=-1,
            ),
        )


async def publish_many(
    js, items: Sequence[tuple[str, bytes]], *, subject: str = SUBJECT, received_at: float | None = None
) -> int:
    """Publish (event id, payload) pairs and wait for every server acknowledgement; returns how many
    the server stored as new (a duplicate inside the window is acknowledged with ``duplicate``)."""
    futures = []
    for event_id, payload in items:
        stamp = repr(received_at if received_at is not None else time.time())
        headers = {"Nats-Msg-Id": event_id, RECEIVED_HEADER: stamp}
        futures.append(await js.publish_async(subject, payload, headers=headers))
    acks = await asyncio.gather(*futures)
    return sum(1 for ack in acks if not getattr(ack, "duplicate", False))


def publish_sync(url: str, items: Sequence[tuple[str, bytes]], received_at: float | None = None) -> int:
    """For the webhook (a synchronous request): connect, publish, wait for the acks, close."""

    async def run() -> int:
        nc = await nats.connect(url, connect_timeout=2, max_reconnect_attempts=0)
        try:
            js = nc.jetstream()
            await ensure_stream(js)
            return await publish_many(js, items, received_at=received_at)
        finally:
            await nc.close()

    return asyncio.run(run())


@dataclass
class WorkerStats:
    batches: int = 0
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    redelivered: int = 0
    last_commit: float = 0.0  # epoch seconds after the last stored batch
    latencies: list[float] = field(default_factory=list)


async def consume(
    url: str,
    handle: Callable[[list], object],
    *,
    stop: asyncio.Event | None = None,
    stats: WorkerStats | None = None,
    batch: int = BATCH,
    stream: str = STREAM,
    subject: str = SUBJECT,
    idle_exit_s: float | None = None,
    on_ready: Callable[[], object] | None = None,
) -> WorkerStats:
    """The worker loop: fetch up to ``batch`` messages, hand them to ``handle`` (which stores them and
    returns a ``TriageReport``; run in a thread, the ORM is synchronous), then ack each. ``idle_exit_s``
    ends the loop after that long without messages (benchmarks, tests)."""
    stats = stats or WorkerStats()
    # One thread for the database: Django's connection belongs to the thread that opened it.
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cctv-triage")
    loop = asyncio.get_running_loop()
    nc = await nats.connect(url, connect_timeout=2)
    try:
        js = nc.jetstream()
        await ensure_stream(js, stream=stream, subject=subject)
        sub = await js.pull_subscribe_bind(DURABLE, stream)
        if on_ready is not None:
            on_ready()
        idle_since = time.monotonic()
        while stop is None or not stop.is_set():
            try:
                msgs = await sub.fetch(batch, timeout=FETCH_TIMEOUT_S)
            except (TimeoutError, NatsTimeout):
                if idle_exit_s is not None and time.monotonic() - idle_since > idle_exit_s:
                    break
                continue
            idle_since = time.monotonic()
            stats.redelivered += sum(1 for m in msgs if m.metadata.num_delivered > 1)
            report = await loop.run_in_executor(executor, handle, msgs)
            for m in msgs:
                await m.ack()
            stats.batches += 1
            stats.received += len(msgs)
            stats.stored += report.stored
            stats.duplicates += report.duplicates
            stats.rejected += report.rejected
            stats.latencies.extend(report.latencies)
            stats.last_commit = time.time()
        return stats
    finally:
        await nc.close()
        executor.shutdown(wait=True)


def received_at(msg) -> float:
    """When the event arrived: the intake's header, else when the stream stored it."""
    stamp = (msg.headers or {}).get(RECEIVED_HEADER)
    if stamp:
        try:
            return float(stamp)
        except ValueError:
            pass
    return msg.metadata.timestamp.timestamp()


def triage_handler(context):
    """A ``handle`` for ``consume``: the messages through ``services.events_triage``."""
    from django.db import close_old_connections

    from . import services

    def handle(msgs: list):
        close_old_connections()
        items = [services.Incoming(m.data, received_at(m)) for m in msgs]
        return services.events_triage(items, context=context)

    return handle
