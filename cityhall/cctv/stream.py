"""The event path on NATS JetStream (ADR 0033): the intake publishes each event to the stream
``CCTV_EVENTS`` with ``Nats-Msg-Id`` = the event's id, so the server drops a re-sent copy inside its
duplicate window. Events are partitioned by camera: subject ``cctv.events.<p>``, p a stable hash of
the camera's code modulo ``CITYHALL_CCTV_PARTITIONS``, each partition with its own *durable push
consumer* ``triage-<p>`` (flow-controlled) read by one triage worker with explicit acks, sent only
after the batch's rows are committed. A camera's events therefore reach one worker, which keeps the camera's
rate limit in memory (``services.TriageContext(exclusive=True)``); more workers on more machines
means more partitions. A worker that dies mid-batch leaves those messages unacknowledged: the server
redelivers them after ``ack_wait`` to the worker started in its place, and the database's unique
event code absorbs any that had been committed already.

Queueing, persistence, partitioning by subject and replay are JetStream's; nothing here keeps
messages of its own. Without ``CITYHALL_NATS_URL`` the webhook triages in-process instead (the
embedded default).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

log = logging.getLogger(__name__)

STREAM = "CCTV_EVENTS"
SUBJECT = "cctv.events"  # a prefix: each partition's subject is cctv.events.<p>
DURABLE = "triage"  # a prefix: each partition's consumer is triage-<p>
RECEIVED_HEADER = "Cityhall-Received-At"  # epoch seconds at the intake: where arrival-to-wall starts
DUPLICATE_WINDOW_S = 120.0
ACK_WAIT_S = 10.0
MAX_ACK_PENDING = 50_000
BATCH = 1000
FETCH_TIMEOUT_S = 0.2  # how long the loop waits for a first message before it looks at the clock
HEARTBEAT_S = 5.0
CLOSE_TIMEOUT_S = 5.0


def nats_url() -> str | None:
    from django.conf import settings

    return os.environ.get("CITYHALL_NATS_URL") or getattr(settings, "CITYHALL_NATS_URL", None) or None


def partitions() -> int:
    """How many partitions the stream has (``CITYHALL_CCTV_PARTITIONS``, 1–64): one worker each."""
    from django.conf import settings

    return settings.CITYHALL_CCTV_PARTITIONS


def partition_of(camera: str, count: int) -> int:
    """The partition of a camera's events: CRC-32 of its code, stable across processes and releases
    (Python's own ``hash`` of text changes with every process)."""
    return zlib.crc32(camera.encode()) % count


def partition_subject(subject: str, partition: int) -> str:
    return f"{subject}.{partition}"


def durable_name(partition: int) -> str:
    return f"{DURABLE}-{partition}"


async def ensure_stream(
    js,
    *,
    stream: str = STREAM,
    subject: str = SUBJECT,
    storage: str = "file",
    ack_wait: float = ACK_WAIT_S,
    count: int = 1,
) -> None:
    """Create the stream and the durable consumer of each of ``count`` partitions if missing
    (idempotent; an existing consumer keeps its settings; a stream made before partitions is given
    the partitions' subjects). ``ack_wait``: how long a fetched, unacknowledged message waits before
    the server redelivers it (a crashed worker's batch comes back after that)."""
    config = StreamConfig(
        name=stream,
        subjects=[f"{subject}.*"],
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE if storage == "file" else StorageType.MEMORY,
        duplicate_window=DUPLICATE_WINDOW_S,
        max_age=7 * 24 * 3600.0,
    )
    try:
        info = await js.stream_info(stream)
    except NotFoundError:
        await js.add_stream(config)
    else:
        if f"{subject}.*" not in (info.config.subjects or []):
            info.config.subjects = [*(info.config.subjects or []), f"{subject}.*"]
            await js.update_stream(info.config)
    for partition in range(count):
        try:
            await js.consumer_info(stream, durable_name(partition))
        except NotFoundError:
            await js.add_consumer(
                stream,
                ConsumerConfig(
                    durable_name=durable_name(partition),
                    filter_subject=partition_subject(subject, partition),
                    # pushed to the partition's worker; flow control keeps a slow worker from drowning
                    deliver_subject=f"_CITYHALL.{stream}.{durable_name(partition)}",
                    flow_control=True,
                    idle_heartbeat=HEARTBEAT_S,
                    ack_policy=AckPolicy.EXPLICIT,
                    deliver_policy=DeliverPolicy.ALL,
                    ack_wait=ack_wait,
                    max_ack_pending=MAX_ACK_PENDING,
                    max_deliver=-1,
                ),
            )


async def publish_many(
    js,
    items: Sequence[tuple[str, str, bytes]],
    *,
    subject: str = SUBJECT,
    count: int = 1,
    received_at: float | None = None,
) -> int:
    """Publish (event id, camera code, payload) triples, each to its camera's partition of ``count``,
    and wait for every server acknowledgement; returns how many the server stored as new (a duplicate
    inside the window is acknowledged with ``duplicate``)."""
    futures = []
    subjects = [partition_subject(subject, p) for p in range(count)]
    for event_id, camera, payload in items:
        stamp = repr(received_at if received_at is not None else time.time())
        headers = {"Nats-Msg-Id": event_id, RECEIVED_HEADER: stamp}
        target = subjects[partition_of(camera, count)]
        futures.append(await js.publish_async(target, payload, headers=headers))
    acks = await asyncio.gather(*futures)
    return sum(1 for ack in acks if not getattr(ack, "duplicate", False))


class Publisher:
    """One NATS connection per web process, kept open on an event loop of its own (a daemon thread):
    the webhook (a synchronous request) hands its events over and waits for the server's acks, without
    connecting per request. A dropped connection is re-established on the next request."""

    def __init__(self, url: str, *, stream: str = STREAM, subject: str = SUBJECT, count: int = 1) -> None:
        self.url, self.stream, self.subject, self.count = url, stream, subject, count
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._nc = None
        self._js = None

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="cctv-publisher", daemon=True).start()
            self._loop = loop
        return self._loop

    async def _js_ready(self):
        if self._nc is None or self._nc.is_closed:
            self._nc = await nats.connect(self.url, connect_timeout=2, max_reconnect_attempts=3)
            self._js = self._nc.jetstream()
            await ensure_stream(self._js, stream=self.stream, subject=self.subject, count=self.count)
        return self._js

    async def _publish(self, items, received_at):
        js = await self._js_ready()
        return await publish_many(js, items, subject=self.subject, count=self.count, received_at=received_at)

    def publish(self, items: Sequence[tuple[str, str, bytes]], received_at: float | None = None) -> int:
        with self._lock:
            loop = self._ensure_loop()
        future = asyncio.run_coroutine_threadsafe(self._publish(items, received_at), loop)
        try:
            return future.result(timeout=10)
        except Exception:
            # Start afresh next time (the connection may be the problem); the caller reports the error.
            asyncio.run_coroutine_threadsafe(self._reset(), loop)
            raise

    async def _reset(self) -> None:
        nc, self._nc, self._js = self._nc, None, None
        if nc is not None and not nc.is_closed:
            with contextlib.suppress(Exception):
                await nc.close()


