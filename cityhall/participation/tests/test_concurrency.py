"""The same voter from several sessions at once: exactly one ballot, the last one written wins, and
every other voter's ballot is counted once — with real threads (one connection each) on SQLite (a
file database in WAL mode, as deployed) and on PostgreSQL (a throwaway database).

The scenario runs in a subprocess against its own database, so the threads really race: a barrier
holds them all just before ``ballot_cast`` and releases them together. Skipped without a PostgreSQL
server (a failure under CITYHALL_REQUIRE_SERVICES=1, as in CI)."""

import json
import os
import subprocess
import sys

import pytest

from cityhall.core.tests.test_postgres import postgres_url  # noqa: F401 - the fixture

SCENARIO = r"""
import json, os, threading
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from cityhall.core.audit import Actor
from cityhall.core.services import RecordInvalid
from cityhall.participation import services
from cityhall.participation.models import Ballot, Participation, Verification
from cityhall.participation.tests.factories import process

call_command("migrate", verbosity=0)
proc = process(budget=10_000_000, costs=[1_000_000] * 6)
heading = proc.headings.get()
User = get_user_model()
users = []
for i in range(12):
    user = User.objects.create_user(username=f"v{i}", password="x")
    data = {"phone": f"010{i:08d}", "birth_year": "1980"}
    services.verify_with_provider(user=user, provider="mock", data=data, actor=Actor.for_user(user))
    users.append(user)
connection.close()

SESSIONS = 6  # the same voter (users[0]) in six sessions, plus eleven other voters, all at once
together = threading.Barrier(SESSIONS + len(users) - 1, timeout=60)
errors, replaced = [], []
choices = {s: [s + 1] for s in range(SESSIONS)}


def vote(user, numbers):
    try:
        together.wait()
        for attempt in range(20):
            try:
                replaced.append(services.ballot_cast(process=proc, heading=heading, projects=numbers,
                                                     actor=Actor.for_user(user)))
                break
            except Exception as exc:
                if "locked" not in str(exc) and "deadlock" not in str(exc).lower():
                    raise
        else:
            errors.append("gave up")
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connection.close()


threads = [threading.Thread(target=vote, args=(users[0], choices[s])) for s in range(SESSIONS)]
threads += [threading.Thread(target=vote, args=(user, [1, 2])) for user in users[1:]]
for t in threads:
    t.start()
for t in threads:
    t.join()
from cityhall.participation.identity import ballot_key
mine = Ballot.objects.get(ballot_key=ballot_key(proc.pk, Verification.objects.get(user=users[0]).person_key))
print(json.dumps({
    "errors": errors,
    "participations": Participation.objects.count(),
    "ballots": Ballot.objects.count(),
    "replaced": sum(replaced),
    "mine": mine.projects,
    "others": sorted({tuple(b) for b in Ballot.objects.exclude(pk=mine.pk).values_list("projects", flat=1)}),
}))
"""


def run(url: str, tmp_path) -> dict:
    environment = {**os.environ, "CITYHALL_DATA_DIR": str(tmp_path)}
    if url:
        environment["DATABASE_URL"] = url
    else:
        environment.pop("DATABASE_URL", None)
    done = subprocess.run(  # noqa: S603 - our own scenario
        [sys.executable, "-c", SCENARIO], env=environment, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def check(outcome: dict) -> None:
    assert outcome["errors"] == []
    assert outcome["participations"] == outcome["ballots"] == 12  # none lost, none doubled
    assert outcome["replaced"] == 5  # the first of the six sessions created, five replaced
    assert outcome["mine"] in [[s + 1] for s in range(6)]  # whole, one session's choice
    assert outcome["others"] == [[1, 2]]


@pytest.mark.slow
def test_one_voter_many_sessions_on_sqlite(tmp_path):
    check(run("", tmp_path))


@pytest.mark.postgres
def test_one_voter_many_sessions_on_postgresql(postgres_url, tmp_path):  # noqa: F811
    check(run(postgres_url, tmp_path))
