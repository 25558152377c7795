"""notify(): rendering, the outbox, sending on commit, preferences, failures recorded — not raised."""

import pytest
from django.core import mail
from django.db import transaction

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.notifications import selectors, services
from cityhall.notifications.models import Notification

ACTOR = Actor.system("test:notifications")
CONTEXT = {"name": "홍길동", "title": "상담 예약이 확정되었습니다", "detail": "2025-10-10 10:00 <본관> & 2층"}


def send(**kw):
    args = {"template": "general/notice", "context": CONTEXT, "kind": "bookings", "actor": ACTOR}
    args.update(kw)
    return services.notify(**args)


class Exploding:
    """An e-mail backend whose server refuses everything."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP 서버가 응답하지 않습니다")


def test_email_and_text_go_out_after_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rows = send(to_email="hong@example.kr", to_phone="010-1234-5678")
        assert [r.status for r in rows] == ["pending", "pending"]
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "[김포시] 상담 예약이 확정되었습니다"
    assert message.to == ["hong@example.kr"]
    # plain text: no HTML escaping of what the caller passed
    assert message.body == (
        "홍길동님, 안녕하세요.\n\n상담 예약이 확정되었습니다\n"
        "2025-10-10 10:00 <본관> & 2층\n\n김포시 기획조정실"
    )
    email, text = (Notification.objects.get(pk=r.pk) for r in rows)
    assert (email.status, email.attempts, email.simulated) == ("sent", 1, False)
    assert (text.status, text.attempts, text.simulated, text.recipient) == ("sent", 1, True, "01012345678")
    assert text.body == "[김포시] 상담 예약이 확정되었습니다"
    # audited without the address or the message
    events = AuditEvent.objects.filter(record_type="notifications", record_id=email.pk).order_by("id")
    assert [e.action for e in events] == ["create", "send"]
    assert events[1].after["recipient"] == "ho***@example.kr" and "body" not in events[1].after


def test_a_rolled_back_caller_sends_nothing(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                send(to_email="hong@example.kr")
                raise RuntimeError("the caller's work failed")
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_a_notification_whose_audit_fails_is_not_stored(db, monkeypatch):
    from django.db import DatabaseError

    def broken(*args, **kwargs):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(services.audit, "record", broken)
    with pytest.raises(DatabaseError):
        send(to_email="hong@example.kr")
    assert not Notification.objects.exists()


def test_a_failing_server_is_recorded_and_retried(db, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = f"{__name__}.Exploding"
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = send(to_email="hong@example.kr")  # no exception reaches the caller
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error == "ConnectionRefusedError: SMTP 서버가 응답하지 않습니다"
    services.notifications_send_pending(actor=ACTOR)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 2)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.notifications_send_pending(actor=ACTOR)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, "")
    assert len(mail.outbox) == 1


def test_gives_up_after_the_attempt_limit(db, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = f"{__name__}.Exploding"
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = send(to_email="hong@example.kr")
    for _ in range(5):
        services.notifications_send_pending(actor=ACTOR)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", services.MAX_ATTEMPTS)


def test_preferences_are_respected(db, make_user, django_capture_on_commit_callbacks):
    user = make_user("citizen-1")
    user.email = "citizen@example.kr"
    user.save()
    services.preference_set(user=user, kind="bookings", email=True, sms=False, actor=ACTOR)
    with django_capture_on_commit_callbacks(execute=True):
        email, text = send(user=user, to_phone="01098765432")
    assert (email.recipient, Notification.objects.get(pk=email.pk).status) == ("citizen@example.kr", "sent")
    assert (text.status, text.last_error) == ("skipped", "수신 설정에 따라 보내지 않았습니다.")
    # other kinds are untouched
    assert selectors.preferences_of(user)["reminders"] == {"email": True, "sms": True}
    assert selectors.preferences_of(user)["bookings"] == {"email": True, "sms": False}


def test_bad_addresses_become_failed_rows_not_errors(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email, text = send(to_email="not-an-address", to_phone="02-123")
    assert (email.status, email.attempts, email.last_error) == (
        "failed",
        0,
        "이메일 주소 형식이 올바르지 않습니다.",
    )
    assert text.status == "failed" and "휴대전화 번호 형식" in text.last_error
    assert services.notifications_send_pending(actor=ACTOR) == []  # nothing to retry: no attempt was made
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kind": "gossip", "to_email": "a@example.kr"}, "kind", "알 수 없는 알림 종류"),
        (
            {"template": "../etc/passwd", "to_email": "a@example.kr"},
            "template",
            "서식 이름이 올바르지 않습니다",
        ),
        ({"template": "general/missing", "to_email": "a@example.kr"}, "template", "이메일 서식이 없습니다"),
        ({"template": "general/missing", "to_phone": "01012345678"}, "template", "문자 서식이 없습니다"),
        ({}, "to_email", "이메일 주소나 휴대전화 번호가 없습니다"),
    ],
)
def test_programming_mistakes_are_refused(db, changes, field, message):
    with pytest.raises(RecordInvalid) as exc:
        send(**changes)
    assert message in " ".join(exc.value.errors[field])
    assert not Notification.objects.exists()


def test_preference_bad_input(db, make_user):
    with pytest.raises(RecordInvalid, match="알 수 없는 알림 종류"):
        services.preference_set(user=make_user("x"), kind="nope", email=True, sms=True, actor=ACTOR)


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("010-1234-5678", "01012345678"),
        ("010 1234 5678", "01012345678"),
        ("+82 10-1234-5678", "01012345678"),
        ("011-123-4567", "0111234567"),
        ("02-123-4567", ""),
        ("010-12", ""),
        ("", ""),
    ],
)
def test_normalize_phone(raw, digits):
    assert services.normalize_phone(raw) == digits


@pytest.mark.parametrize(
    ("value", "masked"),
    [("hong@example.kr", "ho***@example.kr"), ("01012345678", "010-****-5678"), ("x", "***"), ("", "")],
)
def test_mask_recipient(value, masked):
    assert services.mask_recipient(value) == masked


class FailingGateway:
    """A carrier gateway that is down."""

    def send(self, phone, text):
        raise TimeoutError("문자 중계 서버 응답 없음")


class CountingGateway:
    sent: list = []

    def send(self, phone, text):
        from cityhall.notifications.sms import SmsResult

        CountingGateway.sent.append((phone, text))
        return SmsResult(simulated=False, reference="gw-1")


def test_the_sms_backend_comes_from_the_setting(db, settings, django_capture_on_commit_callbacks):
    settings.CITYHALL_SMS_BACKEND = f"{__name__}.FailingGateway"
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = send(to_phone="010-2222-3333")
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (
        "failed",
        1,
        "TimeoutError: 문자 중계 서버 응답 없음",
    )
    settings.CITYHALL_SMS_BACKEND = f"{__name__}.CountingGateway"
    services.notifications_send_pending(actor=ACTOR)
    row.refresh_from_db()
    assert (row.status, row.simulated) == ("sent", False)
    assert CountingGateway.sent == [("01022223333", "[김포시] 상담 예약이 확정되었습니다")]


# --- Retention ---------------------------------------------------------------------------------------


def _created(row, local: str) -> None:
    import datetime as dt
    from zoneinfo import ZoneInfo

    at = dt.datetime.fromisoformat(local).replace(tzinfo=ZoneInfo("Asia/Seoul"))
    Notification.objects.filter(pk=row.pk).update(created_at=at)


def test_addresses_are_erased_after_the_retention_period(db, settings, django_capture_on_commit_callbacks):
    import datetime as dt

    from cityhall.core.personal_data import retention_jobs

    settings.CITYHALL_NOTIFICATION_RETENTION_DAYS = 365
    with django_capture_on_commit_callbacks(execute=True):
        old_email, old_text = send(to_email="hong@example.kr", to_phone="010-1234-5678")
        (young,) = send(to_email="kim@example.kr")
        (pending,) = send(to_email="lee@example.kr")
    Notification.objects.filter(pk=pending.pk).update(status="pending", attempts=0)
    # Today 2026-12-03: the period covers 2025-12-03 onwards (Korean time).
    _created(old_email, "2025-12-02 23:59:59")
    _created(old_text, "2025-06-01 09:00:00")
    _created(pending, "2025-01-01 09:00:00")
    _created(young, "2025-12-03 00:00:00")
    job = retention_jobs()["notifications.outbox"]
    assert job(ACTOR, dt.date(2026, 12, 3)) == 3
    rows = {r.pk: r for r in Notification.objects.all()}
    for pk in (old_email.pk, old_text.pk, pending.pk):
        row = rows[pk]
        assert (row.recipient, row.subject, row.body, row.purged) == ("", "(파기됨)", "", True)
    assert rows[old_email.pk].status == "sent" and rows[old_email.pk].sent_at is not None
    assert rows[young.pk].recipient == "kim@example.kr" and not rows[young.pk].purged
    # Audited, masked, without the text.
    event = AuditEvent.objects.filter(record_type="notifications", record_id=old_email.pk).latest("id")
    assert event.action == "update" and event.actor == "test:notifications"
    assert event.before["recipient"] == "ho***@example.kr" and event.after["recipient"] == ""
    assert "body" not in event.before
    # A second run erases nothing more; the next day the young one goes too.
    assert job(ACTOR, dt.date(2026, 12, 3)) == 0
    assert job(ACTOR, dt.date(2026, 12, 4)) == 1
    # The erased pending message is never sent.
    mail.outbox.clear()
    services.notifications_send_pending(actor=ACTOR)
    assert mail.outbox == []


def test_the_purge_command_runs_the_outbox_job(db, monkeypatch, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    monkeypatch.setenv("CITYHALL_TODAY", "2026-12-03")
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = send(to_email="hong@example.kr")
    _created(row, "2025-12-02 12:00:00")
    out = StringIO()
    call_command("personal_data_purge", stdout=out)
    assert "notifications.outbox: 1건 파기" in out.getvalue()
    assert "cctv.video_requests: 0건 파기" in out.getvalue()
    assert Notification.objects.get(pk=row.pk).recipient == ""
