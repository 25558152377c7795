"""Triage into the database and the operators' wall: scoring, de-duplication, suppression and rate
limits as stored; acknowledge / dismiss / escalate with their rights, errors and audit trail."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from cityhall.cctv import selectors, services, triage
from cityhall.cctv.choices import EventStatus
from cityhall.cctv.models import CameraRate, Event, PoliceRequest, Suppression
from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.organisation.models import Role
from cityhall.telemetry.models import DeadLetter

from .conftest import NIGHT


def _payload(event_id, camera="CAM-A", kind="fire_smoke", confidence=0.9, rule="", minutes_ago=1):
    moment = NIGHT - timedelta(minutes=minutes_ago)
    return triage.encoder.encode(
        {
            "id": event_id,
            "camera": camera,
            "type": kind,
            "confidence": confidence,
            "time": moment.isoformat(),
            "rule": rule,
        }
    )


def _triage(*payloads, context=None):
    context = context or services.TriageContext()
    items = [services.Incoming(p, NIGHT.timestamp()) for p in payloads]
    return services.events_triage(items, context=context, now=NIGHT)


def test_events_are_scored_stored_once_and_bad_ones_dead_lettered(small_registry):
    report = _triage(
        _payload("e1"),
        _payload("e1"),
        _payload("e2", camera="CAM-B", kind="loitering", confidence=0.5),
        _payload("bad", camera="CAM-404"),
    )
    assert (report.stored, report.duplicates, report.rejected) == (2, 1, 1)
    fire = Event.objects.get(code="e1")
    assert fire.severity == 81  # (60 + 15 night + 15 risk 4) × 0.9, as in test_triage
    assert fire.status == EventStatus.NEW
    assert [r["points"] for r in fire.reasons] == [60, 15, 15, -9]
    dead = DeadLetter.objects.get()
    assert (dead.reason, dead.field, dead.topic) == ("unknown_device", "camera", "cctv.events")
    # A redelivery of the same batch stores nothing more.
    again = _triage(_payload("e1"), _payload("e2", camera="CAM-B", kind="loitering", confidence=0.5))
    assert (again.stored, again.duplicates) == (0, 2)
    assert Event.objects.count() == 2


def test_suppressed_and_throttled_events_stay_off_the_wall(small_registry):
    Suppression.objects.create(
        site=small_registry["a"].site, rule="zone-9", start=time(22), end=time(6), reason="공사장"
    )
    context = services.TriageContext(limiter=triage.RateLimiter(per_minute=1, burst=2))
    _triage(_payload("s1", rule="zone-9"), context=context)
    _triage(*[_payload(f"r{i}", camera="CAM-B", kind="intrusion") for i in range(3)], context=context)
    statuses = dict(Event.objects.values_list("code", "status"))
    assert statuses == {"s1": "suppressed", "r0": "new", "r1": "new", "r2": "throttled"}
    assert Event.objects.get(code="s1").reasons[-1] == {
        "factor": "suppressed",
        "label": "공사장",
        "points": 0,
    }
    tiles = selectors.wall(NIGHT)
    assert [t.camera.code for t in tiles] == ["CAM-B"]
    assert tiles[0].waiting == 2


def test_wall_orders_cameras_by_severity_and_deals_them_to_operators(small_registry):
    _triage(_payload("low", camera="CAM-B", kind="loitering", confidence=0.5), _payload("high"))
    config = selectors.WallSettings(monitors=1, operators_per_shift=1)
    assert [t.camera.code for t in selectors.wall(NIGHT, config)] == ["CAM-A"]
    tiles = selectors.wall(NIGHT, selectors.WallSettings(monitors=4, operators_per_shift=2))
    assert [(t.slot, t.operator, t.camera.code, t.event.severity) for t in tiles] == [
        (1, 1, "CAM-A", 81),
        (2, 1, "CAM-B", 18),  # (20 loitering + 15 night + 0 risk 1) × 0.5 = 17.5 → 18
    ]


@pytest.fixture
def operators(make_user):
    return {
        "editor": make_user("sc-editor", Role.EDITOR, "smart-city"),
        "viewer": make_user("sc-viewer", Role.VIEWER, "smart-city"),
        "other": make_user("pp-editor", Role.EDITOR, "policy-planning"),
    }


def test_acknowledge_covers_the_camera_and_is_audited(small_registry, operators):
    _triage(_payload("a1"), _payload("a2", kind="intrusion"))
    event = Event.objects.get(code="a1")
    later = NIGHT + timedelta(seconds=42)
    services.event_acknowledge(event=event, actor=Actor.for_user(operators["editor"]), now=later)
    rows = Event.objects.order_by("code").values_list("code", "status", "handled_by__username")
    assert list(rows) == [("a1", "acknowledged", "sc-editor"), ("a2", "acknowledged", "sc-editor")]
    assert (Event.objects.get(code="a1").handled_at - NIGHT).total_seconds() == 42
    assert AuditEvent.objects.filter(action="ack", record_type="cctv_events").count() == 2
    assert selectors.wall(NIGHT) == []
    with pytest.raises(RecordInvalid, match="이미 처리된 이벤트"):
        services.event_acknowledge(event=event, actor=Actor.for_user(operators["editor"]))


@pytest.mark.parametrize("who", ["viewer", "other"])
def test_only_the_centre_operates_the_wall(small_registry, operators, who):
    _triage(_payload("p1"))
    event = Event.objects.get()
    actor = Actor.for_user(operators[who])
    with pytest.raises(PermissionDenied):
        services.event_acknowledge(event=event, actor=actor)
    with pytest.raises(PermissionDenied):
        services.event_dismiss(event=event, actor=actor, reason="false_alarm")
    with pytest.raises(PermissionDenied):
        services.event_escalate(event=event, actor=actor, station="김포경찰서", detail="출동 요청")
    event.refresh_from_db()
    assert event.status == EventStatus.NEW and event.handled_at is None
    assert not AuditEvent.objects.filter(record_type="cctv_events").exists()


def test_dismiss_needs_a_reason_and_escalate_writes_a_police_request(small_registry, operators):
    _triage(_payload("d1"), _payload("x1", camera="CAM-B", kind="fight"))
    actor = Actor.for_user(operators["editor"])
    with pytest.raises(RecordInvalid) as caught:
        services.event_dismiss(event=Event.objects.get(code="d1"), actor=actor, reason="")
    assert "종결 사유를 고르세요" in caught.value.errors["reason"][0]
    services.event_dismiss(
        event=Event.objects.get(code="d1"), actor=actor, reason="false_alarm", note="나뭇가지"
    )
    assert Event.objects.get(code="d1").dismiss_reason == "false_alarm"
    with pytest.raises(RecordInvalid) as caught:
        services.event_escalate(event=Event.objects.get(code="x1"), actor=actor, station="", detail="")
    assert set(caught.value.errors) == {"station", "detail"}
    police = services.event_escalate(
        event=Event.objects.get(code="x1"),
        actor=actor,
        station="김포경찰서 사우지구대",
        detail="폭행 의심, 출동 요청",
    )
    assert police.number.startswith("PR-") and police.number.endswith("-00001")
    assert Event.objects.get(code="x1").status == EventStatus.ESCALATED
    assert AuditEvent.objects.filter(record_type="cctv_police_requests", action="create").count() == 1
    assert PoliceRequest.objects.count() == 1


def test_rate_limit_is_shared_by_workers_and_survives_a_restart(small_registry):
    # Two workers (two contexts, as two processes would hold) and then a restarted one: one bucket per
    # camera, kept in the database — burst 3, so of 2 + 2 + 2 events at one instant only 3 are new.
    def context():
        return services.TriageContext(limiter=triage.RateLimiter(per_minute=1, burst=3))

    _triage(_payload("w1-0"), _payload("w1-1"), context=context())
    _triage(_payload("w2-0"), _payload("w2-1"), context=context())
    _triage(_payload("w3-0"), _payload("w3-1"), context=context())
    statuses = dict(Event.objects.values_list("code", "status"))
    assert sorted(statuses.values()).count("new") == 3
    assert statuses["w1-0"] == statuses["w1-1"] == statuses["w2-0"] == "new"


def test_exclusive_worker_keeps_buckets_in_memory_and_leaves_a_snapshot_for_its_successor(small_registry):
    # A partition's worker alone sees its cameras: burst 3 held in memory across batches, written to
    # the database only when a snapshot is due; the worker started in its place reads that snapshot.
    def worker(snapshot_s):
        return services.TriageContext(
            limiter=triage.RateLimiter(per_minute=1, burst=3), exclusive=True, snapshot_s=snapshot_s
        )

    first = worker(snapshot_s=3600)
    _triage(_payload("x1-0"), _payload("x1-1"), context=first)
    assert not CameraRate.objects.exists()  # no snapshot due yet: nothing written for the buckets
    _triage(_payload("x2-0"), _payload("x2-1"), context=first)  # the bucket from memory: 2 + 1 left
    first.snapshot_s = 0
    _triage(_payload("x3-0"), context=first)  # due now: written with this batch
    tokens, updated = (
        CameraRate.objects.filter(camera=small_registry["a"]).values_list("tokens", "updated").get()
    )
    assert tokens < 1.0 and updated == (NIGHT - timedelta(minutes=1)).timestamp()
    successor = worker(snapshot_s=3600)
    _triage(_payload("x4-0"), context=successor)
    statuses = dict(Event.objects.values_list("code", "status"))
    assert statuses == {
        "x1-0": "new",
        "x1-1": "new",
        "x2-0": "new",
        "x2-1": "throttled",
        "x3-0": "throttled",
        "x4-0": "throttled",  # the successor starts from the snapshot, not from a full bucket
    }
