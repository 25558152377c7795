"""Long work a person starts from a page — an import, a report — run on the queue (ADR 0026).

The app that owns the work defines a ``@job(retries=1)`` taking ``run_id`` and calls ``run_start`` from
its view, then sends the person to ``jobs:run`` (or, when the run already ended because the queue runs
tasks inside the call, answers as before). Inside the job, ``execute(run_id, work)`` claims the run,
calls ``work(run, upload)`` and records what it returned — ``Outcome(result=..., output=...)`` — or the
error. A refusal of the input (``RunFailed``: an import of a bad file does not improve by waiting) is
final at once; any other error waits for the job's next attempt, and on the last one the run fails: it
says why, and the queue keeps a ``JobFailure`` for /jobs/failed/. The work itself must be all-or-nothing (one
transaction), so a failed import leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from cityhall.core import audit
from cityhall.core.records import record_type_for

from .models import JobRun, JobRunFile
from .queue import will_retry


class RunFailed(Exception):
    """The work refused its input; the message (Korean) is what the person reads."""


@dataclass
class Output:
    name: str
    content_type: str
    data: bytes


@dataclass
class Outcome:
    result: dict[str, Any] = field(default_factory=dict)  # JSON: "message", "url" (where to look)
    output: Output | None = None


def run_start(
    *,
    task,
    kind: str,
    label: str,
    actor: audit.Actor,
    params: dict | None = None,
    upload: Output | None = None,
) -> JobRun:
    """Record the run (audited) and enqueue ``task(run_id=...)`` in the same transaction: a run whose
    caller rolls back is never started."""
    with transaction.atomic():
        run = JobRun.objects.create(
            kind=kind,
            label=label[:200],
            user=actor.user if actor.user is not None and actor.user.pk else None,
            params=params or {},
        )
        if upload is not None:
            JobRunFile.objects.create(
                run=run,
                role=JobRunFile.Role.UPLOAD,
                name=upload.name[:200],
                content_type=upload.content_type[:100],
                data=upload.data,
            )
        rtype = record_type_for(run)
        audit.record(actor, "create", rtype, run, after=rtype.to_data(run))
        result = task.enqueue(run_id=run.pk)
        JobRun.objects.filter(pk=run.pk).update(result_id=str(result.id))
    run.refresh_from_db()
    return run


def _claim(run_id: int) -> JobRun | None:
    with transaction.atomic():
        run = JobRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.state in (JobRun.State.DONE, JobRun.State.FAILED):
            return None  # ended already: a second delivery of the task does nothing
        run.state, run.started_at = JobRun.State.RUNNING, timezone.now()
        run.save(update_fields=["state", "started_at"])
        return run


def _end(run: JobRun, state: str, output: Output | None = None, **changes) -> None:
    """The run's end, its output file and its audit event: all or none."""
    with transaction.atomic():
        if output is not None:
            JobRunFile.objects.update_or_create(
                run=run,
                role=JobRunFile.Role.OUTPUT,
                defaults={
                    "name": output.name[:200],
                    "content_type": output.content_type[:100],
                    "data": output.data,
                },
            )
        before = record_type_for(run).to_data(run)
        run.state, run.finished_at = state, timezone.now()
        for name, value in changes.items():
            setattr(run, name, value)
        run.save()
        JobRunFile.objects.filter(run=run, role=JobRunFile.Role.UPLOAD).delete()
        rtype = record_type_for(run)
        audit.record(
            audit.Actor.system(f"jobs:{run.kind}"),
            "update",
            rtype,
            run,
            before=before,
            after=rtype.to_data(run),
        )


def execute(run_id: int, work: Callable[[JobRun, Output | None], Outcome]) -> dict:
    """Run ``work`` for the run ``run_id`` once; returns the result stored on the run."""
    run = _claim(run_id)
    if run is None:
        return {"skipped": run_id}
    file = JobRunFile.objects.filter(run=run, role=JobRunFile.Role.UPLOAD).first()
    upload = Output(file.name, file.content_type, bytes(file.data)) if file is not None else None
    try:
        outcome = work(run, upload)
    except RunFailed as exc:
        _end(run, JobRun.State.FAILED, error=str(exc)[:5000])  # the input is wrong: final
        raise
    except Exception as exc:
        if will_retry():
            # Something passing (the database, a worker's restart): the queue runs it again later.
            JobRun.objects.filter(pk=run.pk).update(state=JobRun.State.QUEUED, error=f"{type(exc).__name__}")
        else:
            _end(run, JobRun.State.FAILED, error=f"{type(exc).__name__}: {exc}"[:5000])
        raise
    _end(run, JobRun.State.DONE, output=outcome.output, result=outcome.result)
    return outcome.result


def output_of(run: JobRun) -> JobRunFile | None:
    return JobRunFile.objects.filter(run=run, role=JobRunFile.Role.OUTPUT).first()
