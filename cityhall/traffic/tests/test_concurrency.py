"""Two first uses of the twin at the same moment on PostgreSQL register the synthetic network once.

Both threads are held past the service's "no active network" check, before either writes, then
released together: the unique network code lets one register it, the other reads the winner's.
Skipped without a server, a failure under CITYHALL_REQUIRE_SERVICES=1 (as in CI)."""

import pytest

from cityhall.core.tests.scenarios import run_scenario
from cityhall.core.tests.test_postgres import postgres_url  # noqa: F401 - the fixture

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SCENARIO = r"""
import json, os, threading
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.core.management import call_command
from django.db import connection
from cityhall.core.audit import Actor
from cityhall.core.transfer import import_document, read_dataset
from cityhall.traffic import services
from cityhall.traffic.models import SignalController, TrafficNetwork

call_command("migrate", verbosity=0)
import_document(read_dataset("gimpo-2025"), actor=Actor.system("test:load"))
connection.close()

together = threading.Barrier(2, timeout=60)
register = services._register_network


def held_register(**kwargs):
    together.wait()  # both are past the "no active network" check
    return register(**kwargs)


services._register_network = held_register
got, errors = [], []


def first_use(n):
    try:
        got.append(services.network_ensure_default(actor=Actor.system(f"test:first-{n}")).pk)
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connection.close()


threads = [threading.Thread(target=first_use, args=(n,)) for n in (1, 2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({
    "errors": errors,
    "distinct": len(set(got)),
    "networks": TrafficNetwork.objects.count(),
    "controllers": SignalController.objects.count(),
}))
"""


def test_two_first_uses_register_one_network(postgres_url, tmp_path):  # noqa: F811
    assert run_scenario(SCENARIO, tmp_path, url=postgres_url, timeout=600) == {
        "errors": [],
        "distinct": 1,
        "networks": 1,
        "controllers": 36,
    }
