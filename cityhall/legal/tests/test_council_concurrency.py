"""Council writes that two people or two runs can do at once, in real threads (one connection each) on
SQLite (WAL, IMMEDIATE transactions) and PostgreSQL (a throwaway database; skipped without a server):
two staff moving the same bill (one move, the others refused with the reason) and the daily reminder
command started twice (each reminder sent once)."""

import pytest

from cityhall.core.tests.scenarios import run_scenario
from cityhall.core.tests.test_postgres import postgres_url  # noqa: F401 - the fixture

WORKERS = 6

SCENARIO = r"""
import json, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from cityhall.core.tests.scenarios import race
import datetime as dt
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from cityhall.core.audit import Actor
from cityhall.legal import council, reminders
from cityhall.legal.models import Bill, BillTransition, CouncilSession, DataRequest
from cityhall.notifications.models import Notification
from cityhall.organisation.models import OrgUnit, RoleAssignment

N = int(sys.argv[1])
call_command("migrate", verbosity=0)
unit = OrgUnit.objects.create(code="budget-legal", name="예산법무과", kind="department")
user = get_user_model().objects.create_user(username="editor", email="editor@example.kr")
RoleAssignment.objects.create(user=user, role="editor", department=unit)
session = CouncilSession.objects.create(code="s-1", number=1, kind="regular",
                                        starts_on=dt.date(2030, 5, 1), ends_on=dt.date(2030, 5, 20))
bill = Bill.objects.create(code="b-1", kind="general", title="동의안", session=session, department=unit,
                           submitted_on=dt.date(2030, 4, 28))
for i in range(3):
    DataRequest.objects.create(code=f"r-{i}", session=session, member="의원", subject=f"자료 {i}",
                               department=unit, requested_on=dt.date(2030, 5, 1), due_on=dt.date(2030, 5, 3))
connection.close()



actor = Actor.system("test")
moves = race(lambda i: council.bill_advance(bill=bill, to_stage="committee", on=dt.date(2030, 5, 2),
                                            actor=actor).stage, N)
sent = race(lambda i: reminders.data_request_reminders_send(today=dt.date(2030, 5, 2), actor=actor), N)
print(json.dumps({
    "moves": moves,
    "transitions": BillTransition.objects.count(),
    "sent": sent,
    "notifications": Notification.objects.count(),
}, ensure_ascii=False))
"""


def run(tmp_path, url: str = "") -> dict:
    return run_scenario(SCENARIO, tmp_path, str(WORKERS), url=url)


def check(outcome: dict) -> None:
    moves = outcome["moves"]
    assert moves.count("committee") == 1, moves
    refused = [m for m in moves if m != "committee"]
    assert all("'상임위원회 심사'에서 '상임위원회 심사'(으)로 갈 수 없습니다" in m for m in refused), refused
    assert outcome["transitions"] == 1
    # Three requests, one editor: three reminders in all, however the runs interleave.
    assert sum(outcome["sent"]) == 3 and outcome["notifications"] == 3, outcome


@pytest.mark.slow
def test_council_races_on_sqlite(tmp_path):
    check(run(tmp_path))


@pytest.mark.postgres
@pytest.mark.slow
def test_council_races_on_postgresql(postgres_url, tmp_path):  # noqa: F811
    check(run(tmp_path, postgres_url))
