"""The buses' live runtime: AVL subscriber, simulator (모의) and the BIT health job as threads next
to the streetlights' runtime (ADR 0009, ADR 0015), on the same broker.

The subscriber collects messages for ``FLUSH_S`` and stores them with ``avl.avl_ingest`` in one
transaction (BIT health answers with ``services.bits_heartbeat``). It subscribes at QoS 1 with a
clean session: AVL is only worth having live, and a redelivered message stores nothing twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from django.db import close_old_connections
from django.utils import timezone

from cityhall.telemetry.mqtt import broker_from_url, new_client
from cityhall.telemetry.runtime import spawn

from . import accuracy, avl, services
from .simulator import BIT_TOPIC_PREFIX, run_simulator

log = logging.getLogger(__name__)

FLUSH_S = 2.0
JOBS_INTERVAL_S = 30.0
STOP_TIMEOUT_S = 10.0


def store(messages: list[tuple[str, bytes]], now: datetime | None = None) -> avl.IngestReport:
    """One flush: BIT health answers, then AVL."""
    now = now or timezone.now()
    bits, reports = [], []
    for topic, payload in messages:
        if topic.startswith(BIT_TOPIC_PREFIX + "/"):
            bits.append(topic.split("/")[-2])
        else:
            reports.append((topic, payload))
    if bits:
        services.bits_heartbeat(codes=bits, at=now)
    return avl.avl_ingest(reports, now=now)


class BusRuntime:
    def __init__(self, url: str, *, simulate: bool = True, simulator_options: dict | None = None) -> None:
        broker_from_url(url)
        self.url = url
        self.simulate = simulate
        self.simulator_options = dict(simulator_options or {})
        self.stored = 0
        self.errors: list[str] = []
        self._stop_sim = threading.Event()
        self._stop = threading.Event()
        self._threads: dict[str, threading.Thread] = {}

    def start(self) -> BusRuntime:
        self._spawn("bus-subscriber", self._run_subscriber)
        self._spawn("bus-jobs", self._run_jobs)
        if self.simulate:
            self._spawn(
                "bus-simulator",
                lambda: run_simulator(self.url, stop_event=self._stop_sim, **self.simulator_options),
            )
        return self

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        self._stop_sim.set()
        thread = self._threads.pop("bus-simulator", None)
        if thread:
            thread.join(timeout)
        self._stop.set()
        for thread in self._threads.values():
            thread.join(timeout)
        self._threads.clear()

    def describe(self) -> str:
        parts = ["AVL 수집", "BIT 상태 점검", "도착 예정 기록"]
        if self.simulate:
            parts.insert(0, "모의 버스·BIT")
        return f"버스정보 실시간 운영: {', '.join(parts)}"

    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        spawn(self._threads, name, target, errors=self.errors, label="버스정보 실시간 운영")

    def _run_subscriber(self) -> None:
        pending: list[tuple[str, bytes]] = []
        lock = threading.Lock()
        client, connect = new_client(broker_from_url(self.url), f"cityhall-bus-avl-{id(self)}")

        def on_connect(client, userdata, flags, reason_code, properties=None):
            client.subscribe([(avl.SUBSCRIPTION, 1), (f"{BIT_TOPIC_PREFIX}/+/health", 1)])

        def on_message(client, userdata, message):
            with lock:
                pending.append((message.topic, bytes(message.payload)))

        client.on_connect = on_connect
        client.on_message = on_message
        client.reconnect_delay_set(min_delay=1, max_delay=5)
        client.connect_async(**connect)
        client.loop_start()
        try:
            while not self._stop.wait(FLUSH_S):
                with lock:
                    batch, pending[:] = list(pending), []
                if not batch:
                    continue
                try:
                    self.stored += store(batch).stored
                except Exception:
                    log.exception("AVL 저장 실패; 이번 묶음은 버립니다")
                    close_old_connections()
        finally:
            client.loop_stop()
            client.disconnect()

    def _run_jobs(self) -> None:
        while not self._stop.wait(JOBS_INTERVAL_S):
            try:
                services.bits_evaluate()
            except Exception:
                log.exception("BIT 상태 점검 실패; 다음 주기에 다시 실행합니다")
                close_old_connections()
            try:
                accuracy.predictions_record()
            except Exception:
                log.exception("도착 예정 기록 실패; 다음 주기에 다시 실행합니다")
                close_old_connections()
