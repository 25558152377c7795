"""IT's daily job on the task queue (ADR 0019), as ``it_purge_personal_data`` runs it."""

from cityhall.core.audit import Actor
from cityhall.jobs.queue import job

from .destruction.services import destruction_purge_expired
from .education.services import enrolments_purge_expired


@job()
def purge_personal_data(day: str) -> dict:
    """Erase the names and phones past retention; idempotent (erased rows are not selected again)."""
    actor = Actor.system("jobs:it_purge_personal_data")
    return {
        "applications": destruction_purge_expired(actor=actor),
        "enrolments": enrolments_purge_expired(actor=actor),
    }
