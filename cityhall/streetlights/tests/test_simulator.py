"""The streetlight simulator: the pure fleet model (no broker), and the MQTT part against a private
Mosquitto on a free port (skipped with the reason when /usr/sbin/mosquitto is missing)."""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from cityhall.streetlights.energy import model as energy
from cityhall.streetlights.models import Streetlight
from cityhall.streetlights.operations import dimming as operation
from cityhall.streetlights.operations import solar
from cityhall.streetlights.registry.selectors import known_device_ids
from cityhall.streetlights.simulator import (
    ABNORMAL_POWER,
    FLICKER,
    LAMP_FAILURE,
    METER_EPOCH,
    STATION_OUTAGE,
    FaultSettings,
    Fleet,
    LightSpec,
    SiteSpec,
    ack_topic,
    cmd_topic,
    fleet_from_registry,
    modelled_meters,
    run_simulator,
    status_topic,
)
from cityhall.telemetry.validation import ParsedReading, parse_payload, telemetry_topic

SEOUL = operation.SEOUL
DAY = date(2025, 6, 1)
NIGHT_21 = datetime(2025, 6, 1, 21, 0, tzinfo=SEOUL).astimezone(UTC)  # 100 % period
NIGHT_01 = datetime(2025, 6, 2, 1, 0, tzinfo=SEOUL).astimezone(UTC)  # 50 % period
NOON = datetime(2025, 6, 1, 12, 0, tzinfo=SEOUL).astimezone(UTC)
QUIET = FaultSettings(rate_per_hour=0)


def specs(n: int = 20, stations: int = 2, rated_w: float = 100.0) -> tuple[list[SiteSpec], list[LightSpec]]:
    lights = [
        LightSpec(f"SL-T-{i:03d}", "T", f"BS-T-{i % stations + 1:02d}", rated_w=rated_w)
        for i in range(1, n + 1)
    ]
    return [SiteSpec("T")], lights


def fleet(start: datetime, n: int = 20, **kwargs) -> Fleet:
    sites, lights = specs(n)
    kwargs.setdefault("faults", QUIET)
    kwargs.setdefault("boot_id", "boot1")
    return Fleet(sites, lights, start=start, seed=kwargs.pop("seed", 7), **kwargs)


def run(model: Fleet, start: datetime, seconds: float, step: float = 0.5) -> list[list]:
    """The messages of each tick from ``start`` for ``seconds`` (end exclusive)."""
    ticks = []
    t = 0.0
    while t < seconds:
        ticks.append(model.tick(start + timedelta(seconds=t)))
        t += step
    return ticks


def flat(ticks: list[list]) -> list:
    return [m for tick in ticks for m in tick]


def by_device(messages) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for m in messages:
        out.setdefault(m.payload["device_id"], []).append(m.payload)
    return out


def parsed(message, now: datetime) -> ParsedReading:
    result = parse_payload(message.topic, message.body(), now=now)
    assert isinstance(result, ParsedReading), result
    return result


# -- reporting ----------------------------------------------------------------------------------------


def test_each_light_reports_once_per_interval_spread_over_it():
    model = fleet(NIGHT_21)
    ticks = run(model, NIGHT_21, 10.0)
    reports = flat(ticks)
    assert sorted(m.payload["device_id"] for m in reports) == sorted(model.by_code)
    # 20 lights over 10 s in half-second ticks: one a tick, never a burst.
    assert [len(t) for t in ticks] == [1] * 20
    assert all(m.payload["heartbeat"] is True and m.payload["simulated"] is True for m in reports)
    # The next interval repeats the pattern.
    assert [len(t) for t in run(model, NIGHT_21 + timedelta(seconds=10), 10.0)] == [1] * 20


