"""The traffic app's live runtime (ADR 0030): the VMS sender and simulated signs (모의) as threads
next to the streetlights' and the buses' runtimes (ADR 0009), on the same broker.

- ``traffic-vms``: every ``DISPATCH_S`` takes the signs' acks (``…/{code}/cmd/ack``) into
  ``services.vms_acknowledge``, then ``services.vms_dispatch`` plans new sends for signs whose wanted
  message changed and publishes due sends (first sends and retries with backoff) at QoS 1.
- ``traffic-signs`` (with ``simulate``): every sign subscribes to ``cityhall/v1/traffic/+/cmd``,
  "displays" the lines and answers ``ok``; signs in ``silent`` never answer (to show an
  unreachable sign and its repair order).

- ``traffic-twin`` (with ``twin``): the twin's 288 detector loops at real time (모의): every
  ``TWIN_CHUNK_MIN`` minutes the twin runs that stretch of the hour's demand (after a warm-up, so the
  grid is full) and each 30 s interval is published on ``…/{detector}/vds`` when its end comes;
  ``traffic-vds`` stores them (the telemetry ingester loop, ADR 0028), so the board, the congestion
  and the travel times follow. Each stretch is a fresh simulation: vehicles do not carry over.

SUMO is optional here: placing the default signs needs the twin's network (netgenerate); when SUMO
cannot be used the VMS part is off with a logged reason and the rest of the demo runs.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from django.db import close_old_connections
from django.utils import timezone
from django.utils.translation import gettext as _

from cityhall.core.audit import Actor
from cityhall.telemetry.mqtt import broker_from_url, new_client
from cityhall.telemetry.runtime import spawn

from . import selectors, services, vds

log = logging.getLogger(__name__)

DISPATCH_S = 1.0
PUBLISH_TIMEOUT_S = 5.0
STOP_TIMEOUT_S = 10.0
TWIN_CHUNK_MIN = 2
TWIN_WARMUP_MIN = 3
ACK_SUBSCRIPTION = f"{services.VMS_TOPIC_PREFIX}/+/cmd/ack"
CMD_SUBSCRIPTION = f"{services.VMS_TOPIC_PREFIX}/+/cmd"


def sign_answer(topic: str, payload: bytes, *, now: datetime | None = None) -> tuple[str, bytes] | None:
    """A simulated sign's ack for a command it received, or None for a message it cannot read."""
    try:
        body = json.loads(payload)
    except ValueError:
        return None
    code = topic.split("/")[3] if topic.count("/") == 4 else ""
    if not isinstance(body, dict) or not code or body.get("device_id") != code:
        return None
    lines = body.get("lines")
    ok = isinstance(lines, list) and 1 <= len(lines) <= 2 and all(isinstance(x, str) for x in lines)
    answer = {
        "cmd_id": body.get("cmd_id"),
        "device_id": code,
        "result": "ok" if ok else "error",
        "reason": "" if ok else "bad_lines",
        "ts": (now or datetime.now(UTC)).isoformat().replace("+00:00", "Z"),
    }
    return f"{topic}/ack", json.dumps(answer, ensure_ascii=False).encode()


