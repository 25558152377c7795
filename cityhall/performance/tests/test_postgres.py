"""Two people recording the same indicator's grade, or the same quarter's actual, at the same moment on
PostgreSQL: the second write becomes a correction of the first (the indicator's row lock orders
them), never a unique-constraint error.

Two threads (two connections) on a throwaway database; each write is held just before it saves until
the other arrives or 3 s pass, so without the lock both would insert at the same moment. Skipped
without a server, a failure under CITYHALL_REQUIRE_SERVICES=1 (as in CI).
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
from django.core.management import call_command
from django.db import connection
from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.organisation.models import OrgUnit
from cityhall.performance import services
from cityhall.performance.models import Indicator, IndicatorActual, IndicatorGrade

call_command("migrate", verbosity=0)
unit = OrgUnit.objects.create(code="dept", name="부서", kind="department")
indicator = Indicator.objects.create(code="ind", name="지표", year=2025, department=unit)
connection.close()


def held(model):
    rendezvous = threading.Barrier(2, timeout=3)
    save = model.save

    def held_save(self, *args, **kwargs):
        try:
            rendezvous.wait()  # both writers at the point of saving, if the database lets them
        except threading.BrokenBarrierError:
            pass
        return save(self, *args, **kwargs)

    model.save = held_save


held(IndicatorGrade)
held(IndicatorActual)
results = []


def writer(run, value):
    try:
        run(value)
        results.append("ok")
    except Exception as exc:
        results.append(f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()


def grade(value):
    services.indicator_grade_set(indicator=indicator, grade=value, actor=Actor.system(f"test:{value}"))


def actual(value):
    services.indicator_actual_record(
        indicator=indicator, quarter=1, value=value, actor=Actor.system(f"test:{value}")
    )


for run, values in ((grade, ("S", "A")), (actual, ("10", "20"))):
    threads = [threading.Thread(target=writer, args=(run, v)) for v in values]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
events = AuditEvent.objects.order_by("id")
print(json.dumps({
    "results": results,
    "grades": list(IndicatorGrade.objects.values_list("grade", flat=True)),
    "actuals": [str(v) for v in IndicatorActual.objects.values_list("value", flat=True)],
    "events": [[e.record_type, e.action] for e in events],
}))
"""


def test_concurrent_first_grade_and_actual(postgres_url, tmp_path):  # noqa: F811
    outcome = run_scenario(SCENARIO, tmp_path, url=postgres_url)
    assert outcome["results"] == ["ok", "ok", "ok", "ok"]
    assert len(outcome["grades"]) == 1 and outcome["grades"][0] in {"S", "A"}
    assert len(outcome["actuals"]) == 1 and outcome["actuals"][0] in {"10.00", "20.00"}
    assert outcome["events"] == [
        ["indicator_grades", "create"],
        ["indicator_grades", "update"],
        ["indicator_actuals", "create"],
        ["indicator_actuals", "update"],
    ]
