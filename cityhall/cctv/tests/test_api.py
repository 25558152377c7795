"""The webhook (embedded default: triaged in-process) and the operators' actions in the API: what is
stored, the 422 with loc/msg for bad events (nothing stored), duplicates, and who may call."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from cityhall.cctv.models import Event, PoliceRequest
from cityhall.organisation.models import Role


@pytest.fixture
def client_for(make_user):
    def make(role, department="smart-city", name=None):
        user = make_user(name or f"u-{role}-{department}", role, department)
        client = Client()
        client.force_login(user)
        return client

    return make


def _event(**overrides):
    moment = datetime.now(UTC) - timedelta(seconds=3)
    return {
        "id": "vms-1",
        "camera": "CAM-A",
        "type": "fight",
        "confidence": 0.8,
        "time": moment.isoformat(),
    } | overrides


def _post(client, body):
    return client.post("/api/v1/cctv/events", data=json.dumps(body), content_type="application/json")


def test_webhook_stores_and_counts_duplicates(small_registry, client_for, settings):
    settings.CITYHALL_NATS_URL = ""
    client = client_for(Role.EDITOR)
    answer = _post(client, [_event(), _event(id="vms-2", camera="CAM-B")])
    assert answer.status_code == 200, answer.content
    assert answer.json() == {
        "queued": False,
        "accepted": 2,
        "stored": 2,
        "duplicates": 0,
        "by_status": {"new": 2},
    }
    again = _post(client, _event())
    assert again.json()["duplicates"] == 1
    assert Event.objects.count() == 2


def test_webhook_refuses_the_whole_request_when_one_event_is_bad(small_registry, client_for):
    client = client_for(Role.EDITOR)
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    answer = _post(
        client, [_event(), _event(id="x", camera="CAM-404"), _event(id="y", time=future), {"id": "z"}]
    )
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert [d["loc"] for d in detail] == [["body", 1, "camera"], ["body", 2, "time"], ["body", 3, "camera"]]
    assert "등록되지 않은 카메라입니다: CAM-404" in detail[0]["msg"]
    assert "미래" in detail[1]["msg"]
    assert Event.objects.count() == 0
    malformed = client.post("/api/v1/cctv/events", data=b"{oops", content_type="application/json")
    assert malformed.status_code == 422
    assert malformed.json()["detail"][0]["loc"] == ["body"]


@pytest.mark.parametrize(
    ("role", "department"), [(Role.VIEWER, "smart-city"), (Role.EDITOR, "policy-planning")]
)
def test_others_may_not_post_or_operate(small_registry, client_for, role, department):
    client = client_for(role, department)
    assert _post(client, _event()).status_code == 403
    assert client.get("/api/v1/cctv/wall").status_code == 403
    assert client.get("/cctv/").status_code == 403
    assert Event.objects.count() == 0


def test_wall_and_actions_in_the_api(small_registry, client_for):
    client = client_for(Role.EDITOR)
    _post(client, [_event(), _event(id="vms-2", camera="CAM-B", type="loitering", confidence=0.4)])
    wall = client.get("/api/v1/cctv/wall").json()
    assert [t["camera"] for t in wall] == ["CAM-A", "CAM-B"]
    bad = client.post(
        "/api/v1/cctv/events/vms-2/dismiss", data={"reason": "bored"}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "reason"]
    ok = client.post(
        "/api/v1/cctv/events/vms-2/dismiss", data={"reason": "false_alarm"}, content_type="application/json"
    )
    assert ok.json()["status"] == "dismissed"
    escalated = client.post(
        "/api/v1/cctv/events/vms-1/escalate",
        data={"station": "김포경찰서", "detail": "폭행 의심"},
        content_type="application/json",
    )
    assert escalated.status_code == 201
    assert PoliceRequest.objects.get().event.code == "vms-1"
    assert client.get("/api/v1/cctv/events/nope").status_code == 404


def test_pages_render_for_an_operator(small_registry, client_for):
    client = client_for(Role.EDITOR)
    _post(client, _event())
    wall = client.get("/cctv/")
    assert wall.status_code == 200
    assert "CAM-A" in wall.content.decode()
    assert client.get("/cctv/events/vms-1/").status_code == 200
    registry = client.get("/cctv/registry/")
    assert registry.status_code == 200 and "1,237,427" in registry.content.decode()
    refused = client.post("/cctv/events/vms-1/dismiss/", data={"reason": ""})
    assert refused.status_code == 422 and "종결 사유를 고르세요" in refused.content.decode()
    assert client.post("/cctv/events/vms-1/acknowledge/").status_code == 302
    assert Event.objects.get().status == "acknowledged"