def test_payloads_validate_against_the_registry(registry):
    model = fleet_from_registry(now=NIGHT_21, seed=1, faults=QUIET, boot_id="b")
    assert len(model.lights) == 638 and len(model.stations) == 25
    known = known_device_ids()
    messages = flat(run(model, NIGHT_21, 10.0, step=1.0)) + model.tick(NIGHT_21 + timedelta(seconds=9.999))
    assert len(messages) == 638
    stations = dict(Streetlight.objects.values_list("code", "base_station__code"))
    for message in messages:
        result = parse_payload(message.topic, message.body(), known, now=NIGHT_21 + timedelta(seconds=10))
        assert isinstance(result, ParsedReading), result
        assert result.simulated is True
        assert message.topic == telemetry_topic(result.device_id)
        assert message.station == stations[result.device_id]


def test_lamp_follows_the_schedule_and_the_power_model():
    for moment, on, dim in ((NIGHT_21, True, 100), (NIGHT_01, True, 50), (NOON, False, 0)):
        assert operation.lamp_command_at(moment, operation.DEFAULT_SCHEDULE) == (on, dim)
        for message in flat(run(fleet(moment), moment, 10.0)):
            reading = parsed(message, moment + timedelta(seconds=10))
            assert (reading.lamp_on, reading.dim) == (on, dim)
            expected = energy.Luminaire(rated_w=100).power_w(on, dim)
            assert reading.power_w == pytest.approx(expected, rel=0.05, abs=0.1)
            assert 215.6 <= reading.voltage_v <= 224.4
            assert reading.current_a == pytest.approx(reading.power_w / (reading.voltage_v * 0.95), abs=0.001)
            assert -40 <= reading.temperature_c <= 90
            assert reading.faults == ()


def test_site_schedule_is_used_per_site():
    dark = operation.parse_schedule([("sunset", "sunrise", 0)], name="소등")
    sites = [SiteSpec("A"), SiteSpec("B", schedule=dark)]
    lights = [LightSpec("SL-A-001", "A", "BS-A-01"), LightSpec("SL-B-001", "B", "BS-B-01")]
    model = Fleet(sites, lights, start=NIGHT_21, seed=1, faults=QUIET)
    states = {d: (p[0]["lamp_on"], p[0]["dim"]) for d, p in by_device(flat(run(model, NIGHT_21, 10))).items()}
    assert states == {"SL-A-001": (True, 100), "SL-B-001": (False, 0)}


def test_lamp_change_reports_at_once_at_sunset():
    sunset = solar.sunset(DAY)
    model = fleet(sunset - timedelta(seconds=30))
    before = flat(run(model, sunset - timedelta(seconds=30), 30.0, step=1.0))
    assert before and all(m.payload["lamp_on"] is False for m in before)
    at_sunset = model.tick(sunset + timedelta(milliseconds=1))
    assert len(at_sunset) == 20
    assert all(m.payload["lamp_on"] is True and m.payload["heartbeat"] is False for m in at_sunset)
    assert model.tick(sunset + timedelta(milliseconds=2)) == []  # reported once, not at every tick


def test_energy_meter_counts_the_draw_and_never_goes_back():
    start = datetime(2025, 6, 1, 20, 0, tzinfo=SEOUL).astimezone(UTC)  # 100 % until 23:00
    model = fleet(start, meters={f"SL-T-{i:03d}": 1000.0 for i in range(1, 21)})
    messages = flat(run(model, start, 3600.0))
    model.tick(start + timedelta(hours=1))
    for light in model.lights:
        assert light.energy == pytest.approx(1100.0)  # 100 W × 1 h on top of the starting 1,000 Wh
    for device, payloads in by_device(messages).items():
        counts = [p["energy_wh"] for p in payloads]
        assert counts == sorted(counts), device
        assert counts[0] >= 1000 and counts[-1] >= 1098
        assert len(payloads) == 360  # one every 10 s


