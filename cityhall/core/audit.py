"""Who is acting, and the record of what they changed.

Services take an ``Actor`` explicitly, so changes made by commands, imports and jobs are audited
just like those made in a web request.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models

from .masking import mask_fields
from .models import AuditEvent
from .records import RecordType


@dataclass(frozen=True)
class Actor:
    user: Any = None  # a User, or None for a job or command
    label: str = ""

    @classmethod
    def for_user(cls, user) -> Actor:
        return cls(user=user, label=user.get_username())

    @classmethod
    def system(cls, label: str) -> Actor:
        return cls(user=None, label=label)

    @property
    def name(self) -> str:
        return self.label or (self.user.get_username() if self.user else "system")


def event(
    actor: Actor,
    action: str,
    rtype: RecordType,
    obj: models.Model,
    *,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    return AuditEvent(
        user=actor.user if actor.user is not None and actor.user.pk else None,
        actor=actor.name[:150],
        action=action,
        record_type=rtype.name,
        record_id=obj.pk,
        record_repr=rtype.describe(obj),
        # The trail keeps who changed what, not the person's data (erased when its retention ends).
        before=mask_fields(before, rtype.personal),
        after=mask_fields(after, rtype.personal),
    )


def record(actor: Actor, action: str, rtype: RecordType, obj: models.Model, **changes) -> AuditEvent:
    audit_event = event(actor, action, rtype, obj, **changes)
    audit_event.save()
    return audit_event


def record_many(events: Iterable[AuditEvent]) -> None:
    AuditEvent.objects.bulk_create(list(events), batch_size=500)


def history(rtype: RecordType, record_id: int) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(record_type=rtype.name, record_id=record_id).select_related("user")
