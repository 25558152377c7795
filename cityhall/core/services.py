"""Writes to any registered record type: validate, check permission, save, audit — in one transaction.

App services call these for plain record changes and add their own rules around them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, router, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from . import audit
from .permissions import ADD, CHANGE, DELETE, allowed
from .records import Errors, RecordType, is_registered, record_type_for

NON_FIELD = "__all__"


class RecordInvalid(Exception):
    """The one domain error: what is wrong, by field (``errors`` maps each field name, or ``__all__`` for
    the whole, to its Korean messages, translated through gettext). Pages show the messages beside their
    fields; the API answers 422 ``{"detail": [{"loc": ["body", field], "msg": …}]}``.

    ``RecordInvalid("message")`` is a problem of the whole; ``RecordInvalid("message", field="x")`` one
    of field ``x``."""

    def __init__(self, errors: Errors | str | Promise, *, field: str = NON_FIELD):
        if isinstance(errors, (str, Promise)):  # a message, maybe translated lazily
            errors = {field: [str(errors)]}
        super().__init__(errors)
        self.errors: Errors = {name: [str(m) for m in messages] for name, messages in errors.items()}

    @property
    def messages(self) -> list[str]:
        return [m for messages in self.errors.values() for m in messages]

    def __str__(self) -> str:
        return " ".join(self.messages)


def checked_text(value: object, field: str, label: str, *, required: bool, limit: int, errors: Errors) -> str:
    """A free-text input of a service, stripped; what is wrong with it (not text, missing, longer than
    ``limit``) is added to ``errors`` under ``field`` in Korean, so the caller raises once for all fields.
    Nothing is cut: a text too long is refused, never stored shortened."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.setdefault(field, []).append(_("%(label)s은(는) 글자로 적어야 합니다.") % {"label": label})
        return ""
    value = value.strip()
    if required and not value:
        errors.setdefault(field, []).append(_("%(label)s을(를) 적어 주세요.") % {"label": label})
    elif len(value) > limit:
        errors.setdefault(field, []).append(
            _("%(label)s은(는) %(limit)d자 이내로 적어 주세요(지금 %(n)d자).")
            % {"label": label, "limit": limit, "n": len(value)}
        )
    return value


class RecordInUse(Exception):
    """The record is referenced by others and cannot be deleted."""


def resolve_saved(rtype: RecordType, key: str) -> models.Model | None:
    if rtype.key is None:
        return None
    return rtype.model._default_manager.filter(**{rtype.key: key}).first()


def _save(
    rtype: RecordType, obj: models.Model, data: dict[str, Any], *, partial: bool, before: dict | None = None
) -> None:
    errors = rtype.fill(obj, data, resolve_saved, partial=partial)
    if errors:
        raise RecordInvalid(errors)
    errors = rtype.validate(obj, saved_refs=True)
    if not errors and rtype.rules is not None:
        errors = rtype.rules(obj, before)
    if errors:
        raise RecordInvalid(errors)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise RecordInvalid({"__all__": [f"저장할 수 없습니다: {exc}"]}) from exc


def _refuse_managed(rtype: RecordType) -> None:
    if rtype.managed_at:
        raise PermissionDenied(
            f"{rtype.label}은(는) 전용 화면에서만 바꿀 수 있습니다 (규칙과 처리 기한이 함께 움직임)."
        )


@transaction.atomic
def record_create(*, rtype: RecordType, data: dict[str, Any], actor: audit.Actor) -> models.Model:
    _refuse_managed(rtype)
    # Refuse before validating: the messages would tell a user without the right which codes exist.
    if actor.user is not None and not allowed(actor.user, ADD, rtype):
        raise PermissionDenied("기록을 만들 권한이 없습니다.")
    obj = rtype.model()
    errors = rtype.fill(obj, data, resolve_saved)
    if errors:
        raise RecordInvalid(errors)
    if actor.user is not None and not allowed(actor.user, ADD, rtype, obj):
        raise PermissionDenied("이 부서의 기록을 만들 권한이 없습니다.")
    _save(rtype, obj, {}, partial=True)
    audit.record(actor, "create", rtype, obj, after=rtype.to_data(obj))
    return obj


@transaction.atomic
def record_update(
    *, rtype: RecordType, obj: models.Model, data: dict[str, Any], actor: audit.Actor
) -> models.Model:
    _refuse_managed(rtype)
    obj = rtype.model._default_manager.select_for_update().get(pk=obj.pk)
    if actor.user is not None and not allowed(actor.user, CHANGE, rtype, obj):
        raise PermissionDenied("이 기록을 고칠 권한이 없습니다.")
    before = rtype.to_data(obj)
    _save(rtype, obj, data, partial=True, before=before)
    # Moving a record to another department needs the right to change records there as well.
    if actor.user is not None and not allowed(actor.user, CHANGE, rtype, obj):
        raise PermissionDenied("이 부서로 기록을 옮길 권한이 없습니다.")
    after = rtype.to_data(obj)
    if after != before:
        audit.record(actor, "update", rtype, obj, before=before, after=after)
    return obj


@transaction.atomic
def record_delete(*, rtype: RecordType, obj: models.Model, actor: audit.Actor) -> None:
    """Delete a record and what cascades with it (a task's items, a program's shares), auditing each."""
    _refuse_managed(rtype)
    if actor.user is not None and not allowed(actor.user, DELETE, rtype, obj):
        raise PermissionDenied("이 기록을 지울 권한이 없습니다.")
    collector = Collector(using=router.db_for_write(type(obj)))
    try:
        collector.collect([obj])
    except (ProtectedError, RestrictedError) as exc:
        raise RecordInUse("다른 기록이 이 기록을 참조하고 있어 지울 수 없습니다.") from exc
    # Cascades without signals are "fast deletes" (querysets); read them before they go.
    doomed = [o for model, objs in collector.data.items() if is_registered(model) for o in objs]
    doomed += [o for qs in collector.fast_deletes if is_registered(qs.model) for o in qs]
    events = [
        audit.event(actor, "delete", record_type_for(o), o, before=record_type_for(o).to_data(o))
        for o in doomed
    ]
    obj.delete()
    audit.record_many(events)