def test_modelled_meters_per_site_and_install_date():
    now = datetime(2025, 6, 1, tzinfo=UTC)
    sites = [SiteSpec("A"), SiteSpec("B", lat=35.1, lon=129.0)]
    lights = [
        LightSpec("L1", "A", "S1", rated_w=100, installed=date(2023, 3, 1)),
        LightSpec("L2", "A", "S1", rated_w=150, installed=date(2023, 3, 1)),
        LightSpec("L3", "B", "S2", rated_w=100, installed=None),
        LightSpec("L4", "B", "S2", rated_w=100, installed=date(2026, 1, 1)),
    ]
    meters = modelled_meters(sites, lights, now)
    since_2023 = energy.energy_wh(
        datetime(2023, 3, 1, tzinfo=SEOUL), now, operation.DEFAULT_SCHEDULE, luminaire=energy.Luminaire(100)
    )
    assert meters["L1"] == pytest.approx(since_2023)
    assert meters["L2"] == pytest.approx(since_2023 * 1.5)
    since_epoch = energy.energy_wh(
        datetime.combine(METER_EPOCH, datetime.min.time(), tzinfo=SEOUL),
        now,
        operation.DEFAULT_SCHEDULE,
        35.1,
        129.0,
        energy.Luminaire(100),
    )
    assert meters["L3"] == pytest.approx(since_epoch)
    assert meters["L4"] == 0.0  # installed after ``now``


def test_restart_starts_meters_at_the_stored_count_when_higher(registry):
    from cityhall.telemetry.services import ingest_batch
    from cityhall.telemetry.tests.factories import message

    received = NIGHT_21 - timedelta(minutes=1)
    ingest_batch(
        [message("SL-HASEONG-001", "x1", received, received_at=received, energy_wh=99_000_000)],
        known_devices=known_device_ids(),
    )
    model = fleet_from_registry(now=NIGHT_21, faults=QUIET)
    assert model.by_code["SL-HASEONG-001"].energy == 99_000_000
    other = model.by_code["SL-HASEONG-002"].energy
    assert 0 < other < 99_000_000  # the modelled count since the install date


def test_message_ids_are_unique_across_restarts_with_the_same_seed():
    first = flat(run(fleet(NIGHT_21, seed=3, boot_id=None), NIGHT_21, 20.0))
    second = flat(run(fleet(NIGHT_21, seed=3, boot_id=None), NIGHT_21, 20.0))
    ids = [(m.payload["device_id"], m.payload["msg_id"]) for m in first + second]
    assert len(ids) == len(set(ids)) == 80
    for message in first:
        assert parsed(message, NIGHT_21 + timedelta(minutes=1)).message_id == message.payload["msg_id"]


def test_same_seed_same_run():
    def trace():
        model = fleet(NIGHT_21, seed=11, faults=FaultSettings(rate_per_hour=120), boot_id="same")
        model.inject(now=NIGHT_21)
        return [m.payload for m in flat(run(model, NIGHT_21, 600.0, step=2.0))]

    assert trace() == trace()


# -- commands -------------------------------------------------------------------------------------------


def command(model: Fleet, code: str, at: datetime, **body):
    body.setdefault("cmd_id", str(uuid.uuid4()))
    return model.handle_command(cmd_topic(code), json.dumps(body).encode(), now=at)


