"""The schedule of periodic jobs, in one place (ADR 0019). Every worker's scheduler calls ``tick``
every few seconds; a ``ScheduleSlot`` row per (job, slot) makes each run enqueued once however many
workers tick. Only the latest slot is enqueued: a scheduler that was down does not replay the runs it
missed, it runs the job once (each job catches up on its own: what is due, what is unsent)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ScheduleSlot

SEOUL = ZoneInfo("Asia/Seoul")
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Periodic:
    name: str
    task: str  # dotted path of a @job
    label: str  # Korean, for the staff page
    every: dt.timedelta | None = None  # or
    at: dt.time | None = None  # daily, Korean time; the job gets ``day=`` that slot's date
    live: bool = False  # the live runtime's jobs (ADR 0009): on the queue only when CITYHALL_LIVE_JOBS=queue

    def slot(self, now: dt.datetime) -> dt.datetime:
        if self.every is not None:
            return now - (now - EPOCH) % self.every
        assert self.at is not None
        local = now.astimezone(SEOUL)
        today = dt.datetime.combine(local.date(), self.at, tzinfo=SEOUL)
        return today if local >= today else today - dt.timedelta(days=1)

    def kwargs(self, slot: dt.datetime) -> dict:
        return {"day": slot.astimezone(SEOUL).date().isoformat()} if self.at is not None else {}


SCHEDULE: tuple[Periodic, ...] = (
    Periodic(
        "notifications.send_pending",
        "cityhall.notifications.tasks.send_pending",
        "알림 재발송 (발송되지 않은 알림)",
        every=dt.timedelta(minutes=5),
    ),
    Periodic("legal.remind", "cityhall.legal.tasks.remind", "무료법률상담 전날 알림", at=dt.time(9, 0)),
    Periodic(
        "military.daily",
        "cityhall.military.tasks.daily",
        "군소음 개인정보 파기·협의체 개최 알림",
        at=dt.time(6, 0),
    ),
    Periodic(
        "personal_data.purge",
        "cityhall.jobs.tasks.personal_data_purge",
        "보존기간이 끝난 개인정보 파기 (모든 업무)",
        at=dt.time(2, 30),
    ),
    Periodic(
        "telemetry.prune", "cityhall.telemetry.tasks.prune", "원시 측정값 보관기간 정리", at=dt.time(3, 30)
    ),
    Periodic(
        "telemetry.rollup_recent",
        "cityhall.telemetry.tasks.rollup_recent",
        "측정값 집계",
        every=dt.timedelta(seconds=30),
        live=True,
    ),
    Periodic(
        "streetlights.faults_evaluate",
        "cityhall.streetlights.tasks.faults_evaluate",
        "가로등 고장 판정",
        every=dt.timedelta(seconds=30),
        live=True,
    ),
    Periodic(
        "traffic.detectors_evaluate",
        "cityhall.traffic.tasks.detectors_evaluate",
        "교통 검지기 통행시간·집계·장애 판정",
        every=dt.timedelta(minutes=1),
        live=True,
    ),
    Periodic(
        "jobs.housekeeping",
        "cityhall.jobs.tasks.housekeeping",
        "중단된 작업 복구·완료 기록 정리",
        every=dt.timedelta(minutes=1),
    ),
)


def live_jobs_on_queue() -> bool:
    return getattr(settings, "CITYHALL_LIVE_JOBS", "runtime") == "queue"


def active() -> list[Periodic]:
    return [p for p in SCHEDULE if not p.live or live_jobs_on_queue()]


def tick(*, now: dt.datetime | None = None) -> list[str]:
    """Enqueue each periodic job whose current slot has not been enqueued yet; returns their names."""
    now = now or timezone.now()
    enqueued = []
    for periodic in active():
        slot = periodic.slot(now)
        try:
            with transaction.atomic():
                row = ScheduleSlot.objects.create(name=periodic.name, slot=slot)
                result = import_string(periodic.task).enqueue(**periodic.kwargs(slot))
                row.result_id = str(result.id)
                row.save(update_fields=["result_id"])
        except IntegrityError:
            continue  # another scheduler enqueued this slot
        enqueued.append(periodic.name)
    return enqueued


def by_name(name: str) -> Periodic | None:
    return next((p for p in SCHEDULE if p.name == name), None)
