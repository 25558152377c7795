"""The fault rules on the task queue when ``CITYHALL_LIVE_JOBS=queue`` (ADR 0019); otherwise the live
runtime runs them (ADR 0009). Both call the same function."""

from cityhall.jobs.queue import job

from .repairs.faults import faults_evaluate as evaluate


@job(retries=1)
def faults_evaluate() -> str:
    """Apply the fault rules; idempotent (a fault already open is not opened again)."""
    return evaluate().summary()
