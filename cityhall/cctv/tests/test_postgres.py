"""Two operators acknowledge the same event at the same moment, on PostgreSQL, in two threads (two
connections) of a scenario process against a throwaway database: exactly one succeeds, the other is
told it was handled already, and the audit trail holds one acknowledgement. Two triage workers storing
the same batch at once store each event once; two workers with one camera's events share its rate-limit
bucket; two officers deciding one video request make one decision. Skipped without a server, a failure under
CITYHALL_REQUIRE_SERVICES=1 (as in CI)."""

import pytest

from cityhall.core.tests.scenarios import run_scenario
from cityhall.core.tests.test_postgres import postgres_url  # noqa: F401 - the fixture

pytestmark = pytest.mark.postgres

SCENARIO = r"""
import json, os, threading, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from cityhall.cctv import services, triage
from cityhall.cctv.models import Camera, CameraSite, Event
from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.organisation.models import OrgUnit, RoleAssignment

call_command("migrate", verbosity=0)
unit = OrgUnit.objects.create(code="smart-city", name="스마트도시과", kind="department")
site = CameraSite.objects.create(
    code="CS-1", name="시험", org_unit=unit, risk=3, lat=Decimal("37.6"), lon=Decimal("126.7")
)
Camera.objects.create(code="CAM-1", site=site, installed_year=2020, lat=Decimal("37.6"), lon=Decimal("126.7"))
Camera.objects.create(code="CAM-2", site=site, installed_year=2020, lat=Decimal("37.6"), lon=Decimal("126.7"))
users = []
for name in ("op-1", "op-2"):
    user = get_user_model().objects.create_user(username=name, password="pw-for-tests-1")
    RoleAssignment.objects.create(user=user, role="editor", department=unit)
    users.append(user)
now = datetime.now(UTC)
payloads = [
    triage.encoder.encode({"id": f"e{i}", "camera": "CAM-1", "type": "fight", "confidence": 0.9,
                           "time": (now - timedelta(seconds=5)).isoformat()})
    for i in range(200)
]
connection.close()

together = threading.Barrier(2, timeout=30)
stored = []


def worker():
    try:
        together.wait()
        report = services.events_triage(
            [services.Incoming(p, time.time()) for p in payloads], context=services.TriageContext()
        )
        stored.append(report.stored)
    finally:
        connection.close()


threads = [threading.Thread(target=worker) for _ in range(2)]
for t in threads: t.start()
for t in threads: t.join()
event = Event.objects.get(code="e0")
connection.close()
results = []


def operator(user):
    try:
        together.wait()
        services.event_acknowledge(event=event, actor=Actor.for_user(user), with_camera=False)
        results.append("ok")
    except RecordInvalid as exc:
        results.append(str(exc))
    finally:
        connection.close()


threads = [threading.Thread(target=operator, args=(u,)) for u in users]
for t in threads: t.start()
for t in threads: t.join()

# Two workers, different events of one camera at the same instant: one shared bucket (10 at once).
later = now - timedelta(seconds=2)
halves = [
    [triage.encoder.encode({"id": f"r{w}-{i}", "camera": "CAM-2", "type": "fight", "confidence": 0.9,
                            "time": later.isoformat()}) for i in range(50)]
    for w in range(2)
]
connection.close()


def limited(batch):
    try:
        together.wait()
        services.events_triage(
            [services.Incoming(p, time.time()) for p in batch], context=services.TriageContext()
        )
    finally:
        connection.close()


threads = [threading.Thread(target=limited, args=(h,)) for h in halves]
for t in threads: t.start()
for t in threads: t.join()
on_wall = Event.objects.filter(code__startswith="r", status="new").count()

# Two officers decide the same video request at once: one decision.
request = services.video_request_create(
    camera="CAM-1", requester_kind="police", requester_name="김수사", requester_org="김포경찰서",
    period_start=now - timedelta(hours=2), period_end=now - timedelta(hours=1), purpose="수사",
    legal_basis="art18_2_7", actor=Actor.for_user(users[0]),
)
connection.close()
decisions = []


def officer(user, approve):
    try:
        together.wait()
        services.video_request_decide(
            request=request, approve=approve, masking_required=True, note="사유",
            retention_until=(now + timedelta(days=365)).date(), actor=Actor.for_user(user),
        )
        decisions.append("ok")
    except RecordInvalid as exc:
        decisions.append(str(exc))
    finally:
        connection.close()


threads = [threading.Thread(target=officer, args=(u, a)) for u, a in zip(users, (True, False))]
for t in threads: t.start()
for t in threads: t.join()
# What the batch document carries comes back exactly: quotes, a backslash and Korean in the texts, the
# confidence, the time to the microsecond, the reasons as JSON whose points add up to the severity.
odd_time = now - timedelta(seconds=3, microseconds=123457)
odd = triage.encoder.encode({"id": "odd-1", "camera": "CAM-1", "type": "fire_smoke", "confidence": 0.875,
                             "time": odd_time.isoformat(), "rule": "구역 \\1", "snapshot": 'snap://"따옴표"\\1.jpg'})
services.events_triage([services.Incoming(odd, time.time())], context=services.TriageContext())
e = Event.objects.get(code="odd-1")
roundtrip = [e.rule, e.snapshot, e.confidence, e.occurred_at == odd_time,
             sum(r["points"] for r in e.reasons) == e.severity, e.kind]
print(json.dumps({
    "roundtrip": roundtrip,
    "events": Event.objects.filter(code__startswith="e").count(),
    "stored": sorted(stored),
    "results": sorted(results),
    "acks": AuditEvent.objects.filter(action="ack").count(),
    "on_wall": on_wall,
    "decisions": sorted(decisions),
    "decided": AuditEvent.objects.filter(action="vr_decide").count(),
}))
"""


def test_concurrent_workers_and_operators_on_postgresql(postgres_url, tmp_path):  # noqa: F811
    outcome = run_scenario(SCENARIO, tmp_path, url=postgres_url)
    assert outcome["events"] == 200
    assert sum(outcome["stored"]) == 200  # each event stored once between the two workers
    assert outcome["on_wall"] == 10  # one shared bucket: 10 at once for the camera, not 10 per worker
    assert outcome["decisions"] == ["ok", "이미 결정된 요청입니다."]
    assert outcome["decided"] == 1
    assert outcome["results"] == ["ok", "이미 처리된 이벤트입니다 (확인)."]
    assert outcome["acks"] == 1
    assert outcome["roundtrip"] == ["구역 \\1", 'snap://"따옴표"\\1.jpg', 0.875, True, True, "fire_smoke"]
