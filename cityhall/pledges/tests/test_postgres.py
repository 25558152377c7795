"""Opening check-in rounds at the same moment on PostgreSQL: the database keeps one open round.

Two planners' ``round_open`` run in two threads (two connections) against a throwaway database, held
at the same point — both past the service's own "no open round" check, before either writes — and
then released together. Exactly one round opens; the other planner gets the service's normal error.
Skipped without a server, a failure under CITYHALL_REQUIRE_SERVICES=1 (as in CI).
"""

import pytest

from cityhall.core.tests.scenarios import run_scenario
from cityhall.core.tests.test_postgres import postgres_url  # noqa: F401 - the fixture

pytestmark = pytest.mark.postgres

SCENARIO = r"""
import json, os, threading
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from datetime import date
from django.core.management import call_command
from django.db import connection
from cityhall.core.audit import Actor
from cityhall.core.services import RecordInvalid
from cityhall.pledges import services
from cityhall.pledges.models import CheckinRound

call_command("migrate", verbosity=0)
if os.environ.get("DROP_CONSTRAINT"):  # shows the race the constraint closes
    with connection.cursor() as cursor:
        cursor.execute('DROP INDEX "checkin_round_one_open"')
connection.close()

together = threading.Barrier(2, timeout=30)
full_clean = CheckinRound.full_clean


def held_full_clean(self, *args, **kwargs):
    together.wait()  # both planners are past the check; they write at the same moment
    return full_clean(self, *args, **kwargs)


CheckinRound.full_clean = held_full_clean
results = {}


def planner(quarter):
    try:
        services.round_open(
            year=2025, quarter=quarter, opened_on=date(2025, 1, 2), closes_on=date(2025, 12, 31),
            actor=Actor.system(f"test:planner-{quarter}"),
        )
        results[quarter] = "opened"
    except RecordInvalid as exc:
        results[quarter] = " ".join(str(m) for messages in exc.errors.values() for m in messages)
    finally:
        connection.close()


threads = [threading.Thread(target=planner, args=(q,)) for q in (1, 2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({
    "results": sorted(results.values()),
    "open": list(CheckinRound.objects.filter(state="open").values_list("code", flat=True)),
}))
"""


def run(url: str, tmp_path, **env: str) -> dict:
    return run_scenario(SCENARIO, tmp_path, url=url, env=env)


def test_two_planners_open_rounds_at_the_same_moment(postgres_url, tmp_path):  # noqa: F811
    outcome = run(postgres_url, tmp_path)
    assert outcome["results"] == ["opened", "진행 중인 점검 회차가 있습니다. 먼저 마감하세요."]
    assert len(outcome["open"]) == 1 and outcome["open"][0] in {"2025-q1", "2025-q2"}


def test_without_the_constraint_both_would_open(postgres_url, tmp_path):  # noqa: F811
    """The scenario does race: with the partial unique index dropped, the service's check alone
    lets both rounds open."""
    outcome = run(postgres_url, tmp_path, DROP_CONSTRAINT="1")
    assert outcome["results"] == ["opened", "opened"]
    assert sorted(outcome["open"]) == ["2025-q1", "2025-q2"]