def test_commands_override_the_schedule_until_auto():
    model = fleet(NOON)
    run(model, NOON, 10.0)
    cmd_id = str(uuid.uuid4())
    ack = command(model, "SL-T-005", NOON, cmd_id=cmd_id, action="on")
    assert ack.topic == ack_topic("SL-T-005") and ack.station == "BS-T-02"
    assert ack.payload == {
        "cmd_id": cmd_id,
        "device_id": "SL-T-005",
        "result": "ok",
        "reason": "",
        "ts": "2025-06-01T03:00:00.000Z",
        "simulated": True,
    }
    report = model.tick(NOON + timedelta(seconds=9.6))
    assert [
        (m.payload["device_id"], m.payload["lamp_on"], m.payload["dim"], m.payload["heartbeat"])
        for m in report
    ] == [("SL-T-005", True, 100, False)]
    assert report[0].payload["power_w"] == pytest.approx(100, rel=0.05)

    assert command(model, "SL-T-005", NOON, action="dim", dim=30).payload["result"] == "ok"
    (report,) = model.tick(NOON + timedelta(seconds=9.7))
    assert (report.payload["lamp_on"], report.payload["dim"]) == (True, 30)
    assert command(model, "SL-T-005", NOON, action="off").payload["result"] == "ok"
    (report,) = model.tick(NOON + timedelta(seconds=9.8))
    assert (report.payload["lamp_on"], report.payload["dim"], report.payload["power_w"]) == (False, 0, 0.0)
    # Back to schedule (day: off) — the same state, so no change report.
    assert command(model, "SL-T-005", NOON, action="auto").payload["result"] == "ok"
    assert model.tick(NOON + timedelta(seconds=9.9)) == []
    assert model.commands == 4 and model.bad_commands == 0
    # At night "auto" after "off" relights the lamp at the schedule's level.
    night = fleet(NIGHT_21)
    run(night, NIGHT_21, 10.0)
    command(night, "SL-T-001", NIGHT_21, action="off")
    (report,) = night.tick(NIGHT_21 + timedelta(seconds=9.6))
    assert report.payload["lamp_on"] is False
    command(night, "SL-T-001", NIGHT_21, action="auto")
    (report,) = night.tick(NIGHT_21 + timedelta(seconds=9.7))
    assert (report.payload["lamp_on"], report.payload["dim"]) == (True, 100)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"action": "blink"}, "알 수 없는 명령 'blink'"),
        ({"action": "dim"}, "'dim'(0~100) 값이 없습니다"),
        ({"action": "dim", "dim": 101}, "'dim' 값 101은(는) 0~100 사이의 정수"),
        ({"action": "dim", "dim": "50"}, "'dim' 값 '50'은(는)"),
        ({"action": "on", "dim": True}, "'dim' 값 True은(는)"),
        ({"action": "on", "cmd_id": "not-a-uuid"}, "UUID가 아닙니다"),
    ],
)
def test_a_bad_command_gets_an_error_ack_and_changes_nothing(body, reason):
    model = fleet(NOON)
    run(model, NOON, 10.0)
    ack = command(model, "SL-T-003", NOON, **body)
    assert ack.payload["result"] == "error"
    assert reason in ack.payload["reason"]
    assert model.tick(NOON + timedelta(seconds=9.6)) == []  # lamp untouched
    assert model.bad_commands == 1


@pytest.mark.parametrize(
    "payload",
    [b"{not json", b"\xff\xfe", b"[1, 2]", b'{"action": "on"}', b'{"cmd_id": 12, "action": "on"}', b"null"],
)
def test_a_command_without_a_cmd_id_is_not_answered_and_does_not_crash(payload):
    model = fleet(NOON)
    assert model.handle_command(cmd_topic("SL-T-003"), payload, now=NOON) is None
    assert model.bad_commands == 1


def test_commands_for_other_devices_or_gateways_are_ignored():
    model = fleet(NOON)
    assert command(model, "SL-X-999", NOON, action="on") is None
    body = json.dumps({"cmd_id": str(uuid.uuid4()), "action": "on"}).encode()
    assert model.handle_command(cmd_topic("SL-T-003"), body, now=NOON, station="BS-T-01") is None
    assert model.handle_command(cmd_topic("SL-T-003"), body, now=NOON, station="BS-T-02") is not None
    assert model.handle_command(ack_topic("SL-T-003"), body, now=NOON) is None
    assert model.commands == 1


# -- faults ---------------------------------------------------------------------------------------------


def test_lamp_failure_is_dark_and_reported_day_and_night():
    model = fleet(NIGHT_21)
    run(model, NIGHT_21, 10.0)
    fault = model.inject(LAMP_FAILURE, "SL-T-004", duration_s=3600)
    assert fault.ends == NIGHT_21 + timedelta(seconds=9.5 + 3600)
    (change,) = model.tick(NIGHT_21 + timedelta(seconds=9.6))
    assert change.payload["device_id"] == "SL-T-004" and change.payload["heartbeat"] is False
    assert change.payload["faults"] == ["LAMP_FAIL"] and change.payload["lamp_on"] is True
    assert change.payload["power_w"] < 1.0
    day = fleet(NOON)
    day.inject(LAMP_FAILURE, "SL-T-004", duration_s=3600)
    reports = by_device(flat(run(day, NOON, 10.0)))["SL-T-004"]
    assert all(p["faults"] == ["LAMP_FAIL"] and p["power_w"] == 0.0 for p in reports)


