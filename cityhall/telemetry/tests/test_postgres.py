"""The same ingestion on the production database: PostgreSQL through DATABASE_URL.

Each scenario runs in a subprocess against a throwaway database on the local server (the fixture of
``cityhall/core/tests/test_postgres.py``: skipped with the reason when no server answers, a failure
under CITYHALL_REQUIRE_SERVICES=1). Two ingesters also run at once on overlapping batches, which is
where the unique constraint and the row locks earn their keep.
"""

import json
import os
import subprocess
import sys

import pytest

from cityhall.core.tests.test_postgres import postgres_url  # noqa: F401 - the fixture

pytestmark = pytest.mark.postgres

SETUP = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from dataclasses import asdict
from datetime import timedelta
from django.core.management import call_command
from cityhall.telemetry.models import DeviceState, Reading
from cityhall.telemetry.services import ingest_batch
from cityhall.telemetry.tests.factories import NOW, message, stream
"""

SCENARIO = """
call_command("migrate", "telemetry", verbosity=0)
out = {}
out["large"] = asdict(ingest_batch(stream(devices=500, per_device=10)))
out["again"] = asdict(ingest_batch(stream(devices=500, per_device=10)))
minute = timedelta(minutes=1)
out["late"] = asdict(ingest_batch([
    message("SL-0001", "old", NOW - minute, received_at=NOW + 30 * minute, dim=5),
    message("SL-0001", "new", NOW + 20 * minute, received_at=NOW + 31 * minute, dim=55),
    message(raw=b"{oops"),
    message("SL-0001", "bad", NOW, dim=101),
]))
state = DeviceState.objects.get(device_id="SL-0001")
out["state"] = [state.last_message_id, state.dim, state.last_seen.isoformat()]
# Stored and new readings in one batch (the COPY meets a stored one: the insert that skips them).
out["mixed"] = asdict(ingest_batch(stream(devices=500, per_device=11)))
# Every reading of a device older than its state: all late, the state only hears of them.
out["all_late"] = asdict(ingest_batch([
    message("SL-0002", "older-1", NOW - minute, received_at=NOW + 40 * minute),
    message("SL-0002", "older-2", NOW - 2 * minute, received_at=NOW + 41 * minute),
]))
state = DeviceState.objects.get(device_id="SL-0002")
out["state_2"] = [state.last_message_id, state.last_seen.isoformat()]
later = NOW + 50 * minute
fresh = [message(f"SL-{i:04d}", "fresh", later, received_at=later) for i in (1, 2, 3)]
out["fresh"] = asdict(ingest_batch(fresh))
out["readings"] = Reading.objects.count()
from django.db import connection
with connection.cursor() as cursor:
    # The staging tables of this session are empty after each commit, not only of rows but of pages.
    cursor.execute(
        "SELECT count(*), coalesce(sum(pg_relation_size(oid)), 0)::int FROM pg_class "
        "WHERE relname LIKE 'cityhall_stage_%' AND relpersistence = 't'"
    )
    out["stages"] = cursor.fetchone()
print(json.dumps(out))
"""

CONCURRENT = """
ingest_batch(stream(devices=200, per_device=int(sys.argv[1])))
"""

CHECK = """
states = DeviceState.objects.order_by("device_id")
print(json.dumps([Reading.objects.count(), states.count(), states.last().last_message_id]))
"""


def python(url: str, tmp_path, code: str, *args: str, wait: bool = True):
    env = {**os.environ, "DATABASE_URL": url, "CITYHALL_DATA_DIR": str(tmp_path)}
    command = [sys.executable, "-c", SETUP + code, *args]
    if not wait:
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: S603
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)  # noqa: S603


def test_ingest_on_postgresql(postgres_url, tmp_path):  # noqa: F811
    done = python(postgres_url, tmp_path, SCENARIO)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["large"] == {
        "received": 5000, "stored": 5000, "duplicates": 0, "rejected": {}, "late": 0, "devices": 500,
        "batches": 0,
    }  # fmt: skip
    assert (out["again"]["stored"], out["again"]["duplicates"], out["again"]["devices"]) == (0, 5000, 0)
    assert out["late"] == {
        "received": 4,
        "stored": 2,
        "duplicates": 0,
        "rejected": {"malformed_json": 1, "out_of_range": 1},
        "late": 1,
        "devices": 1,
        "batches": 0,
    }
    assert out["state"] == ["new", 55, "2025-06-01T12:31:00+00:00"]
    # SL-0001's state (12:20) is newer than its minute-10 reading: late, and not moved.
    assert out["mixed"] == {
        "received": 5500, "stored": 500, "duplicates": 5000, "rejected": {}, "late": 1, "devices": 499,
        "batches": 0,
    }  # fmt: skip
    assert out["all_late"] == {
        "received": 2, "stored": 2, "duplicates": 0, "rejected": {}, "late": 2, "devices": 0, "batches": 0,
    }  # fmt: skip
    assert out["state_2"] == ["10", "2025-06-01T12:41:00+00:00"]
    assert out["fresh"] == {
        "received": 3, "stored": 3, "duplicates": 0, "rejected": {}, "late": 0, "devices": 3, "batches": 0,
    }  # fmt: skip
    assert out["readings"] == 5002 + 500 + 2 + 3
    assert out["stages"] == [3, 0]  # readings (after a conflict), new states, states of the batch


def test_two_ingesters_at_once_store_each_message_once(postgres_url, tmp_path):  # noqa: F811
    migrated = python(postgres_url, tmp_path, 'call_command("migrate", "telemetry", verbosity=0)')
    assert migrated.returncode == 0, migrated.stderr
    # Overlapping streams: the first 20 minutes are in both, the second also has 10 more.
    runs = [python(postgres_url, tmp_path, CONCURRENT, str(n), wait=False) for n in (20, 30)]
    for run in runs:
        _, stderr = run.communicate(timeout=300)
        assert run.returncode == 0, stderr
    checked = python(postgres_url, tmp_path, CHECK)
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout) == [200 * 30, 200, "29"]
