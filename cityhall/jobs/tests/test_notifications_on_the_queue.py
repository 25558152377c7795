"""Notifications on the database queue: ``notify`` enqueues the delivery after the commit, a worker
sends it, a delivery run twice sends once, and a transport failure is retried with backoff."""

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cityhall.core.audit import Actor
from cityhall.jobs import queue
from cityhall.notifications import services, tasks
from cityhall.notifications.models import Notification


@pytest.fixture
def on_database(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _notice(**kw):
    return services.notify(
        template="general/notice",
        context={"name": "홍길동", "title": "예시", "detail": "예시"},
        kind="reminders",
        actor=Actor.system("test"),
        **kw,
    )


def test_notify_enqueues_and_a_worker_sends_once(
    db, on_database, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = _notice(to_email="hong@example.kr")
    row.refresh_from_db()
    assert row.status == "pending" and not mailoutbox  # nothing sent inside the request
    queued = DBTaskResult.objects.get(task_path="cityhall.notifications.tasks.deliver")
    assert queued.args_kwargs["args"][0] == [row.pk]
    tasks.deliver.enqueue([row.pk])  # the same delivery twice (a retry, a second worker)
    assert queue.run_due() == 2
    row.refresh_from_db()
    assert (row.status, row.attempts, len(mailoutbox)) == ("sent", 1, 1)


def test_dedupe_key_makes_notify_idempotent(db, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        first = _notice(to_email="hong@example.kr", to_phone="010-1234-5678", dedupe_key="test:1")
        again = _notice(to_email="hong@example.kr", to_phone="010-1234-5678", dedupe_key="test:1")
    assert [r.pk for r in first] == [r.pk for r in again]
    assert Notification.objects.filter(dedupe_key="test:1").count() == 2  # one per channel
    assert len(mailoutbox) == 1


def test_a_transport_failure_is_retried_with_backoff(
    db, on_database, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1  # nothing listens
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = _notice(to_email="hong@example.kr")
    queue.run_due()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 1)
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.args_kwargs["kwargs"][queue.ATTEMPT] == 2
    assert 29 <= (retry.run_after - retry.enqueued_at).total_seconds() <= 31
