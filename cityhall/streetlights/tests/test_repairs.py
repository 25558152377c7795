"""Repair orders as people handle them: services (assign, close, reopen, open by hand), the SLA clock,
the list filters, the pages, the API and the command."""

import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.streetlights.choices import FaultKind, LightState, RepairStatus
from cityhall.streetlights.models import RepairOrder, Streetlight
from cityhall.streetlights.repairs import services as repairs
from cityhall.telemetry.models import DeviceState

NOW = datetime(2025, 6, 1, 13, 0, tzinfo=UTC)
SYSTEM = Actor.system("test:repairs")


def open_order(code="SL-HAGUN6-012", kind=FaultKind.LAMP_FAILURE, *, now=NOW, simulated=False) -> RepairOrder:
    order = repairs.repair_order_open(
        actor=SYSTEM, kind=kind, light=code, detail="시민 신고: 불이 꺼져 있음", now=now
    )
    if simulated:
        RepairOrder.objects.filter(pk=order.pk).update(simulated=True)
        order.refresh_from_db()
    return order


def snapshot(order: RepairOrder) -> tuple:
    order = RepairOrder.objects.get(pk=order.pk)
    return (order.status, order.assignee_id, order.contractor, order.closed_at, order.resolution)


def light_state(code: str) -> str:
    return Streetlight.objects.get(code=code).state


class TestOpenByHand:
    def test_an_editor_opens_an_order_for_a_light(self, registry, roles):
        order = repairs.repair_order_open(
            actor=Actor.for_user(roles["editor"]),
            kind=FaultKind.LAMP_FAILURE,
            light=" SL-HAGUN6-012 ",
            detail="  민원: 3일째 소등  ",
            now=NOW,
        )
        assert (order.number, order.light.code, order.base_station.code, order.site.code) == (
            "RO-2025-00001",
            "SL-HAGUN6-012",
            "BS-HAGUN6-06",
            "HAGUN6",
        )
        assert (order.status, order.detail, order.simulated) == (RepairStatus.OPEN, "민원: 3일째 소등", False)
        assert order.due_at == NOW + timedelta(hours=48)
        assert light_state("SL-HAGUN6-012") == LightState.FAULT
        event = AuditEvent.objects.get(record_type="repair_orders", record_id=order.pk)
        assert (event.action, event.actor, event.after["number"]) == ("create", "sc-editor", "RO-2025-00001")

    def test_a_station_order(self, registry, roles):
        order = repairs.repair_order_open(
            actor=Actor.for_user(roles["manager"]),
            kind=FaultKind.STATION_OFFLINE,
            base_station="BS-YANGCHON-02",
            detail="순찰: 일대 전체 소등",
            now=NOW,
        )
        assert (order.light, order.base_station.code, order.due_at) == (
            None,
            "BS-YANGCHON-02",
            NOW + timedelta(hours=4),
        )

    def test_a_duplicate_is_refused_naming_the_open_order(self, registry):
        first = open_order()
        with pytest.raises(RecordInvalid) as exc:
            open_order()
        assert exc.value.errors == {
            "light": [f"SL-HAGUN6-012에는 같은 유형의 보수 요청 {first.number}이(가) 이미 진행 중입니다."]
        }
        assert RepairOrder.objects.count() == 1

    @pytest.mark.parametrize(
        ("data", "errors"),
        [
            (
                {"kind": "broken", "light": "SL-HAGUN6-001", "detail": "x"},
                {
                    "kind": [
                        "유형은 램프 고장, 가로등 통신 두절, 기지국 장애, 전력 이상, 깜빡임 "
                        "중 하나여야 합니다."
                    ]
                },
            ),
            (
                {"kind": "lamp_failure", "light": "SL-NOPE-001", "detail": "x"},
                {"light": ["가로등 'SL-NOPE-001'이(가) 대장에 없습니다."]},
            ),
            (
                {
                    "kind": "lamp_failure",
                    "light": "SL-HAGUN6-001",
                    "base_station": "BS-HAGUN6-01",
                    "detail": "x",
                },
                {"light": ["가로등이나 기지국 중 하나만 코드로 지정해 주세요."]},
            ),
            (
                {"kind": "lamp_failure", "detail": "x"},
                {"light": ["가로등이나 기지국 중 하나만 코드로 지정해 주세요."]},
            ),
            (
                {"kind": "lamp_failure", "light": "SL-HAGUN6-001", "detail": "  "},
                {"detail": ["내용을(를) 적어 주세요."]},
            ),
            (
                {"kind": "station_offline", "base_station": "BS-X", "detail": "x"},
                {"base_station": ["기지국 'BS-X'이(가) 대장에 없습니다."]},
            ),
        ],
    )
    def test_bad_input_says_what_and_where(self, registry, roles, data, errors):
        with pytest.raises(RecordInvalid) as exc:
            repairs.repair_order_open(actor=Actor.for_user(roles["editor"]), now=NOW, **data)
        assert exc.value.errors == errors
        assert RepairOrder.objects.count() == 0

    def test_a_retired_light_is_refused(self, registry):
        Streetlight.objects.filter(code="SL-HAGUN6-001").update(state=LightState.RETIRED)
        with pytest.raises(RecordInvalid) as exc:
            open_order("SL-HAGUN6-001")
        assert exc.value.errors == {"light": ["가로등 SL-HAGUN6-001은(는) 철거되었습니다."]}

    @pytest.mark.parametrize("who", ["viewer", "other_editor", "norole"])
    def test_who_may_not_open(self, registry, roles, who):
        with pytest.raises(PermissionDenied):
            repairs.repair_order_open(
                actor=Actor.for_user(roles[who]), kind="lamp_failure", light="SL-HAGUN6-001", detail="x"
            )
        assert RepairOrder.objects.count() == 0


