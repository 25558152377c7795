"""The live operations pages and API: counters, map, site control, schedule editing, a light's page,
for each role, with the bad paths."""

import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cityhall.core.models import AuditEvent
from cityhall.streetlights.choices import CommandStatus, FaultKind, LightState
from cityhall.streetlights.models import Command, RepairOrder, SiteSchedule, Streetlight, StreetlightSite
from cityhall.streetlights.operations import selectors as live
from cityhall.telemetry.models import DeviceState, Reading

API = "/api/v1/streetlights"


def put_state(code, *, on=True, dim=100, power=100.0, ago=timedelta(seconds=30), faults=(), simulated=False):
    now = timezone.now() - ago
    DeviceState.objects.update_or_create(
        device_id=code,
        defaults=dict(
            last_ts=now,
            last_message_id=str(uuid.uuid4()),
            last_seen=now,
            lamp_on=on,
            dim=dim,
            power_w=power,
            energy_wh=1000,
            voltage_v=220.0,
            current_a=power / 220,
            temperature_c=10.0,
            faults=list(faults),
            simulated=simulated,
        ),
    )


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def field(registry):
    """A few lights of 학운 4-1 (58 lights) and 풍무동 (64) have reported; the rest never have."""
    put_state("SL-HAGUN41-001", on=True, dim=100, power=101.0)
    put_state("SL-HAGUN41-002", on=True, dim=50, power=52.5)
    put_state("SL-HAGUN41-003", on=False, dim=0, power=0.0)
    put_state("SL-HAGUN41-004", on=True, power=0.0, faults=["LAMP_FAIL"])
    put_state("SL-HAGUN41-005", on=True, power=99.0, ago=timedelta(minutes=6))  # offline
    put_state("SL-PUNGMU-001", on=True, dim=100, power=98.5, simulated=True)
    Streetlight.objects.filter(code="SL-PUNGMU-002").update(state=LightState.FAULT)
    site = StreetlightSite.objects.get(code="HAGUN41")
    RepairOrder.objects.create(
        number="RO-2026-00001",
        kind=FaultKind.LAMP_FAILURE,
        site=site,
        light=Streetlight.objects.get(code="SL-HAGUN41-004"),
        opened_at=timezone.now(),
        due_at=timezone.now() + timedelta(hours=48),
    )


