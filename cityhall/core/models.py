"""Shared building blocks: source references, money fields, the audit trail and API tokens.

No domain models live here (conventions: core holds what every app shares).
"""

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class MoneyField(models.BigIntegerField):
    """An amount in integer won. Shown as 천원; input may carry a unit (see core.money)."""


DERIVED_RULES = ("merged_cell", "sum", "difference", "children_sum", "inferred")


def validate_value_lines(value: object) -> None:
    """``lines``: a field name → a line number or a list of them (values standing off the record's line)."""
    if not isinstance(value, dict):
        raise ValidationError(gettext("값별 출처 행은 {필드: 행} 객체여야 합니다."))
    for field, lines in value.items():
        numbers = [lines] if not isinstance(lines, list) else lines
        if not numbers or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in numbers):
            raise ValidationError(
                gettext("%(field)s: 출처 행은 양의 정수나 그 목록이어야 합니다.") % {"field": field}
            )


def validate_derived(value: object) -> None:
    """``derived``: a field name → ``{rule, reason, …}`` for a value the dataset infers (format doc)."""
    if not isinstance(value, dict):
        raise ValidationError(gettext("추론한 값은 {필드: 규칙} 객체여야 합니다."))
    for field, rule in value.items():
        if not isinstance(rule, dict) or rule.get("rule") not in DERIVED_RULES:
            raise ValidationError(
                gettext("%(field)s: 규칙(rule)은 %(rules)s 중 하나여야 합니다.")
                % {"field": field, "rules": ", ".join(DERIVED_RULES)}
            )
        if not str(rule.get("reason") or "").strip():
            raise ValidationError(gettext("%(field)s: 추론 근거(reason)가 필요합니다.") % {"field": field})


class Sourced(models.Model):
    """A record that came from a document keeps where it came from: its section and line, the lines
    of values that stand elsewhere (``lines``) and the values the dataset infers, with the rule
    (``derived``)."""

    section = models.CharField(_("출처 절"), max_length=32, blank=True)
    line = models.PositiveIntegerField(_("출처 행"), null=True, blank=True)
    lines = models.JSONField(_("값별 출처 행"), default=dict, blank=True, validators=[validate_value_lines])
    derived = models.JSONField(_("추론한 값"), default=dict, blank=True, validators=[validate_derived])

    class Meta:
        abstract = True

    @property
    def source_label(self) -> str:
        if not self.line:
            return ""
        line = gettext("%(line)s행") % {"line": self.line}
        return f"{self.section} · {line}" if self.section else line

    @property
    def cited_lines(self) -> list[int]:
        """Every source line the record cites: its own and those of its values, in order."""
        numbers = {self.line} if self.line else set()
        for lines in (self.lines or {}).values():
            numbers.update(lines if isinstance(lines, list) else [lines])
        for rule in (self.derived or {}).values():
            if isinstance(rule, dict) and isinstance(rule.get("line"), int):
                numbers.add(rule["line"])
            if isinstance(rule, dict) and isinstance(rule.get("lines"), list):
                numbers.update(n for n in rule["lines"] if isinstance(n, int))
        return sorted(n for n in numbers if isinstance(n, int) and n > 0)

    def lines_of(self, field: str) -> list[int]:
        """The lines a value stands on: its own entry in ``lines``, else the record's line."""
        cited = (self.lines or {}).get(field)
        if cited is None:
            return [self.line] if self.line else []
        return list(cited) if isinstance(cited, list) else [cited]


# What an audit event may record: the record writes every app shares, plus the actions apps add in their
# ``AppConfig.ready`` (e.g. a command sent to field devices) through ``register_audit_action``.
_AUDIT_ACTIONS: dict[str, Any] = {"create": _("생성"), "update": _("수정"), "delete": _("삭제")}


AUDIT_ACTION_MAX_LENGTH = 32


def register_audit_action(value: str, label: Any) -> None:
    # Checked here, at start-up, rather than by the database on the first audited write.
    if len(value) > AUDIT_ACTION_MAX_LENGTH:
        raise ValueError(f"audit action {value!r} is longer than {AUDIT_ACTION_MAX_LENGTH} characters")
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
    action = models.CharField(_("작업"), max_length=AUDIT_ACTION_MAX_LENGTH, choices=audit_action_choices)
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
