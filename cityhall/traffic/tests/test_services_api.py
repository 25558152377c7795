"""Signal plans as records (validated on every path), emergency runs through the API and the pages,
regional hand-over, permissions."""

import json
import re

import pytest
from django.conf import settings
from django.urls import reverse

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.traffic import services
from cityhall.traffic.models import EmergencyRun, SignalPlan
from cityhall.traffic.twin.network import read_network


def test_default_network_registers_36_controllers_with_valid_plans(network):
    assert network.synthetic
    assert network.controllers.count() == 36
    plan = SignalPlan.objects.get(controller__network=network, controller__tls_id="C2")
    assert plan.cycle_s == 90
    assert [p["duration"] for p in plan.phases] == [40, 3, 2, 40, 3, 2]
    assert plan.offset_s == round(plan.controller.x / 13.89) % 90
    assert services.signal_plan_rules(plan, None) == {}


def test_plan_update_validates_and_audits(network, roles):
    plan = SignalPlan.objects.get(controller__network=network, controller__tls_id="C2")
    phases = [dict(p) for p in plan.phases]
    phases[0]["duration"] = 50
    actor = Actor.for_user(roles["editor"])
    with pytest.raises(RecordInvalid) as exc:
        services.signal_plan_update(plan=plan, cycle_s=90, offset_s=10, phases=phases, actor=actor)
    assert exc.value.errors["phases"] == [
        "현시 시간의 합 100초가 주기 90초와 같아야 합니다 (현시가 주기를 채워야 함)."
    ]
    with pytest.raises(RecordInvalid) as exc:
        services.signal_plan_update(plan=plan, cycle_s=100, offset_s=100, phases=phases, actor=actor)
    assert exc.value.errors == {"offset_s": ["옵셋 100초는 0 이상, 주기 100초 미만이어야 합니다."]}
    plan.refresh_from_db()
    assert plan.cycle_s == 90  # nothing half-written
    services.signal_plan_update(plan=plan, cycle_s=100, offset_s=7, phases=phases, actor=actor)
    plan.refresh_from_db()
    assert (plan.cycle_s, plan.offset_s, plan.phases[0]["duration"]) == (100, 7, 50)
    assert AuditEvent.objects.filter(record_type="signal_plans", record_id=plan.pk, action="update").exists()


def test_plan_api_answers_422_with_loc_and_denies_other_departments(network, client, roles):
    client.force_login(roles["editor"])
    url = "/api/v1/traffic/plans/C2"
    plan = client.get(url).json()
    body = {"cycle_s": 90, "offset_s": 95, "phases": plan["phases"]}
    res = client.put(url, json.dumps(body), content_type="application/json")
    assert res.status_code == 422
    assert res.json()["detail"] == [
        {
            "loc": ["body", "offset_s"],
            "msg": "옵셋 95초는 0 이상, 주기 90초 미만이어야 합니다.",
            "type": "value_error",
        }
    ] or res.json()["detail"][0]["loc"] == ["body", "offset_s"]
    client.force_login(roles["other_editor"])
    body["offset_s"] = 5
    assert client.put(url, json.dumps(body), content_type="application/json").status_code == 403
    assert SignalPlan.objects.get(controller__tls_id="C2").offset_s == plan["offset_s"]


def test_run_request_refuses_a_route_over_missing_edges(network, roles):
    with pytest.raises(RecordInvalid) as exc:
        services.emergency_run_request(
            unit="김포119-구급1",
            vehicle_type="ambulance",
            incident="심정지",
            route=["left2A2", "nowhere"],
            actor=Actor.for_user(roles["editor"]),
        )
    assert exc.value.errors == {"route": ["도로망에 없는 링크입니다: nowhere"]}
    with pytest.raises(RecordInvalid) as exc:
        services.emergency_run_request(
            unit="",
            vehicle_type="tank",
            incident="x",
            route=["left2A2", "B2C2"],
            actor=Actor.for_user(roles["editor"]),
        )
    assert set(exc.value.errors) == {"unit", "vehicle_type", "route"}
    assert EmergencyRun.objects.count() == 0