class TrafficRuntime:
    def __init__(
        self,
        url: str,
        *,
        simulate: bool = True,
        twin: bool = False,
        silent: Iterable[str] = (),
        dispatch_s: float = DISPATCH_S,
        max_attempts: int = services.VMS_MAX_ATTEMPTS,
    ) -> None:
        broker_from_url(url)
        self.url = url
        self.simulate = simulate
        self.twin = twin
        self.twin_published = 0
        self.twin_off_reason = ""
        self.silent = set(silent)
        self.dispatch_s = dispatch_s
        self.max_attempts = max_attempts
        self.displayed: dict[str, list[str]] = {}  # what the simulated signs show
        self.sent = self.acked = 0
        self.errors: list[str] = []
        self.off_reason = ""
        self._stop = threading.Event()
        self._threads: dict[str, threading.Thread] = {}

    def start(self) -> TrafficRuntime:
        if self.simulate:
            self._spawn("traffic-signs", self._run_signs)
        self._spawn("traffic-vms", self._run_sender)
        if self.twin:
            self._spawn("traffic-vds", self._run_vds_ingester)
            self._spawn("traffic-twin", self._run_twin)
        return self

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        self._stop.set()
        for thread in self._threads.values():
            thread.join(timeout)
        self._threads.clear()

    def describe(self) -> str:
        parts = [_("VMS 문안 전송·표출 확인")]
        if self.simulate:
            parts.insert(0, _("모의 도로전광표지"))
        if self.twin:
            parts.insert(0, _("디지털트윈 검지기 실시간 모의 (%(n)d분 단위)") % {"n": TWIN_CHUNK_MIN})
        return _("교통 실시간 운영: %(parts)s") % {"parts": ", ".join(parts)}

    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        spawn(self._threads, name, target, errors=self.errors, label="교통 실시간 운영")

    def _client(self, name: str, subscription: str, on_message) -> object:
        client, connect = new_client(broker_from_url(self.url), f"cityhall-traffic-{name}-{id(self)}")

        def on_connect(client, userdata, flags, reason_code, properties=None):
            client.subscribe([(subscription, 1)])

        client.on_connect = on_connect
        client.on_message = on_message
        client.reconnect_delay_set(min_delay=1, max_delay=5)
        client.max_inflight_messages_set(100)
        client.connect_async(**connect)
        client.loop_start()
        return client

    def _run_signs(self) -> None:
        def on_message(client, userdata, message):
            code = message.topic.split("/")[3] if message.topic.count("/") == 4 else ""
            if code in self.silent:
                return
            answer = sign_answer(message.topic, bytes(message.payload))
            if answer is None:
                return
            try:
                self.displayed[code] = list(json.loads(message.payload)["lines"])
            except (ValueError, KeyError, TypeError):
                pass
            client.publish(*answer, qos=1)

        client = self._client("signs", CMD_SUBSCRIPTION, on_message)
        try:
            self._stop.wait()
        finally:
            client.loop_stop()
            client.disconnect()

    def _run_sender(self) -> None:
        try:
            services.vms_ensure_default(actor=Actor.system("traffic:vms-placement"))
        except Exception as exc:  # SUMO missing or its network not buildable: the rest runs on
            self.off_reason = f"{type(exc).__name__}: {exc}"
            log.warning("도로전광표지 전송을 끕니다 (도로망을 준비하지 못했습니다): %s", self.off_reason)
            return
        acks: list[tuple[str, bytes]] = []
        lock = threading.Lock()

        def on_message(client, userdata, message):
            with lock:
                acks.append((message.topic, bytes(message.payload)))

        client = self._client("vms", ACK_SUBSCRIPTION, on_message)

        def publish(messages: list[tuple[str, bytes]]) -> list[bool]:
            if not client.is_connected():
                return [False] * len(messages)
            infos = [client.publish(topic, payload, qos=1) for topic, payload in messages]
            deadline = time.monotonic() + PUBLISH_TIMEOUT_S
            verdicts = []
            for info in infos:
                try:
                    info.wait_for_publish(timeout=max(0.0, deadline - time.monotonic()))
                except (RuntimeError, ValueError):
                    pass
                verdicts.append(info.is_published())
            return verdicts

        try:
            while not self._stop.is_set():
                try:
                    with lock:
                        batch, acks[:] = list(acks), []
                    for n, ack in enumerate(batch):  # one transaction each, as vms_acknowledge does
                        try:
                            self.acked += services.vms_acknowledge([ack]).acked
                        except Exception:
                            with lock:  # not lost: this answer and the rest are read again next time
                                acks[:0] = batch[n:]
                            raise
                    if client.is_connected():
                        self.sent += services.vms_dispatch(publish, max_attempts=self.max_attempts).sent
                except Exception:
                    log.exception("도로전광표지 전송 중 오류; 다음 주기에 다시 시도합니다")
                    close_old_connections()
                self._stop.wait(self.dispatch_s)
        finally:
            client.loop_stop()
            client.disconnect()

    def _run_vds_ingester(self) -> None:
        from cityhall.telemetry.ingester import run_ingester

        run_ingester(
            self.url,
            stop_event=self._stop,
            client_id=f"cityhall-traffic-vds-{id(self)}",
            topics=[vds.SUBSCRIPTION],
            ingest=services.detector_readings_ingest,
            known_devices=lambda: set(selectors.detector_edges()),
        )

    def _run_twin(self) -> None:
        try:
            import libsumo  # noqa: F401 - only whether the twin can run here
        except ImportError as exc:
            self.twin_off_reason = f"libsumo: {exc}"
            log.warning("디지털트윈 실시간 모의를 끕니다 (libsumo를 쓸 수 없습니다): %s", exc)
            return
        client, connect = new_client(broker_from_url(self.url), f"cityhall-traffic-twin-{id(self)}")
        client.reconnect_delay_set(min_delay=1, max_delay=5)
        client.max_inflight_messages_set(300)
        client.connect_async(**connect)
        client.loop_start()
        seed = 1
        try:
            while not self._stop.is_set():
                start = timezone.now()
                try:
                    feed = services.detector_feed_from_twin(
                        minutes=TWIN_CHUNK_MIN,
                        start=start,
                        seed=seed,
                        warmup_minutes=TWIN_WARMUP_MIN,
                        actor=Actor.system("traffic:live-twin"),
                    )
                except Exception as exc:
                    self.twin_off_reason = f"{type(exc).__name__}: {exc}"
                    log.exception("디지털트윈 실시간 모의 실패; 1분 뒤 다시 시도합니다")
                    close_old_connections()
                    self._stop.wait(60)
                    continue
                seed += 1
                by_end: dict[str, list[tuple[str, bytes]]] = {}
                for topic, payload in feed:
                    by_end.setdefault(json.loads(payload)["ts"], []).append((topic, payload))
                for ts in sorted(by_end):
                    due = datetime.fromisoformat(ts.replace("Z", "+00:00"))
                    if self._stop.wait(max(0.0, (due - timezone.now()).total_seconds())):
                        return
                    if client.is_connected():
                        for topic, payload in by_end[ts]:
                            client.publish(topic, payload, qos=1)
                        self.twin_published += len(by_end[ts])
        finally:
            client.loop_stop()
            client.disconnect()