class TestSelectors:
    def test_fleet_counters(self, field, roles):
        fleet = live.fleet_live(roles["viewer"])
        total = fleet.total
        assert (total.lights, total.reporting, total.offline, total.never) == (638, 5, 1, 632)
        assert (total.on, total.off, total.faults, total.open_repairs) == (4, 1, 2, 1)
        assert total.power_w == pytest.approx(101.0 + 52.5 + 0.0 + 0.0 + 98.5)
        assert total.simulated is True
        by_code = {row.site.code: row for row in fleet.sites}
        assert set(by_code) == {"HASEONG", "DAEGOT", "YANGCHON", "PUNGMU", "HAGUN41", "HAGUN6"}
        hagun = by_code["HAGUN41"]
        assert (hagun.lights, hagun.reporting, hagun.on, hagun.off, hagun.faults, hagun.offline) == (
            58,
            4,
            3,
            1,
            1,
            1,
        )
        assert hagun.simulated is False and hagun.health == "bad" and hagun.open_repairs == 1
        assert by_code["PUNGMU"].simulated is True and by_code["PUNGMU"].faults == 1
        assert by_code["HAGUN6"].health == "nodata" and by_code["DAEGOT"].lights == 0
        assert hagun.sun.rise is not None and hagun.sun.set is not None

    def test_state_filters(self, field, roles):
        site = StreetlightSite.objects.get(code="HAGUN41")
        codes = lambda state: [x.code for x in live.lights_live(roles["viewer"], site=site, state=state)]  # noqa: E731
        assert codes("on") == ["SL-HAGUN41-001", "SL-HAGUN41-002", "SL-HAGUN41-004"]
        assert codes("off") == ["SL-HAGUN41-003"]
        assert codes("offline") == ["SL-HAGUN41-005"]
        assert codes("fault") == ["SL-HAGUN41-004"]
        assert len(codes("never")) == 53
        assert len(codes(None)) == 58

    def test_live_map_colours_each_light_by_its_state(self, field, roles):
        states, points = live.live_map(roles["viewer"])
        assert [s.key for s in states] == ["on", "off", "fault", "offline", "never"]
        assert len(points) == 638
        by_code = {p.id: p for p in points}
        assert by_code["SL-HAGUN41-001"].state == "on" and by_code["SL-HAGUN41-003"].state == "off"
        assert by_code["SL-HAGUN41-004"].state == "fault"  # on, but reporting LAMP_FAIL
        assert by_code["SL-HAGUN41-005"].state == "offline"
        assert by_code["SL-PUNGMU-002"].state == "fault"  # the registry says so, nothing heard
        assert by_code["SL-HAGUN6-001"].state == "never"
        assert by_code["SL-HAGUN41-001"].href == "/streetlights/lights/SL-HAGUN41-001/"
        assert (by_code["SL-HAGUN41-001"].lat, by_code["SL-HAGUN41-001"].lon) == live.APPROXIMATE_POSITIONS[
            "HAGUN41"
        ]

    def test_live_map_feed(self, field, roles):
        response = client_for(roles["viewer"]).get("/streetlights/live/map.json")
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
        feed = response.json()
        counts = {s["key"]: s["count"] for s in feed["states"]}
        assert counts == {"on": 3, "off": 1, "fault": 2, "offline": 1, "never": 631}
        assert sum(counts.values()) == len(feed["points"]) == 638
        # The lights of a site share its position; the map fans them out, saying so.
        assert all(p["spread"] for p in feed["points"])
        assert len({(p["lat"], p["lon"]) for p in feed["points"]}) == 638
        assert client_for(None).get("/streetlights/live/map.json").status_code in (302, 403)

    def test_registry_coordinates_win_over_the_approximate_table(self, registry):
        site = StreetlightSite.objects.get(code="PUNGMU")
        assert live.site_position(site) == (live.APPROXIMATE_POSITIONS["PUNGMU"], True)
        site.lat, site.lon = "37.600000", "126.700000"
        assert live.site_position(site) == ((37.6, 126.7), False)

    def test_overview_is_a_few_queries_for_638_lights(self, field, roles, django_assert_max_num_queries):
        client = client_for(roles["viewer"])
        client.get("/streetlights/live/panel/")  # warm the user's role cache path once
        with django_assert_max_num_queries(8):
            response = client.get("/streetlights/live/panel/")
        assert response.status_code == 200


class TestOverviewPage:
    def test_viewer_sees_counters_map_and_sites(self, field, roles):
        response = client_for(roles["viewer"]).get("/streetlights/")
        assert response.status_code == 200
        html = response.content.decode()
        assert 'hx-trigger="every 5s"' in html and 'hx-get="/streetlights/live/panel/"' in html
        assert '<span class="value" data-counter="lights">638</span>' in html
        assert '<span class="value" data-counter="faults">2</span>' in html
        assert '<span class="value" data-counter="power">0.25 kW</span>' in html
        assert "모의 데이터" in html
        assert 'data-live-url="/streetlights/live/map.json"' in html and 'data-live-refresh="5"' in html
        assert "학운 4-1" in html and 'href="/streetlights/sites/HAGUN41/"' in html
        assert "아직 보고한 가로등이 없습니다" not in html
        assert 'href="/streetlights/"' in html and "스마트가로등" in html  # the menu link

    def test_nothing_reported_says_how_to_start(self, registry, roles):
        html = client_for(roles["viewer"]).get("/streetlights/").content.decode()
        assert "아직 보고한 가로등이 없습니다" in html and "cityhall demo" in html
        assert "모의 데이터" not in html

    def test_panel_is_a_fragment(self, field, roles):
        response = client_for(roles["viewer"]).get("/streetlights/live/panel/")
        html = response.content.decode()
        assert response.status_code == 200
        assert html.startswith('<div id="live-panel"') and "<html" not in html

    @pytest.mark.parametrize(
        "path", ["/streetlights/", "/streetlights/live/panel/", "/streetlights/sites/HAGUN41/"]
    )
    def test_no_role_no_page(self, registry, roles, path):
        assert client_for(roles["norole"]).get(path).status_code == 403
        assert client_for(None).get(path).status_code == 302