@pytest.mark.slow
def test_run_through_the_api_stores_plans_and_outcome(network, client, roles):
    client.force_login(roles["editor"])
    res = client.post(
        "/api/v1/traffic/runs",
        json.dumps(
            {
                "unit": "김포119-구급1",
                "vehicle_type": "ambulance",
                "incident": "심정지 (모의)",
                "origin": "left2A2",
                "destination": "F2right2",
            }
        ),
        content_type="application/json",
    )
    assert res.status_code == 201, res.content
    run = res.json()
    assert run["status"] == "completed" and run["synthetic"]
    assert run["route"][0] == "left2A2" and run["route"][-1] == "F2right2"
    assert run["travel_time_s"] < run["baseline_travel_time_s"]
    assert [j["tls_id"] for j in run["junctions"]] == ["A2", "B2", "C2", "D2", "E2", "F2"]
    assert run["decision_p99_ms"] < 10
    assert run["handover_out"] == {
        "unit": "김포119-구급1",
        "exit_edge": "F2right2",
        "vehicle_type": "ambulance",
        "incident": "심정지 (모의)",
    }
    assert client.get(f"/api/v1/traffic/runs/{run['id']}").json()["id"] == run["id"]
    stored = EmergencyRun.objects.get()
    assert len(stored.link_speeds) == 168 and stored.demand_veh_h > 0
    page = client.get(reverse("traffic:run", args=[stored.pk])).content.decode()
    assert 'class="road free"' in page
    client.force_login(roles["viewer"])
    assert client.post("/api/v1/traffic/runs", "{}", content_type="application/json").status_code in (
        403,
        422,
    )
    assert EmergencyRun.objects.count() == 1


@pytest.mark.slow
def test_a_neighbour_hands_over_a_vehicle(network, client, roles):
    """The simulated neighbour (경기도 system) hands over a vehicle entering at our west boundary; we
    answer with the run and where it leaves us, for the next system."""
    client.force_login(roles["manager"])
    neighbour = {
        "agency": "경기도 긴급차량 우선신호 (모의 이웃)",
        "unit": "고양119-구조2",
        "vehicle_type": "fire",
        "incident": "화재 출동",
        "entry_edge": "left4A4",
        "destination": "D0bottom3",
    }
    res = client.post("/api/v1/traffic/handover", json.dumps(neighbour), content_type="application/json")
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["handed_over_from"] == "경기도 긴급차량 우선신호 (모의 이웃)"
    assert body["handover_out"]["exit_edge"] == "D0bottom3"
    bad = dict(neighbour, entry_edge="nowhere")
    res = client.post("/api/v1/traffic/handover", json.dumps(bad), content_type="application/json")
    assert res.status_code == 422
    assert res.json()["detail"][0]["loc"] == ["body", "route"]


def test_pages_show_the_synthetic_label_and_check_permissions(network, client, roles):
    client.force_login(roles["viewer"])
    page = client.get(reverse("traffic:overview")).content.decode()
    assert "모의" in page and "C2" in page and 'data-testid="twin-map"' in page
    res = client.post(reverse("traffic:plan", args=["C2"]), {"cycle_s": 90, "offset_s": 0})
    assert res.status_code == 403
    client.force_login(roles["norole"])
    assert client.get(reverse("traffic:overview")).status_code == 403


def test_plan_editor_shows_korean_errors_beside_the_fields(network, client, roles):
    client.force_login(roles["editor"])
    plan = SignalPlan.objects.get(controller__tls_id="C2")
    data = {"cycle_s": 91, "offset_s": 3}
    for n, p in enumerate(plan.phases):
        data[f"duration_{n}"] = p["duration"]
        if p["kind"] == "green":
            data[f"min_green_{n}"] = p["min_green"]
    res = client.post(reverse("traffic:plan", args=["C2"]), data)
    assert res.status_code == 422
    assert "현시 시간의 합 90초가 주기 91초와 같아야 합니다" in res.content.decode()
    data["cycle_s"] = 90
    res = client.post(reverse("traffic:plan", args=["C2"]), data)
    assert res.status_code == 302
    plan.refresh_from_db()
    assert plan.offset_s == 3


