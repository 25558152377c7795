"""The queue on its database backend: retries with backoff, the last failure kept for staff, the
schedule enqueuing each slot once, dead workers' tasks handed back, and the failed-tasks page."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.jobs import queue, schedule, services
from cityhall.jobs.models import JobFailure, ScheduleSlot
from cityhall.jobs.queue import job
from cityhall.organisation.models import Role

CALLS: dict[str, int] = {}


@job(retries=3, backoff_s=30)
def flaky(key: str, fail_times: int) -> int:
    """Fails ``fail_times`` times, then succeeds (a test job)."""
    CALLS[key] = CALLS.get(key, 0) + 1
    if CALLS[key] <= fail_times:
        raise ConnectionError(f"모의 장애 {CALLS[key]}")
    return CALLS[key]


@pytest.fixture
def on_database(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    CALLS.clear()


def _run_all_due_later(seconds: float) -> int:
    """Make every waiting task due now (as if ``seconds`` had passed) and run them."""
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(
        run_after=timezone.now() - dt.timedelta(seconds=1)
    )
    return queue.run_due()


def test_a_failing_job_is_retried_with_growing_backoff_then_succeeds(db, on_database):
    flaky.enqueue("a", 2)
    assert queue.run_due() == 1  # attempt 1 fails; attempt 2 waits 30 s
    waiting = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert waiting.args_kwargs["kwargs"][queue.ATTEMPT] == 2
    delay = (waiting.run_after - waiting.enqueued_at).total_seconds()
    assert 29 <= delay <= 31
    assert queue.run_due() == 0  # not due yet
    _run_all_due_later(30)  # attempt 2 fails; attempt 3 waits 60 s
    third = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert 59 <= (third.run_after - third.enqueued_at).total_seconds() <= 61
    _run_all_due_later(60)
    assert CALLS["a"] == 3
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 1
    assert not JobFailure.objects.exists()


def test_the_last_failure_is_kept_and_can_be_retried_or_discarded_with_an_audit(db, on_database, make_user):
    flaky.enqueue("b", 99)
    queue.run_due()
    _run_all_due_later(30)
    _run_all_due_later(60)
    failure = JobFailure.objects.get()
    assert (failure.task_path, failure.attempts, failure.status) == (
        "cityhall.jobs.tests.test_queue.flaky",
        3,
        "open",
    )
    assert failure.args == {"args": ["b", 99], "kwargs": {}} and "모의 장애 3" in failure.error
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()  # no fourth attempt

    director = make_user("jobs-director", Role.DIRECTOR)
    services.failure_retry(failure_id=failure.pk, actor=Actor.for_user(director))
    assert DBTaskResult.objects.get(status=TaskResultStatus.READY).args_kwargs["args"] == ["b", 99]
    with pytest.raises(RecordInvalid, match="이미 처리된"):
        services.failure_discard(failure_id=failure.pk, actor=Actor.for_user(director))
    event = AuditEvent.objects.filter(record_type="job_failures", action="retry").get()
    assert event.user == director


def test_schedule_enqueues_each_slot_once_however_often_it_ticks(db, on_database):
    now = dt.datetime(2030, 5, 6, 0, 10, 7, tzinfo=dt.UTC)  # 09:10 in Seoul
    first = schedule.tick(now=now)
    assert "legal.remind" in first and "notifications.send_pending" in first
    assert "telemetry.rollup_recent" not in first  # the live runtime's job (ADR 0009) by default
    assert schedule.tick(now=now + dt.timedelta(seconds=20)) == []
    assert ScheduleSlot.objects.get(name="legal.remind").slot == dt.datetime(2030, 5, 6, 0, 0, tzinfo=dt.UTC)
    remind = DBTaskResult.objects.get(task_path="cityhall.legal.tasks.remind")
    assert remind.args_kwargs["kwargs"] == {"day": "2030-05-06"}
    later = schedule.tick(now=now + dt.timedelta(minutes=5))
    assert later == ["notifications.send_pending", "jobs.housekeeping"]


def test_live_jobs_move_to_the_queue_when_asked(db, on_database, settings):
    settings.CITYHALL_LIVE_JOBS = "queue"
    names = schedule.tick(now=dt.datetime(2030, 5, 6, 0, 0, 45, tzinfo=dt.UTC))
    assert {"telemetry.rollup_recent", "streetlights.faults_evaluate"} <= set(names)
    paths = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert {"cityhall.telemetry.tasks.rollup_recent", "cityhall.streetlights.tasks.faults_evaluate"} <= paths


def test_a_task_left_running_by_a_dead_worker_goes_back_to_the_queue(db, on_database, settings):
    settings.CITYHALL_JOBS_STALE_AFTER_S = 60
    result = flaky.enqueue("c", 0)
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim("dead-worker")
    assert queue.recover_stale() == 0  # just started: not stale
    assert queue.recover_stale(now=timezone.now() + dt.timedelta(seconds=61)) == 1
    assert queue.run_due() == 1 and CALLS["c"] == 1


def test_only_office_wide_staff_see_and_resolve_failures(client, make_user, db, on_database):
    failure = JobFailure.objects.create(
        task_path="cityhall.jobs.tasks.housekeeping", attempts=3, error="X: <b>"
    )
    client.force_login(make_user("jobs-sc-editor", Role.EDITOR, "smart-city"))
    assert client.get("/jobs/failed/").status_code == 403
    assert client.post(f"/jobs/failed/{failure.pk}/discard/").status_code == 403
    # Nor through the generic record pages.
    assert "cityhall.jobs.tasks.housekeeping" not in client.get("/records/job-failures/").content.decode()
    assert client.get(f"/records/job-failures/{failure.pk}/").status_code in (403, 404)
    client.force_login(make_user("jobs-admin", Role.ADMINISTRATOR))
    html = client.get("/jobs/failed/").content.decode()
    assert "cityhall.jobs.tasks.housekeeping" in client.get("/records/job-failures/").content.decode()
    assert "실패한 작업" in html and "X: &lt;b&gt;" in html and "매일 09:00" in html
    assert client.get("/jobs/failed/?status=bogus").status_code == 400
    response = client.post(f"/jobs/failed/{failure.pk}/discard/")
    assert response.status_code == 302
    failure.refresh_from_db()
    assert (failure.status, failure.resolved_by) == ("discarded", "jobs-admin")
    assert client.post("/jobs/failed/999999/retry/").status_code == 302  # message, nothing changed


@job()
def dated() -> dict:
    """Returns what JSON cannot hold as it is (a test job)."""
    return {"day": dt.date(2030, 5, 6), "at": dt.datetime(2030, 5, 6, 9, tzinfo=dt.UTC)}


def test_a_result_with_dates_is_stored(db, on_database):
    result = dated.enqueue()
    queue.run_due()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == {"day": "2030-05-06", "at": "2030-05-06T09:00:00Z"}


def _flaky_report(run, upload):
    from cityhall.jobs.runs import Outcome

    CALLS[run.label] = CALLS.get(run.label, 0) + 1
    if CALLS[run.label] <= run.params["fail_times"]:
        raise ConnectionError("모의 장애")
    return Outcome(result={"message": "끝"})


@job(retries=2, backoff_s=10)
def flaky_run(run_id: int) -> dict:
    """A run whose work fails ``fail_times`` times (a test job)."""
    from cityhall.jobs.runs import execute

    return execute(run_id, _flaky_report)


@pytest.mark.parametrize(("fail_times", "state", "failures"), [(1, "done", 0), (2, "failed", 1)])
def test_a_run_waits_for_its_next_attempt_and_fails_only_on_the_last(
    db, on_database, fail_times, state, failures
):
    from cityhall.jobs.runs import run_start

    run = run_start(
        task=flaky_run,
        kind="test",
        label=f"flaky-{fail_times}",
        actor=Actor.system("test"),
        params={"fail_times": fail_times},
    )
    queue.run_due()  # attempt 1 fails: the run waits for attempt 2, not failed yet
    run.refresh_from_db()
    assert (run.state, run.error) == ("queued", "ConnectionError")
    _run_all_due_later(10)
    run.refresh_from_db()
    assert run.state == state and CALLS[run.label] == 2
    assert JobFailure.objects.count() == failures
    if state == "failed":
        assert run.error == "ConnectionError: 모의 장애"


def test_the_daily_purge_runs_every_apps_retention_job(db, on_database):
    from cityhall.core.personal_data import retention_jobs
    from cityhall.jobs import tasks

    result = tasks.personal_data_purge.enqueue(day="2026-12-03")
    assert queue.run_due() == 1
    result.refresh()
    done = result.return_value
    assert (
        set(done) == set(retention_jobs()) >= {"cctv.video_requests", "notifications.outbox", "it.education"}
    )
    assert all(n == 0 for n in done.values())  # nothing is past retention in an empty database
    assert "personal_data.purge" in {p.name for p in schedule.SCHEDULE}