def test_abnormal_draw_has_no_fault_code():
    model = fleet(NIGHT_21)
    fault = model.inject(ABNORMAL_POWER, "SL-T-006", duration_s=600)
    assert 1.5 <= fault.factor <= 2.0
    for payload in by_device(flat(run(model, NIGHT_21, 30.0)))["SL-T-006"]:
        assert payload["faults"] == []
        assert 100 * 1.5 * 0.95 <= payload["power_w"] <= 100 * 2.0 * 1.05


def test_flicker_toggles_the_lamp_in_successive_reports():
    model = fleet(NIGHT_21)
    model.inject(FLICKER, "SL-T-007", duration_s=600)
    payloads = by_device(flat(run(model, NIGHT_21, 60.0)))["SL-T-007"]
    assert len(payloads) >= 6
    lit = [p["lamp_on"] for p in payloads]
    assert all(a != b for a, b in zip(lit, lit[1:], strict=False))
    assert all(p["faults"] == ["FLICKER"] for p in payloads)
    assert all((p["power_w"] > 90) == p["lamp_on"] for p in payloads)


def test_station_outage_silences_its_lights_then_they_come_back():
    model = fleet(NIGHT_21)
    model.inject(STATION_OUTAGE, "BS-T-01", duration_s=120)
    assert model.station_down("BS-T-01")
    during = flat(run(model, NIGHT_21, 120.0))
    assert {m.station for m in during} == {"BS-T-02"}
    assert len(during) == 10 * 12  # the other station's 10 lights, as usual
    after = flat(run(model, NIGHT_21 + timedelta(seconds=120), 10.0))
    assert not model.station_down("BS-T-01")
    assert {m.payload["device_id"] for m in after} == set(model.by_code)
    assert model.cleared == 1
    # Its lights kept burning (and metering) while unheard.
    assert model.by_code["SL-T-002"].energy == pytest.approx(model.by_code["SL-T-001"].energy, abs=0.5)


def test_faults_clear_after_their_time_with_a_change_report():
    model = fleet(NIGHT_21)
    model.inject(LAMP_FAILURE, "SL-T-004", duration_s=30)
    messages = flat(run(model, NIGHT_21, 40.0))
    last = by_device(messages)["SL-T-004"]
    assert last[0]["faults"] == ["LAMP_FAIL"]
    assert last[-1]["faults"] == [] and last[-1]["power_w"] > 90
    assert [
        p["heartbeat"] for p in last if p["faults"] == [] and p["ts"].startswith("2025-06-01T12:00:30")
    ] == [False]
    assert model.active_faults == []


def test_random_faults_happen_at_the_rate_and_clear():
    settings = FaultSettings(rate_per_hour=30, duration_s=(60, 300), outage_s=(60, 120))
    model = fleet(NIGHT_21, faults=settings, seed=5)
    kinds = set()
    for step in range(0, 4 * 3600, 10):
        model.tick(NIGHT_21 + timedelta(seconds=step))
        kinds |= {f.kind for f in model.active_faults}
        assert all((f.ends - f.started).total_seconds() <= 300 for f in model.active_faults)
    assert 60 <= model.injected <= 180  # 120 expected in 4 h
    assert kinds == {LAMP_FAILURE, ABNORMAL_POWER, FLICKER, STATION_OUTAGE}
    model.tick(NIGHT_21 + timedelta(hours=6))
    assert model.cleared >= model.injected - len(model.active_faults)


