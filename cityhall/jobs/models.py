"""What the task queue (django-tasks, database backend: ADR 0019) does not keep itself: the failures
that ran out of retries, for staff to retry or discard, and the slots of the periodic schedule already
enqueued, so that several workers enqueue each periodic run once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobFailure(models.Model):
    """실패한 작업: a task that failed on its last attempt. ``args`` are what it was called with."""

    class Status(models.TextChoices):
        OPEN = "open", _("처리 대기")
        RETRIED = "retried", _("재시도함")
        DISCARDED = "discarded", _("폐기함")

    task_path = models.CharField(_("작업"), max_length=200)
    args = models.JSONField(_("인자"), default=dict)
    attempts = models.PositiveSmallIntegerField(_("시도 횟수"))
    error = models.CharField(_("오류"), max_length=500)
    traceback = models.TextField(_("추적 정보"), blank=True)
    result_id = models.CharField(_("작업 번호"), max_length=64, blank=True)
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.OPEN)
    failed_at = models.DateTimeField(_("실패 시각"), auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(_("처리 시각"), null=True, blank=True)
    resolved_by = models.CharField(_("처리자"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("실패한 작업")
        verbose_name_plural = _("실패한 작업")
        ordering = ["-failed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task_path} ({self.get_status_display()})"


class ScheduleSlot(models.Model):
    """One run of a periodic job: the unique (name, slot) lets only the first scheduler enqueue it."""

    name = models.CharField(_("일정"), max_length=100)
    slot = models.DateTimeField(_("예정 시각"))
    result_id = models.CharField(_("작업 번호"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("등록 시각"), auto_now_add=True)

    class Meta:
        verbose_name = _("정기 작업 실행")
        verbose_name_plural = _("정기 작업 실행")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "slot"],
                name="jobs_schedule_slot_once",
                violation_error_message=_("이 정기 작업은 이 시각에 이미 등록되었습니다."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot:%Y-%m-%d %H:%M}"
