"""Sending on the task queue (ADR 0019): ``notify`` enqueues ``deliver`` when the caller's transaction
commits; ``send_pending`` (every 5 minutes, the schedule) picks up whatever that missed."""

from cityhall.core.audit import Actor
from cityhall.jobs.queue import job

from . import services
from .choices import Status


class DeliveryIncomplete(Exception):
    """Some messages failed in transit and may still be retried: the job is retried with backoff."""


@job(retries=services.MAX_ATTEMPTS, backoff_s=30)
def deliver(ids: list[int], actor_label: str = "jobs:notifications") -> int:
    """Send the outbox rows ``ids`` (those still due); idempotent: a sent row is never sent again."""
    rows = services.deliver(ids, actor=Actor.system(actor_label))
    retryable = [r.code for r in rows if r.status == Status.FAILED and r.attempts < services.MAX_ATTEMPTS]
    if retryable:
        raise DeliveryIncomplete(", ".join(retryable))
    return sum(1 for r in rows if r.status == Status.SENT)


@job(retries=1)
def send_pending() -> int:
    """The outbox sweep (``notifications_send``): what is pending or failed in transit."""
    rows = services.notifications_send_pending(actor=Actor.system("jobs:notifications_send"))
    return sum(1 for r in rows if r.status == Status.SENT)