class TestAssign:
    def test_editor_assigns_to_a_colleague_and_a_contractor(self, registry, roles):
        order = open_order()
        done = repairs.repair_order_assign(
            order=order,
            actor=Actor.for_user(roles["editor"]),
            assignee="sc-manager",
            contractor=" 김포전기 ",
            now=NOW + timedelta(hours=1),
        )
        assert (done.status, done.assignee.username, done.contractor, done.assigned_at) == (
            RepairStatus.ASSIGNED,
            "sc-manager",
            "김포전기",
            NOW + timedelta(hours=1),
        )
        event = AuditEvent.objects.filter(
            record_type="repair_orders", record_id=order.pk, action="update"
        ).get()
        assert (event.before["status"], event.after["status"], event.after["contractor"]) == (
            "open",
            "assigned",
            "김포전기",
        )

    def test_a_contractor_alone_is_enough(self, registry, roles):
        done = repairs.repair_order_assign(
            order=open_order(), actor=Actor.for_user(roles["director"]), contractor="A사"
        )
        assert (done.status, done.assignee, done.contractor) == (RepairStatus.ASSIGNED, None, "A사")

    @pytest.mark.parametrize(
        ("assignee", "contractor", "errors"),
        [
            (None, "", {"assignee": ["담당자나 유지보수 업체 중 하나는 지정해야 합니다."]}),
            (
                "sc-viewer",
                "",
                {
                    "assignee": [
                        "'sc-viewer'은(는) 스마트도시과의 편집자·관리자가 아니어서 "
                        "담당자로 지정할 수 없습니다."
                    ]
                },
            ),
            (
                "pp-editor",
                "A사",
                {
                    "assignee": [
                        "'pp-editor'은(는) 스마트도시과의 편집자·관리자가 아니어서 "
                        "담당자로 지정할 수 없습니다."
                    ]
                },
            ),
            (
                "sc-editor",
                "가" * 101,
                {"contractor": ["유지보수 업체은(는) 100자 이내로 적어 주세요(지금 101자)."]},
            ),
            (7, "", {"assignee": ["담당자는 사용자 아이디로 지정합니다."]}),
        ],
    )
    def test_bad_input_changes_nothing(self, registry, roles, assignee, contractor, errors):
        order = open_order()
        before = snapshot(order)
        with pytest.raises(RecordInvalid) as exc:
            repairs.repair_order_assign(
                order=order, actor=Actor.for_user(roles["editor"]), assignee=assignee, contractor=contractor
            )
        assert exc.value.errors == errors
        assert snapshot(order) == before

    @pytest.mark.parametrize("who", ["viewer", "other_editor", "norole"])
    def test_who_may_not_assign(self, registry, roles, who):
        order = open_order()
        before = snapshot(order)
        with pytest.raises(PermissionDenied):
            repairs.repair_order_assign(order=order, actor=Actor.for_user(roles[who]), contractor="A사")
        assert snapshot(order) == before
        assert not AuditEvent.objects.filter(record_type="repair_orders", action="update").exists()


