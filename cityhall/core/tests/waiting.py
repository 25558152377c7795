"""Waiting in tests for work that another thread does: a runtime, an ingester, a broker."""

import io
import os
import signal
import threading
import time

from django.core.management import call_command
from django.db import OperationalError


def wait_for(predicate, what: str, timeout: float = 60.0, interval: float = 0.05):
    """Polls ``predicate`` until it returns something true, and returns that.

    The test database is SQLite in memory with a shared cache, where a reader meeting a writer's
    table lock fails at once ("table is locked") instead of waiting as a file database does
    (ADR 1): that is only a reason to look again."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def call_service_until(name: str, *args: str, until, what: str, timeout: float = 60.0) -> str:
    """Runs the service command ``name`` (one that runs until SIGTERM, ``telemetry.runtime.serve``) in
    this thread as systemd would, sends this process SIGTERM once the command has said what it runs
    and ``until()`` holds, and returns what the command wrote. The signal is sent only after the
    command has started, so it reaches the command's handler, never the test runner's."""
    out = io.StringIO()
    failures: list[AssertionError] = []

    def watch() -> None:
        try:
            wait_for(out.getvalue, f"{name} to start", timeout)
            wait_for(until, what, timeout)
        except AssertionError as exc:
            failures.append(exc)
        if out.getvalue():
            os.kill(os.getpid(), signal.SIGTERM)

    watcher = threading.Thread(target=watch, name=f"watch-{name}")
    watcher.start()
    try:
        call_command(name, *args, stdout=out)
    finally:
        watcher.join()
    if failures:
        raise failures[0]
    return out.getvalue()
