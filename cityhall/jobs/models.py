"""What the task queue (django-tasks, database backend: ADR 0019) does not keep itself: the failures
that ran out of retries, for staff to retry or discard, and the slots of the periodic schedule already
enqueued, so that several workers enqueue each periodic run once."""

from django.conf import settings
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


class JobRun(models.Model):
    """작업 실행: one long piece of work a person started from a page (an import, a report), run on the
    queue; the page that started it follows its state and shows the result when it is done."""

    class State(models.TextChoices):
        QUEUED = "queued", _("대기")
        RUNNING = "running", _("실행 중")
        DONE = "done", _("완료")
        FAILED = "failed", _("실패")

    kind = models.CharField(_("종류"), max_length=100)
    label = models.CharField(_("작업"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("요청자"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(_("상태"), max_length=10, choices=State.choices, default=State.QUEUED)
    params = models.JSONField(_("설정"), default=dict, blank=True)
    result = models.JSONField(_("결과"), default=dict, blank=True)
    error = models.TextField(_("오류"), blank=True)
    result_id = models.CharField(_("작업 번호"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("등록 시각"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("시작 시각"), null=True, blank=True)
    finished_at = models.DateTimeField(_("끝난 시각"), null=True, blank=True)

    class Meta:
        verbose_name = _("작업 실행")
        verbose_name_plural = _("작업 실행")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_state_display()})"


class JobRunFile(models.Model):
    """The bytes of a run: the uploaded file an import reads (deleted when the run ends) or the file a
    report made (kept with the run). Kept in the database, so any worker node reads what any web node
    received. Not a record type: it holds bytes, not facts."""

    class Role(models.TextChoices):
        UPLOAD = "upload", _("올린 파일")
        OUTPUT = "output", _("만든 파일")

    run = models.ForeignKey(JobRun, on_delete=models.CASCADE, related_name="files")
    role = models.CharField(max_length=10, choices=Role.choices)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    data = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "role"], name="jobs_run_file_once_per_role")]

    def __str__(self) -> str:
        return f"{self.run_id} {self.role}: {self.name}"
