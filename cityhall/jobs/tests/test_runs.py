"""A run's end: its state, its output file and its audit event are written together."""

import pytest
from django.db import DatabaseError

from cityhall.core.models import AuditEvent
from cityhall.core.records import record_type_for
from cityhall.jobs import runs
from cityhall.jobs.models import JobRun, JobRunFile

pytestmark = pytest.mark.django_db


def report(run, upload):
    return runs.Outcome(
        result={"message": "만들었습니다"}, output=runs.Output("보고서.xlsx", "application/x", b"PK")
    )


def test_a_finished_run_keeps_its_output_and_is_audited():
    run = JobRun.objects.create(kind="test", label="보고서")
    assert runs.execute(run.pk, report) == {"message": "만들었습니다"}
    run.refresh_from_db()
    assert run.state == JobRun.State.DONE
    assert bytes(runs.output_of(run).data) == b"PK"
    ended = AuditEvent.objects.get(record_type=record_type_for(run).name, record_id=run.pk, action="update")
    assert ended.after["state"] == JobRun.State.DONE


def test_an_end_that_cannot_be_audited_stores_no_output(monkeypatch):
    run = JobRun.objects.create(kind="test", label="보고서")

    def broken(*args, **kwargs):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(runs.audit, "record", broken)
    with pytest.raises(DatabaseError):
        runs.execute(run.pk, report)
    run.refresh_from_db()
    assert run.state == JobRun.State.RUNNING  # as a dead worker leaves it: handed back to the queue
    assert not JobRunFile.objects.filter(run=run).exists()
