"""Maintenance orders (유지보수 요청): statuses and audit actions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

NUMBER_PREFIX = "MO"


class OrderStatus(models.TextChoices):
    OPEN = "open", _("접수")
    ASSIGNED = "assigned", _("배정")
    CLOSED = "closed", _("완료")


AUDIT_ACTIONS = [
    ("assign", _("담당 배정")),
    ("recover", _("자동 복구 확인")),
    ("close", _("완료 처리")),
]
