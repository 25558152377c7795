"""Two clerks registering meetings of one committee at the same moment, in real threads: the committee
row is locked while the next number is read, so they get 제1차 and 제2차, never the same number — on
SQLite (a file database) and on PostgreSQL (a throwaway database; skipped without a server, a failure
under CITYHALL_REQUIRE_SERVICES=1 as in CI)."""

import pytest

from cityhall.core.tests.scenarios import run_scenario
from cityhall.core.tests.test_postgres import postgres_url  # noqa: F401 - the fixture

CLERKS = 4

SCENARIO = r"""
import json, os, sys, threading
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from datetime import date
from django.core.management import call_command
from django.db import connection
from cityhall.committees import services
from cityhall.committees.models import Committee
from cityhall.core.audit import Actor
from cityhall.organisation.models import OrgUnit

N = int(sys.argv[1])
call_command("migrate", verbosity=0)
unit = OrgUnit.objects.create(code="race-dept", name="경합과", kind="department")
committee = Committee.objects.create(code="race-c1", org_unit=unit, name="경합위원회", member_count=7)
connection.close()
together = threading.Barrier(N, timeout=60)
codes, errors = [], []


def clerk(i):
    try:
        together.wait()
        meeting = services.meeting_create(
            committee=committee, held_on=date(2025, 5, 1 + i), agenda=[f"안건 {i}"],
            actor=Actor.system(f"c{i}"),
        )
        codes.append(meeting.code)
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connection.close()


threads = [threading.Thread(target=clerk, args=(i,)) for i in range(N)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps({"codes": sorted(codes), "errors": errors}))
"""


def run(tmp_path, url: str = "") -> dict:
    return run_scenario(SCENARIO, tmp_path, str(CLERKS), url=url)


def check(outcome: dict) -> None:
    assert outcome["errors"] == []
    assert outcome["codes"] == [f"race-c1-2025-{n:02d}" for n in range(1, CLERKS + 1)]


@pytest.mark.slow
def test_meeting_numbers_on_sqlite(tmp_path):
    check(run(tmp_path))


@pytest.mark.postgres
@pytest.mark.slow
def test_meeting_numbers_on_postgresql(postgres_url, tmp_path):  # noqa: F811
    check(run(tmp_path, postgres_url))
