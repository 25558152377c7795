"""Commands to lights (on / off / dim / back to schedule): issued here, delivered by the live runtime.

Issuing only writes ``Command`` rows (an outbox): the web process needs no broker connection, and a
command issued while the broker is down is sent when it is back. The dispatcher publishes pending
rows on ``cityhall/v1/streetlights/{device}/cmd`` and the device's ``cmd/ack`` closes them (ADR 0007).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cityhall.core import audit
from cityhall.core.models import AuditEvent
from cityhall.core.permissions import CHANGE, allowed
from cityhall.core.records import record_type_for

from .choices import CommandAction, LightState
from .models import Command, Streetlight


def command_issue(
    *, lights: Iterable[Streetlight], action: str, level: int | None = None, actor: audit.Actor
) -> list[Command]:
    """One pending command per light (one ``batch``); the actor must be able to change each light.

    Raises ``ValidationError`` (Korean, per field) for a bad action or level and for retired lights,
    ``PermissionDenied`` when the actor may not control one of the lights. Audited once per batch.
    """
    lights = list(lights)
    if action not in CommandAction.values:
        raise ValidationError({"action": _("알 수 없는 명령입니다: %(action)s") % {"action": action}})
    if action == CommandAction.DIM:
        if level is None or isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 100:
            raise ValidationError({"level": _("밝기는 0~100 사이의 정수(%)여야 합니다.")})
    elif level is not None:
        raise ValidationError({"level": _("밝기는 밝기 조절 명령에만 지정합니다.")})
    if not lights:
        raise ValidationError({"lights": _("명령을 보낼 가로등이 없습니다.")})
    retired = [light.code for light in lights if light.state == LightState.RETIRED]
    if retired:
        raise ValidationError(
            {
                "lights": _("철거된 가로등에는 명령을 보낼 수 없습니다: %(codes)s")
                % {"codes": ", ".join(retired[:5])}
            }
        )
    rtype = record_type_for(Streetlight)
    if actor.user is not None and not all(allowed(actor.user, CHANGE, rtype, light) for light in lights):
        raise PermissionDenied(_("이 가로등을 제어할 권한이 없습니다."))

    batch, now = uuid.uuid4(), timezone.now()
    user = actor.user if actor.user is not None and actor.user.pk else None
    commands = [
        Command(batch=batch, light=light, action=action, level=level, issued_by=user, issued_at=now)
        for light in lights
    ]
    with transaction.atomic():
        Command.objects.bulk_create(commands)
        audit.record(
            actor,
            AuditEvent.Action.COMMAND,
            rtype,
            lights[0],
            after={
                "action": action,
                "level": level,
                "batch": str(batch),
                "lights": len(lights),
                "codes": [light.code for light in lights[:20]],
            },
        )
    return commands