class TestCloseAndReopen:
    def test_closing_the_last_order_puts_the_light_back_in_service(self, registry, roles):
        lamp = open_order()
        power = open_order(kind=FaultKind.ABNORMAL_POWER)
        editor = Actor.for_user(roles["editor"])
        repairs.repair_order_close(
            order=lamp, actor=editor, resolution="램프 교체", now=NOW + timedelta(hours=5)
        )
        assert light_state("SL-HAGUN6-012") == LightState.FAULT  # the power order is still open
        done = repairs.repair_order_close(order=power, actor=editor, resolution="안정기 교체")
        assert (done.status, done.resolution) == (RepairStatus.CLOSED, "안정기 교체")
        assert light_state("SL-HAGUN6-012") == LightState.ACTIVE
        lamp.refresh_from_db()
        assert (lamp.status, lamp.closed_at, lamp.resolution) == (
            RepairStatus.CLOSED,
            NOW + timedelta(hours=5),
            "램프 교체",
        )
        light_events = AuditEvent.objects.filter(record_type="streetlights", action="update").order_by("id")
        assert [(e.actor, e.before["state"], e.after["state"]) for e in light_events] == [
            ("test:repairs", "active", "fault"),
            ("sc-editor", "fault", "active"),
        ]

    def test_a_resolution_is_required(self, registry, roles):
        order = open_order()
        with pytest.raises(RecordInvalid) as exc:
            repairs.repair_order_close(order=order, actor=Actor.for_user(roles["editor"]), resolution=" ")
        assert exc.value.errors == {"resolution": ["처리 내용을(를) 적어 주세요."]}
        assert snapshot(order)[0] == RepairStatus.OPEN

    def test_closed_twice_is_refused(self, registry, roles):
        order = open_order()
        repairs.repair_order_close(order=order, actor=SYSTEM, resolution="교체")
        with pytest.raises(RecordInvalid) as exc:
            repairs.repair_order_close(order=order, actor=SYSTEM, resolution="교체")
        assert exc.value.errors == {"status": ["이미 완료된 보수 요청입니다."]}
        with pytest.raises(RecordInvalid):
            repairs.repair_order_assign(order=order, actor=SYSTEM, contractor="A사")

    def test_viewer_may_not_close(self, registry, roles):
        order = open_order()
        with pytest.raises(PermissionDenied):
            repairs.repair_order_close(order=order, actor=Actor.for_user(roles["viewer"]), resolution="x")
        assert snapshot(order)[0] == RepairStatus.OPEN and light_state("SL-HAGUN6-012") == LightState.FAULT

    def test_reopen(self, registry, roles):
        order = open_order()
        editor = Actor.for_user(roles["editor"])
        repairs.repair_order_assign(order=order, actor=editor, contractor="A사")
        repairs.repair_order_close(order=order, actor=editor, resolution="교체")
        with pytest.raises(RecordInvalid) as exc:
            repairs.repair_order_reopen(order=order, actor=editor, reason="")
        assert exc.value.errors == {"reason": ["다시 여는 사유을(를) 적어 주세요."]}
        done = repairs.repair_order_reopen(order=order, actor=editor, reason="다음날 다시 소등", now=NOW)
        assert (done.status, done.closed_at, done.contractor) == (RepairStatus.ASSIGNED, None, "A사")
        assert done.detail.endswith("[2025-06-01 22:00 다시 엶] 다음날 다시 소등")
        assert light_state("SL-HAGUN6-012") == LightState.FAULT
        with pytest.raises(RecordInvalid) as exc:
            repairs.repair_order_reopen(order=order, actor=editor, reason="x")
        assert exc.value.errors == {"status": ["완료된 보수 요청만 다시 열 수 있습니다."]}

    def test_reopen_is_refused_while_a_newer_order_is_open(self, registry):
        old = open_order()
        repairs.repair_order_close(order=old, actor=SYSTEM, resolution="교체")
        new = open_order()
        with pytest.raises(RecordInvalid) as exc:
            repairs.repair_order_reopen(order=old, actor=SYSTEM, reason="재발")
        assert exc.value.errors == {
            "status": [f"같은 대상·유형의 보수 요청 {new.number}이(가) 진행 중이라 다시 열 수 없습니다."]
        }
        assert snapshot(old)[0] == RepairStatus.CLOSED