def test_bad_settings_are_refused_in_korean():
    sites, lights = specs(2)
    with pytest.raises(ValueError, match="시간대가 없습니다"):
        Fleet(sites, lights, start=datetime(2025, 6, 1))
    with pytest.raises(ValueError, match="보고 주기"):
        Fleet(sites, lights, start=NOON, interval_s=0)
    with pytest.raises(ValueError, match="모의할 가로등이 없습니다"):
        Fleet(sites, [], start=NOON)
    with pytest.raises(ValueError, match="설치 지역 정보가 없습니다: T"):
        Fleet([], lights, start=NOON)
    with pytest.raises(ValueError, match="고장 발생률"):
        FaultSettings(rate_per_hour=-1)
    with pytest.raises(ValueError, match="고장 지속시간"):
        FaultSettings(duration_s=(10, 5))
    with pytest.raises(ValueError, match="알 수 없는 고장 유형"):
        fleet(NOON).inject("meteor")
    with pytest.raises(ValueError, match="모의 대상에 없는 장치"):
        fleet(NOON).inject(LAMP_FAILURE, "SL-X-1")


# -- MQTT: a private Mosquitto (MQTT 5 and 3.1.1) and the embedded amqtt broker (3.1.1) ---------------

MOSQUITTO = "/usr/sbin/mosquitto"


@pytest.fixture(params=["mosquitto", "mosquitto-3.1.1", "embedded"])
def broker_url(request, tmp_path):
    """The URL of a fresh broker on a free loopback port."""
    if request.param == "embedded":
        from cityhall.telemetry.broker import EmbeddedBroker

        embedded = EmbeddedBroker(0).start()
        try:
            yield embedded.url
        finally:
            embedded.stop()
        return
    if not os.path.exists(MOSQUITTO):
        if os.environ.get("CITYHALL_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{MOSQUITTO} is not installed (apt-get install mosquitto)")
        pytest.skip(f"{MOSQUITTO} is not installed (apt-get install mosquitto)")
    from cityhall.telemetry.tests.test_ingester import Broker

    directory = tmp_path / "mosquitto"
    directory.mkdir()
    instance = Broker(directory)
    try:
        instance.start()
        yield instance.url + ("?protocol=3.1.1" if request.param.endswith("3.1.1") else "")
    finally:
        instance.stop()


