"""Waiting in tests for work that another thread does: a runtime, an ingester, a broker."""

import time

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
