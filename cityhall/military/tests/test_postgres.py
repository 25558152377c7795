"""Applications arriving at the same moment on PostgreSQL: one application per person and year, and
distinct 접수번호. Four clerks submit in four threads (four connections) released together: two of
them for the same person. Skipped without a server, a failure under CITYHALL_REQUIRE_SERVICES=1."""

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
from cityhall.core.services import RecordInvalid
from cityhall.military import services
from cityhall.military.models import NoiseApplication
from cityhall.organisation.models import OrgUnit

call_command("migrate", verbosity=0)
OrgUnit.objects.create(code="policy-planning", name="정책기획과", kind="department")
version = services.rule_version_load_default(actor=Actor.system("t"))
year = services.year_open(year=2025, org_unit=OrgUnit.objects.get(), area="군하리", rule_version=version,
                          actor=Actor.system("t"))
connection.close()
together = threading.Barrier(4, timeout=30)
results = []
PEOPLE = ["800101-1234567", "800101-1234567", "750505-2000001", "660606-1000002"]


def clerk(i):
    together.wait()
    try:
        app = services.application_submit(year=year, actor=Actor.system(f"clerk-{i}"), data={
            "name": f"신청인{i}", "resident_number": PEOPLE[i], "address": "군하리", "zone": "3",
            "moved_in_on": "2005-03-01", "applied_on": "2025-02-10", "bank_code": "011",
            "account_number": "3011234567891"})
        results.append(app.number)
    except RecordInvalid as exc:
        results.append(str(exc))
    finally:
        connection.close()


threads = [threading.Thread(target=clerk, args=(i,)) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps({"results": sorted(map(str, results)),
                  "numbers": sorted(NoiseApplication.objects.values_list("number", flat=True))}))
"""


def test_simultaneous_applications(postgres_url, tmp_path):  # noqa: F811
    outcome = run_scenario(SCENARIO, tmp_path, url=postgres_url)
    assert outcome["numbers"] == [1, 2, 3]
    assert outcome["results"] == ["1", "2", "3", "이 사람의 2025년 신청이 이미 있습니다."]
