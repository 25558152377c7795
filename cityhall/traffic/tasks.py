"""The detectors' periodic pass on the task queue when ``CITYHALL_LIVE_JOBS=queue`` (ADR 0019, 0029);
otherwise ``cityhall manage traffic_detectors_evaluate`` runs it."""

from cityhall.jobs.queue import job


@job(retries=1)
def detectors_evaluate() -> dict:
    """Travel times, roll-ups and fault rules; idempotent (an open fault is not opened again)."""
    from .detector_services import detectors_evaluate as evaluate

    return evaluate()
