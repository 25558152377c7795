"""Commands to lights (on / off / dim / back to schedule): issued here, delivered by the live runtime.

Issuing only writes ``Command`` rows (an outbox): the web process needs no broker connection, and a
command issued while the broker is down is sent when it is back. The dispatcher publishes pending
rows on ``cityhall/v1/streetlights/{device}/cmd`` and the device's ``cmd/ack`` closes them (ADR 0007,
ADR 0009): pending → sent → acked | failed, or expired when no answer comes in time.

Every step is a conditional update from the states it may leave, so running the dispatcher, the
ack handler and the expiry in two processes at once does no harm: a command is published by one
dispatcher (rows are locked, SKIP LOCKED on PostgreSQL; SQLite serialises writers), a duplicate ack
changes nothing, and an ack that overtakes the dispatcher's own "sent" update still closes the row.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from cityhall.core import audit
from cityhall.core.permissions import CHANGE, VIEW, allowed, restrict
from cityhall.core.records import record_type_for
from cityhall.core.services import RecordInvalid

from ..choices import AUDIT_COMMAND, CommandAction, CommandStatus, LightState
from ..models import Command, Streetlight, StreetlightSite

log = logging.getLogger(__name__)

TOPIC_PREFIX = "cityhall/v1/streetlights"  # = telemetry.validation.TOPIC_PREFIX (ADR 0007)
ACK_TOPIC_RE = re.compile(r"^cityhall/v1/streetlights/(?P<device>[^/]+)/cmd/ack$")
ACK_MAX_BYTES = 4096
RESULTS = {"ok": CommandStatus.ACKED, "error": CommandStatus.FAILED}

DEFAULT_ACK_TIMEOUT_S = 60  # a device on a live link answers in seconds; a minute means it will not
# A command that could not be sent for this long is dropped: switching lights at a moment nobody
# chose (hours later, after a broker outage) is worse than not switching them.
DEFAULT_PENDING_MAX_AGE_S = 15 * 60
DISPATCH_CHUNK = 100  # rows per transaction: the write lock is held while they are published

# [(topic, payload), …] -> one verdict per message, in order: True once the broker accepted it (QoS 1
# PUBACK). A list, so that a transport can have a whole chunk in flight at once instead of waiting
# for each PUBACK in turn (a site-wide command is a few hundred messages).
Publish = Callable[[list[tuple[str, bytes]]], list[bool]]
AckMessage = tuple[str, bytes, datetime]  # (topic, payload, received_at), as the ingester hands them


MAX_LIGHTS_PER_COMMAND = 1000  # lights named in one command; a whole site is sent as its site


class CommandTargetError(RecordInvalid):
    """The lights named for a command cannot all be commanded (an error of the field ``lights``):
    ``kind`` is one of EMPTY, TOO_MANY, UNKNOWN (then ``codes`` are the names that are no light in
    service), for a page that words it its own way."""

    EMPTY, TOO_MANY, UNKNOWN = "empty", "too_many", "unknown"

    def __init__(self, kind: str, codes: Sequence[str] = ()):
        self.kind = kind
        self.codes = list(codes)
        if kind == self.EMPTY:
            message = _("가로등 코드를 하나 이상 보내야 합니다.")
        elif kind == self.TOO_MANY:
            message = _("한 번에 가로등 %(max)s대까지 보낼 수 있습니다.") % {
                "max": f"{MAX_LIGHTS_PER_COMMAND:,}"
            }
        else:
            message = _("운영 중인 가로등이 아닙니다: %(codes)s") % {"codes": ", ".join(self.codes[:5])}
        super().__init__(message, field="lights")


def command_lights(*, user, site: StreetlightSite | None = None, codes: Iterable[str] | None = None):
    """The lights a command goes to, by code: the lights in service that ``user`` may see, all those of
    ``site`` or those named by ``codes`` (within ``site`` when given; at most MAX_LIGHTS_PER_COMMAND).

    Raises CommandTargetError when ``codes`` names none, too many, or lights not in service."""
    in_service = restrict(
        Streetlight.objects.exclude(state=LightState.RETIRED).select_related("site"),
        user,
        VIEW,
        record_type_for(Streetlight),
    )
    if site is not None:
        in_service = in_service.filter(site=site)
    if codes is None:
        return list(in_service.order_by("code"))
    wanted = list(dict.fromkeys(codes))
    if not wanted:
        raise CommandTargetError(CommandTargetError.EMPTY)
    if len(wanted) > MAX_LIGHTS_PER_COMMAND:
        raise CommandTargetError(CommandTargetError.TOO_MANY)
    lights = list(in_service.filter(code__in=wanted).order_by("code"))
    unknown = sorted(set(wanted) - {light.code for light in lights})
    if unknown:
        raise CommandTargetError(CommandTargetError.UNKNOWN, unknown)
    return lights


def command_issue(
    *, lights: Iterable[Streetlight], action: str, level: int | None = None, actor: audit.Actor
) -> list[Command]:
    """One pending command per light (one ``batch``); the actor must be able to change each light.

    Raises ``RecordInvalid`` (Korean, per field) for a bad action or level and for retired lights,
    ``PermissionDenied`` when the actor may not control one of the lights. Audited once per batch.
    """
    lights = list(lights)
    if action not in CommandAction.values:
        raise RecordInvalid(_("알 수 없는 명령입니다: %(action)s") % {"action": action}, field="action")
    if action == CommandAction.DIM:
        if level is None or isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 100:
            raise RecordInvalid(_("밝기는 0~100 사이의 정수(%)여야 합니다."), field="level")
    elif level is not None:
        raise RecordInvalid(_("밝기는 밝기 조절 명령에만 지정합니다."), field="level")
    if not lights:
        raise RecordInvalid(_("명령을 보낼 가로등이 없습니다."), field="lights")
    retired = [light.code for light in lights if light.state == LightState.RETIRED]
    if retired:
        raise RecordInvalid(
            _("철거된 가로등에는 명령을 보낼 수 없습니다: %(codes)s") % {"codes": ", ".join(retired[:5])},
            field="lights",
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
            AUDIT_COMMAND,
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


def command_topic(code: str) -> str:
    return f"{TOPIC_PREFIX}/{code}/cmd"


def command_ack_topic(code: str) -> str:
    return f"{TOPIC_PREFIX}/{code}/cmd/ack"


def command_payload(command: Command, *, now: datetime) -> bytes:
    """The ``cmd`` message of ADR 0007: ``{"cmd_id", "action", "dim", "ts"}`` as UTF-8 JSON."""
    body = {
        "cmd_id": str(command.cmd_id),
        "action": command.action,
        "dim": command.level if command.action == CommandAction.DIM else None,
        "ts": now.astimezone(UTC).isoformat().replace("+00:00", "Z"),
    }
    return json.dumps(body, separators=(",", ":")).encode()


@dataclass
class DispatchReport:
    sent: int = 0
    held: int = 0  # in the chunk the broker did not accept: left pending for the next round


def commands_dispatch(
    publish: Publish, *, now: datetime | None = None, limit: int = 10 * DISPATCH_CHUNK
) -> DispatchReport:
    """Publish pending commands (oldest first, QoS 1) and mark each ``sent`` once the broker took it.

    ``publish(messages)`` gets a chunk of ``(topic, payload)`` and says for each whether the broker
    accepted it; a refusal or an exception stops the round (the broker is away) and leaves what was
    not accepted pending. Rows are locked while they are published, so a second dispatcher skips them
    instead of sending them twice. At most ``limit`` per call, in chunks of ``DISPATCH_CHUNK`` rows
    (one transaction each: the lock is not held for a whole site-wide command).
    """
    report = DispatchReport()
    while report.sent < limit:
        chunk = min(DISPATCH_CHUNK, limit - report.sent)
        sent_now, held = _dispatch_chunk(publish, now=now, limit=chunk)
        report.sent += sent_now
        report.held += held
        if held or sent_now < chunk:
            break
    return report


def _dispatch_chunk(publish: Publish, *, now: datetime | None, limit: int) -> tuple[int, int]:
    """Publish up to ``limit`` pending commands; return (sent, not accepted)."""
    with transaction.atomic():
        commands = list(
            Command.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=CommandStatus.PENDING)
            .select_related("light")
            .order_by("issued_at", "id")[:limit]
        )
        moment = now or timezone.now()
        messages = [(command_topic(c.light.code), command_payload(c, now=moment)) for c in commands]
        try:
            verdicts = list(publish(messages)) if messages else []
        except Exception:
            log.exception("명령 전송 실패 (%d건)", len(messages))
            verdicts = []
        verdicts = (verdicts + [False] * len(commands))[: len(commands)]
        accepted = [c.pk for c, ok in zip(commands, verdicts, strict=True) if ok is True]
        if accepted:
            # From pending only: an ack that overtook this update has already closed the row.
            Command.objects.filter(pk__in=accepted, status=CommandStatus.PENDING).update(
                status=CommandStatus.SENT,
                sent_at=moment,  # when it went out, before any ack came
            )
    return len(accepted), len(commands) - len(accepted)


@dataclass(frozen=True, slots=True)
class ParsedAck:
    cmd_id: uuid.UUID
    device_id: str
    status: str
    result: str


@dataclass(frozen=True, slots=True)
class AckRejection:
    reason: str  # stable code: bad_topic, payload_too_large, malformed_json, not_an_object,
    # missing_field, wrong_type, out_of_range, topic_device_mismatch, unknown_command, device_mismatch
    message: str  # Korean, says what and where


@dataclass
class AckReport:
    """``received == acked + failed + duplicates + sum(rejected.values())``."""

    received: int = 0
    acked: int = 0
    failed: int = 0
    duplicates: int = 0
    rejected: dict[str, int] = field(default_factory=dict)

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    def add(self, other: AckReport) -> None:
        self.received += other.received
        self.acked += other.acked
        self.failed += other.failed
        self.duplicates += other.duplicates
        for reason, n in other.rejected.items():
            self.rejected[reason] = self.rejected.get(reason, 0) + n


def _reject_constant(name: str):
    raise ValueError(name)


def ack_parse(topic: str, payload: bytes) -> ParsedAck | AckRejection:
    """Validate one ``cmd/ack`` message (no database); never raises on bad input."""
    match = ACK_TOPIC_RE.match(topic)
    if not match:
        return AckRejection(
            "bad_topic", _("토픽 %(topic)r은(는) 명령 응답 토픽이 아닙니다.") % {"topic": topic}
        )
    device = match["device"]
    if len(payload) > ACK_MAX_BYTES:
        return AckRejection(
            "payload_too_large",
            _("%(device)s의 명령 응답이 %(size)d바이트로 한도(4,096바이트)를 넘습니다.")
            % {"device": device, "size": len(payload)},
        )
    try:
        body = json.loads(payload.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError):
        return AckRejection(
            "malformed_json", _("%(device)s의 명령 응답이 JSON이 아닙니다.") % {"device": device}
        )
    if not isinstance(body, dict):
        return AckRejection(
            "not_an_object", _("%(device)s의 명령 응답이 JSON 객체가 아닙니다.") % {"device": device}
        )
    for name in ("cmd_id", "device_id", "result"):
        if body.get(name) is None:
            return AckRejection(
                "missing_field",
                _("%(device)s의 명령 응답에 '%(field)s' 항목이 없습니다.")
                % {"device": device, "field": name},
            )
        if not isinstance(body[name], str):
            return AckRejection(
                "wrong_type",
                _("%(device)s의 명령 응답 '%(field)s' 항목은 문자열이어야 합니다.")
                % {"device": device, "field": name},
            )
    reason = body.get("reason")
    if reason is not None and not isinstance(reason, str):
        return AckRejection(
            "wrong_type",
            _("%(device)s의 명령 응답 'reason' 항목은 문자열이어야 합니다.") % {"device": device},
        )
    try:
        cmd_id = uuid.UUID(body["cmd_id"])
    except ValueError:
        return AckRejection(
            "wrong_type",
            _("%(device)s의 명령 응답 'cmd_id' 항목이 UUID가 아닙니다: %(value)r")
            % {"device": device, "value": body["cmd_id"][:64]},
        )
    if body["device_id"] != device:
        return AckRejection(
            "topic_device_mismatch",
            _("명령 응답의 장치 ID %(payload)r가 토픽의 장치 %(topic)s와 다릅니다.")
            % {"payload": body["device_id"][:40], "topic": device},
        )
    if body["result"] not in RESULTS:
        return AckRejection(
            "out_of_range",
            _("%(device)s의 명령 응답 'result' 항목은 'ok' 또는 'error'여야 합니다: %(value)r")
            % {"device": device, "value": body["result"][:40]},
        )
    text = body["result"] if not reason else f"{body['result']}: {reason}"
    return ParsedAck(
        cmd_id, device, RESULTS[body["result"]], text[: Command._meta.get_field("result").max_length]
    )


def commands_acknowledge(messages: Iterable[AckMessage]) -> AckReport:
    """Close commands from their devices' acks: ``ok`` → acked, ``error`` → failed, with ``acked_at``.

    A bad ack (malformed, unknown ``cmd_id``, from another device than the command's) is logged and
    counted, never raised: the ingester acknowledges it to the broker so it is not redelivered
    forever. A repeated ack changes nothing. A late ack of an expired command still closes it: the
    device says what it did. Database errors are raised (the caller's batch is retried).
    """
    report = AckReport()
    rejected: Counter[str] = Counter()
    parsed: list[tuple[ParsedAck, datetime]] = []
    for topic, payload, received_at in messages:
        report.received += 1
        try:
            result = ack_parse(topic, payload)
        except Exception as exc:  # noqa: BLE001 - a bug in parsing must not block the batch
            result = AckRejection(
                "unexpected",
                _("명령 응답을 처리하는 중 오류가 났습니다: %(error)s") % {"error": type(exc).__name__},
            )
        if isinstance(result, AckRejection):
            rejected[result.reason] += 1
            log.warning("명령 응답 거부 (%s): %s", result.reason, result.message)
            continue
        parsed.append((result, received_at))

    commands = {
        c.cmd_id: c
        for c in Command.objects.filter(cmd_id__in={a.cmd_id for a, _ in parsed}).select_related("light")
    }
    seen: set[uuid.UUID] = set()
    with transaction.atomic():
        for ack, received_at in parsed:
            command = commands.get(ack.cmd_id)
            if command is None:
                rejected["unknown_command"] += 1
                log.warning(
                    "명령 응답 거부 (unknown_command): %s의 명령 %s은(는) 없습니다.",
                    ack.device_id,
                    ack.cmd_id,
                )
                continue
            if command.light.code != ack.device_id:
                rejected["device_mismatch"] += 1
                log.warning(
                    "명령 응답 거부 (device_mismatch): 명령 %s은(는) %s에 보낸 것인데 %s이(가) 응답했습니다.",
                    ack.cmd_id,
                    command.light.code,
                    ack.device_id,
                )
                continue
            if ack.cmd_id in seen:
                report.duplicates += 1
                continue
            seen.add(ack.cmd_id)
            changed = Command.objects.filter(
                pk=command.pk,
                status__in=[CommandStatus.PENDING, CommandStatus.SENT, CommandStatus.EXPIRED],
            ).update(
                status=ack.status,
                # Not before the recorded send: a resend (its first PUBACK timed out) may be marked
                # sent after the device already answered the first copy.
                acked_at=Greatest(Value(received_at), Coalesce(F("sent_at"), Value(received_at))),
                result=ack.result,
            )
            if not changed:
                report.duplicates += 1  # already closed (a redelivered or repeated ack)
            elif ack.status == CommandStatus.ACKED:
                report.acked += 1
            else:
                report.failed += 1
    report.rejected = dict(sorted(rejected.items()))
    return report


def commands_expire(
    *,
    now: datetime | None = None,
    timeout_s: float = DEFAULT_ACK_TIMEOUT_S,
    pending_max_age_s: float = DEFAULT_PENDING_MAX_AGE_S,
) -> int:
    """Sent commands unanswered for ``timeout_s`` and pending ones unsent for ``pending_max_age_s``
    become ``expired``; returns how many. Idempotent (only those states are touched)."""
    now = now or timezone.now()
    unanswered = Command.objects.filter(
        status=CommandStatus.SENT, sent_at__lt=now - timedelta(seconds=timeout_s)
    ).update(
        status=CommandStatus.EXPIRED,
        result=_("%(seconds)d초 안에 장치 응답이 없었습니다.") % {"seconds": timeout_s},
    )
    unsent = Command.objects.filter(
        status=CommandStatus.PENDING, issued_at__lt=now - timedelta(seconds=pending_max_age_s)
    ).update(
        status=CommandStatus.EXPIRED,
        result=_("%(minutes)d분 동안 전송하지 못해 취소했습니다.") % {"minutes": pending_max_age_s // 60},
    )
    if unanswered or unsent:
        log.info("명령 만료: 응답 없음 %d건, 미전송 %d건", unanswered, unsent)
    return unanswered + unsent