class Field:
    """The platform side: collects telemetry, acks and statuses; sends one command."""

    def __init__(self, url: str) -> None:
        from cityhall.telemetry.mqtt import broker_from_url, new_client

        self.telemetry: list[tuple[str, bytes]] = []
        self.acks: list[dict] = []
        self.status: dict[str, str] = {}
        self.lock = threading.Lock()
        self.client, connect = new_client(broker_from_url(url), f"t-{uuid.uuid4().hex[:8]}")
        self.client.on_message = self.on_message
        self.client.connect(**connect)
        self.client.subscribe(
            [
                ("cityhall/v1/streetlights/+/telemetry", 1),
                ("cityhall/v1/streetlights/+/cmd/ack", 1),
                ("cityhall/v1/streetlights/+/status", 1),
            ]
        )
        self.client.loop_start()

    def on_message(self, client, userdata, msg) -> None:
        with self.lock:
            if msg.topic.endswith("/telemetry"):
                self.telemetry.append((msg.topic, msg.payload))
            elif msg.topic.endswith("/cmd/ack"):
                self.acks.append(json.loads(msg.payload))
            else:
                self.status[msg.topic] = msg.payload.decode()

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def wait_for(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_simulator_over_mqtt_reports_and_acknowledges(registry, broker_url):
    url = broker_url
    field_side = Field(url)
    stop = threading.Event()
    outcome: dict = {}
    cmd_id = str(uuid.uuid4())

    def platform() -> None:
        try:
            outcome["all_reported"] = wait_for(lambda: len({t for t, _ in field_side.telemetry}) >= 638)
            field_side.client.publish(
                cmd_topic("SL-HASEONG-001"), json.dumps({"cmd_id": cmd_id, "action": "dim", "dim": 40}), qos=1
            )
            field_side.client.publish(
                cmd_topic("SL-HASEONG-002"), json.dumps({"cmd_id": "c2", "action": "x"}), qos=1
            )
            outcome["acked"] = wait_for(lambda: len(field_side.acks) >= 2)
            dimmed = telemetry_topic("SL-HASEONG-001")
            outcome["dimmed"] = wait_for(
                lambda: any(
                    t == dimmed and json.loads(b)["dim"] == 40 and not json.loads(b)["heartbeat"]
                    for t, b in list(field_side.telemetry)
                )
            )
        finally:
            stop.set()

    helper = threading.Thread(target=platform)
    helper.start()
    try:
        stats = run_simulator(
            url, stop_event=stop, interval_s=2.0, initial_faults=0, fault_rate_per_hour=0, seed=1
        )
    finally:
        stop.set()
        helper.join(timeout=60)
    try:
        assert outcome == {"all_reported": True, "acked": True, "dimmed": True}
        known = known_device_ids()
        now = datetime.now(UTC)
        for topic, body in field_side.telemetry:
            result = parse_payload(topic, body, known, now=now)
            assert isinstance(result, ParsedReading), result
            assert result.simulated is True
        acks = {a["device_id"]: a for a in field_side.acks}
        assert acks["SL-HASEONG-001"]["cmd_id"] == cmd_id and acks["SL-HASEONG-001"]["result"] == "ok"
        assert acks["SL-HASEONG-002"]["result"] == "error" and "UUID" in acks["SL-HASEONG-002"]["reason"]
        assert wait_for(lambda: field_side.status.get(status_topic("BS-HASEONG-01")) == "offline", 10)
        assert stats.lights == 638 and stats.stations == 25 and stats.acks == 2
        assert stats.published >= 638 and stats.connects == 25
    finally:
        field_side.close()


def test_station_outage_drops_the_gateway_and_it_comes_back(registry, broker_url):
    url = broker_url
    field_side = Field(url)
    stop = threading.Event()
    seen: dict = {}

    def platform() -> None:
        try:
            # The 4th initial fault is a station outage of 2 s: its will says "offline", then it is back.
            seen["offline"] = wait_for(lambda: "offline" in field_side.status.values())
            down = [t for t, s in field_side.status.items() if s == "offline"]
            seen["back"] = wait_for(lambda: all(field_side.status[t] == "online" for t in down))
            seen["stations"] = len(down)
        finally:
            stop.set()

    helper = threading.Thread(target=platform)
    helper.start()
    settings = FaultSettings(rate_per_hour=0, outage_s=(2, 2), duration_s=(600, 600))
    try:
        stats = run_simulator(url, stop_event=stop, interval_s=2.0, initial_faults=4, faults=settings, seed=2)
    finally:
        stop.set()
        helper.join(timeout=60)
    try:
        assert seen == {"offline": True, "back": True, "stations": 1}
        assert stats.outages == 1 and stats.connects == 26  # 25 gateways, one of them twice
        assert stats.faults_injected == 4 and stats.faults_cleared == 1
    finally:
        field_side.close()


def test_an_empty_selection_is_refused(registry):
    with pytest.raises(ValueError, match="모의할 가로등이 없습니다"):
        fleet_from_registry(["SL-NOPE-001"], now=NOON)


def test_only_the_selected_lights_and_their_stations_are_simulated(registry):
    model = fleet_from_registry(["SL-HASEONG-001", "SL-HASEONG-002"], now=NOON, faults=QUIET)
    assert sorted(model.by_code) == ["SL-HASEONG-001", "SL-HASEONG-002"]
    assert model.stations == ["BS-HASEONG-01", "BS-HASEONG-02"]


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["--interval", "0"], "--interval 0: 보고 주기는 0초보다 커야 합니다."),
        (["--initial-faults", "-1"], "--initial-faults -1: 0 이상이어야 합니다."),
        (["--fault-rate", "-2"], "--fault-rate -2: 0 이상이어야 합니다."),
        (["--duration", "0"], "--duration: 0초보다 커야 합니다."),
        (["--url", "http://example"], "지원하지 않는 MQTT 주소입니다"),
    ],
)
def test_cli_refuses_bad_options_in_korean(argv, error, capsys):
    from cityhall.cli import main

    assert main(["simulate", "streetlights", *argv]) == 1
    assert error in capsys.readouterr().err


