"""The work queue: the department that answers for an asset assigns its order to one of its editors or
to a contractor, and closes it; other departments read it (any role reads, as on every record page) but
do not touch it; bad input writes nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.maintenance import selectors, services
from cityhall.maintenance.models import MaintenanceOrder
from cityhall.organisation.models import OrgUnit, Role

RULES = Actor.system("rules:test")
AT = datetime(2025, 3, 4, 0, 0, tzinfo=UTC)  # 09:00 KST


def _open(key: str, *, hours: int = 24, at: datetime = AT) -> MaintenanceOrder:
    asset = services.AssetRef(
        app="bus",
        key=key,
        label=f"BIT {key}",
        org_unit=OrgUnit.objects.get(code="smart-city"),
        location="정류소",
    )
    order, _created = services.order_open(
        asset=asset, kind="bit_offline", kind_label="BIT 통신 두절", due_hours=hours, actor=RULES, now=at
    )
    return order


@pytest.fixture
def order(db):
    return _open("bit:BIT-A1")


@pytest.fixture
def staff(make_user):
    return {
        "lead": make_user("sc-manager", Role.MANAGER, "smart-city"),
        "tech": make_user("sc-editor", Role.EDITOR, "smart-city"),
        "viewer": make_user("sc-viewer", Role.VIEWER, "smart-city"),
        "outsider": make_user("bl-editor", Role.EDITOR, "budget-legal"),
    }


def _events(order, action):
    return AuditEvent.objects.filter(record_type="maintenance_orders", record_id=order.pk, action=action)


def test_the_department_assigns_and_hands_over_audited(order, staff):
    done = services.order_assign(
        order=order,
        assignee=staff["tech"],
        contractor="",
        note="오전 출동",
        actor=Actor.for_user(staff["lead"]),
    )
    assert (done.status, done.assignee, done.assignment_note) == ("assigned", staff["tech"], "오전 출동")
    event = _events(order, "assign").get()
    assert event.user == staff["lead"]
    assert (event.before["status"], event.after["status"], event.after["assignee"]) == (
        "open",
        "assigned",
        "sc-editor",
    )
    # the same again records nothing; a contractor added is a hand-over, recorded
    services.order_assign(
        order=order, assignee=staff["tech"], note="오전 출동", actor=Actor.for_user(staff["lead"])
    )
    assert _events(order, "assign").count() == 1
    services.order_assign(
        order=order, assignee=None, contractor="(주)김포전기", note="", actor=Actor.for_user(staff["lead"])
    )
    assert _events(order, "assign").count() == 2
    assert MaintenanceOrder.objects.get(pk=order.pk).contractor == "(주)김포전기"
    # the one assigned closes it; it stays one open order per asset until then
    closed = services.order_close(order=order, resolution="모뎀 교체", actor=Actor.for_user(staff["tech"]))
    assert (closed.status, closed.closed_by, closed.recovered_at) == ("closed", staff["tech"], None)


def test_who_may_not_assign_or_close_changes_nothing(order, staff):
    for who in ("viewer", "outsider"):
        with pytest.raises(PermissionDenied):
            services.order_assign(order=order, contractor="업체", actor=Actor.for_user(staff[who]))
        with pytest.raises(PermissionDenied):
            services.order_close(order=order, resolution="x", actor=Actor.for_user(staff[who]))
    lead = Actor.for_user(staff["lead"])
    with pytest.raises(RecordInvalid, match="담당자나 유지보수 업체"):
        services.order_assign(order=order, assignee=None, contractor="  ", actor=lead)
    with pytest.raises(RecordInvalid, match="편집자·관리자여야 합니다"):
        services.order_assign(order=order, assignee=staff["outsider"], actor=lead)
    with pytest.raises(RecordInvalid, match="편집자·관리자여야 합니다"):
        services.order_assign(order=order, assignee=staff["viewer"], actor=lead)
    fresh = MaintenanceOrder.objects.get(pk=order.pk)
    assert (fresh.status, fresh.assignee, fresh.contractor) == ("open", None, "")
    assert not _events(order, "assign").exists() and not _events(order, "close").exists()
    services.order_close(order=order, resolution="자동 복구", actor=RULES)  # the rules still close it
    with pytest.raises(RecordInvalid, match="완료된"):
        services.order_assign(order=order, contractor="업체", actor=lead)


def test_the_queue_shows_what_is_to_do_and_what_is_late_to_any_role(order, staff, make_user):
    late = _open("bit:BIT-A2", hours=1, at=AT - timedelta(days=2))
    services.order_close(order=_open("bit:BIT-A3"), resolution="복구", actor=RULES)
    now = AT + timedelta(hours=1)
    tech = staff["tech"]
    assert [o.number for o in selectors.work_queue(tech, view="active", app=None, now=now)] == [
        late.number,
        order.number,
    ]
    assert [o.number for o in selectors.work_queue(tech, view="overdue", app=None, now=now)] == [late.number]
    assert selectors.work_queue(tech, view="closed", app="bus", now=now).count() == 1
    assert selectors.work_queue(tech, view="all", app="traffic", now=now).count() == 0
    assert selectors.queue_counts(tech, now=now) == {"open": 2, "assigned": 0, "active": 2, "overdue": 1}
    assert selectors.queue_counts(staff["outsider"], now=now)["active"] == 2
    assert selectors.queue_counts(make_user("no-role"), now=now)["active"] == 0


def test_the_pages_assign_and_close_and_explain_in_korean(client, order, staff):
    path = f"/maintenance/{order.number}/"
    client.force_login(staff["outsider"])
    page = client.get(path)
    assert page.status_code == 200 and "담당 배정" not in page.content.decode()  # read, no forms
    assert client.post(path, {"action": "assign", "contractor": "업체"}).status_code == 403
    client.force_login(staff["viewer"])
    assert client.post(path, {"action": "assign", "contractor": "업체"}).status_code == 403
    assert client.get("/maintenance/MO-2099-00001/").status_code == 404
    client.force_login(staff["lead"])
    assert client.get("/maintenance/?view=soon").status_code == 400
    bad = client.post(path, {"action": "assign", "assignee": "", "contractor": ""})
    assert (
        bad.status_code == 422 and "담당자나 유지보수 업체 중 하나는 정해야 합니다." in bad.content.decode()
    )
    assert client.post(path, {"action": "assign", "assignee": "abc"}).status_code == 422
    assert client.post(path, {"action": "assign", "assignee": "²"}).status_code == 422
    long = client.post(path, {"action": "assign", "contractor": "업체", "note": "메" * 301})
    assert long.status_code == 422 and "배정 메모은(는) 300자 이내로" in long.content.decode()
    ok = client.post(path, {"action": "assign", "assignee": str(staff["tech"].pk), "note": "오전"})
    assert ok.status_code == 302
    queue = client.get("/maintenance/?view=assigned").content.decode()
    assert order.number in queue and "sc-editor" in queue
    empty = client.post(path, {"action": "close", "resolution": " "})
    assert empty.status_code == 422 and "처리 내용을 입력하세요." in empty.content.decode()
    assert client.post(path, {"action": "close", "resolution": "모뎀 교체"}).status_code == 302
    page = client.get(path).content.decode()
    assert "모뎀 교체" in page and "담당 배정" in page  # the history names the assignment


def test_the_api_follows_the_same_rules(client, order, staff):
    base = f"/api/v1/maintenance/orders/{order.number}"
    client.force_login(staff["outsider"])
    assert client.get(base).status_code == 200
    refused = client.post(f"{base}/close", {"resolution": "x"}, content_type="application/json")
    assert refused.status_code == 403
    assert client.get("/api/v1/maintenance/orders/MO-2099-00001").status_code == 404
    client.force_login(staff["viewer"])
    assert (
        client.post(f"{base}/assign", {"contractor": "업체"}, content_type="application/json").status_code
        == 403
    )
    # A name that exists and one that does not get the same refusal: who asks is checked first.
    for name in ("sc-editor", "ghost"):
        asked = client.post(f"{base}/assign", {"assignee": name}, content_type="application/json")
        assert asked.status_code == 403, name
    client.force_login(staff["lead"])
    long = client.post(f"{base}/assign", {"contractor": "가" * 101}, content_type="application/json")
    assert long.status_code == 422 and "100자 이내로 적어 주세요(지금 101자)" in long.content.decode()
    assert client.get("/api/v1/maintenance/orders?view=soon").status_code == 422
    nobody = client.post(f"{base}/assign", {"assignee": "ghost"}, content_type="application/json")
    assert nobody.status_code == 422 and "assignee" in nobody.content.decode()
    done = client.post(
        f"{base}/assign", {"assignee": "sc-editor", "note": "오전"}, content_type="application/json"
    )
    assert done.status_code == 200 and (done.json()["status"], done.json()["assignee"]) == (
        "assigned",
        "sc-editor",
    )
    listed = client.get("/api/v1/maintenance/orders?view=assigned").json()
    assert [o["number"] for o in listed] == [order.number]
    closed = client.post(f"{base}/close", {"resolution": "모뎀 교체"}, content_type="application/json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
