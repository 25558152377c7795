from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a notification is about: a person chooses per kind whether to receive it, and how."""

    REMINDERS = "reminders", _("기한 알림")
    PROPOSERS = "proposers", _("제안자 알림")
    BOOKINGS = "bookings", _("예약 알림")
    REPAIRS = "repairs", _("보수 알림")
    CERTIFICATES = "certificates", _("증명서 알림")


class Channel(models.TextChoices):
    EMAIL = "email", _("이메일")
    SMS = "sms", _("문자")


class Status(models.TextChoices):
    PENDING = "pending", _("대기")
    SENT = "sent", _("발송")
    FAILED = "failed", _("실패")
    SKIPPED = "skipped", _("수신 거부")
