"""Concurrency scenarios in a fresh interpreter: the race tests write a small Django program (a string)
that sets up its data, runs real threads with one connection each and prints a JSON outcome, which
the test reads. A separate process keeps the scenario's database (a throwaway SQLite file or
PostgreSQL database) and its connections out of the test's own transaction.

`run_scenario` starts such a program; `race`, imported by the program itself, starts N threads at the
same moment and collects what each returned (or the service's refusal)."""

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any


def run_scenario(
    script: str, tmp_path, *args: str, url: str = "", env: dict[str, str] | None = None, timeout: int = 300
) -> Any:
    """Run `script` with `args` on SQLite under `tmp_path` (or the database at `url`); the JSON it printed
    last."""
    environment = {**os.environ, "CITYHALL_DATA_DIR": str(tmp_path), **(env or {})}
    environment.pop("DATABASE_URL", None)
    if url:
        environment["DATABASE_URL"] = url
    done = subprocess.run(  # noqa: S603 - our own scenario
        [sys.executable, "-c", script, *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def race(fn: Callable[[int], Any], n: int) -> list[Any]:
    """Call fn(0) … fn(n - 1) in n threads released together; each result, or the refusal's message."""
    from django.db import connection

    from cityhall.core.services import RecordInvalid

    together = threading.Barrier(n, timeout=60)
    results: dict[int, Any] = {}

    def run(i: int) -> None:
        try:
            together.wait()
            results[i] = fn(i)
        except RecordInvalid as exc:
            results[i] = str(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [results[i] for i in range(n)]