class TestSitePage:
    def test_viewer_sees_lights_but_no_controls(self, field, roles):
        response = client_for(roles["viewer"]).get("/streetlights/sites/HAGUN41/")
        html = response.content.decode()
        assert response.status_code == 200
        assert 'data-light="SL-HAGUN41-001"' in html and 'data-light="SL-HAGUN41-050"' in html
        assert 'data-light="SL-HAGUN41-051"' not in html  # page 2 of 58 lights
        assert 'id="command-form"' not in html and 'name="start_1"' not in html
        assert 'data-testid="no-control"' in html
        assert "오늘 밤 계획" in html and "기본(심야 50%)" in html

    @pytest.mark.parametrize("role", ["editor", "manager", "director"])
    def test_smart_city_editors_get_controls(self, field, roles, role):
        html = client_for(roles[role]).get("/streetlights/sites/HAGUN41/").content.decode()
        assert 'id="command-form"' in html and 'name="start_1"' in html
        assert 'id="pick-SL-HAGUN41-001"' in html

    def test_other_department_editor_gets_no_controls(self, field, roles):
        html = client_for(roles["other_editor"]).get("/streetlights/sites/HAGUN41/").content.decode()
        assert 'id="command-form"' not in html and 'name="start_1"' not in html

    def test_state_filter_and_panel(self, field, roles):
        client = client_for(roles["viewer"])
        html = client.get("/streetlights/sites/HAGUN41/panel/?state=fault").content.decode()
        assert html.strip().startswith('<div id="site-live"')
        assert 'hx-get="/streetlights/sites/HAGUN41/panel/?state=fault"' in html
        # The table and the page links come out of band, so the table's scroll box stays in place.
        assert '<table class="site-lights" id="site-lights-table" hx-swap-oob="true">' in html
        assert 'id="site-lights-pages" hx-swap-oob="true"' in html
        assert html.count("data-light=") == 1 and 'data-light="SL-HAGUN41-004"' in html
        html = client.get("/streetlights/sites/HAGUN41/?station=BS-HAGUN41-02").content.decode()
        assert html.count("data-light=") == 29

    def test_unknown_site_is_404(self, registry, roles):
        assert client_for(roles["viewer"]).get("/streetlights/sites/NOWHERE/").status_code == 404


