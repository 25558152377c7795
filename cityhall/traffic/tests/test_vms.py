"""VMS (도로전광표지): the 29 signs, the message rules worked by hand, overrides with a reason
(audited, permissioned) and the pages."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.traffic import selectors, services, vms
from cityhall.traffic.models import DetectorReading, EmergencyRun, VmsSign
from cityhall.traffic.vms import Incident, LinkLevel, compose

WATCH = ["A1B1", "B1C1"]


def test_incident_comes_first():
    links = {"A1B1": LinkLevel("jammed", 4.0)}
    message = compose(WATCH, links, [Incident("B1C1")])
    assert (message.kind, message.lines) == ("incident", ("긴급차량 출동", "길을 비켜 주세요"))


def test_an_incident_elsewhere_does_not_count():
    message = compose(WATCH, {}, [Incident("C1D1")])
    assert (message.kind, message.lines) == ("notice", ("안전운전 하세요", "김포시"))


def test_the_worst_link_ahead_and_the_nearest_on_a_tie():
    links = {"A1B1": LinkLevel("slow", 18.4), "B1C1": LinkLevel("jammed", 6.6)}
    assert compose(WATCH, links, []).lines == ("전방 B1C1 정체", "7km/h 우회 권장")
    links = {"A1B1": LinkLevel("slow", 18.4), "B1C1": LinkLevel("slow", 12.0)}
    assert compose(WATCH, links, []).lines == ("전방 A1B1 서행", "18km/h")
    assert compose(WATCH, links, []).kind == "congestion"


def test_free_flow_and_no_data():
    links = {"A1B1": LinkLevel("free", 42.0)}
    assert compose(WATCH, links, []).lines == ("전방 소통 원활", "안전운전 하세요")
    assert compose(WATCH, {"Z9": LinkLevel("jammed", 1.0)}, []).lines == ("안전운전 하세요", "김포시")


@pytest.mark.parametrize(
    ("text", "reason", "errors"),
    [
        ("", "행사", {"text": ["표출할 문안을 입력하세요."]}),
        ("한 줄\n두 줄\n세 줄", "행사", {"text": ["문안은 2줄까지입니다 (3줄)."]}),
        ("가" * 21, "행사", {"text": ["1번째 줄이 20자를 넘습니다."]}),
        ("도로 공사 중", "  ", {"reason": ["수동 표출 사유를 입력하세요."]}),
        ("도로 공사 중\n서행하세요", "공사", {}),
    ],
)
def test_override_rules(text, reason, errors):
    assert vms.override_errors(text, reason) == errors


def test_29_signs_placed_once_watching_their_link_and_the_next(network):
    actor = Actor.system("test:vms")
    assert services.vms_ensure_default(actor=actor) == 29
    assert services.vms_ensure_default(actor=actor) == 0
    assert VmsSign.objects.count() == 29
    first = VmsSign.objects.get(code="VMS-01")
    assert first.name.startswith("예시 ")
    start, end = first.name.split()[1].split("→")
    assert first.watch[0] == first.edge == f"{start}{end}"
    assert len(first.watch) in (1, 2)
    assert AuditEvent.objects.filter(record_type="vms_signs", action="create").count() == 29


def test_board_composes_from_detectors_and_runs(network):
    services.vms_ensure_default(actor=Actor.system("test:vms"))
    sign = VmsSign.objects.get(code="VMS-01")
    now = datetime(2025, 6, 2, 8, 0, 30, tzinfo=UTC)
    DetectorReading.objects.bulk_create(
        DetectorReading(
            detector_id=f"vds-{sign.edge}_{lane}",
            edge=sign.edge,
            ts=now,
            volume=2,
            speed_kmh=7.0,
            occupancy_pct=45.0,
            received_at=now,
        )
        for lane in (0, 1)
    )
    shown = {b.sign.code: b.message for b in selectors.vms_board(network, now=now)}
    assert shown["VMS-01"].lines == (f"전방 {sign.edge} 정체", "7km/h 우회 권장")
    run = EmergencyRun.objects.create(
        network=network,
        org_unit=sign.org_unit,
        unit="구급1",
        vehicle_type="ambulance",
        incident="모의",
        route=sign.watch,
    )
    EmergencyRun.objects.filter(pk=run.pk).update(requested_at=now)
    shown = {b.sign.code: b.message for b in selectors.vms_board(network, now=now)}
    assert shown["VMS-01"].kind == "incident"


def test_override_set_and_clear_are_audited_and_bad_input_writes_nothing(network, roles):
    services.vms_ensure_default(actor=Actor.system("test:vms"))
    sign = VmsSign.objects.get(code="VMS-03")
    actor = Actor.for_user(roles["editor"])
    with pytest.raises(RecordInvalid) as exc:
        services.vms_override_set(sign=sign, text="행사 교통통제", reason="", actor=actor)
    assert exc.value.errors == {"reason": ["수동 표출 사유를 입력하세요."]}
    sign.refresh_from_db()
    assert sign.override_text == ""
    services.vms_override_set(
        sign=sign, text=" 행사 교통통제 \n 우회하세요", reason="시민의 날 행사", actor=actor
    )
    sign.refresh_from_db()
    assert (sign.override_text, sign.override_reason, sign.override_by) == (
        "행사 교통통제\n우회하세요",
        "시민의 날 행사",
        roles["editor"],
    )
    board = {b.sign.code: b for b in selectors.vms_board(network)}["VMS-03"]
    assert (board.message.kind, board.message.lines) == ("override", ("행사 교통통제", "우회하세요"))
    services.vms_override_clear(sign=sign, actor=actor)
    sign.refresh_from_db()
    assert sign.override_text == "" and sign.override_at is None
    events = AuditEvent.objects.filter(record_type="vms_signs", record_id=sign.pk, action="update")
    assert [e.after["override_text"] for e in events.order_by("pk")] == ["행사 교통통제\n우회하세요", ""]


def test_pages_show_the_board_and_only_staff_may_override(network, client, roles):
    client.force_login(roles["viewer"])
    res = client.get(reverse("traffic:vms"))
    assert res.status_code == 200
    assert "VMS-29" in res.content.decode()
    url = reverse("traffic:vms_sign", args=["VMS-02"])
    res = client.get(url)
    assert res.status_code == 200 and "수동 문안 표출</button>" not in res.content.decode()
    res = client.post(url, {"action": "override", "text": "공사 중", "reason": "보수"})
    assert res.status_code == 403
    assert VmsSign.objects.get(code="VMS-02").override_text == ""
    client.force_login(roles["other_editor"])
    assert client.post(url, {"action": "override", "text": "공사 중", "reason": "보수"}).status_code == 403
    client.force_login(roles["editor"])
    res = client.post(url, {"action": "override", "text": "공사 중", "reason": ""})
    assert res.status_code == 422
    assert "수동 표출 사유를 입력하세요." in res.content.decode()
    res = client.post(url, {"action": "override", "text": "공사 중", "reason": "보수"})
    assert res.status_code == 302
    assert VmsSign.objects.get(code="VMS-02").override_reason == "보수"
    assert client.get(reverse("traffic:vms_sign", args=["VMS-99"])).status_code == 404


def test_the_live_map_shows_each_sign_by_what_it_shows_and_the_vehicle_on_its_way(network, client, roles):
    """A run whose plan was ready 30 s ago: its vehicle is where the twin's track has it at 30 s;
    the signs on its route show the incident, an override and an unreachable sign have their own
    states, and after the track's end the vehicle is gone."""
    from datetime import timedelta

    from django.utils import timezone

    services.vms_ensure_default(actor=Actor.system("test:vms"))
    sign = VmsSign.objects.get(code="VMS-01")
    VmsSign.objects.filter(code="VMS-02").update(override_text="공사 중", override_reason="보수")
    VmsSign.objects.filter(code="VMS-03").update(reachable=False)
    now = timezone.now()
    run = EmergencyRun.objects.create(
        network=network, org_unit=sign.org_unit, unit="구급1", vehicle_type="ambulance", incident="모의",
        route=sign.watch, status="completed", positions=[[0, 0.0, 0.0, 10.0], [20, 200.0, 0.0, 12.5],
        [40, 400.0, 0.0, 5.0], [60, 600.0, 0.0, 0.0]],
    )  # fmt: skip
    EmergencyRun.objects.filter(pk=run.pk).update(requested_at=now - timedelta(seconds=90))
    EmergencyRun.objects.filter(pk=run.pk).update(completed_at=now - timedelta(seconds=30))

    [(_, x, y, kmh)] = selectors.ev_positions(now=now)
    assert (x, y, kmh) == (200.0, 0.0, 45.0)  # the track's point at 20 s; 12.5 m/s
    assert selectors.ev_positions(now=now + timedelta(seconds=31)) == []  # arrived at 60 s

    states, points = selectors.live_map(network, now=now)
    by_id = {p.id: p for p in points}
    assert by_id[f"run-{run.pk}"].state == "ev" and by_id[f"run-{run.pk}"].href == f"/traffic/runs/{run.pk}/"
    assert (by_id["VMS-01"].state, by_id["VMS-02"].state, by_id["VMS-03"].state) == (
        "vms_incident",
        "vms_override",
        "vms_unreachable",
    )
    assert len(points) == 30 and {s.key for s in states} >= {p.state for p in points}

    assert client.get(reverse("traffic:live_map")).status_code == 302  # anonymous: sign in first
    client.force_login(roles["norole"])
    assert client.get(reverse("traffic:live_map")).status_code == 403
    client.force_login(roles["viewer"])
    feed = client.get(reverse("traffic:live_map")).json()
    assert [s["count"] for s in feed["states"] if s["key"] == "ev"] == [1]