class TestSlaClock:
    def test_running_overdue_met_missed(self, registry):
        order = open_order()  # due NOW + 48 h
        assert repairs.sla_clock(order, NOW + timedelta(hours=10, minutes=5)).text == "1일 13시간 남음"
        assert repairs.sla_clock(order, NOW + timedelta(hours=47, minutes=30)).text == "30분 남음"
        late = repairs.sla_clock(order, NOW + timedelta(hours=51, minutes=20))
        assert (late.state, late.text, late.late) == ("overdue", "3시간 20분 초과", True)
        order.status, order.closed_at = RepairStatus.CLOSED, NOW + timedelta(hours=40)
        assert (repairs.sla_clock(order).state, repairs.sla_clock(order).text) == ("met", "기한 내 완료")
        order.closed_at = NOW + timedelta(days=3)
        assert repairs.sla_clock(order).text == "기한 1일 0시간 초과 완료"


class TestListFilters:
    @pytest.fixture
    def three(self, registry):
        a = open_order("SL-HAGUN6-001", now=NOW - timedelta(days=3))  # overdue
        b = open_order("SL-PUNGMU-001", kind=FaultKind.FLICKER, simulated=True)
        c = open_order("SL-PUNGMU-002")
        repairs.repair_order_close(order=c, actor=SYSTEM, resolution="교체")
        return a, b, c

    def numbers(self, user, **filters):
        return [o.number for o in repairs.repair_orders(user, now=NOW, **filters)]

    def test_filters(self, three, roles):
        a, b, c = three
        viewer = roles["viewer"]
        assert self.numbers(viewer) == [a.number, b.number]  # active, by due time
        assert self.numbers(viewer, status="closed") == [c.number]
        assert self.numbers(viewer, status="all", site="PUNGMU") == [c.number, b.number]  # 48 h before 72 h
        assert self.numbers(viewer, kind="flicker") == [b.number]
        assert self.numbers(viewer, overdue=True) == [a.number]
        assert self.numbers(roles["norole"]) == []
        assert repairs.repair_order_counts(viewer, NOW) == {"open": 2, "assigned": 0, "overdue": 1}

    def test_sla_summary(self, three, roles):
        a, b, c = three
        rows = {
            r.kind: r for r in repairs.sla_summary(repairs.repair_orders(roles["viewer"], status="all"), NOW)
        }
        lamp = rows[FaultKind.LAMP_FAILURE]
        assert (lamp.total, lamp.closed, lamp.overdue) == (2, 1, 1)
        assert (lamp.met, lamp.missed) == (0, 1)  # c was closed today, long after its due date in 2025
        assert (rows[FaultKind.FLICKER].total, rows[FaultKind.FLICKER].met_rate) == (1, None)
        assert rows[FaultKind.STATION_OFFLINE].total == 0

    def test_unknown_filter_values(self, registry, roles):
        with pytest.raises(RecordInvalid) as exc:
            repairs.repair_orders(roles["viewer"], status="late", kind="x")
        assert exc.value.errors == {
            "status": ["알 수 없는 상태입니다: late"],
            "kind": ["알 수 없는 유형입니다: x"],
        }


