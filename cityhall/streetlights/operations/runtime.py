"""The live runtime of the streetlights: broker, ingester, command dispatcher, simulator and periodic
jobs as threads of one process (ADR 0009).

``cityhall demo`` runs it next to the web server with the embedded broker and the simulator;
production runs ``cityhall manage streetlights_live --url mqtt://…`` against Mosquitto, and the web
application as a process of its own. The threads only call services (``telemetry.ingester``,
``commands``, ``faults``, ``telemetry.rollups``), so what runs here is what the tests run.

Shutdown order matters: the simulator stops first (no new telemetry), then the dispatcher and jobs,
then the ingester (it stores and acknowledges what has arrived), and the broker last.
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections

from cityhall.telemetry.ingester import run_ingester
from cityhall.telemetry.mqtt import broker_from_url, new_client
from cityhall.telemetry.runtime import spawn

from ..registry import selectors
from . import commands

log = logging.getLogger(__name__)

DISPATCH_INTERVAL_S = 1.0
JOBS_INTERVAL_S = 30.0
PUBLISH_TIMEOUT_S = 5.0
STOP_TIMEOUT_S = 30.0
# The periodic jobs, imported when they run: a module that fails to import (or is not there yet)
# is logged and retried at the next round, and never stops the others.
DEFAULT_JOBS: tuple[tuple[str, str], ...] = (
    ("cityhall.streetlights.repairs.faults", "faults_evaluate"),
    ("cityhall.telemetry.rollups", "rollup_recent"),
)


@dataclass
class LiveStats:
    dispatched: int = 0
    expired: int = 0
    acks: commands.AckReport = field(default_factory=commands.AckReport)
    job_runs: dict[str, int] = field(default_factory=dict)
    job_errors: dict[str, int] = field(default_factory=dict)
    thread_errors: list[str] = field(default_factory=list)


class LiveRuntime:
    """Start with ``start()``, stop with ``stop()`` (idempotent).

    ``url=None`` starts the embedded amqtt broker on ``embedded_port`` (0 = any free port) and uses
    it; a URL is used as it is (Mosquitto in production). ``simulate`` runs
    ``simulator.run_simulator`` with ``simulator_options``.
    """

    def __init__(
        self,
        *,
        url: str | None = None,
        embedded_port: int | None = None,
        simulate: bool = False,
        simulator_options: dict | None = None,
        dispatch_interval_s: float = DISPATCH_INTERVAL_S,
        jobs_interval_s: float = JOBS_INTERVAL_S,
        ack_timeout_s: float = commands.DEFAULT_ACK_TIMEOUT_S,
        jobs: Sequence[tuple[str, str]] = DEFAULT_JOBS,
        ingester_options: dict | None = None,
        client_prefix: str = "cityhall",
    ) -> None:
        if url is not None:
            broker_from_url(url)  # a bad URL fails here, in Korean, before any thread starts
        self.configured_url = url
        self.embedded_port = embedded_port
        self.simulate = simulate
        self.simulator_options = dict(simulator_options or {})
        self.dispatch_interval_s = dispatch_interval_s
        self.jobs_interval_s = jobs_interval_s
        self.ack_timeout_s = ack_timeout_s
        self.jobs = tuple(jobs)
        self.ingester_options = dict(ingester_options or {})
        self.client_prefix = client_prefix
        self.stats = LiveStats()
        self.embedded = None
        self.url: str | None = None
        self._threads: dict[str, threading.Thread] = {}
        self._stop_simulator = threading.Event()
        self._stop_workers = threading.Event()
        self._stop_ingester = threading.Event()
        self._lock = threading.Lock()
        self._state = "new"  # → running → stopped; one runtime object runs once

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> LiveRuntime:
        if self._state != "new":
            raise RuntimeError(f"a live runtime starts once (this one is {self._state})")
        if self.configured_url is None:
            from cityhall.telemetry.broker import DEFAULT_PORT, EmbeddedBroker

            port = DEFAULT_PORT if self.embedded_port is None else self.embedded_port
            self.embedded = EmbeddedBroker(port).start()
            self.url = self.embedded.url
        else:
            self.url = self.configured_url
        self._state = "running"
        self._spawn("ingester", self._run_ingester)
        self._spawn("dispatcher", self._run_dispatcher)
        if (
            getattr(settings, "CITYHALL_LIVE_JOBS", "runtime") != "queue"
        ):  # else the task queue runs them (ADR 0019)
            self._spawn("jobs", self._run_jobs)
        if self.simulate:
            self._spawn("simulator", self._run_simulator)
        return self

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """Stop the simulator, then dispatcher and jobs, then the ingester (flushes), then the broker."""
        if self._state != "running":
            return
        self._stop_simulator.set()
        self._join(["simulator"], timeout)
        self._stop_workers.set()
        self._join(["dispatcher", "jobs"], timeout)
        self._stop_ingester.set()
        self._join(["ingester"], timeout)
        if self.embedded is not None:
            self.embedded.stop()
        self._state = "stopped"

    def _join(self, names: list[str], timeout: float) -> None:
        for name in names:
            thread = self._threads.pop(name, None)
            if thread is None:
                continue
            thread.join(timeout)
            if thread.is_alive():
                log.warning("실시간 운영: %s 스레드가 %.0f초 안에 멈추지 않았습니다", name, timeout)

    @property
    def running(self) -> list[str]:
        """Names of the threads that are alive."""
        return sorted(name for name, thread in self._threads.items() if thread.is_alive())

    def describe(self) -> str:
        """One Korean line: what runs where (without the broker password)."""
        broker = broker_from_url(self.url)
        where = f"내장 MQTT 브로커 {broker}" if self.embedded is not None else f"MQTT 브로커 {broker}"
        parts = ["수집기", "명령 전송"]
        if self.simulate:
            parts.append("모의 가로등")
        if getattr(settings, "CITYHALL_LIVE_JOBS", "runtime") != "queue":
            parts.append(f"고장 판정·집계 {self.jobs_interval_s:.0f}초마다")
        return f"실시간 운영: {where} · {', '.join(parts)}"

    # -- threads -----------------------------------------------------------------------------------

    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        errors = self.stats.thread_errors
        spawn(self._threads, name, target, errors=errors, label="실시간 운영", thread_name=f"live-{name}")

    def _run_ingester(self) -> None:
        options = {"client_id": f"{self.client_prefix}-ingester", **self.ingester_options}
        run_ingester(
            self.url,
            stop_event=self._stop_ingester,
            known_devices=selectors.known_device_ids,
            gateways=selectors.light_gateways,
            ack_handler=self._on_acks,
            **options,
        )

    def _on_acks(self, messages: list[commands.AckMessage]) -> None:
        report = commands.commands_acknowledge(messages)
        with self._lock:
            self.stats.acks.add(report)

    def _run_dispatcher(self) -> None:
        # Not a persistent session: commands waiting for the dispatcher live in the database.
        client, connect = new_client(
            broker_from_url(self.url), f"{self.client_prefix}-dispatcher-{os.getpid()}"
        )
        client.reconnect_delay_set(min_delay=1, max_delay=5)
        # A whole chunk in flight at once (paho's default is 20): one round trip, not one per light.
        client.max_inflight_messages_set(commands.DISPATCH_CHUNK)
        client.connect_async(**connect)
        client.loop_start()

        def publish(messages: list[tuple[str, bytes]]) -> list[bool]:
            # Only while connected: paho would otherwise queue the messages and send them after a
            # reconnect, while their rows are still pending and will be sent again.
            if not client.is_connected():
                return [False] * len(messages)
            infos = [client.publish(topic, payload, qos=1) for topic, payload in messages]
            deadline = time.monotonic() + PUBLISH_TIMEOUT_S
            verdicts = []
            for info in infos:
                try:
                    info.wait_for_publish(timeout=max(0.0, deadline - time.monotonic()))
                except (RuntimeError, ValueError):  # not queued: connection lost, queue full
                    pass
                verdicts.append(info.is_published())
            return verdicts

        try:
            while not self._stop_workers.is_set():
                try:
                    if client.is_connected():
                        report = commands.commands_dispatch(publish)
                        self.stats.dispatched += report.sent
                    self.stats.expired += commands.commands_expire(timeout_s=self.ack_timeout_s)
                except Exception:
                    log.exception("명령 전송 처리 중 오류; 다음 주기에 다시 시도합니다")
                    close_old_connections()
                self._stop_workers.wait(self.dispatch_interval_s)
        finally:
            # Network thread first (it sends what is queued, PUBACKs included, then ends), then a
            # DISCONNECT written directly: the other order races paho's thread into logging an error.
            client.loop_stop()
            client.disconnect()

    def _run_jobs(self) -> None:
        next_run = time.monotonic() + self.jobs_interval_s
        while not self._stop_workers.wait(max(0.0, next_run - time.monotonic())):
            next_run = time.monotonic() + self.jobs_interval_s
            self.run_jobs_once()

    def run_jobs_once(self) -> None:
        """Run each periodic job once; a failing one is logged and counted, the others still run."""
        for module_name, function_name in self.jobs:
            key = f"{module_name}.{function_name}"
            try:
                function = getattr(importlib.import_module(module_name), function_name)
                function(now=None)
                self.stats.job_runs[key] = self.stats.job_runs.get(key, 0) + 1
            except Exception:
                log.exception("주기 작업 %s 실패; 다음 주기에 다시 실행합니다", key)
                self.stats.job_errors[key] = self.stats.job_errors.get(key, 0) + 1
                close_old_connections()

    def _run_simulator(self) -> None:
        from ..simulator import run_simulator

        run_simulator(self.url, stop_event=self._stop_simulator, **self.simulator_options)
