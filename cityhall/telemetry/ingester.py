"""The MQTT ingester: broker → ``services.ingest_batch`` → PUBACK (ADR 0007).

It keeps a persistent session (fixed client ID, ``clean_start=False``, a long session expiry), so
what devices publish while it is down waits in the broker; it subscribes to the telemetry topics at
QoS 1 with **manual acknowledgement**, collects messages into a batch (every ``batch_size`` messages
or ``flush_ms`` milliseconds), stores the batch in one transaction and only then acknowledges its
messages. A crash before the commit means the broker redelivers; the unique (device_id, message_id)
constraint makes that redelivery store nothing twice. A lost broker connection is retried forever.

Command acknowledgements (``…/{device}/cmd/ack``, ADR 0009) come through the same session when an
``ack_handler`` is given: they are handed to it in the same transaction as the batch's readings and
acknowledged to the broker after that commit, like telemetry. The handler is passed in, so this
package does not import the streetlights app. It works on MQTT 5 (Mosquitto) and 3.1.1 (the
embedded amqtt broker); ``mqtt.new_client`` hides the difference.

Gateway batch messages (``…/{gateway}/telemetry/batch``, many readings in one message) come through
the same subscription set; a batch message counts toward ``batch_size`` by its number of readings
(estimated from its bytes without parsing it), so one transaction stays bounded. With ``share``
(MQTT 5 only) the subscriptions are shared (``$share/{share}/…``): several ingester processes, each
with its own client ID, split the stream between them.

A message received on a connection that has since been lost is stored but not acknowledged (its
packet ID belongs to the old connection): the broker redelivers it and the copy is counted as a
duplicate and acknowledged then.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from django.db import close_old_connections, transaction
from paho.mqtt.client import topic_matches_sub

from .mqtt import broker_from_url, new_client
from .services import IngestReport, Message, ingest_batch
from .validation import BATCH_SUFFIX, MAX_BATCH_READINGS, TOPIC_PREFIX, GatewayOf

log = logging.getLogger(__name__)

SUBSCRIPTION = f"{TOPIC_PREFIX}/+/telemetry"
BATCH_SUBSCRIPTION = f"{TOPIC_PREFIX}/+{BATCH_SUFFIX}"
ACK_SUBSCRIPTION = f"{TOPIC_PREFIX}/+/cmd/ack"
DEFAULT_CLIENT_ID = "cityhall-ingester"
KNOWN_DEVICES_REFRESH_S = 30.0
DB_RETRY_S = (0.5, 1.0, 2.0, 5.0)

KnownDevices = set[str] | Callable[[], set[str]] | None
# Each device's gateway (base station), or a callable returning that mapping (re-read like
# known_devices), or None (any gateway may carry any device's readings).
Gateways = dict[str, str] | Callable[[], GatewayOf] | None
# Takes the batch's command acknowledgements; runs inside the batch's transaction, must not swallow
# database errors (the batch is then retried and nothing is acknowledged) but must not raise for a
# bad message (that one is logged and counted, or the batch would be redelivered forever).
AckHandler = Callable[[list[Message]], object]
# A system's batch store: (messages, known_devices=, gateways=) -> IngestReport, like ingest_batch.
Ingest = Callable[..., IngestReport]


class _Received(NamedTuple):
    """One message as received (a tuple: built once per message in paho's thread, and a frozen
    dataclass costs several times as much to build)."""

    topic: str
    payload: bytes
    received_at: datetime
    mid: int
    qos: int
    generation: int
    weight: int  # readings in it, as counted toward the batch size


def _weight(topic: str, payload: bytes) -> int:
    """Readings in a message, without parsing it: 1, or for a batch message its number of ``{`` — at
    least one per reading object (braces inside strings only make the estimate larger), capped at
    the most a valid batch may hold."""
    if not topic.endswith(BATCH_SUFFIX):
        return 1
    return min(MAX_BATCH_READINGS, max(1, payload.count(b"{")))


@dataclass
class IngesterStats:
    batches: int = 0
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    connects: int = 0
    acks: int = 0  # command acknowledgements handed to the ack handler

    def add(self, report: IngestReport) -> None:
        self.batches += 1
        self.received += report.received
        self.stored += report.stored
        self.duplicates += report.duplicates
        self.rejected += report.rejected_total


class _Devices:
    """``known_devices`` (or ``gateways``) as given, or a callable re-read at most every 30 s."""

    def __init__(self, known, convert=set) -> None:
        self.known = known
        self.convert = convert
        self.cached = None
        self.loaded = 0.0

    def get(self):
        if not callable(self.known):
            return self.known
        now = time.monotonic()
        if self.cached is None or now - self.loaded > KNOWN_DEVICES_REFRESH_S:
            self.cached, self.loaded = self.convert(self.known()), now
        return self.cached


def shared(topic: str, share: str | None) -> str:
    """``topic`` as a member of the shared subscription group ``share`` (MQTT 5), or as it is."""
    return f"$share/{share}/{topic}" if share else topic


def run_ingester(
    url: str | None = None,
    *,
    batch_size: int = 500,
    flush_ms: int = 100,
    stop_event: threading.Event | None = None,
    known_devices: KnownDevices = None,
    client_id: str = DEFAULT_CLIENT_ID,
    ack_handler: AckHandler | None = None,
    share: str | None = None,
    gateways: Gateways = None,
    topics: Sequence[str] | None = None,
    ingest: Ingest | None = None,
) -> IngesterStats:
    """Ingest telemetry from the broker at ``url`` until ``stop_event`` is set; flush, ack, return.

    ``known_devices``: a set, a callable returning one (re-read every 30 s), or None (any well-formed
    device ID). ``ack_handler``: also subscribe to ``…/+/cmd/ack`` and pass those messages to it.
    ``share``: subscribe as a member of this shared subscription group (MQTT 5; ``ValueError`` in
    Korean on 3.1.1 or for a bad name). ``gateways``: each device's gateway (a dict, a callable
    returning one, re-read every 30 s, or None) for the check of batch messages.
    ``topics`` and ``ingest``: another field system's subscriptions and its batch store, called as
    ``ingest_batch`` is (in the batch's transaction, returning an ``IngestReport``); the default is
    the streetlights' telemetry. The session, batching, commit-then-acknowledge and retries are the
    same for every system (the traffic detectors use this, ADR 0028).
    Runs in the calling thread; the MQTT network loop runs in a paho thread.
    """
    if batch_size < 1 or flush_ms < 1:
        raise ValueError("batch_size and flush_ms must be positive")
    broker = broker_from_url(url)
    if share is not None:
        if not share or any(c in share for c in "/+#"):
            raise ValueError(
                f"공유 구독 그룹 이름 {share!r}이(가) 올바르지 않습니다 ('/', '+', '#' 없이 1자 이상)."
            )
        if not broker.v5:
            raise ValueError(
                "공유 구독(share)은 MQTT 5에서만 쓸 수 있습니다 (브로커 주소의 protocol=3.1.1을 빼세요)."
            )
    stop_event = stop_event or threading.Event()
    store = ingest or ingest_batch
    devices = _Devices(known_devices)
    gateway_map = _Devices(gateways, dict)
    stats = IngesterStats()
    inbox: queue.SimpleQueue[_Received] = queue.SimpleQueue()
    generation = [0]  # bumped on every disconnect; packet IDs of an older connection are void

    # The broker may send us a whole batch and the next one before we acknowledge (MQTT 5).
    client, connect = new_client(
        broker, client_id, persistent=True, manual_ack=True, receive_maximum=max(2 * batch_size, 100)
    )
    client.reconnect_delay_set(min_delay=1, max_delay=5)

    def on_connect(client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.warning("MQTT 연결 거부: %s", reason_code)
            return
        stats.connects += 1
        log.info("MQTT 연결됨 %s (세션 유지: %s)", broker, flags.session_present)
        if stats.connects > 1 and not flags.session_present:
            # The broker forgot our session (no persistence, or it expired): whatever was queued
            # for us while we were away is gone. Say so; there is nothing to recover here.
            log.warning("MQTT 재연결: 브로커에 세션이 없습니다 (대기 중이던 메시지가 유실됐을 수 있음)")
        wanted = list(topics or [SUBSCRIPTION, BATCH_SUBSCRIPTION])
        wanted += [ACK_SUBSCRIPTION] if ack_handler else []
        client.subscribe([(shared(topic, share), 1) for topic in wanted])

    def on_disconnect(client, userdata, flags, reason_code, properties):
        generation[0] += 1
        if not stop_event.is_set():
            log.warning("MQTT 연결 끊김 (%s); 다시 연결합니다", reason_code)

    def on_message(client, userdata, message):
        topic, payload = message.topic, message.payload  # paho decodes the topic on every access
        inbox.put(
            _Received(
                topic,
                payload,
                datetime.now(UTC),
                message.mid,
                message.qos,
                generation[0],
                _weight(topic, payload),
            )
        )

    client.on_connect = on_connect
    client.on_disconnect = on_disconnect
    client.on_message = on_message
    client.connect_async(**connect)
    client.loop_start()

    batch: list[_Received] = []
    flush_s = flush_ms / 1000

    def flush() -> None:
        attempt = 0
        readings: list[Message] = []
        acks: list[Message] = []
        for m in batch:
            is_ack = ack_handler is not None and topic_matches_sub(ACK_SUBSCRIPTION, m.topic)
            (acks if is_ack else readings).append((m.topic, m.payload, m.received_at))
        while True:
            try:
                # One commit for the readings and the acknowledgements: the broker gets its PUBACKs
                # only after both are stored.
                with transaction.atomic():
                    report = store(readings, known_devices=devices.get(), gateways=gateway_map.get())
                    if acks and ack_handler is not None:
                        ack_handler(acks)
                break
            except Exception:
                # The database is unavailable: nothing was committed, nothing is acknowledged.
                delay = DB_RETRY_S[min(attempt, len(DB_RETRY_S) - 1)]
                log.exception("배치 저장 실패 (%d건); %.1f초 뒤 다시 시도합니다", len(batch), delay)
                close_old_connections()
                attempt += 1
                if stop_event.wait(delay):
                    return  # stopping: leave the batch to the broker's redelivery
        stats.add(report)
        stats.acks += len(acks)
        current = generation[0]
        for m in batch:
            if m.qos > 0 and m.generation == current:
                client.ack(m.mid, m.qos)
        batch.clear()
        weight[0] = 0

    weight = [0]  # readings in the batch (a batch message counts by its readings)

    def take(m: _Received) -> None:
        batch.append(m)
        weight[0] += m.weight

    try:
        deadline: float | None = None
        while not stop_event.is_set():
            timeout = 0.2 if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                take(inbox.get(timeout=min(timeout, 0.2)))
                if deadline is None:
                    deadline = time.monotonic() + flush_s
            except queue.Empty:
                pass
            if batch and (weight[0] >= batch_size or (deadline is not None and time.monotonic() >= deadline)):
                flush()
                deadline = None
        # Stopping: store and acknowledge what has arrived, then leave.
        while True:
            try:
                take(inbox.get_nowait())
            except queue.Empty:
                break
            if weight[0] >= batch_size:
                flush()
        if batch:
            flush()
    finally:
        # Network thread first (it sends what is queued, PUBACKs included, then ends), then a
        # DISCONNECT written directly: the other order races paho's thread into logging an error.
        client.loop_stop()
        client.disconnect()
        close_old_connections()
    return stats