class TestPages:
    def test_list_shows_the_clock_and_marks_simulated(self, client, registry, roles):
        a = open_order("SL-HAGUN6-001", now=NOW - timedelta(days=400))
        open_order("SL-PUNGMU-001", kind=FaultKind.FLICKER, simulated=True, now=datetime.now(UTC))
        client.force_login(roles["viewer"])
        page = client.get("/streetlights/repairs/").content.decode()
        assert a.number in page and "모의" in page and "일 " in page and "초과" in page and "남음" in page
        overdue = client.get("/streetlights/repairs/?overdue=on").content.decode()
        assert a.number in overdue and "SL-PUNGMU-001" not in overdue

    def test_list_queries_do_not_grow_with_the_rows(
        self, client, registry, roles, django_assert_max_num_queries
    ):
        codes = Streetlight.objects.order_by("code").values_list("code", flat=True)[:40]
        for code in codes:
            open_order(code)
        repairs.repair_order_assign(
            order=RepairOrder.objects.first(), actor=SYSTEM, assignee="sc-editor", contractor="A사"
        )
        client.force_login(roles["viewer"])
        with django_assert_max_num_queries(14):
            response = client.get("/streetlights/repairs/")
        assert response.content.decode().count("<tr data-number=") == 40

    def test_xlsx_export_follows_the_filters(self, client, registry, roles):
        import io

        import openpyxl

        now = datetime.now(UTC)
        done = open_order("SL-HAGUN6-001", now=now - timedelta(hours=1))
        repairs.repair_order_close(order=done, actor=SYSTEM, resolution="램프 교체")
        late = open_order(
            "SL-PUNGMU-001", kind=FaultKind.FLICKER, simulated=True, now=now - timedelta(days=4)
        )
        client.force_login(roles["viewer"])
        response = client.get("/streetlights/repairs/export.xlsx?status=all")
        assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        orders, summary = book.worksheets
        values = [[cell.value for cell in row] for row in orders.iter_rows(min_row=3)]
        assert [(v[0], v[1], v[2], v[5], v[9], v[12], v[14]) for v in values] == [
            (late.number, "깜빡임", "SL-PUNGMU-001", "접수", "1일 0시간 초과", "모의", None),
            (done.number, "램프 고장", "SL-HAGUN6-001", "완료", "기한 내 완료", None, "램프 교체"),
        ]
        rows = {row[0].value: [c.value for c in row[1:]] for row in summary.iter_rows(min_row=3)}
        assert rows["램프 고장"] == [1, 1, 1, 0, 0, "100.0%"]
        assert rows["깜빡임"] == [1, 0, 0, 0, 1, "—"]
        only_open = client.get("/streetlights/repairs/export.xlsx?kind=flicker")
        sheet = openpyxl.load_workbook(io.BytesIO(only_open.content)).worksheets[0]
        assert [row[1].value for row in sheet.iter_rows(min_row=3)] == ["깜빡임"]
        bad = client.get("/streetlights/repairs/export.xlsx?kind=broken")
        assert bad.status_code == 400 and "유형" in bad.content.decode()

    def test_a_bad_filter_is_a_clear_error(self, client, registry, roles):
        client.force_login(roles["viewer"])
        response = client.get("/streetlights/repairs/?kind=broken&status=late")
        assert response.status_code == 400
        text = response.content.decode()
        assert "유형(kind): &#x27;broken&#x27;은(는) 고를 수 있는 값이 아닙니다." in text
        assert "상태(status): &#x27;late&#x27;은(는) 고를 수 있는 값이 아닙니다." in text

    def test_htmx_gets_only_the_table(self, client, registry, roles):
        open_order()
        client.force_login(roles["viewer"])
        response = client.get("/streetlights/repairs/?kind=lamp_failure", HTTP_HX_REQUEST="true")
        text = response.content.decode()
        assert response.status_code == 200 and "<table" in text and "<html" not in text

    def test_no_role_no_page(self, client, registry, roles):
        client.force_login(roles["norole"])
        assert client.get("/streetlights/repairs/").status_code == 403

    def test_viewer_sees_no_forms_and_cannot_post(self, client, registry, roles):
        order = open_order()
        client.force_login(roles["viewer"])
        page = client.get(f"/streetlights/repairs/{order.number}/").content.decode()
        assert order.number in page and "처리 이력" in page and "완료 처리" not in page
        response = client.post(f"/streetlights/repairs/{order.number}/close/", {"resolution": "교체"})
        assert response.status_code == 403 and snapshot(order)[0] == RepairStatus.OPEN

    def test_editor_closes_with_errors_shown_first(self, client, registry, roles):
        order = open_order()
        client.force_login(roles["editor"])
        url = f"/streetlights/repairs/{order.number}/close/"
        bad = client.post(url, {"resolution": ""})
        assert bad.status_code == 400 and "처리 내용: 처리 내용을(를) 적어 주세요." in bad.content.decode()
        good = client.post(url, {"resolution": "램프 교체"})
        assert good.status_code == 302 and good["Location"] == f"/streetlights/repairs/{order.number}/"
        assert snapshot(order)[0] == RepairStatus.CLOSED

    def test_assign_form_offers_the_department_editors(self, client, registry, roles):
        order = open_order()
        client.force_login(roles["editor"])
        page = client.get(f"/streetlights/repairs/{order.number}/").content.decode()
        assert '<option value="sc-manager">' in page and "sc-viewer" not in page and "pp-editor" not in page
        response = client.post(f"/streetlights/repairs/{order.number}/assign/", {"assignee": "sc-manager"})
        assert response.status_code == 302 and snapshot(order)[:2] == (
            RepairStatus.ASSIGNED,
            roles["manager"].pk,
        )

    def test_open_by_hand(self, client, registry, roles):
        client.force_login(roles["editor"])
        assert client.get("/streetlights/repairs/new/?light=SL-HAGUN6-003").status_code == 200
        bad = client.post(
            "/streetlights/repairs/new/", {"kind": "lamp_failure", "light": "SL-X", "detail": "민원"}
        )
        assert (
            bad.status_code == 400
            and "가로등 &#x27;SL-X&#x27;이(가) 대장에 없습니다." in bad.content.decode()
        )
        good = client.post(
            "/streetlights/repairs/new/", {"kind": "lamp_failure", "light": "SL-HAGUN6-003", "detail": "민원"}
        )
        number = RepairOrder.objects.get().number
        assert good.status_code == 302 and good["Location"] == f"/streetlights/repairs/{number}/"
        client.force_login(roles["viewer"])
        assert client.get("/streetlights/repairs/new/").status_code == 403

    def test_unknown_number_is_404(self, client, registry, roles):
        client.force_login(roles["viewer"])
        assert client.get("/streetlights/repairs/RO-2025-99999/").status_code == 404


