"""What the live runtimes (streetlights, buses, traffic; ADR 0009) have in common: their threads, and
running one as a service until SIGTERM/SIGINT."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from io import TextIOBase
from typing import Protocol

from django.core.management.base import CommandError
from django.db import connection

from .mqtt import broker_from_url, broker_url

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def spawn(
    threads: dict[str, threading.Thread],
    name: str,
    target: Callable[[], None],
    *,
    errors: list[str],
    label: str,
    thread_name: str | None = None,
) -> None:
    """Runs ``target`` in a daemon thread kept in ``threads`` under ``name``. The thread has its own
    database connection, closed when it ends; an exception stops only this thread, is logged with
    ``label`` (the runtime's Korean name) and is kept in ``errors``."""

    def run() -> None:
        try:
            target()
        except Exception as exc:
            log.exception("%s: %s 스레드가 오류로 멈췄습니다", label, name)
            errors.append(f"{name}: {type(exc).__name__}: {exc}")
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=thread_name or name, daemon=True)
    threads[name] = thread
    thread.start()


def add_broker_argument(parser) -> None:
    """A service command's ``--url``, read by ``service_broker_url``."""
    parser.add_argument(
        "--url",
        help="브로커 주소 mqtt://[사용자:비밀번호@]host:port[?protocol=3.1.1] "
        "(기본: CITYHALL_MQTT_URL, 없으면 mqtt://127.0.0.1:1883)",
    )


def service_broker_url(url: str | None) -> str:
    """The broker a service command connects to (``--url``, else ``CITYHALL_MQTT_URL``, else
    127.0.0.1:1883) as a URL for the runtime; a bad address is the command's error, in Korean."""
    try:
        return broker_url(broker_from_url(url))
    except ValueError as exc:
        raise CommandError(str(exc)) from None


class Runtime(Protocol):
    def start(self) -> object: ...

    def stop(self) -> None: ...

    def describe(self) -> str: ...


def serve(runtime: Runtime, out: TextIOBase) -> None:
    """Starts ``runtime``, writes what runs, and stops it in order on SIGTERM or SIGINT: a management
    command's body for a service (systemd, compose)."""
    # A service's log: what connected, what was sent, which job failed. Django's LOGGING has set up
    # the root handler already (WARNING), so basicConfig alone would not show our INFO lines.
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("cityhall").setLevel(logging.INFO)
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda signum, frame: stop.set()) for sig in STOP_SIGNALS}
    try:
        runtime.start()
        out.write(runtime.describe() + "\n")
        out.flush()
        while not stop.wait(1.0):
            pass
    finally:
        runtime.stop()
        for sig, handler in previous.items():  # the caller's own, e.g. a test runner's
            signal.signal(sig, handler)
