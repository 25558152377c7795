"""Telemetry's periodic jobs on the task queue (ADR 0019). The roll-up is the live runtime's job
(ADR 0009) unless ``CITYHALL_LIVE_JOBS=queue`` moves it here; both call the same function."""

from dataclasses import asdict

from cityhall.jobs.queue import job

from . import rollups


@job(retries=1)
def rollup_recent() -> dict:
    """Roll up what was stored since the last run; idempotent (ADR 0007: upserts of whole days)."""
    return asdict(rollups.rollup_recent())


@job()
def prune(day: str) -> dict:
    """Delete raw readings past retention (only days rolled up) and old dead letters."""
    return asdict(rollups.readings_prune())