class TestApi:
    URL = "/api/v1/streetlights/repairs/"

    def post(self, client, url, body):
        return client.post(url, json.dumps(body), content_type="application/json")

    def test_list_and_get(self, client, registry, roles):
        order = open_order(simulated=True)
        client.force_login(roles["viewer"])
        rows = client.get(self.URL).json()
        assert [(r["number"], r["kind"], r["light"], r["status"], r["simulated"]) for r in rows] == [
            (order.number, "lamp_failure", "SL-HAGUN6-012", "open", True)
        ]
        assert rows[0]["sla"]["state"] in ("running", "overdue")
        got = client.get(f"{self.URL}{order.number}").json()
        assert (got["number"], got["base_station"], got["site"], got["kind_label"]) == (
            order.number,
            "BS-HAGUN6-06",
            "HAGUN6",
            "램프 고장",
        )
        assert client.get(f"{self.URL}RO-2025-99999").status_code == 404

    def test_bad_filter_is_422_with_where(self, client, registry, roles):
        client.force_login(roles["viewer"])
        response = client.get(f"{self.URL}?kind=broken")
        assert response.status_code == 422
        assert response.json() == {
            "detail": [
                {
                    "loc": ["query", "kind"],
                    "msg": "'broken'은(는) 고를 수 있는 값이 아닙니다. "
                    "가능한 값: lamp_failure, light_offline, station_offline, abnormal_power, flicker",
                    "type": "value_error",
                }
            ]
        }

    def test_anonymous_and_no_role(self, client, registry, roles):
        assert client.get(self.URL).status_code == 401
        client.force_login(roles["norole"])
        assert client.get(self.URL).status_code == 403

    def test_viewer_cannot_assign_or_open_and_nothing_changes(self, client, registry, roles):
        order = open_order()
        client.force_login(roles["viewer"])
        response = self.post(
            client, self.URL, {"kind": "flicker", "light": "SL-PUNGMU-003", "detail": "민원"}
        )
        assert response.status_code == 403 and RepairOrder.objects.count() == 1
        response = self.post(client, f"{self.URL}{order.number}/assign", {"contractor": "A사"})
        assert response.status_code == 403
        assert snapshot(order)[0] == RepairStatus.OPEN

    def test_assign_close_reopen(self, client, registry, roles):
        order = open_order(now=datetime.now(UTC))
        client.force_login(roles["editor"])
        response = self.post(client, f"{self.URL}{order.number}/assign", {"assignee": "sc-editor"})
        assert response.status_code == 200 and response.json()["assignee"] == "sc-editor"
        response = self.post(client, f"{self.URL}{order.number}/close", {"resolution": ""})
        assert response.status_code == 422
        assert response.json()["detail"] == [
            {"loc": ["body", "resolution"], "msg": "처리 내용을(를) 적어 주세요.", "type": "value_error"}
        ]
        response = self.post(client, f"{self.URL}{order.number}/close", {"resolution": "교체"})
        assert (response.status_code, response.json()["status"], response.json()["sla"]["state"]) == (
            200,
            "closed",
            "met",
        )
        assert light_state("SL-HAGUN6-012") == LightState.ACTIVE
        response = self.post(client, f"{self.URL}{order.number}/reopen", {"reason": "재발"})
        assert (response.status_code, response.json()["status"]) == (200, "assigned")

    def test_open_and_unknown_fields(self, client, registry, roles):
        client.force_login(roles["editor"])
        response = self.post(
            client, self.URL, {"kind": "flicker", "light": "SL-PUNGMU-003", "detail": "민원"}
        )
        assert response.status_code == 201 and response.json()["due_at"]
        response = self.post(
            client, self.URL, {"kind": "flicker", "light": "SL-PUNGMU-003", "detail": "x", "x": 1}
        )
        assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "x"]
        response = self.post(
            client, self.URL, {"kind": "flicker", "light": "SL-PUNGMU-003", "detail": "다시"}
        )
        assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "light"]


class TestCommand:
    def test_runs_the_rules_once(self, registry):
        DeviceState.objects.create(
            device_id="SL-HAGUN6-020",
            lamp_on=True,
            dim=100,
            power_w=100.0,
            energy_wh=1,
            voltage_v=220.0,
            current_a=0.4,
            temperature_c=20.0,
            last_ts=datetime(2020, 1, 1, tzinfo=UTC),
            last_message_id="1",
            last_seen=datetime(2020, 1, 1, tzinfo=UTC),
            faults=[],
        )
        out = StringIO()
        call_command("streetlights_faults", stdout=out)
        text = out.getvalue()
        assert "점검 1대 · 통신 두절 1대" in text and "신규 1건" in text
        number = RepairOrder.objects.get().number
        assert f"신규: {number}" in text

    def test_bad_interval(self, registry):
        with pytest.raises(CommandError, match="1초 이상"):
            call_command("streetlights_faults", "--loop", "0")