def test_schedules_are_read_per_site_and_refreshed_while_running(registry):
    from cityhall.streetlights.models import SiteSchedule, StreetlightSite
    from cityhall.streetlights.simulator import _refresh_schedules, _site_rows

    haseong = StreetlightSite.objects.get(code="HASEONG")
    SiteSchedule.objects.create(site=haseong, name="고장", periods=[["sunset", "sunrise", 120]])  # invalid
    model = fleet_from_registry(["SL-HASEONG-001", "SL-PUNGMU-001"], now=NIGHT_21, faults=QUIET)
    assert model.sites["HASEONG"].schedule == operation.DEFAULT_SCHEDULE  # the stored one is refused
    SiteSchedule.objects.filter(site=haseong).update(periods=[["sunset", "sunrise", 30]])
    _refresh_schedules(model, _site_rows(model))
    reports = {m.payload["device_id"]: m.payload for m in flat(run(model, NIGHT_21, 10.0))}
    assert (reports["SL-HASEONG-001"]["dim"], reports["SL-PUNGMU-001"]["dim"]) == (30, 100)


@pytest.mark.parametrize(
    ("action", "level", "state"),
    [
        ("on", None, (True, 100)),
        ("dim", 30, (True, 30)),
        ("off", None, (False, 0)),
        ("auto", None, (False, 0)),
    ],
)
def test_the_dispatchers_commands_are_applied_and_their_acks_close_them(registry, action, level, state):
    """The platform's own ``cmd`` payload (``"dim": null`` unless dimming) and ack parser."""
    from cityhall.streetlights.models import Command
    from cityhall.streetlights.operations.commands import ack_parse, command_payload

    model = fleet_from_registry(["SL-HASEONG-001"], now=NOON, faults=QUIET)
    run(model, NOON, 10.0)
    order = Command(light=Streetlight.objects.get(code="SL-HASEONG-001"), action=action, level=level)
    ack = model.handle_command(cmd_topic("SL-HASEONG-001"), command_payload(order, now=NOON), now=NOON)
    parsed_ack = ack_parse(ack.topic, ack.body())
    assert (parsed_ack.cmd_id, parsed_ack.device_id, parsed_ack.status) == (
        order.cmd_id,
        "SL-HASEONG-001",
        "acked",
    )
    reports = model.tick(NOON + timedelta(seconds=9.6))
    assert [(m.payload["lamp_on"], m.payload["dim"]) for m in reports] == ([state] if state[0] else [])


def test_random_outages_hit_stations_with_lights_first():
    sites, lights = specs(4)
    model = Fleet(sites, lights, start=NOON, seed=1, faults=QUIET, stations=["BS-EMPTY-01"])
    assert model.stations == ["BS-EMPTY-01", "BS-T-01", "BS-T-02"]
    targets = [model.inject(STATION_OUTAGE).target for _ in range(3)]
    assert sorted(targets[:2]) == ["BS-T-01", "BS-T-02"] and targets[2] == "BS-EMPTY-01"
    assert model.inject(STATION_OUTAGE) is None  # nothing left to break
    assert model.inject(LAMP_FAILURE) is None  # every light is behind a station that is out


def test_a_seed_gives_the_same_faults_whatever_the_reporting():
    def faults(interval_s: float) -> set[tuple]:
        model = fleet(NIGHT_21, seed=21, interval_s=interval_s, faults=FaultSettings(rate_per_hour=60))
        seen = set()
        for tick in range(0, 3600, 5):
            model.tick(NIGHT_21 + timedelta(seconds=tick))
            seen |= {(f.kind, f.target, f.started, f.ends) for f in model.active_faults}
        return seen

    ten, two = faults(10.0), faults(2.0)  # five times as many reports, so much more noise drawn
    assert len(ten) >= 30 and ten == two