def test_plan_editor_shows_the_twin_errors_in_the_readers_language(network, client, roles):
    """The rules live in the Django-free twin; the editor shows them in English with the English
    interface, and in Korean (unchanged) by default."""
    client.force_login(roles["editor"])
    plan = SignalPlan.objects.get(controller__tls_id="C2")
    before = (plan.cycle_s, plan.offset_s, plan.phases)
    data = {"cycle_s": 91, "offset_s": 95}
    for n, p in enumerate(plan.phases):
        data[f"duration_{n}"] = p["duration"]
        if p["kind"] == "green":
            data[f"min_green_{n}"] = 4 if n == 0 else p["min_green"]
    url = reverse("traffic:plan", args=["C2"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    res = client.post(url, data)
    html = res.content.decode()
    assert res.status_code == 422
    assert "The offset of 95 s must be at least 0 and less than the cycle of 91 s." in html
    assert "The phase durations add up to 90 s and must equal the cycle of 91 s" in html
    assert "phases.0: The minimum green of 4 s must be at least 5 s." in html
    assert "옵셋" not in html and "현시 시간의 합" not in html and "최소녹색 4초" not in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    html = client.post(url, data).content.decode()
    assert "옵셋 95초는 0 이상, 주기 91초 미만이어야 합니다." in html
    assert "현시 시간의 합 90초가 주기 91초와 같아야 합니다 (현시가 주기를 채워야 함)." in html
    assert "phases.0: 최소녹색 4초는 5초 이상이어야 합니다." in html
    assert "The offset of" not in html
    plan.refresh_from_db()
    assert (plan.cycle_s, plan.offset_s, plan.phases) == before


def test_plan_api_answers_in_the_requested_language(network, client, roles):
    client.force_login(roles["editor"])
    url = "/api/v1/traffic/plans/C2"
    plan = client.get(url).json()
    body = json.dumps({"cycle_s": 90, "offset_s": 95, "phases": plan["phases"]})
    res = client.put(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert res.status_code == 422
    assert (
        res.json()["detail"][0]["msg"]
        == "The offset of 95 s must be at least 0 and less than the cycle of 90 s."
    )
    res = client.put(url, body, content_type="application/json")
    assert res.json()["detail"][0]["msg"] == "옵셋 95초는 0 이상, 주기 90초 미만이어야 합니다."


def test_run_page_refuses_a_bad_route_with_korean_error(network, client, roles):
    client.force_login(roles["editor"])
    res = client.post(
        reverse("traffic:runs"),
        {
            "unit": "구급1",
            "vehicle_type": "ambulance",
            "incident": "x",
            "origin": "nowhere",
            "destination": "F2right2",
            "strategy": "predictive",
        },
    )
    assert res.status_code == 422
    assert "도로망에 없는 링크입니다: nowhere" in res.content.decode()
    assert EmergencyRun.objects.count() == 0


# Korean that is data, not interface: the synthetic network's and the signs' names, what signs show.
DATA_KOREAN = re.compile(
    r"모의 격자망 6×6 \(스마트교차로 36개소\)|모의 교차로 [A-F]\d|예시 \S+ 접근로|안전운전 하세요|김포시"
)
HANGUL = re.compile(r"[\uac00-\ud7a3]+")


def test_pages_in_english_show_korean_only_in_data(network, client, roles):
    services.vms_ensure_default(actor=Actor.system("test:traffic"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(roles["editor"])
    pages = ["overview", "runs", "benchmark", "detectors", "vms", "vms_messages"]
    urls = [reverse(f"traffic:{name}") for name in pages]
    urls += [reverse("traffic:plan", args=["C2"]), reverse("traffic:vms_sign", args=["VMS-01"])]
    for url in urls:
        res = client.get(url)
        assert res.status_code == 200, url
        main = DATA_KOREAN.sub("", res.content.decode().split("<main", 1)[1])
        assert not HANGUL.findall(main), url
    bad = {
        "unit": "u",
        "vehicle_type": "ambulance",
        "incident": "x",
        "origin": "nowhere",
        "destination": "F2right2",
    }
    res = client.post(reverse("traffic:runs"), {**bad, "strategy": "predictive"})
    assert res.status_code == 422
    assert "Links not in the road network: nowhere" in res.content.decode()


def test_cli_import_osm_makes_the_osm_network_active(twin_dir, db, tmp_path, capsys):
    from cityhall.cli import main
    from cityhall.traffic.models import TrafficNetwork
    from cityhall.traffic.tests.test_twin import small_osm

    osm = tmp_path / "gimpo-small.osm"
    osm.write_text(small_osm(), encoding="utf-8")
    assert main(["traffic", "import-osm", str(osm)]) == 0
    assert "신호제어기 1개소" in capsys.readouterr().out
    network = TrafficNetwork.objects.get(active=True)
    assert network.source == "osm" and not network.synthetic
    assert services.signal_plan_rules(network.controllers.get().plan, None) == {}
    assert main(["traffic", "import-osm", str(tmp_path / "missing.osm")]) == 1
    assert "파일이 없습니다" in capsys.readouterr().err


def test_cli_export_scenario(tmp_path, capsys):
    from cityhall.cli import main

    assert main(["traffic", "export-scenario", str(tmp_path / "sc"), "--level", "off_peak"]) == 0
    assert sorted(p.name for p in (tmp_path / "sc").iterdir()) == [
        "demand.rou.xml",
        "emergency-routes.json",
        "network.net.xml",
        "scenario.sumocfg",
        "signal-plans.add.xml",
    ]


def test_benchmark_page_shows_the_saved_result(db, client, roles):
    def stat(median, low, high):
        return {"median": median, "low": low, "high": high, "n": 5}

    strategy = {
        "ev_travel_time_change": stat(-0.456, -0.579, -0.425),
        "others_delay_change": stat(0.0094, 0.0073, 0.0172),
        "ev_stops": stat(0.0, 0.0, 0.33),
        "decision_p99_ms": stat(0.122, 0.1, 0.2),
    }
    services.benchmark_save(
        result={
            "summary": {"peak": {"naive": strategy, "predictive": strategy}},
            "seeds": [1, 2],
            "sumo": "1.28.0",
        },
        smoke=False,
    )
    client.force_login(roles["viewer"])
    page = client.get(reverse("traffic:benchmark")).content.decode()
    assert "-0.456 [-0.579, -0.425]" in page
    assert 'width="137"' in page  # the bar: 0.456 × 300


def test_network_on_the_shared_map_through_ogc_api(network, client, roles):
    """The 36 signals and the links as OGC collections, placed near 김포시청 (the synthetic grid)."""
    client.force_login(roles["viewer"])
    signals = client.get("/gis/ogc/collections/traffic-signals/items?limit=1000").json()
    assert signals["numberMatched"] == 36
    a0 = next(f for f in signals["features"] if f["id"] == "A0")
    lon, lat = a0["geometry"]["coordinates"]
    info = read_network(network.path)
    # The grid's corner (its fringe about 200 m beyond A0) lies at 김포시청 (37.6153 N, 126.7156 E).
    assert round((lat - 37.6153) * 111_320) == round(info.signals["A0"].y)
    f5 = next(f for f in signals["features"] if f["id"] == "F5")
    north = round((f5["geometry"]["coordinates"][1] - lat) * 111_320)  # 5 × 400 m north of A0
    assert north == round(info.signals["F5"].y - info.signals["A0"].y) and abs(north - 2000) < 30
    assert a0["properties"]["online"] is True and a0["properties"]["synthetic"] is True
    links = client.get("/gis/ogc/collections/traffic-links/items?limit=1000").json()
    assert links["numberMatched"] == len(info.edges)
    assert links["features"][0]["geometry"]["type"] == "LineString"
    page = client.get(reverse("traffic:overview")).content.decode()
    assert "traffic-links" in page and "traffic-signals" in page
