"""Fault rules over hand-made device states (no broker): each rule, precedence, idempotency, recovery,
the SLA due time and the numbering."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Q

from cityhall.core.models import AuditEvent
from cityhall.core.tests.test_postgres import postgres_url  # noqa: F401 - the fixture
from cityhall.streetlights.choices import CommandAction, CommandStatus, FaultKind, LightState, RepairStatus
from cityhall.streetlights.models import Command, RepairOrder, SiteSchedule, Streetlight
from cityhall.streetlights.operations import dimming as operation
from cityhall.streetlights.repairs import faults
from cityhall.streetlights.repairs.faults import faults_evaluate
from cityhall.telemetry.models import DeviceState, Reading

NIGHT = datetime(2025, 6, 1, 13, 0, tzinfo=UTC)  # 22:00 KST: the default schedule says on at 100 %
DAY = datetime(2025, 6, 1, 3, 0, tzinfo=UTC)  # 12:00 KST: off
LATE = datetime(2025, 6, 1, 15, 0, tzinfo=UTC)  # 00:00 KST: on at 50 %


def _state(code: str, at: datetime, **fields) -> DeviceState:
    data = {
        "device_id": code,
        "lamp_on": True,
        "dim": 100,
        "power_w": 100.0,
        "energy_wh": 5000,
        "voltage_v": 220.0,
        "current_a": 0.45,
        "temperature_c": 20.0,
        "last_ts": at - timedelta(seconds=30),
        "last_message_id": "m-1",
        "last_seen": at - timedelta(seconds=29),
        "faults": [],
        "simulated": False,
    }
    data.update(fields)
    return DeviceState(**data)


def fleet(at: datetime, *, lamp_on=True, dim=100, power_w=100.0, only=None) -> None:
    """Every light in service reports a healthy state shortly before ``at``."""
    codes = only or Streetlight.objects.exclude(state=LightState.RETIRED).values_list("code", flat=True)
    DeviceState.objects.bulk_create(
        [_state(code, at, lamp_on=lamp_on, dim=dim, power_w=power_w) for code in codes]
    )


def report_state(code: str, **fields) -> None:
    DeviceState.objects.filter(device_id=code).update(**fields)


def orders(**filters):
    return list(
        RepairOrder.objects.filter(**filters)
        .order_by("number")
        .values_list("kind", "light__code", "base_station__code", "status")
    )


class TestHealthyFleet:
    def test_nothing_opens_at_night_or_by_day(self, registry):
        fleet(NIGHT)
        report = faults_evaluate(now=NIGHT)
        assert (report.lights_checked, report.lights_offline, report.stations_down) == (638, 0, 0)
        assert report.opened == [] and RepairOrder.objects.count() == 0

        DeviceState.objects.update(lamp_on=False, dim=0, power_w=0.0, last_ts=DAY, last_seen=DAY)
        assert faults_evaluate(now=DAY).opened == []

    def test_at_half_level_a_lamp_at_half_power_is_healthy(self, registry):
        fleet(LATE, dim=50, power_w=50.0)
        assert faults_evaluate(now=LATE).opened == []

    def test_lights_never_heard_are_not_offline(self, registry):
        fleet(NIGHT, only=["SL-HASEONG-001"])
        report = faults_evaluate(now=NIGHT + timedelta(hours=2))
        assert report.lights_checked == 1
        assert orders() == [(FaultKind.LIGHT_OFFLINE, "SL-HASEONG-001", "BS-HASEONG-01", RepairStatus.OPEN)]

    def test_a_few_queries_for_the_whole_fleet(self, registry, django_assert_max_num_queries):
        fleet(NIGHT)
        faults_evaluate(now=NIGHT)
        with django_assert_max_num_queries(10):
            report = faults_evaluate(now=NIGHT)
        assert report.lights_checked == 638


class TestLampFailure:
    def test_fault_code_opens_one_order_and_marks_the_light(self, registry):
        fleet(NIGHT)
        report_state("SL-PUNGMU-007", faults=["DRIVER_FAIL"], simulated=True)
        report = faults_evaluate(now=NIGHT)
        order = RepairOrder.objects.get()
        assert report.opened == [order.number] == ["RO-2025-00001"]
        assert (order.kind, order.light.code, order.base_station.code, order.site.code) == (
            FaultKind.LAMP_FAILURE,
            "SL-PUNGMU-007",
            "BS-PUNGMU-01",
            "PUNGMU",
        )
        assert order.status == RepairStatus.OPEN and order.simulated is True
        assert order.opened_at == NIGHT and order.due_at == NIGHT + timedelta(hours=48)
        assert "DRIVER_FAIL" in order.detail
        assert Streetlight.objects.get(code="SL-PUNGMU-007").state == LightState.FAULT
        assert (
            AuditEvent.objects.filter(
                record_type="repair_orders", record_id=order.pk, action="create"
            ).count()
            == 1
        )
        light_event = AuditEvent.objects.get(
            record_type="streetlights", action="update", actor=faults.RULES_ACTOR.label
        )
        assert (light_event.before["state"], light_event.after["state"]) == ("active", "fault")

    def test_dark_lamp_while_the_schedule_says_on(self, registry):
        fleet(NIGHT)
        report_state("SL-HAGUN6-100", lamp_on=False, dim=0, power_w=0.0)
        report_state("SL-HAGUN6-101", lamp_on=True, dim=100, power_w=0.2)  # on, but no draw
        faults_evaluate(now=NIGHT)
        assert orders() == [
            (FaultKind.LAMP_FAILURE, "SL-HAGUN6-100", "BS-HAGUN6-04", RepairStatus.OPEN),
            (FaultKind.LAMP_FAILURE, "SL-HAGUN6-101", "BS-HAGUN6-05", RepairStatus.OPEN),
        ]

    def test_dark_by_day_is_normal(self, registry):
        fleet(DAY, lamp_on=False, dim=0, power_w=0.0)
        assert faults_evaluate(now=DAY).opened == []

    def test_a_site_schedule_with_an_off_period_is_respected(self, registry):
        # HASEONG switches off from 23:00 to 05:00: a dark lamp at midnight is what it was told.
        SiteSchedule.objects.create(
            site=Streetlight.objects.get(code="SL-HASEONG-001").site,
            name="심야 소등",
            periods=[["sunset", "23:00", 100], ["23:00", "05:00", 0], ["05:00", "sunrise", 100]],
        )
        fleet(LATE, dim=50, power_w=50.0)
        DeviceState.objects.filter(device_id__startswith="SL-HASEONG-").update(
            lamp_on=False, dim=0, power_w=0.0
        )
        report_state("SL-YANGCHON-001", lamp_on=False, dim=0, power_w=0.0)
        faults_evaluate(now=LATE)
        assert orders() == [(FaultKind.LAMP_FAILURE, "SL-YANGCHON-001", "BS-YANGCHON-01", RepairStatus.OPEN)]

    def test_an_acknowledged_operator_off_command_overrides_the_schedule(self, registry):
        fleet(NIGHT)
        light = Streetlight.objects.get(code="SL-HAGUN41-003")
        Command.objects.create(
            light=light,
            action=CommandAction.OFF,
            status=CommandStatus.ACKED,
            issued_at=NIGHT - timedelta(minutes=10),
            acked_at=NIGHT - timedelta(minutes=9),
        )
        report_state("SL-HAGUN41-003", lamp_on=False, dim=0, power_w=0.0)
        assert faults_evaluate(now=NIGHT).opened == []

        # Back to the schedule ("auto" acknowledged): dark is a failure again.
        Command.objects.create(
            light=light,
            action=CommandAction.AUTO,
            status=CommandStatus.ACKED,
            issued_at=NIGHT - timedelta(minutes=5),
            acked_at=NIGHT - timedelta(minutes=4),
        )
        assert orders() == [] and len(faults_evaluate(now=NIGHT).opened) == 1

    def test_an_override_holds_until_auto_however_old(self, registry):
        fleet(NIGHT)
        light = Streetlight.objects.get(code="SL-HAGUN41-006")
        Command.objects.create(
            light=light,
            action=CommandAction.DIM,
            level=30,
            status=CommandStatus.ACKED,
            issued_at=NIGHT - timedelta(days=20),
            acked_at=NIGHT - timedelta(days=20),
        )
        report_state("SL-HAGUN41-006", dim=30, power_w=30.0)
        assert faults_evaluate(now=NIGHT).opened == []
        report_state("SL-HAGUN41-006", lamp_on=False, dim=0, power_w=0.0)
        faults_evaluate(now=NIGHT)
        order = RepairOrder.objects.get()
        assert order.kind == FaultKind.LAMP_FAILURE and "운영자 명령상 점등(30%)" in order.detail

    def test_a_state_older_than_the_ack_is_not_judged(self, registry):
        # By day an operator switches a lamp on; its change report has not arrived yet.
        fleet(DAY, lamp_on=False, dim=0, power_w=0.0)
        light = Streetlight.objects.get(code="SL-HAGUN41-007")
        Command.objects.create(
            light=light,
            action=CommandAction.ON,
            status=CommandStatus.ACKED,
            issued_at=DAY - timedelta(seconds=12),
            acked_at=DAY - timedelta(seconds=10),
        )
        assert faults_evaluate(now=DAY).opened == []
        # The next report is still dark: the lamp did not come on.
        report_state("SL-HAGUN41-007", last_ts=DAY - timedelta(seconds=5))
        assert len(faults_evaluate(now=DAY).opened) == 1
        assert "운영자 명령상 점등(100%)" in RepairOrder.objects.get().detail

    def test_an_unacknowledged_command_does_not_override(self, registry):
        fleet(NIGHT)
        light = Streetlight.objects.get(code="SL-HAGUN41-004")
        Command.objects.create(light=light, action=CommandAction.OFF, issued_at=NIGHT - timedelta(minutes=3))
        report_state("SL-HAGUN41-004", lamp_on=False, dim=0, power_w=0.0)
        assert orders() == [] and len(faults_evaluate(now=NIGHT).opened) == 1

    def test_not_judged_right_at_a_schedule_switch(self, registry):
        # The lamp still dark one minute after sunset: the switch may simply not have happened yet.
        sunset = operation.night_plan(datetime(2025, 6, 1).date(), operation.DEFAULT_SCHEDULE)[0].start
        at = sunset + timedelta(minutes=1, seconds=30)
        fleet(at, lamp_on=False, dim=0, power_w=0.0, only=["SL-HAGUN41-005"])
        assert faults_evaluate(now=at).opened == []
        assert faults_evaluate(now=at + timedelta(minutes=3)).opened == []  # state is still from before
        report_state(
            "SL-HAGUN41-005", last_ts=sunset + timedelta(minutes=4), last_seen=sunset + timedelta(minutes=4)
        )
        assert len(faults_evaluate(now=sunset + timedelta(minutes=4)).opened) == 1

    def test_the_cached_site_clock_agrees_with_lamp_command_at(self):
        clock = faults._SiteClock(operation.DEFAULT_SCHEDULE, 37.615, 126.716)
        start = datetime(2025, 12, 20, 0, 0, tzinfo=UTC)
        moments = [start + timedelta(minutes=7 * i) for i in range(0, 3 * 24 * 60 // 7)]
        assert [clock.command_at(m) for m in moments] == [
            operation.lamp_command_at(m, operation.DEFAULT_SCHEDULE, 37.615, 126.716) for m in moments
        ]


class TestOffline:
    def test_a_light_not_heard_for_longer_than_the_threshold(self, registry):
        fleet(NIGHT)
        report_state("SL-HAGUN6-010", last_seen=NIGHT - faults.OFFLINE_AFTER - timedelta(seconds=1))
        report_state("SL-HAGUN6-011", last_seen=NIGHT - faults.OFFLINE_AFTER + timedelta(seconds=1))
        report = faults_evaluate(now=NIGHT)
        assert report.lights_offline == 1
        order = RepairOrder.objects.get()
        assert (order.kind, order.light.code, order.due_at) == (
            FaultKind.LIGHT_OFFLINE,
            "SL-HAGUN6-010",
            NIGHT + timedelta(hours=24),
        )
        # Its stale state (dark lamp, say) is not judged while it is silent.
        report_state("SL-HAGUN6-010", lamp_on=False, power_w=0.0)
        assert faults_evaluate(now=NIGHT).opened == []
        assert Streetlight.objects.get(code="SL-HAGUN6-010").state == LightState.ACTIVE

    def test_a_silent_station_opens_one_order_and_none_for_its_lights(self, registry):
        fleet(NIGHT)
        members = list(
            Streetlight.objects.filter(base_station__code="BS-PUNGMU-02").values_list("code", flat=True)
        )
        assert len(members) == 21
        DeviceState.objects.filter(device_id__in=members).update(
            last_seen=NIGHT - timedelta(hours=1), simulated=True
        )
        report = faults_evaluate(now=NIGHT)
        assert (report.lights_offline, report.stations_down) == (21, 1)
        assert orders() == [(FaultKind.STATION_OFFLINE, None, "BS-PUNGMU-02", RepairStatus.OPEN)]
        order = RepairOrder.objects.get()
        assert order.due_at == NIGHT + timedelta(hours=4) and order.simulated is True
        assert "21대 중 21대" in order.detail

    def test_nearly_all_is_an_outage_but_a_few_silent_lights_are_their_own(self, registry):
        fleet(NIGHT)
        members = list(
            Streetlight.objects.filter(base_station__code="BS-PUNGMU-02")
            .order_by("code")
            .values_list("code", flat=True)
        )
        old = NIGHT - timedelta(hours=1)
        DeviceState.objects.filter(device_id__in=members[:19]).update(last_seen=old)  # 19 of 21 ≥ 90 %
        faults_evaluate(now=NIGHT)
        assert orders(kind=FaultKind.STATION_OFFLINE) == [
            (FaultKind.STATION_OFFLINE, None, "BS-PUNGMU-02", RepairStatus.OPEN)
        ]
        assert orders(kind=FaultKind.LIGHT_OFFLINE) == []

        RepairOrder.objects.all().delete()
        DeviceState.objects.filter(device_id__in=members[2:19]).update(last_seen=NIGHT)  # 2 of 21 silent
        faults_evaluate(now=NIGHT)
        assert orders() == [
            (FaultKind.LIGHT_OFFLINE, members[0], "BS-PUNGMU-02", RepairStatus.OPEN),
            (FaultKind.LIGHT_OFFLINE, members[1], "BS-PUNGMU-02", RepairStatus.OPEN),
        ]


class TestPowerAndFlicker:
    def test_power_outside_the_band(self, registry):
        fleet(NIGHT)
        report_state("SL-YANGCHON-010", power_w=126.0)  # 100 W ± 25 W
        report_state("SL-YANGCHON-011", power_w=124.0)
        report_state("SL-YANGCHON-012", dim=40, power_w=20.0)  # 40 W ± 10 W
        report_state("SL-YANGCHON-013", faults=["OVER_CURRENT"])
        report_state("SL-YANGCHON-014", lamp_on=False, power_w=8.0)  # off but drawing
        faults_evaluate(now=NIGHT)
        assert orders(kind=FaultKind.ABNORMAL_POWER) == [
            (FaultKind.ABNORMAL_POWER, f"SL-YANGCHON-0{n}", f"BS-YANGCHON-0{b}", RepairStatus.OPEN)
            for n, b in ((10, 1), (12, 3), (13, 1))
        ]
        # The lamp that is off at night is a lamp failure, not also a power anomaly.
        assert orders(kind=FaultKind.LAMP_FAILURE) == [
            (FaultKind.LAMP_FAILURE, "SL-YANGCHON-014", "BS-YANGCHON-02", RepairStatus.OPEN)
        ]
        assert RepairOrder.objects.get(light__code="SL-YANGCHON-010").due_at == NIGHT + timedelta(hours=72)

    def test_the_band_uses_the_light_rated_power(self, registry):
        fleet(NIGHT)
        Streetlight.objects.filter(code="SL-YANGCHON-020").update(rated_power_w=150)
        report_state("SL-YANGCHON-020", power_w=150.0)
        assert faults_evaluate(now=NIGHT).opened == []

    def test_flicker_from_readings_or_code(self, registry):
        fleet(NIGHT)
        report_state("SL-HAGUN6-050", faults=["FLICKER"])
        values = [True, False, True, False, True, True]  # 4 changes
        Reading.objects.bulk_create(
            [
                Reading(
                    device_id=code,
                    message_id=f"f-{i}",
                    ts=NIGHT - timedelta(minutes=6) + timedelta(minutes=i),
                    received_at=NIGHT,
                    lamp_on=on,
                    dim=100,
                    power_w=100.0 if on else 0.0,
                    energy_wh=1,
                    voltage_v=220.0,
                    current_a=0.4,
                    temperature_c=20.0,
                )
                for code, seq in (("SL-HAGUN6-051", values), ("SL-HAGUN6-052", values[:4]))  # 3 changes
                for i, on in enumerate(seq)
            ]
        )
        faults_evaluate(now=NIGHT)
        assert [light for _k, light, _b, _s in orders(kind=FaultKind.FLICKER)] == [
            "SL-HAGUN6-050",
            "SL-HAGUN6-051",
        ]
        assert "4회" in RepairOrder.objects.get(light__code="SL-HAGUN6-051").detail


class TestIdempotencyAndRecovery:
    def test_re_evaluation_opens_no_duplicates(self, registry):
        fleet(NIGHT)
        report_state("SL-HAGUN6-001", faults=["LAMP_FAIL"])
        report_state("SL-HAGUN6-002", last_seen=NIGHT - timedelta(hours=3))
        first = faults_evaluate(now=NIGHT)
        events = AuditEvent.objects.count()
        second = faults_evaluate(now=NIGHT + timedelta(minutes=1))
        assert len(first.opened) == 2 and second.opened == [] and second.recovered == []
        assert RepairOrder.objects.count() == 2 and AuditEvent.objects.count() == events

    def test_an_order_opened_elsewhere_meanwhile_is_not_duplicated(self, registry):
        fleet(NIGHT)
        light = Streetlight.objects.select_related("site", "base_station").get(code="SL-HAGUN6-003")
        first = faults.order_insert(
            kind=FaultKind.LAMP_FAILURE,
            light=light,
            station=None,
            detail="x",
            simulated=False,
            now=NIGHT,
            actor=faults.RULES_ACTOR,
        )
        again = faults.order_insert(
            kind=FaultKind.LAMP_FAILURE,
            light=light,
            station=None,
            detail="x",
            simulated=False,
            now=NIGHT,
            actor=faults.RULES_ACTOR,
        )
        assert first.number == "RO-2025-00001" and again is None
        assert RepairOrder.objects.count() == 1

    def test_a_number_taken_meanwhile_is_retried(self, registry, monkeypatch):
        fleet(NIGHT)
        report_state("SL-HAGUN6-001", faults=["LAMP_FAIL"])
        report_state("SL-HAGUN6-002", faults=["LAMP_FAIL"])
        real = faults.next_number
        # The second insert is handed the number the first just took (as a racing process would be).
        stale = iter(["RO-2025-00001", "RO-2025-00001"])
        monkeypatch.setattr(faults, "next_number", lambda moment: next(stale, None) or real(moment))
        faults_evaluate(now=NIGHT)
        assert list(RepairOrder.objects.order_by("number").values_list("number", "light__code")) == [
            ("RO-2025-00001", "SL-HAGUN6-001"),
            ("RO-2025-00002", "SL-HAGUN6-002"),
        ]

    def test_recovery_is_marked_and_cleared_when_the_fault_returns(self, registry):
        fleet(NIGHT)
        report_state("SL-HAGUN6-001", faults=["LAMP_FAIL"])
        faults_evaluate(now=NIGHT)
        order = RepairOrder.objects.get()

        later = NIGHT + timedelta(minutes=5)
        DeviceState.objects.update(last_seen=later)
        report_state("SL-HAGUN6-001", faults=[])
        report = faults_evaluate(now=later)
        order.refresh_from_db()
        assert report.recovered == [order.number]
        assert (order.status, order.recovered_at) == (RepairStatus.OPEN, later)
        assert Streetlight.objects.get(code="SL-HAGUN6-001").state == LightState.FAULT  # until closed
        assert faults_evaluate(now=later + timedelta(minutes=1)).recovered == []  # marked once

        report_state("SL-HAGUN6-001", faults=["LAMP_FAIL"])
        report = faults_evaluate(now=later + timedelta(minutes=2))
        order.refresh_from_db()
        assert report.relapsed == [order.number] and report.opened == []
        assert order.recovered_at is None
        changes = AuditEvent.objects.filter(record_type="repair_orders", record_id=order.pk, action="update")
        assert [
            (e.before["recovered_at"] is None, e.after["recovered_at"] is None)
            for e in changes.order_by("id")
        ] == [
            (True, False),
            (False, True),
        ]

    def test_a_closed_order_lets_a_new_one_open(self, registry):
        fleet(NIGHT)
        report_state("SL-HAGUN6-001", faults=["LAMP_FAIL"])
        faults_evaluate(now=NIGHT)
        RepairOrder.objects.update(status=RepairStatus.CLOSED, closed_at=NIGHT)
        faults_evaluate(now=NIGHT + timedelta(minutes=1))
        assert list(RepairOrder.objects.order_by("number").values_list("number", "status")) == [
            ("RO-2025-00001", RepairStatus.CLOSED),
            ("RO-2025-00002", RepairStatus.OPEN),
        ]

    def test_an_offline_light_is_neither_recovered_nor_reopened(self, registry):
        fleet(NIGHT)
        report_state("SL-HAGUN6-001", faults=["LAMP_FAIL"])
        faults_evaluate(now=NIGHT)
        report_state("SL-HAGUN6-001", faults=[], last_seen=NIGHT - timedelta(hours=1))
        report = faults_evaluate(now=NIGHT)
        assert report.recovered == []
        assert RepairOrder.objects.get(kind=FaultKind.LAMP_FAILURE).recovered_at is None


class TestNumbersAndSla:
    @pytest.mark.parametrize(
        ("kind", "hours"),
        [
            (FaultKind.STATION_OFFLINE, 4),
            (FaultKind.LIGHT_OFFLINE, 24),
            (FaultKind.LAMP_FAILURE, 48),
            (FaultKind.ABNORMAL_POWER, 72),
            (FaultKind.FLICKER, 72),
        ],
    )
    def test_due_time_per_kind(self, kind, hours):
        assert faults.sla_due(kind, NIGHT) == NIGHT + timedelta(hours=hours)

    def test_numbers_follow_the_seoul_year(self, registry):
        new_year = datetime(2025, 12, 31, 15, 30, tzinfo=UTC)  # 2026-01-01 00:30 KST
        assert faults.next_number(new_year) == "RO-2026-00001"
        fleet(NIGHT)
        report_state("SL-HAGUN6-001", faults=["LAMP_FAIL"])
        faults_evaluate(now=NIGHT)
        assert faults.next_number(NIGHT) == "RO-2025-00002"
        assert not RepairOrder.objects.filter(~Q(number__regex=r"^RO-\d{4}-\d{5}$")).exists()


# -- PostgreSQL: two evaluators at once ---------------------------------------------------------------

PG_SETUP = """
import json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from datetime import UTC, datetime, timedelta
from cityhall.core.audit import Actor
from cityhall.streetlights.repairs import services as repairs
from cityhall.streetlights.repairs.faults import faults_evaluate
from cityhall.streetlights.models import RepairOrder, Streetlight
from cityhall.telemetry.models import DeviceState
NIGHT = datetime(2025, 6, 1, 13, 0, tzinfo=UTC)
"""

PG_PREPARE = """
from django.core.management import call_command
from cityhall.core.transfer import import_document, read_dataset
from cityhall.streetlights.registry.services import registry_build_from_seed
call_command("migrate", verbosity=0)
import_document(read_dataset("gimpo-2025"), actor=Actor.system("test"))
registry_build_from_seed(actor=Actor.system("test"))
codes = list(Streetlight.objects.order_by("code").values_list("code", flat=True))
station = set(Streetlight.objects.filter(base_station__code="BS-PUNGMU-02").values_list("code", flat=True))
DeviceState.objects.bulk_create([
    DeviceState(device_id=c, lamp_on=True, dim=100, power_w=100.0, energy_wh=1, voltage_v=220.0,
                current_a=0.4, temperature_c=20.0, last_ts=NIGHT, last_message_id="1",
                last_seen=NIGHT - timedelta(hours=1) if c in station else NIGHT,
                faults=["LAMP_FAIL"] if i % 10 == 0 else [])
    for i, c in enumerate(codes)
])
print(sum(1 for i, c in enumerate(codes) if i % 10 == 0 and c not in station))
"""

PG_EVALUATE = """
start = float(sys.argv[1])
time.sleep(max(0.0, start - time.time()))
print(json.dumps(faults_evaluate(now=NIGHT).opened))
"""

PG_CHECK = """
orders = list(
    RepairOrder.objects.order_by("number").values_list("number", "kind", "light__code", "base_station__code")
)
order = RepairOrder.objects.filter(kind="lamp_failure").order_by("number").first()
actor = Actor.system("test")
repairs.repair_order_assign(order=order, actor=actor, contractor="A사")
repairs.repair_order_close(order=order, actor=actor, resolution="교체")
print(json.dumps([orders, Streetlight.objects.filter(state="fault").count()]))
"""


@pytest.mark.postgres
def test_two_evaluators_at_once_open_each_order_once_on_postgresql(postgres_url, tmp_path):  # noqa: F811
    import json
    import os
    import subprocess
    import sys
    import time

    env = {**os.environ, "DATABASE_URL": postgres_url, "CITYHALL_DATA_DIR": str(tmp_path)}

    def python(code, *args, wait=True):
        command = [sys.executable, "-c", PG_SETUP + code, *args]
        if not wait:
            return subprocess.Popen(  # noqa: S603
                command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)  # noqa: S603

    prepared = python(PG_PREPARE)
    assert prepared.returncode == 0, prepared.stderr
    lamps = int(prepared.stdout)  # lights reporting LAMP_FAIL that are not behind the silent station
    start = str(time.time() + 3)  # both processes are imported and connected by then
    runs = [python(PG_EVALUATE, start, wait=False) for _ in range(2)]
    opened = []
    for run in runs:
        stdout, stderr = run.communicate(timeout=300)
        assert run.returncode == 0, stderr
        opened.append(json.loads(stdout))
    checked = python(PG_CHECK)
    assert checked.returncode == 0, checked.stderr
    orders, faulty = json.loads(checked.stdout)
    # Every 10th light reports LAMP_FAIL; those behind the silent BS-PUNGMU-02 are not judged, and the
    # station gets one order.
    kinds = [kind for _n, kind, _l, _b in orders]
    assert lamps > 50
    assert (kinds.count("lamp_failure"), kinds.count("station_offline"), len(orders)) == (lamps, 1, lamps + 1)
    assert len({(k, light, station) for _n, k, light, station in orders}) == lamps + 1  # no duplicates
    assert [n for n, *_ in orders] == [f"RO-2025-{i:05d}" for i in range(1, lamps + 2)]
    assert sorted(opened[0] + opened[1]) == [n for n, *_ in orders]  # each opened by exactly one
    assert faulty == lamps - 1  # each marked fault, one closed again