class TestCommandsFromThePage:
    def test_editor_commands_the_whole_site(self, field, roles):
        client = client_for(roles["editor"])
        response = client.post(
            "/streetlights/sites/HAGUN41/command/", {"scope": "site", "action": "dim", "level": "30"}
        )
        assert response.status_code == 302
        commands = Command.objects.filter(light__site__code="HAGUN41")
        assert commands.count() == 58
        assert set(commands.values_list("action", "level", "status", "issued_by")) == {
            ("dim", 30, CommandStatus.PENDING, roles["editor"].pk)
        }
        assert len(set(commands.values_list("batch", flat=True))) == 1
        event = AuditEvent.objects.get(action="command")
        assert event.after["lights"] == 58 and event.actor == "sc-editor"
        page = client.get("/streetlights/sites/HAGUN41/commands/").content.decode()
        assert "밝기 조절 30%" in page and "대기 58" in page

    def test_selected_lights_over_htmx(self, field, roles):
        client = client_for(roles["editor"])
        response = client.post(
            "/streetlights/sites/HAGUN41/command/",
            {"scope": "selected", "lights": ["SL-HAGUN41-001", "SL-HAGUN41-003"], "action": "off"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200 and response["HX-Trigger"] == "commands-changed"
        assert "소등 명령을 가로등 2대에 요청했습니다" in response.content.decode()
        assert sorted(Command.objects.values_list("light__code", flat=True)) == [
            "SL-HAGUN41-001",
            "SL-HAGUN41-003",
        ]

    def test_one_light_from_its_page(self, field, roles):
        response = client_for(roles["editor"]).post(
            "/streetlights/sites/HAGUN41/command/",
            {"scope": "selected", "lights": "SL-HAGUN41-002", "single": "SL-HAGUN41-002", "action": "auto"},
            HTTP_HX_REQUEST="true",
        )
        html = response.content.decode()
        assert "스케줄 복귀 명령을 가로등 1대에 요청했습니다" in html
        assert "대상: 가로등 SL-HAGUN41-002" in html and 'name="scope" value="site"' not in html
        assert list(Command.objects.values_list("light__code", "action", "level")) == [
            ("SL-HAGUN41-002", "auto", None)
        ]

    def test_retired_lights_are_not_commanded(self, field, roles):
        Streetlight.objects.filter(code="SL-HAGUN41-002").update(state=LightState.RETIRED)
        client = client_for(roles["editor"])
        response = client.post("/streetlights/sites/HAGUN41/command/", {"scope": "site", "action": "on"})
        assert response.status_code == 302
        assert Command.objects.count() == 57
        assert not Command.objects.filter(light__code="SL-HAGUN41-002").exists()

    @pytest.mark.parametrize(
        "data, message",
        [
            (
                {"scope": "site", "action": "dim", "level": "150"},
                "밝기 &#x27;150&#x27;은(는) 0~100 사이의 정수(%)여야 합니다.",
            ),
            ({"scope": "site", "action": "dim", "level": ""}, "0~100 사이의 정수(%)여야 합니다."),
            ({"scope": "site", "action": "explode"}, "명령을 고르세요"),
            ({"scope": "selected", "action": "on"}, "명령을 보낼 가로등을 표에서 하나 이상 고르세요."),
            (
                {"scope": "selected", "action": "on", "lights": ["SL-PUNGMU-001"]},
                "이 지역에서 운영 중인 가로등이 아닙니다: SL-PUNGMU-001",
            ),
            ({"scope": "everywhere", "action": "on"}, "대상은 &#x27;지역 전체&#x27; 또는"),
        ],
    )
    def test_bad_command_input_is_refused_and_changes_nothing(self, field, roles, data, message):
        response = client_for(roles["editor"]).post("/streetlights/sites/HAGUN41/command/", data)
        assert response.status_code == 422
        assert message in response.content.decode()
        assert not Command.objects.exists() and not AuditEvent.objects.filter(action="command").exists()

    @pytest.mark.parametrize("role", ["viewer", "other_editor"])
    def test_not_allowed_to_command(self, field, roles, role):
        response = client_for(roles[role]).post(
            "/streetlights/sites/HAGUN41/command/", {"scope": "site", "action": "on"}
        )
        assert response.status_code == 403
        assert not Command.objects.exists()


class TestScheduleFromThePage:
    def form(self, rows, name="심야 30%"):
        data = {"rows": str(len(rows)), "name": name}
        for n, (start, end, level) in enumerate(rows, start=1):
            data.update({f"start_{n}": start, f"end_{n}": end, f"level_{n}": level})
        return data

    def test_editor_saves_and_sees_tonight(self, registry, roles):
        client = client_for(roles["editor"])
        rows = [("일몰", "22:00", "100"), ("22:00", "05:30", "30"), ("05:30", "일출", "80"), ("", "", "")]
        response = client.post("/streetlights/sites/PUNGMU/schedule/", self.form(rows))
        assert response.status_code == 302
        schedule = SiteSchedule.objects.get(site__code="PUNGMU")
        assert schedule.periods == [["일몰", "22:00", 100], ["22:00", "05:30", 30], ["05:30", "일출", 80]]
        assert schedule.name == "심야 30%"
        html = client.get("/streetlights/sites/PUNGMU/").content.decode()
        assert "22:00" in html and "30%" in html and "심야 30%" in html
        assert AuditEvent.objects.filter(record_type="site_schedules", action="create").count() == 1

    def test_bad_rows_are_reported_at_their_row_and_nothing_is_saved(self, registry, roles):
        client = client_for(roles["editor"])
        rows = [("일몰", "23:00", "100"), ("", "", ""), ("25:00", "05:00", "abc"), ("05:00", "일출", "120")]
        response = client.post("/streetlights/sites/PUNGMU/schedule/", self.form(rows))
        assert response.status_code == 422
        html = response.content.decode()
        assert "스케줄을 저장하지 못했습니다" in html
        assert "구간 3: &#x27;25:00&#x27;은(는) 시각이 아닙니다." in html
        assert "구간 3: 밝기 &#x27;abc&#x27;은(는) 0~100 사이의 정수여야 합니다." in html
        assert "구간 4: 밝기 120%는 0~100% 범위를 벗어납니다." in html
        # What the person typed is still there, and the bad cells are marked.
        assert 'name="start_3" value="25:00"' in html and 'name="level_4" value="120"' in html
        assert html.count('aria-invalid="true"') == 3
        assert not SiteSchedule.objects.exists()

    @pytest.mark.parametrize("role", ["viewer", "other_editor"])
    def test_not_allowed_to_edit(self, registry, roles, role):
        response = client_for(roles[role]).post(
            "/streetlights/sites/PUNGMU/schedule/", self.form([("일몰", "일출", "100")])
        )
        assert response.status_code == 403
        assert not SiteSchedule.objects.exists()


class TestLightPage:
    def test_light_with_readings_draws_a_chart(self, field, roles):
        now = timezone.now()
        Reading.objects.bulk_create(
            [
                Reading(
                    device_id="SL-HAGUN41-002",
                    message_id=f"m{i}",
                    ts=now - timedelta(minutes=10 * i),
                    received_at=now,
                    lamp_on=True,
                    dim=50,
                    power_w=50.0 + i % 3,
                    energy_wh=i,
                    voltage_v=220,
                    current_a=0.2,
                    temperature_c=5,
                    simulated=True,
                )
                for i in range(1, 30)
            ]
        )
        html = client_for(roles["viewer"]).get("/streetlights/lights/SL-HAGUN41-002/").content.decode()
        assert 'data-testid="power-chart"' in html and "<polyline" in html
        assert "모의 데이터" in html and "52.5 W" in html and "BS-HAGUN41-02" in html
        assert 'id="command-form"' not in html

    def test_light_without_data(self, registry, roles):
        html = client_for(roles["editor"]).get("/streetlights/lights/SL-HASEONG-001/").content.decode()
        assert "아직 보고한 적이 없습니다" in html and "최근 24시간 측정값이 없습니다" in html
        assert 'id="command-form"' in html

    def test_power_chart_geometry(self):
        now = timezone.now()
        series = [(now - timedelta(hours=24) + timedelta(minutes=10 * i), None) for i in range(144)]
        series[10] = (series[10][0], 100.0)
        series[11] = (series[11][0], 50.0)
        chart = live.power_chart(series, rated_w=100)
        assert len(chart["lines"]) == 1 and len(chart["lines"][0].split()) == 2
        assert len(chart["x_ticks"]) == 4 and chart["max_w"] == 100.0
        assert chart["y_ticks"][0]["label"] == "0"

    def test_unknown_light_is_404(self, registry, roles):
        assert client_for(roles["viewer"]).get("/streetlights/lights/SL-NOPE-001/").status_code == 404


class TestApi:
    def test_live_sites(self, field, roles):
        response = client_for(roles["viewer"]).get(f"{API}/live/sites")
        assert response.status_code == 200
        rows = {r["code"]: r for r in response.json()}
        assert set(rows) == {"HASEONG", "DAEGOT", "YANGCHON", "PUNGMU", "HAGUN41", "HAGUN6"}
        assert {
            k: rows["HAGUN41"][k] for k in ("lights", "reporting", "on", "off", "faults", "offline", "never")
        } == {
            "lights": 58,
            "reporting": 4,
            "on": 3,
            "off": 1,
            "faults": 1,
            "offline": 1,
            "never": 53,
        }
        assert rows["HAGUN41"]["power_kw"] == 0.1535 and rows["HAGUN41"]["open_repairs"] == 1

    def test_live_lights_filtered(self, field, roles):
        response = client_for(roles["viewer"]).get(f"{API}/live/lights?site=HAGUN41&state=on")
        assert [r["code"] for r in response.json()] == ["SL-HAGUN41-001", "SL-HAGUN41-002", "SL-HAGUN41-004"]
        first = response.json()[0]
        assert first["site"] == "HAGUN41" and first["state"] == "on" and first["power_w"] == 101.0

    def test_live_lights_bad_query(self, field, roles):
        response = client_for(roles["viewer"]).get(f"{API}/live/lights?site=NOWHERE&state=burning")
        assert response.status_code == 422
        assert [d["loc"] for d in response.json()["detail"]] == [["query", "site"], ["query", "state"]]
        assert response.json()["detail"][0]["msg"] == (
            "'NOWHERE'은(는) 고를 수 있는 값이 아닙니다. "
            "가능한 값: DAEGOT, HAGUN41, HAGUN6, HASEONG, PUNGMU, YANGCHON"
        )

    def test_command_then_batch(self, field, roles):
        client = client_for(roles["editor"])
        response = client.post(
            f"{API}/commands",
            json.dumps({"lights": ["SL-HAGUN41-001", "SL-PUNGMU-001"], "action": "dim", "level": 40}),
            content_type="application/json",
        )
        assert response.status_code == 201
        body = response.json()
        assert [(c["light"], c["action"], c["level"], c["status"]) for c in body] == [
            ("SL-HAGUN41-001", "dim", 40, "pending"),
            ("SL-PUNGMU-001", "dim", 40, "pending"),
        ]
        batch = body[0]["batch"]
        Command.objects.filter(light__code="SL-HAGUN41-001").update(status=CommandStatus.ACKED, result="ok")
        statuses = client_for(roles["viewer"]).get(f"{API}/commands/{batch}").json()
        assert [(c["light"], c["status"]) for c in statuses] == [
            ("SL-HAGUN41-001", "acked"),
            ("SL-PUNGMU-001", "pending"),
        ]

    def test_command_to_a_site(self, field, roles):
        response = client_for(roles["editor"]).post(
            f"{API}/commands",
            json.dumps({"site": "PUNGMU", "action": "auto"}),
            content_type="application/json",
        )
        assert response.status_code == 201 and len(response.json()) == 64

    @pytest.mark.parametrize(
        "payload, loc, msg",
        [
            (
                {"action": "on"},
                "lights",
                "lights(가로등 코드 목록)와 site(지역 코드) 중 하나만 보내야 합니다.",
            ),
            ({"site": "PUNGMU", "lights": ["SL-PUNGMU-001"], "action": "on"}, "lights", None),
            ({"site": "NOWHERE", "action": "on"}, "site", "지역 코드 'NOWHERE'이(가) 없습니다."),
            ({"lights": [], "action": "on"}, "lights", "가로등 코드를 하나 이상 보내야 합니다."),
            ({"lights": ["SL-X-001"], "action": "on"}, "lights", "운영 중인 가로등이 아닙니다: SL-X-001"),
            ({"site": "PUNGMU", "action": "blink"}, "action", "알 수 없는 명령입니다: blink"),
            (
                {"site": "PUNGMU", "action": "dim", "level": 101},
                "level",
                "밝기는 0~100 사이의 정수(%)여야 합니다.",
            ),
            (
                {"site": "PUNGMU", "action": "on", "level": 50},
                "level",
                "밝기는 밝기 조절 명령에만 지정합니다.",
            ),
            ({"site": "PUNGMU", "action": "dim", "level": "50"}, "level", None),
            ({"site": "PUNGMU", "action": "on", "colour": "red"}, "colour", None),
        ],
    )
    def test_bad_command_is_422_and_changes_nothing(self, field, roles, payload, loc, msg):
        response = client_for(roles["editor"]).post(
            f"{API}/commands", json.dumps(payload), content_type="application/json"
        )
        assert response.status_code == 422
        detail = response.json()["detail"]
        assert detail[0]["loc"] == ["body", loc]
        if msg is not None:
            assert detail[0]["msg"] == msg
        assert not Command.objects.exists()

    @pytest.mark.parametrize("role", ["viewer", "other_editor"])
    def test_command_forbidden(self, field, roles, role):
        response = client_for(roles[role]).post(
            f"{API}/commands", json.dumps({"site": "PUNGMU", "action": "on"}), content_type="application/json"
        )
        assert response.status_code == 403
        assert response.json() == {"detail": "이 가로등을 제어할 권한이 없습니다."}
        assert not Command.objects.exists()

    def test_unknown_batch_is_404_and_no_role_is_403(self, registry, roles):
        assert client_for(roles["viewer"]).get(f"{API}/commands/{uuid.uuid4()}").status_code == 404
        assert client_for(roles["norole"]).get(f"{API}/live/sites").status_code == 403
        assert client_for(None).get(f"{API}/live/sites").status_code == 401


def test_light_page_links_its_repair_orders(field, roles):
    html = client_for(roles["viewer"]).get("/streetlights/lights/SL-HAGUN41-004/").content.decode()
    assert '<a href="/streetlights/repairs/RO-2026-00001/">RO-2026-00001</a>' in html
    assert "램프 고장" in html and "고장 코드" in html and "<code>LAMP_FAIL</code>" in html
