"""Ledger imports at the same moment on PostgreSQL (two threads, two connections, a throwaway
database): two imports of one month queue up on the month's row lock, so the month ends as exactly
one of the two files, never a mix or twice the rows; two imports of different months of a new year
both create the same new lines without tripping over each other. Skipped without a server, a failure
under CITYHALL_REQUIRE_SERVICES=1 (as in CI)."""

import json

import pytest

from cityhall.core.tests.scenarios import run_scenario
from cityhall.core.tests.test_postgres import postgres_url  # noqa: F401 - the fixture

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SCENARIO = r"""
import json, os, sys, threading
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.core.management import call_command
from django.db import connection
from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.transfer import import_document, read_dataset
from cityhall.finance.execution.importer import execution_import
from cityhall.finance.models import BudgetLine, Execution, ExecutionMonth
sys.path.insert(0, os.getcwd())
from cityhall.finance.tests.helpers import csv_bytes, two_lines

call_command("migrate", verbosity=0)
import_document(read_dataset("gimpo-2025"), actor=Actor.system("test"))
connection.close()
MONTHS = json.loads(os.environ["MONTHS"])
together = threading.Barrier(len(MONTHS), timeout=60)
results = []


def importer(i, month):
    try:
        content = csv_bytes(two_lines((100_000 * (i + 1), 10_000 * (i + 1))))
        together.wait()  # both start at the same moment
        execution_import(
            year=2030, month=month, content=content, file_name=f"{i}.csv", actor=Actor.system(f"t{i}")
        )
        results.append("ok")
    except Exception as exc:
        results.append(f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()


threads = [threading.Thread(target=importer, args=(i, m)) for i, m in enumerate(MONTHS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps({
    "results": results,
    "rows": sorted(Execution.objects.values_list("month__month", "line__ledger_code", "executed")),
    "lines": BudgetLine.objects.filter(year=2030).count(),
    "months": list(ExecutionMonth.objects.values_list("month", "rows")),
    "audits": AuditEvent.objects.filter(record_type="execution_months").count(),
}))
"""


def run(url: str, tmp_path, months) -> dict:
    return run_scenario(SCENARIO, tmp_path, url=url, env={"MONTHS": json.dumps(months)})


def test_two_imports_of_one_month_queue_up(postgres_url, tmp_path):  # noqa: F811
    outcome = run(postgres_url, tmp_path, [5, 5])
    assert outcome["results"] == ["ok", "ok"]
    assert outcome["months"] == [[5, 2]] and outcome["lines"] == 2 and outcome["audits"] == 2
    first = [[5, "A-1", 100_000], [5, "B-1", 10_000]]
    second = [[5, "A-1", 200_000], [5, "B-1", 20_000]]
    assert outcome["rows"] in (first, second)  # one file whole, never a mix


def test_two_months_of_a_new_year_create_the_lines_once(postgres_url, tmp_path):  # noqa: F811
    outcome = run(postgres_url, tmp_path, [1, 2])
    assert outcome["results"] == ["ok", "ok"]
    assert outcome["lines"] == 2 and sorted(outcome["months"]) == [[1, 2], [2, 2]]
    assert len(outcome["rows"]) == 4
