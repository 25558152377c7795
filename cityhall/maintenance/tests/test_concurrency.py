"""Two (here eight) detections of the same fault at the same moment, in real threads with one
connection each: one order. Also for different assets at once: one order each, numbers without gaps.
On SQLite and on PostgreSQL (a throwaway database; skipped without a server)."""

import json
import os
import subprocess
import sys

import pytest

from cityhall.core.tests.test_postgres import postgres_url  # noqa: F401 - the fixture

N = 8

SCENARIO = r"""
import json, os, sys, threading
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.core.management import call_command
from django.db import connection
from cityhall.core.audit import Actor
from cityhall.maintenance import services
from cityhall.maintenance.models import MaintenanceOrder
from cityhall.core.models import AuditEvent
from cityhall.organisation.models import OrgUnit

N = int(sys.argv[1])
call_command("migrate", "maintenance", verbosity=0)
call_command("migrate", "core", verbosity=0)
unit, _ = OrgUnit.objects.get_or_create(
    code="smart-city", defaults={"name": "스마트도시과", "kind": "department"}
)
connection.close()


def race(fn):
    together = threading.Barrier(N, timeout=60)
    results = {}

    def run(i):
        try:
            together.wait()
            results[i] = fn(i)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [results[i] for i in range(N)]


def same(i):
    asset = services.AssetRef(app="bus", key="bit:BIT-R", label="BIT-R", org_unit=unit)
    order, created = services.order_open(asset=asset, kind="bit_offline", kind_label="BIT 통신 두절",
                                         due_hours=24, actor=Actor.system(f"rules:{i}"))
    return [order.number, created]


def each(i):
    asset = services.AssetRef(app="bus", key=f"bit:BIT-{i}", label=f"BIT-{i}", org_unit=unit)
    order, created = services.order_open(asset=asset, kind="bit_offline", kind_label="BIT 통신 두절",
                                         due_hours=24, actor=Actor.system(f"rules:{i}"))
    return [order.number, created]


same_results = race(same)
each_results = race(each)
print(json.dumps({
    "same": same_results,
    "each": each_results,
    "orders": MaintenanceOrder.objects.count(),
    "audited": AuditEvent.objects.filter(record_type="maintenance_orders", action="create").count(),
}))
"""


def run(tmp_path, url: str = "") -> dict:
    env = {**os.environ, "CITYHALL_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    if url:
        env["DATABASE_URL"] = url
    done = subprocess.run(  # noqa: S603 - our own scenario
        [sys.executable, "-c", SCENARIO, str(N)], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def check(outcome: dict) -> None:
    numbers = {number for number, _created in outcome["same"]}
    assert len(numbers) == 1  # everyone got the one order
    assert sum(created for _number, created in outcome["same"]) == 1
    each = sorted(number for number, _created in outcome["each"])
    assert all(created for _number, created in outcome["each"])
    assert each == [f"MO-{each[0][3:7]}-{n:05d}" for n in range(2, N + 2)]
    assert outcome["orders"] == outcome["audited"] == N + 1


@pytest.mark.slow
def test_one_order_per_fault_on_sqlite(tmp_path):
    check(run(tmp_path))


@pytest.mark.postgres
@pytest.mark.slow
def test_one_order_per_fault_on_postgresql(postgres_url, tmp_path):  # noqa: F811
    check(run(tmp_path, postgres_url))