_publishers: dict[str, Publisher] = {}
_publishers_lock = threading.Lock()


def publish_sync(url: str, items: Sequence[tuple[str, str, bytes]], received_at: float | None = None) -> int:
    """For the webhook: publish through this process's ``Publisher`` for ``url``."""
    with _publishers_lock:
        publisher = _publishers.get(url)
        if publisher is None:
            publisher = _publishers[url] = Publisher(url, count=partitions())
    return publisher.publish(items, received_at)


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
    partition: int = 0,
    count: int = 1,
    idle_exit_s: float | None = None,
    on_ready: Callable[[], object] | None = None,
) -> WorkerStats:
    """The worker loop of partition ``partition`` (of ``count``): the server pushes the partition's
    messages (up to ``MAX_ACK_PENDING`` unacknowledged); the loop hands up to ``batch`` of those that
    have arrived to ``handle`` (which stores them and returns a ``TriageReport``; run in a thread, the
    ORM is synchronous), then acks each. ``idle_exit_s`` ends the loop after that long without
    messages (benchmarks, tests).

    Pushed rather than pulled: the client's pull ``fetch`` starts a task for every message, which
    cost about four times the Python time a message of this callback's (docs/cctv.md)."""
    stats = stats or WorkerStats()
    # One thread for the database: Django's connection belongs to the thread that opened it.
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cctv-triage")
    loop = asyncio.get_running_loop()
    nc = await nats.connect(url, connect_timeout=2)
    try:
        js = nc.jetstream()
        await ensure_stream(js, stream=stream, subject=subject, count=count)
        durable = durable_name(partition)
        config = (await js.consumer_info(stream, durable)).config
        arrived: list = []
        wake = asyncio.Event()

        async def receive(msg) -> None:
            # Only collects: while the database stores one batch the next one arrives here.
            arrived.append(msg)
            wake.set()

        sub = await js.subscribe_bind(
            stream, config, consumer=durable, cb=receive, manual_ack=True, pending_msgs_limit=-1
        )
        if on_ready is not None:
            on_ready()
        idle_since = time.monotonic()
        while stop is None or not stop.is_set():
            if not arrived:
                wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), timeout=FETCH_TIMEOUT_S)
                if not arrived:
                    if idle_exit_s is not None and time.monotonic() - idle_since > idle_exit_s:
                        break
                    continue
            msgs = arrived[:batch]
            del arrived[:batch]
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
        # Messages that arrived but were not handled stay unacknowledged: the server sends them again
        # after the ack wait, to the worker started in this one's place.
        with contextlib.suppress(Exception):
            await sub.unsubscribe()
        return stats
    finally:
        # A close that does not finish (seen after a fellow worker was killed) must not keep the
        # process alive.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(nc.close(), timeout=CLOSE_TIMEOUT_S)
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
