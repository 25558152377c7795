"""Reads for the failed-tasks page: failures by status, the queue's counts, the schedule's last runs."""

from django.db.models import Max

from . import queue, schedule
from .models import JobFailure, ScheduleSlot


def failures(status: str = JobFailure.Status.OPEN):
    rows = JobFailure.objects.all()
    return rows.filter(status=status) if status else rows


def overview() -> dict:
    last = dict(ScheduleSlot.objects.values_list("name").annotate(last=Max("slot")).order_by())
    return {
        "counts": queue.counts(),
        "open_failures": JobFailure.objects.filter(status=JobFailure.Status.OPEN).count(),
        "schedule": [
            {"periodic": p, "last": last.get(p.name), "active": p in schedule.active()}
            for p in schedule.SCHEDULE
        ],
    }
