"""The jobs app's own periodic jobs: the queue's housekeeping, and every app's personal-data retention."""

import datetime as dt

from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cityhall.core.audit import Actor
from cityhall.core.personal_data import retention_jobs

from .models import ScheduleSlot
from .queue import job, recover_stale

KEEP_FINISHED = dt.timedelta(days=7)
KEEP_SLOTS = dt.timedelta(days=2)


@job()
def housekeeping() -> dict:
    """Hand back tasks whose worker died, and forget finished runs past a week (the failures that
    matter are kept as ``JobFailure``). Idempotent."""
    now = timezone.now()
    recovered = recover_stale(now=now)
    finished, _ = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED], finished_at__lt=now - KEEP_FINISHED
    ).delete()
    slots, _ = ScheduleSlot.objects.filter(slot__lt=now - KEEP_SLOTS).delete()
    return {"recovered": recovered, "finished_deleted": finished, "slots_deleted": slots}


@job()
def personal_data_purge(day: str) -> dict:
    """Run every app's retention job (registered with ``register_retention``) for ``day``: what each
    erased. Idempotent: erased data is not selected again."""
    today, actor = dt.date.fromisoformat(day), Actor.system("jobs:personal_data_purge")
    return {name: purge(actor, today) for name, purge in sorted(retention_jobs().items())}
