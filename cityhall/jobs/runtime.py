"""Running the queue: the scheduler loop and the worker loop. ``jobs_worker`` runs them as a process of
its own (production: one or more); ``JobRunner`` runs them as two threads of the demo's process (the
embedded default: SQLite, nothing else to start). A database outage is waited out, not fatal: both
loops log, back off and carry on, so a restarted PostgreSQL needs no manual step."""

from __future__ import annotations

import logging
import threading
import time

from django.db import DatabaseError, close_old_connections, connection
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from . import schedule

log = logging.getLogger(__name__)
TICK_S = 5.0


def scheduler_loop(stop: threading.Event, *, tick_s: float = TICK_S, first_after_s: float = 0.0) -> None:
    """``schedule.tick`` every ``tick_s`` seconds until ``stop``; the first after ``first_after_s``."""
    if stop.wait(first_after_s):
        return
    try:
        while not stop.is_set():
            try:
                close_old_connections()
                schedule.tick()
            except DatabaseError as exc:
                log.warning("scheduler: database unavailable, retrying: %s", exc)
                connection.close()
            stop.wait(tick_s)
    finally:
        connection.close()


def worker_loop(worker: Worker, *, max_backoff_s: float = 30.0) -> None:
    """django-tasks-db's worker, restarted after a database error with a growing pause (1 s … 30 s).
    A task claimed when the database went away stays 'running' until ``recover_stale`` hands it back."""
    backoff = 1.0
    try:
        while worker.running:
            try:
                worker.run()
                return
            except DatabaseError as exc:
                log.warning(
                    "worker %s: database unavailable, retrying in %.0f s: %s", worker.worker_id, backoff, exc
                )
                connection.close()
                time.sleep(backoff)
                backoff = min(max_backoff_s, backoff * 2)
    finally:
        connection.close()


def new_worker(*, interval_s: float = 1.0, worker_id: str | None = None) -> Worker:
    return Worker(
        queue_names=["*"],
        interval=interval_s,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id or get_random_string(32),
        excluded_queue_names=[],
    )


class JobRunner:
    """The scheduler and one worker as threads of this process (``cityhall demo``)."""

    # On SQLite the demo's first minute is the live runtime's busiest (every light's first state): the
    # periodic jobs (daily purges among them) wait for it rather than queue on the same write lock.
    def __init__(self, *, interval_s: float = 1.0, tick_s: float = TICK_S, first_tick_after_s: float = 60.0):
        self.stop_event = threading.Event()
        self.worker = new_worker(interval_s=interval_s, worker_id=f"inprocess-{get_random_string(8)}")
        self.tick_s = tick_s
        self.first_tick_after_s = first_tick_after_s
        self.threads: list[threading.Thread] = []

    def start(self) -> JobRunner:
        for name, target in (
            (
                "jobs-scheduler",
                lambda: scheduler_loop(
                    self.stop_event, tick_s=self.tick_s, first_after_s=self.first_tick_after_s
                ),
            ),
            ("jobs-worker", lambda: worker_loop(self.worker)),
        ):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self.stop_event.set()
        self.worker.running = False
        for thread in self.threads:
            thread.join(timeout)
