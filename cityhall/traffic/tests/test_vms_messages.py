"""VMS message lifecycle and sending (ADR 0030): templates and priorities worked by hand, approval by
a second person (audited), travel times from the links' current times, sends retried with backoff,
an unreachable sign's one repair order, acknowledgements, the pages and the API."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.maintenance.models import MaintenanceOrder
from cityhall.traffic import selectors, services, vms
from cityhall.traffic.models import DetectorReading, LinkTravelTime, VmsMessage, VmsSend, VmsSign
from cityhall.traffic.runtime import sign_answer
from cityhall.traffic.twin.network import read_network

NOW = datetime(2025, 6, 2, 8, 0, 30, tzinfo=UTC)


# -- rules -------------------------------------------------------------------------------------------


def test_travel_time_rounds_up_and_claims_nothing_without_data():
    times = {"A": 61.0, "B": 58.9, "C": 30.0}
    dests = [vms.Destination("김포시청", ("A", "B")), vms.Destination("사우역", ("C",))]
    # 119.9 s → 2 min; 30 s → 1 min (never less than a minute)
    assert vms.travel_time_lines(dests, times) == ("김포시청 2분", "사우역 1분")
    assert vms.travel_time_lines([vms.Destination("x", ("A", "Z"))], times) is None
    assert vms.travel_time_s(["A", "C"], times) == 91.0


def test_priorities_incident_over_congestion_over_travel_time_over_notice():
    notice = vms.Message(vms.NOTICE, ("시민의 날",))
    travel = vms.Message(vms.TRAVEL_TIME, ("김포시청 5분",))
    jam = vms.Message(vms.CONGESTION, ("전방 정체",))
    incident = vms.Message(vms.INCIDENT, ("사고",))
    override = vms.Message(vms.OVERRIDE, ("수동",))
    pairs = [("notice", notice), ("travel", travel), ("jam", jam), ("incident", incident)]
    assert vms.choose([*pairs, ("override", override)]) == ("override", override)
    assert vms.choose(pairs) == ("incident", incident)
    assert vms.choose(pairs[:3]) == ("jam", jam)
    assert vms.choose(pairs[:2]) == ("travel", travel)
    # the first of equals: a scheduled notice (listed first) over the rules' own
    assert vms.choose([("message:2", notice), ("rules", vms.Message(vms.NOTICE, ("b",)))])[0] == "message:2"


def test_backoff_doubles_to_a_cap():
    assert [vms.backoff_s(n) for n in range(1, 8)] == [5, 10, 20, 40, 80, 120, 120]


@pytest.mark.parametrize(
    ("kind", "text", "dests", "errors"),
    [
        (
            "ad",
            "x",
            [],
            {"kind": ["문안 유형은 incident, congestion, travel_time, notice 중 하나여야 합니다."]},
        ),
        ("notice", "", [], {"text": ["표출할 문안을 입력하세요."]}),
        ("notice", "가" * 21, [], {"text": ["1번째 줄이 20자를 넘습니다."]}),
        ("travel_time", "", [], {"destinations": ["소요시간 안내에는 목적지가 1곳 이상 있어야 합니다."]}),
        (
            "travel_time",
            "",
            [{"name": "시청", "route": ["Q"]}],
            {"destinations": ["1번째 목적지 경로에 없는 링크가 있습니다: Q"]},
        ),
        (
            "travel_time",
            "",
            [{"name": "", "route": ["A"]}],
            {"destinations": ["1번째 목적지의 이름이 없습니다."]},
        ),
        ("travel_time", "", [{"name": "시청", "route": ["A"]}], {}),
        ("incident", "사고 발생\n서행", [], {}),
    ],
)
def test_message_rules(kind, text, dests, errors):
    assert vms.message_errors(kind, text, dests, {"A"}) == errors


def test_a_simulated_sign_answers_what_it_can_show():
    topic, payload = sign_answer(
        "cityhall/v1/traffic/VMS-01/cmd",
        b'{"cmd_id": "c1", "device_id": "VMS-01", "lines": ["a", "b"]}',
        now=NOW,
    )
    assert topic == "cityhall/v1/traffic/VMS-01/cmd/ack"
    assert payload.decode() == (
        '{"cmd_id": "c1", "device_id": "VMS-01", "result": "ok", "reason": "", "ts": "2025-06-02T08:00:30Z"}'
    )
    assert sign_answer("cityhall/v1/traffic/VMS-02/cmd", b'{"device_id": "VMS-01", "lines": []}') is None
    _t, bad = sign_answer("cityhall/v1/traffic/VMS-01/cmd", b'{"device_id": "VMS-01", "lines": []}')
    assert b'"result": "error"' in bad


# -- approval ----------------------------------------------------------------------------------------


@pytest.fixture
def signs(network):
    services.vms_ensure_default(actor=Actor.system("test:vms"))
    return network


def test_a_message_needs_a_second_person_and_both_acts_are_audited(signs, roles):
    author, approver = Actor.for_user(roles["editor"]), Actor.for_user(roles["manager"])
    with pytest.raises(RecordInvalid) as exc:
        services.vms_message_create(kind="notice", text="", signs=["VMS-99"], actor=author)
    assert exc.value.errors == {
        "text": ["표출할 문안을 입력하세요."],
        "signs": ["없는 도로전광표지입니다: VMS-99"],
    }
    assert VmsMessage.objects.count() == 0
    message = services.vms_message_create(
        kind="notice", text="시민의 날 행사\n대중교통 이용", signs=["VMS-02"], starts_at=NOW, actor=author
    )
    board = {b.sign.code: b for b in selectors.vms_board(signs, now=NOW)}
    assert board["VMS-02"].source == "rules"  # not shown before approval
    with pytest.raises(RecordInvalid) as exc:
        services.vms_message_approve(message=message, actor=author)
    assert exc.value.errors == {
        "approved_by": ["작성자 본인은 승인할 수 없습니다. 다른 담당자가 승인하세요."]
    }
    services.vms_message_approve(message=message, actor=approver)
    board = {b.sign.code: b for b in selectors.vms_board(signs, now=NOW + timedelta(seconds=1))}
    assert board["VMS-02"].message.lines == ("시민의 날 행사", "대중교통 이용")
    assert board["VMS-02"].source == f"message:{message.pk}"
    assert board["VMS-03"].source == "rules"  # only its signs
    with pytest.raises(RecordInvalid):
        services.vms_message_approve(message=message, actor=approver)  # once
    actions = AuditEvent.objects.filter(record_type="vms_messages", record_id=message.pk).order_by("pk")
    assert [(e.action, e.user) for e in actions] == [
        ("create", roles["editor"]),
        ("approve", roles["manager"]),
    ]
    services.vms_message_withdraw(message=message, actor=approver)
    board = {b.sign.code: b for b in selectors.vms_board(signs, now=NOW + timedelta(seconds=2))}
    assert board["VMS-02"].source == "rules"


def _readings(edge: str, speed: float, occupancy: float = 5.0) -> list[DetectorReading]:
    return [
        DetectorReading(
            detector_id=f"vds-{edge}_{lane}",
            edge=edge,
            ts=NOW,
            volume=5,
            speed_kmh=speed,
            occupancy_pct=occupancy,
            received_at=NOW,
        )
        for lane in (0, 1)
    ]


def test_travel_times_from_the_links_current_times_and_congestion_beats_them(signs, roles):
    sign = VmsSign.objects.get(code="VMS-05")
    route = list(sign.watch)
    info_lengths = read_network(signs.path).edge_lengths
    DetectorReading.objects.bulk_create([r for edge in route for r in _readings(edge, 36.0)])
    times = selectors.link_travel_times(signs, now=NOW)
    # 36 km/h = 10 m/s: a link's time is its length in metres / 10
    assert {e: round(times[e], 3) for e in route} == {e: round(info_lengths[e] / 10, 3) for e in route}
    message = services.vms_message_create(
        kind="travel_time",
        destinations=[{"name": "김포시청", "route": route}],
        signs=["VMS-05"],
        starts_at=NOW - timedelta(minutes=1),
        actor=Actor.for_user(roles["editor"]),
    )
    services.vms_message_approve(message=message, actor=Actor.for_user(roles["manager"]))
    minutes = -(-round(sum(info_lengths[e] / 10 for e in route)) // 60)
    board = {b.sign.code: b for b in selectors.vms_board(signs, now=NOW)}
    assert board["VMS-05"].message.lines == (f"김포시청 {minutes}분",)
    # The DSRC readers' measured time of a link, 5 to 10 minutes old, is taken over the loops' speed;
    # one older than 15 minutes is not.
    LinkTravelTime.objects.bulk_create(
        [
            LinkTravelTime(
                edge=route[0], start=NOW - timedelta(minutes=10), samples=6, used=5, median_s=150.0
            ),
            LinkTravelTime(
                edge=route[-1], start=NOW - timedelta(minutes=16), samples=6, used=5, median_s=900.0
            ),
        ]
    )
    times = selectors.link_travel_times(signs, now=NOW)
    assert round(times[route[0]], 3) == 150.0
    assert round(times[route[-1]], 3) == round(info_lengths[route[-1]] / 10, 3)
    minutes = -(-round(150.0 + sum(info_lengths[e] / 10 for e in route[1:])) // 60)
    board = {b.sign.code: b for b in selectors.vms_board(signs, now=NOW)}
    assert board["VMS-05"].message.lines == (f"김포시청 {minutes}분",)
    DetectorReading.objects.all().delete()
    DetectorReading.objects.bulk_create([r for edge in route for r in _readings(edge, 7.0, 45.0)])
    board = {b.sign.code: b for b in selectors.vms_board(signs, now=NOW)}
    assert board["VMS-05"].message.kind == "congestion"


# -- sending -----------------------------------------------------------------------------------------


class FakeBroker:
    def __init__(self, ok: bool = True) -> None:
        self.ok = ok
        self.published: list[tuple[str, bytes]] = []

    def __call__(self, messages):
        self.published.extend(messages)
        return [self.ok] * len(messages)


def _ack(send: VmsSend, result: str = "ok") -> tuple[str, bytes]:
    body = f'{{"cmd_id": "{send.cmd_id}", "device_id": "{send.sign.code}", "result": "{result}"}}'
    return f"cityhall/v1/traffic/{send.sign.code}/cmd/ack", body.encode()


def test_sends_retry_with_backoff_then_the_sign_is_unreachable_with_one_order(signs):
    broker = FakeBroker()
    report = services.vms_dispatch(broker, now=NOW)
    assert (report.planned, report.sent) == (29, 29)
    assert broker.published[0][0] == "cityhall/v1/traffic/VMS-01/cmd"
    assert services.vms_dispatch(broker, now=NOW + timedelta(seconds=4)).sent == 0  # within 5 s
    assert services.vms_dispatch(broker, now=NOW + timedelta(seconds=5)).sent == 29  # retry 1
    send = VmsSend.objects.select_related("sign").get(sign__code="VMS-01")
    assert (send.attempts, send.next_attempt_at) == (2, NOW + timedelta(seconds=15))
    # every sign but VMS-01 answers
    services.vms_acknowledge(
        [_ack(s) for s in VmsSend.objects.select_related("sign").exclude(sign__code="VMS-01")]
    )
    at = NOW + timedelta(seconds=5)
    for step in (10, 20, 40):  # attempts 3, 4, 5
        at += timedelta(seconds=step)
        assert services.vms_dispatch(broker, now=at).sent == 1
    at += timedelta(seconds=80)
    report = services.vms_dispatch(broker, now=at)
    assert (report.sent, report.failed, report.orders_opened) == (0, 1, 1)
    sign = VmsSign.objects.get(code="VMS-01")
    assert not sign.reachable and sign.acked_text == ""
    orders = MaintenanceOrder.objects.filter(
        asset_app="traffic", asset_key="vms:VMS-01", kind="vms_unreachable"
    )
    assert orders.count() == 1
    # The board changes (a new message): sent again, fails again, still one open order.
    services.vms_override_set(sign=sign, text="공사 중", reason="보수", actor=Actor.system("test"))
    for n in range(6):
        services.vms_dispatch(broker, now=at + timedelta(seconds=200 * (n + 1)))
    assert orders.count() == 1
    assert VmsSend.objects.filter(sign=sign, status="failed").count() == 2
    # Ten minutes after the failure it is tried again with the same message (a repaired sign comes
    # back by itself); a minute earlier it is not.
    failed_due = VmsSend.objects.filter(sign=sign, status="failed").order_by("-pk").first().next_attempt_at
    assert services.vms_sends_plan(now=failed_due + timedelta(seconds=599)) == 0
    assert services.vms_sends_plan(now=failed_due + timedelta(seconds=600)) == 1
    # It answers again: shown, reachable, its order closed.
    late = VmsSend.objects.select_related("sign").filter(sign=sign).order_by("-created_at", "-pk").first()
    assert services.vms_acknowledge([_ack(late)]).acked == 1
    sign.refresh_from_db()
    assert (sign.acked_text, sign.reachable) == ("공사 중", True)
    assert orders.get().status == "closed"


def test_acks_close_sends_once_and_bad_ones_are_counted(signs):
    services.vms_dispatch(FakeBroker(), now=NOW)
    send = VmsSend.objects.select_related("sign").get(sign__code="VMS-02")
    report = services.vms_acknowledge(
        [
            _ack(send),
            _ack(send),
            ("cityhall/v1/traffic/VMS-03/cmd/ack", _ack(send)[1]),  # another sign's command
            ("cityhall/v1/traffic/VMS-02/cmd/ack", b"not json"),
        ],
        now=NOW,
    )
    assert (report.acked, report.duplicates, report.rejected) == (1, 1, 2)
    sign = VmsSign.objects.get(code="VMS-02")
    assert sign.acked_text == send.text and sign.acked_at == NOW
    # a message that did not change is not sent again
    assert services.vms_dispatch(FakeBroker(), now=NOW + timedelta(seconds=1)).planned == 0


def test_a_failed_publish_is_not_counted_as_an_attempt(signs):
    services.vms_dispatch(FakeBroker(ok=False), now=NOW)
    assert set(VmsSend.objects.values_list("status", "attempts")) == {("pending", 0)}


# -- pages and API -----------------------------------------------------------------------------------


def test_message_page_create_approve_and_permissions(signs, client, roles):
    url = reverse("traffic:vms_messages")
    client.force_login(roles["viewer"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "create", "kind": "notice", "text": "x"}).status_code == 403
    client.force_login(roles["editor"])
    res = client.post(url, {"action": "create", "kind": "notice", "text": ""})
    assert res.status_code == 422 and "표출할 문안을 입력하세요." in res.content.decode()
    res = client.post(url, {"action": "create", "kind": "notice", "text": "시민의 날", "signs": "VMS-04"})
    assert res.status_code == 302
    message = VmsMessage.objects.get()
    res = client.post(url, {"action": "approve", "message": str(message.pk)}, follow=True)
    assert "작성자 본인은 승인할 수 없습니다" in res.content.decode()
    assert client.post(url, {"action": "approve", "message": "x"}).status_code == 400
    client.force_login(roles["manager"])
    client.post(url, {"action": "approve", "message": str(message.pk)})
    message.refresh_from_db()
    assert (message.status, message.approved_by) == ("approved", roles["manager"])
    res = client.get(reverse("traffic:vms_sign", args=["VMS-04"]))
    assert "전송 기록이 없습니다." in res.content.decode()


def test_api_messages_approval_and_sign_state(signs, client, roles):
    client.force_login(roles["editor"])
    res = client.post(
        "/api/v1/traffic/vms/messages",
        {"kind": "incident", "text": "사고 발생\n1차로 통제", "signs": ["VMS-06"]},
        content_type="application/json",
    )
    assert res.status_code == 201, res.content
    pk = res.json()["id"]
    assert client.post(f"/api/v1/traffic/vms/messages/{pk}/approve").status_code == 422
    client.force_login(roles["manager"])
    res = client.post(f"/api/v1/traffic/vms/messages/{pk}/approve")
    assert res.status_code == 200 and res.json()["status"] == "approved"
    rows = {r["code"]: r for r in client.get("/api/v1/traffic/vms/signs").json()}
    assert rows["VMS-06"]["should_show"] == ["사고 발생", "1차로 통제"]
    assert (rows["VMS-06"]["source"], rows["VMS-06"]["acked"], rows["VMS-06"]["in_step"]) == (
        f"message:{pk}",
        [],
        False,
    )
    client.force_login(roles["viewer"])
    assert client.post(f"/api/v1/traffic/vms/messages/{pk}/withdraw").status_code == 403


def test_api_refuses_a_time_without_its_zone(signs, client, roles):
    client.force_login(roles["editor"])
    body = {"kind": "notice", "text": "공사 안내", "ends_at": "2099-01-01T10:00:00"}
    res = client.post("/api/v1/traffic/vms/messages", body, content_type="application/json")
    assert res.status_code == 422
    assert [(d["loc"], d["msg"]) for d in res.json()["detail"]] == [
        (["body", "ends_at"], "시각에 시간대를 붙여 주세요 (예: 2025-06-01T09:00:00+09:00).")
    ]
    body["ends_at"] = "2099-01-01T10:00:00+09:00"
    res = client.post("/api/v1/traffic/vms/messages", body, content_type="application/json")
    assert res.status_code == 201, res.content
