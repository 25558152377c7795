"""One way to tell people things: ``notify(...)`` renders a Korean template for each channel, writes the
messages to the outbox, and sends them after the caller's transaction commits — e-mail through Django's
e-mail backend (SMTP in production), text messages through the SMS backend (``sms.py``). A failure to
send is recorded on the message (status, attempts, error), never raised into the caller; a message the
person opted out of (수신 설정) is kept as 수신 거부. The sending runs on the task queue (``tasks.py``);
``notifications_send_pending`` retries.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from collections.abc import Iterable
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template import Context, Engine, TemplateDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from cityhall.core import audit
from cityhall.core.masking import mask_email, mask_phone
from cityhall.core.records import record_type_for
from cityhall.core.services import RecordInvalid

from . import sms
from .choices import Channel, Kind, Status
from .models import Notification, Preference

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
TEMPLATE_NAME = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)+$")
PHONE = re.compile(r"^01[016789]\d{7,8}$")


def normalize_phone(value: str) -> str:
    """A Korean mobile number as digits (``010-1234-5678`` → ``01012345678``); ``""`` when it is not one."""
    digits = re.sub(r"[\s\-.()]", "", value or "")
    if digits.startswith("+82"):
        digits = "0" + digits[3:]
    return digits if PHONE.match(digits) else ""


def mask_recipient(value: str) -> str:
    """For lists: ``hong@example.kr`` → ``ho***@example.kr``, ``01012345678`` → ``010-****-5678``; an
    erased address stays empty."""
    if not value:
        return ""
    if "@" in value:
        return mask_email(value)
    if value.isdigit() and len(value) >= 8:
        return mask_phone(value)
    return "***"


@cache
def _engine() -> Engine:
    # Plain text: no HTML escaping (a message is never shown as HTML; the outbox page escapes on display).
    return Engine(app_dirs=True, autoescape=False)


def _render(template: str, suffix: str, context: dict) -> str | None:
    try:
        compiled = _engine().get_template(f"notifications/{template}.{suffix}.txt")
    except TemplateDoesNotExist:
        return None
    return compiled.render(Context(context, autoescape=False)).strip()


def _wants(user, kind: str, channel: str) -> bool:
    if user is None:
        return True
    pref = Preference.objects.filter(user=user, kind=kind).first()
    return True if pref is None else getattr(pref, channel)


def notify(
    *,
    template: str,
    context: dict,
    kind: str,
    actor: audit.Actor,
    to_email: str = "",
    to_phone: str = "",
    user=None,
    dedupe_key: str = "",
) -> list[Notification]:
    """Queue ``template`` (``notifications/<template>.subject.txt``/``.body.txt`` for e-mail,
    ``.sms.txt`` for a text) to the given address and/or phone (``user``'s e-mail when no address is
    given); they go out when the current transaction commits. Returns the outbox rows.

    Raises ``RecordInvalid`` only for a programming mistake (unknown kind, missing template, no recipient
    at all); a bad address or phone number becomes a failed row, so the caller's work still commits.

    ``dedupe_key`` makes the call idempotent: a message already written with that key (per channel) is
    returned as it is instead of being written and sent again — for jobs that may run twice."""
    if kind not in Kind.values:
        raise RecordInvalid(_("알 수 없는 알림 종류입니다: %(kind)s") % {"kind": kind}, field="kind")
    if not TEMPLATE_NAME.match(template or ""):
        raise RecordInvalid(
            _("알림 서식 이름이 올바르지 않습니다: %(t)s") % {"t": template}, field="template"
        )
    if not to_email and user is not None:
        to_email = getattr(user, "email", "") or ""
    if not to_email and not to_phone:
        raise RecordInvalid(_("알림을 받을 이메일 주소나 휴대전화 번호가 없습니다."), field="to_email")
    with override(settings.LANGUAGE_CODE):  # messages to citizens are Korean whatever the page's language
        wanted = []
        if to_email:
            subject = _render(template, "subject", context)
            body = _render(template, "body", context)
            if subject is None or body is None:
                raise RecordInvalid(
                    _("이메일 서식이 없습니다: notifications/%(t)s.subject.txt / .body.txt")
                    % {"t": template},
                    field="template",
                )
            wanted.append((Channel.EMAIL, to_email.strip(), subject.splitlines()[0][:200], body))
        if to_phone:
            text = _render(template, "sms", context)
            if text is None:
                raise RecordInvalid(
                    _("문자 서식이 없습니다: notifications/%(t)s.sms.txt") % {"t": template}, field="template"
                )
            wanted.append((Channel.SMS, to_phone, "", text))
    rows: list[Notification] = []
    created: list[int] = []
    for channel, recipient, subject, body in wanted:
        if dedupe_key:
            existing = Notification.objects.filter(dedupe_key=dedupe_key, channel=channel).first()
            if existing is not None:
                rows.append(existing)
                continue
        row = Notification(
            dedupe_key=dedupe_key[:150],
            code=f"nt-{secrets.token_hex(6)}",
            kind=kind,
            channel=channel,
            template=template,
            user=user if user is not None and user.pk else None,
            subject=subject,
            body=body,
        )
        if channel == Channel.EMAIL:
            try:
                validate_email(recipient)
                row.recipient = recipient
            except ValidationError:
                row.recipient = recipient[:254]
                row.status = Status.FAILED
                row.last_error = _("이메일 주소 형식이 올바르지 않습니다.")
        else:
            row.recipient = normalize_phone(recipient) or recipient[:254]
            if not normalize_phone(recipient):
                row.status = Status.FAILED
                row.last_error = _("휴대전화 번호 형식이 올바르지 않습니다 (예: 010-1234-5678).")
        if row.status == Status.PENDING and not _wants(user, kind, channel):
            row.status = Status.SKIPPED
            row.last_error = _("수신 설정에 따라 보내지 않았습니다.")
        try:
            with transaction.atomic():  # the row and its audit event: both or neither
                row.save()
                audit.record(actor, "create", record_type_for(row), row, after=_snapshot(row))
        except IntegrityError:  # the same job running at the same moment wrote it first
            rows.append(Notification.objects.get(dedupe_key=row.dedupe_key, channel=channel))
            continue
        rows.append(row)
        created.append(row.pk)
    pending = [row.pk for row in rows if row.status == Status.PENDING and row.pk in created]
    if pending:
        transaction.on_commit(lambda: _enqueue_delivery(pending, actor))
    return rows


def _enqueue_delivery(ids: list[int], actor: audit.Actor) -> None:
    """After the commit: a worker sends them (ADR 0019). Should the enqueue itself fail, the rows stay
    pending in the outbox and the periodic ``send_pending`` sends them."""
    from . import tasks

    try:
        tasks.deliver.enqueue(ids, f"notify:{actor.label}"[:150])
    except Exception:  # noqa: BLE001 - the outbox row is the record; the sweep sends it
        log.exception("could not enqueue the delivery of %s", ids)


def _snapshot(row: Notification) -> dict:
    data = record_type_for(row).to_data(row)
    data["recipient"] = mask_recipient(row.recipient)  # the audit trail keeps no address
    data.pop("body", None)
    return data


def _send(row: Notification) -> bool:
    """Send one message; True when it went (or was recorded, for the 모의 SMS backend)."""
    if row.channel == Channel.EMAIL:
        message = EmailMessage(
            subject=row.subject,
            body=row.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[row.recipient],
        )
        message.send(fail_silently=False)
        return False
    result = sms.backend().send(row.recipient, row.body)
    return result.simulated


def deliver(ids: Iterable[int], *, actor: audit.Actor) -> list[Notification]:
    """Try to send the outbox rows ``ids`` that are still pending or failed (below ``MAX_ATTEMPTS``).
    Each row is claimed and updated in its own short transaction; errors are recorded, not raised."""
    done = []
    for pk in ids:
        with transaction.atomic():
            row = (
                Notification.objects.select_for_update()
                .filter(pk=pk, status__in=[Status.PENDING, Status.FAILED], attempts__lt=MAX_ATTEMPTS)
                .first()
            )
            if row is None or not row.recipient or (row.status == Status.FAILED and not row.attempts):
                continue  # sent already, given up, or refused before any attempt (a bad address)
            before = _snapshot(row)
            row.attempts += 1
            try:
                row.simulated = _send(row)
            except Exception as exc:  # noqa: BLE001 - any transport error is recorded on the row
                row.status = Status.FAILED
                row.last_error = f"{type(exc).__name__}: {exc}"[:500]
                log.warning("notification %s failed: %s", row.code, row.last_error)
            else:
                row.status = Status.SENT
                row.last_error = ""
                row.sent_at = timezone.now()
            row.save(update_fields=["attempts", "status", "last_error", "sent_at", "simulated"])
            audit.record(actor, "send", record_type_for(row), row, before=before, after=_snapshot(row))
            done.append(row)
    return done


def notifications_send_pending(*, actor: audit.Actor, limit: int = 500) -> list[Notification]:
    """Retry what has not gone out (pending, or failed in transit below ``MAX_ATTEMPTS``)."""
    retry = Q(status=Status.PENDING) | Q(status=Status.FAILED, attempts__gt=0)
    ids = list(
        Notification.objects.filter(retry, attempts__lt=MAX_ATTEMPTS)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    return deliver(ids, actor=actor)


@transaction.atomic
def preference_set(*, user, kind: str, email: bool, sms: bool, actor: audit.Actor) -> Preference:
    """A user's choice for one kind of notification (the user themself, or staff on their behalf)."""
    if kind not in Kind.values:
        raise RecordInvalid(_("알 수 없는 알림 종류입니다: %(kind)s") % {"kind": kind}, field="kind")
    if user is None or not user.pk:
        raise RecordInvalid(_("수신 설정은 로그인한 사용자만 할 수 있습니다."), field="user")
    pref, created = Preference.objects.select_for_update().get_or_create(
        user=user, kind=kind, defaults={"email": bool(email), "sms": bool(sms)}
    )
    rtype = record_type_for(pref)
    if created:
        audit.record(actor, "create", rtype, pref, after=rtype.to_data(pref))
    elif (pref.email, pref.sms) != (bool(email), bool(sms)):
        before = rtype.to_data(pref)
        pref.email, pref.sms = bool(email), bool(sms)
        pref.save(update_fields=["email", "sms"])
        audit.record(actor, "update", rtype, pref, before=before, after=rtype.to_data(pref))
    return pref


