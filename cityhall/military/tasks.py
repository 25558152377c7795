"""The military module's daily job on the task queue (ADR 0019), as ``military_daily`` runs it."""

import datetime as dt

from cityhall.core.audit import Actor
from cityhall.jobs.queue import job

from . import services


@job()
def daily(day: str) -> dict:
    """Purge the personal data past retention and remind the councils due; both idempotent (a purged
    application is purged once, a council is reminded once per due date)."""
    today, actor = dt.date.fromisoformat(day), Actor.system("jobs:military_daily")
    purged = services.personal_data_purge(today=today, actor=actor)
    sent = services.council_reminders_send(today=today, actor=actor)
    return {"purged": purged, "reminders": sent}
