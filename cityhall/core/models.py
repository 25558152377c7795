"""Shared building blocks: source references, money fields, the audit trail and API tokens.

No domain models live here (conventions: core holds what every app shares).
"""

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class MoneyField(models.BigIntegerField):
    """An amount in integer won. Shown as 천원; input may carry a unit (see core.money)."""


class Sourced(models.Model):
    """A record that came from a document keeps where it came from (section and line)."""

    section = models.CharField(_("출처 절"), max_length=32, blank=True)
    line = models.PositiveIntegerField(_("출처 행"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def source_label(self) -> str:
        if not self.line:
            return ""
        line = gettext("%(line)s행") % {"line": self.line}
        return f"{self.section} · {line}" if self.section else line


# What an audit event may record: the record writes every app shares, plus the actions apps add in their
# ``AppConfig.ready`` (e.g. a command sent to field devices) through ``register_audit_action``.
_AUDIT_ACTIONS: dict[str, Any] = {"create": _("생성"), "update": _("수정"), "delete": _("삭제")}


def register_audit_action(value: str, label: Any) -> None:
    _AUDIT_ACTIONS.setdefault(value, label)


def audit_action_choices() -> list[tuple[str, Any]]:
    return list(_AUDIT_ACTIONS.items())


class AuditEvent(models.Model):
    """One change to one record: who (a user, or a job/command), when, and the record before and after."""

    class Action(models.TextChoices):
        CREATE = "create", _("생성")
        UPDATE = "update", _("수정")
        DELETE = "delete", _("삭제")

    timestamp = models.DateTimeField(_("시각"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("사용자"), null=True, blank=True, on_delete=models.SET_NULL
    )
    actor = models.CharField(_("행위자"), max_length=150)
    action = models.CharField(_("작업"), max_length=10, choices=audit_action_choices)
    record_type = models.CharField(_("기록 유형"), max_length=64)
    record_id = models.BigIntegerField(_("기록 ID"))
    record_repr = models.CharField(_("기록"), max_length=200)
    before = models.JSONField(_("변경 전"), null=True, blank=True)
    after = models.JSONField(_("변경 후"), null=True, blank=True)

    class Meta:
        verbose_name = _("감사 기록")
        verbose_name_plural = _("감사 기록")
        ordering = ["-timestamp", "-id"]
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self) -> str:
        return (
            f"{self.timestamp:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.record_type}#{self.record_id}"
        )

    @property
    def changed_fields(self) -> list[str]:
        before, after = self.before or {}, self.after or {}
        return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def authenticate(self, raw: str):
        return self.select_related("user").filter(key_hash=_hash_token(raw), user__is_active=True).first()


class ApiToken(models.Model):
    """A machine's credential for the API. Only the hash is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("사용자"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("이름"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("앞자리"), max_length=8, editable=False)
    created = models.DateTimeField(_("발급 시각"), auto_now_add=True)
    last_used = models.DateTimeField(_("마지막 사용"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API 토큰")
        verbose_name_plural = _("API 토큰")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, user, name: str) -> tuple["ApiToken", str]:
        raw = secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=_hash_token(raw), prefix=raw[:8])
        return token, raw