# --- Retention (개인정보 보호법 §21) ----------------------------------------------------------------------

PURGED = "(파기됨)"


def retention_days() -> int:
    return int(getattr(settings, "CITYHALL_NOTIFICATION_RETENTION_DAYS", 365))


def notifications_purge_expired(*, actor: audit.Actor, today: dt.date, batch_size: int = 500) -> int:
    """Erase the recipient's address, the subject and the text of every message created before
    ``today`` minus the retention period (days, Korean dates); returns how many. What stays: the
    number, kind, channel, template, status, attempts and times (the record that a message went). A
    message still pending is erased too and then never sent (``deliver`` skips an empty address).
    Each row is audited (masked, as every outbox change). Idempotent: purged rows are not selected."""
    cutoff = dt.datetime.combine(today - dt.timedelta(days=retention_days()), dt.time.min)
    cutoff = timezone.make_aware(cutoff, timezone.get_default_timezone())
    total = 0
    while True:
        with transaction.atomic():
            rows = list(
                Notification.objects.select_for_update()
                .filter(purged=False, created_at__lt=cutoff)
                .order_by("id")[:batch_size]
            )
            if not rows:
                return total
            events = []
            for row in rows:
                before = _snapshot(row)
                row.recipient, row.subject, row.body, row.purged = "", PURGED, "", True
                events.append(
                    audit.event(
                        actor, "update", record_type_for(row), row, before=before, after=_snapshot(row)
                    )
                )
            Notification.objects.bulk_update(rows, ["recipient", "subject", "body", "purged"])
            audit.record_many(events)
            total += len(rows)
