"""Recording progress at the same moment on PostgreSQL: the project's row lock keeps the total within
the project's scale.

Two editors' ``progress_record`` run in two threads (two connections) against a throwaway database,
released together; each would fit alone (15.7 + 10 ≤ 28.071 km) but not both. The second waits for
the first's lock, then sees its row and is refused with the service's normal error. Skipped without
a server, a failure under CITYHALL_REQUIRE_SERVICES=1 (as in CI).
"""

import pytest

from cityhall.core.tests.scenarios import run_scenario
from cityhall.core.tests.test_postgres import postgres_url  # noqa: F401 - the fixture

pytestmark = [pytest.mark.postgres, pytest.mark.slow]  # a throwaway database, migrated and loaded

SCENARIO = r"""
import json, os, threading
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from datetime import date
from decimal import Decimal
from django.core.management import call_command
from django.db import connection
from cityhall.core.audit import Actor
from cityhall.core.services import RecordInvalid
from cityhall.core.transfer import import_document, read_dataset
from cityhall.gis.models import ProjectProgress, UpdateProject
from cityhall.gis.services import gis_load_sample, progress_record

call_command("migrate", verbosity=0)
import_document(read_dataset("gimpo-2025"), actor=Actor.system("test"))
gis_load_sample(actor=Actor.system("test"))
connection.close()
project = UpdateProject.objects.get(code="road-facility-db-2025")
together = threading.Barrier(2, timeout=30)
results = []


def editor(n):
    try:
        together.wait()
        progress_record(project=project, area="대곶면", sheet=f"37608{n}", quantity="10",
                        done_on=date(2025, 11, 1), actor=Actor.system(f"test:editor-{n}"))
        results.append("recorded")
    except RecordInvalid as exc:
        results.append(" ".join(exc.messages))
    finally:
        connection.close()


threads = [threading.Thread(target=editor, args=(n,)) for n in (1, 2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
total = sum(p.quantity for p in ProjectProgress.objects.filter(project=project))
print(json.dumps({"results": sorted(results), "total": str(total)}))
"""


def test_two_editors_record_progress_at_the_same_moment(postgres_url, tmp_path):  # noqa: F811
    outcome = run_scenario(SCENARIO, tmp_path, url=postgres_url)
    assert outcome["results"] == [
        "recorded",
        "누적 실적 35.7km이(가) 사업 규모 28.071km을(를) 넘습니다 (남은 양 2.371km).",
    ]
    assert outcome["total"] == "25.700"
