"""Legal's periodic job on the task queue (ADR 0019; the schedule: ``cityhall.jobs.schedule``)."""

import datetime as dt

from cityhall.core.audit import Actor
from cityhall.jobs.queue import job

from .consultations.services import consultation_remind


@job()
def remind(day: str) -> int:
    """The reminders for the consultations of the day after ``day`` (the schedule's date); run twice,
    it sends each reminder once (the notifications' dedupe key)."""
    return consultation_remind(
        day=dt.date.fromisoformat(day) + dt.timedelta(days=1), actor=Actor.system("legal:remind")
    )
