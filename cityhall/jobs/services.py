"""Writes of the jobs app: the failures that ran out of retries, and what staff do with them (retry,
discard), audited with the actor."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from cityhall.core import audit
from cityhall.core.records import record_type_for
from cityhall.core.services import RecordInvalid

from .models import JobFailure


def failure_record(
    *, task_path: str, args: dict, attempts: int, exc: BaseException, result_id: str
) -> JobFailure:
    """Keep a task's last failure for the staff page (called by the queue, not by people)."""
    from traceback import format_exception

    with transaction.atomic():
        failure = JobFailure.objects.create(
            task_path=task_path,
            args=args,
            attempts=attempts,
            error=f"{type(exc).__name__}: {exc}"[:500],
            traceback="".join(format_exception(exc))[-20_000:],
            result_id=result_id,
        )
        rtype = record_type_for(failure)
        audit.record(
            audit.Actor.system("jobs:worker"), "create", rtype, failure, after=rtype.to_data(failure)
        )
    return failure


def _resolve(failure_id: int, status: str, actor: audit.Actor) -> tuple[JobFailure, dict]:
    failure = JobFailure.objects.select_for_update().filter(pk=failure_id).first()
    if failure is None:
        raise RecordInvalid(_("실패한 작업을 찾을 수 없습니다."), field="failure")
    if failure.status != JobFailure.Status.OPEN:
        raise RecordInvalid(
            _("이미 처리된 작업입니다 (%(status)s).") % {"status": failure.get_status_display()},
            field="failure",
        )
    before = record_type_for(failure).to_data(failure)
    failure.status = status
    failure.resolved_at = timezone.now()
    failure.resolved_by = actor.label[:150]
    return failure, before


@transaction.atomic
def failure_retry(*, failure_id: int, actor: audit.Actor) -> JobFailure:
    """Run a failed task again with the same arguments (a fresh round of attempts)."""
    failure, before = _resolve(failure_id, JobFailure.Status.RETRIED, actor)
    try:
        queued = import_string(failure.task_path)
    except ImportError as exc:
        raise RecordInvalid(
            _("이 작업은 더 이상 없습니다: %(path)s") % {"path": failure.task_path}, field="failure"
        ) from exc
    result = queued.enqueue(*failure.args.get("args", []), **failure.args.get("kwargs", {}))
    failure.save(update_fields=["status", "resolved_at", "resolved_by"])
    rtype = record_type_for(failure)
    audit.record(
        actor,
        "retry",
        rtype,
        failure,
        before=before,
        after={**rtype.to_data(failure), "new_result": str(result.id)},
    )
    return failure


@transaction.atomic
def failure_discard(*, failure_id: int, actor: audit.Actor) -> JobFailure:
    """Give up on a failed task (it will not run again); the record stays for the trail."""
    failure, before = _resolve(failure_id, JobFailure.Status.DISCARDED, actor)
    failure.save(update_fields=["status", "resolved_at", "resolved_by"])
    rtype = record_type_for(failure)
    audit.record(actor, "discard", rtype, failure, before=before, after=rtype.to_data(failure))
    return failure
