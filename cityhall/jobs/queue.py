"""The task queue (ADR 0019): django-tasks with its database backend. ``@job`` makes a function a task
that is retried with exponential backoff and, when its last attempt fails, leaves a ``JobFailure`` for
staff to retry or discard. ``run_due`` runs what is due in the calling thread (tests, ``jobs_run
--now``); ``recover_stale`` hands back tasks whose worker died mid-run. Every job must be idempotent:
a retry, a recovered task or a second worker may run it again."""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskContext, TaskResultStatus, task
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

log = logging.getLogger(__name__)

DEFAULT_RETRIES = 3
DEFAULT_BACKOFF_S = 30.0
ATTEMPT = "_attempt"  # the keyword a retry carries; never one of a job's own arguments
# Whether the job running in this context gets another attempt if it fails (see ``will_retry``).
_retried_on_failure: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "retried_on_failure", default=False
)


def will_retry() -> bool:
    """Inside a job: whether a failure now is followed by another attempt (False on the last one, and
    outside the queue)."""
    return _retried_on_failure.get()


def job(*, retries: int = DEFAULT_RETRIES, backoff_s: float = DEFAULT_BACKOFF_S) -> Callable:
    """Decorate a module-level function whose arguments are JSON values (dates as ISO text).

    Attempt n (1-based) that raises is retried after ``backoff_s * 2**(n-1)`` seconds (30 s, 60 s, …)
    until ``retries`` attempts have been made; the last failure is recorded as a ``JobFailure``."""

    def decorate(fn: Callable):
        def run(context: TaskContext, *args, **kwargs):
            attempt = int(kwargs.pop(ATTEMPT, 1))
            token = _retried_on_failure.set(_retries_left(queued, attempt, retries))
            try:
                # The result is stored as JSON: dates and decimals as text, as Django serialises them.
                return json.loads(json.dumps(fn(*args, **kwargs), cls=DjangoJSONEncoder))
            except Exception as exc:
                _after_failure(queued, context, exc, args, kwargs, attempt, retries, backoff_s)
                raise
            finally:
                _retried_on_failure.reset(token)

        # The task is found again by its dotted path: it must carry the function's own name.
        run.__module__, run.__name__, run.__qualname__ = fn.__module__, fn.__name__, fn.__qualname__
        run.__doc__ = fn.__doc__
        queued = task(takes_context=True)(run)
        return queued

    return decorate


def _retries_left(queued, attempt: int, retries: int) -> bool:
    # A backend that cannot defer (the immediate one, run inside the caller) has no queue to retry on.
    return attempt < retries and queued.get_backend().supports_defer


def _after_failure(queued, context, exc, args, kwargs, attempt, retries, backoff_s) -> None:
    from . import services

    error = f"{type(exc).__name__}: {exc}"[:500]
    if _retries_left(queued, attempt, retries):
        delay = dt.timedelta(seconds=backoff_s * 2 ** (attempt - 1))
        queued.using(run_after=timezone.now() + delay).enqueue(*args, **{**kwargs, ATTEMPT: attempt + 1})
        log.warning(
            "%s failed (attempt %s/%s), retried in %s: %s", queued.name, attempt, retries, delay, error
        )
        return
    log.error("%s failed on its last attempt (%s): %s", queued.name, attempt, error)
    services.failure_record(
        task_path=queued.module_path,
        args={"args": list(args), "kwargs": kwargs},
        attempts=attempt,
        exc=exc,
        result_id=str(context.task_result.id),
    )


def _worker(worker_id: str) -> Worker:
    return Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def run_due(*, limit: int = 100, worker_id: str = "inline") -> int:
    """Run up to ``limit`` due tasks here, one after another; returns how many ran."""
    worker, ran = _worker(worker_id), 0
    while ran < limit:
        with transaction.atomic():
            row = DBTaskResult.objects.ready().filter(backend_name="default").get_locked()
            if row is None:
                break
            row.claim(worker_id)
        worker.run_task(row)
        ran += 1
    return ran


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "CITYHALL_JOBS_STALE_AFTER_S", 900))


def recover_stale(*, now: dt.datetime | None = None) -> int:
    """Tasks left running by a worker that died (killed, machine lost) for longer than the stale
    period go back to the queue. The period is longer than any job takes; jobs are idempotent, so one
    that was in fact still running does no harm when it runs again."""
    cutoff = (now or timezone.now()) - stale_after()
    return DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff).update(
        status=TaskResultStatus.READY, started_at=None
    )


def counts() -> dict[str, int]:
    """Tasks by state (for the staff page and the metrics): ready, running, failed, successful."""
    from django.db.models import Count

    found = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id")).order_by())
    return {s.lower(): found.get(s, 0) for s in ("READY", "RUNNING", "FAILED", "SUCCESSFUL")}
