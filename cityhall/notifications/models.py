"""The outbox (발송함): every e-mail and text message the platform sends, with its status and attempts,
and each person's choices (수신 설정) per kind of notification."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Channel, Kind, Status


class Notification(models.Model):
    """알림: one message to one recipient over one channel. ``recipient`` is personal data (masked)."""

    code = models.CharField(_("발송 번호"), max_length=20, unique=True)
    kind = models.CharField(_("종류"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("수단"), max_length=8, choices=Channel.choices)
    template = models.CharField(_("서식"), max_length=100)
    recipient = models.CharField(_("수신처"), max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("사용자"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    subject = models.CharField(_("제목"), max_length=200, blank=True)
    body = models.TextField(_("내용"))
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("시도 횟수"), default=0)
    last_error = models.CharField(_("오류"), max_length=500, blank=True)
    simulated = models.BooleanField(_("모의"), default=False)
    created_at = models.DateTimeField(_("등록 시각"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("발송 시각"), null=True, blank=True)
    # What makes a message the same one when a job runs twice (e.g. "legal.consultation:42:reminder").
    dedupe_key = models.CharField(_("중복 방지 키"), max_length=150, blank=True)
    # 파기: the address, subject and text were erased when the retention period ended (the row stays).
    purged = models.BooleanField(_("개인정보 파기"), default=False)

    class Meta:
        verbose_name = _("알림")
        verbose_name_plural = _("알림")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "attempts"])]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key", "channel"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once_per_dedupe_key",
                violation_error_message=_("같은 알림이 이미 등록되었습니다."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.get_channel_display()} {self.template}"


class Preference(models.Model):
    """수신 설정: whether a user receives one kind of notification by e-mail and by text message."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("사용자"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("종류"), max_length=20, choices=Kind.choices)
    email = models.BooleanField(_("이메일 수신"), default=True)
    sms = models.BooleanField(_("문자 수신"), default=True)

    class Meta:
        verbose_name = _("수신 설정")
        verbose_name_plural = _("수신 설정")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                name="notification_preference_one_per_kind",
                violation_error_message=_("이 종류의 수신 설정이 이미 있습니다."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}"
