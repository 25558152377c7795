"""Daily roll-ups and retention (ADR 0007, "Storage"): KST day boundaries, meter resets, late readings,
idempotency, pruning only what is rolled up; the same on PostgreSQL."""

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from cityhall.core.tests.test_postgres import postgres_url  # noqa: F401 - the fixture
from cityhall.telemetry.models import DailyRollup, DeadLetter, DeviceState, Reading
from cityhall.telemetry.rollups import readings_prune, rollup_days, rollup_recent

from .test_postgres import python

KST = ZoneInfo("Asia/Seoul")
LATER = datetime(2026, 1, 1, tzinfo=UTC)  # "now" for the runs: everything stored is settled
JUNE1, JUNE2 = date(2025, 6, 1), date(2025, 6, 2)
_seq = iter(range(10**6))


def kst(day: int, hour: int, minute: int) -> datetime:
    return datetime(2025, 6, day, hour, minute, tzinfo=KST)


def store(device, ts, energy, *, on=True, power=100.0, faults=(), received=None, simulated=False):
    """One stored reading, as ``services.ingest_batch`` leaves it (row and device state)."""
    received = received or ts + timedelta(seconds=1)
    fields = {
        "lamp_on": on,
        "dim": 100 if on else 0,
        "power_w": power,
        "energy_wh": energy,
        "voltage_v": 220.0,
        "current_a": power / 220,
        "temperature_c": 20.0,
        "simulated": simulated,
        "faults": list(faults),
    }
    msg = str(next(_seq))
    Reading.objects.create(device_id=device, message_id=msg, ts=ts, received_at=received, **fields)
    DeviceState.objects.get_or_create(
        device_id=device, defaults={"last_ts": ts, "last_message_id": msg, "last_seen": received, **fields}
    )


def night_across_midnight():
    """Five readings of SL-A from 23:00 on 1 June to 00:20 on 2 June (KST)."""
    store("SL-A", kst(1, 23, 0), 1000, power=100)
    store("SL-A", kst(1, 23, 30), 1050, power=100)
    store("SL-A", kst(1, 23, 55), 1090, power=50, faults=["FLICKER"])
    store("SL-A", kst(2, 0, 5), 1100, power=50)
    store("SL-A", kst(2, 0, 20), 1110, on=False, power=0)


def values(device, day):
    r = DailyRollup.objects.get(device_id=device, day=day)
    return {
        "readings": r.readings,
        "energy_wh": r.energy_wh,
        "carry_wh": r.carry_wh,
        "burning_min": r.burning_minutes,
        "fault_min": r.fault_minutes,
        "min_w": r.power_min_w,
        "max_w": r.power_max_w,
        "mean_w": round(r.power_mean_w, 3),
        "resets": r.meter_resets,
        "simulated": r.simulated,
    }


def snapshot():
    fields = [f.name for f in DailyRollup._meta.concrete_fields if f.name not in ("id", "computed_at")]
    return sorted(tuple(r) for r in DailyRollup.objects.values_list(*fields))


def test_days_are_split_at_midnight_in_seoul(db):
    night_across_midnight()
    report = rollup_recent(now=LATER)
    assert (report.readings, report.recomputed, report.merged) == (5, 2, 0)
    # 23:00–23:30 and 23:30–23:55 are capped at the 15-minute gap; the last state holds to midnight.
    assert values("SL-A", JUNE1) == {
        "readings": 3,
        "energy_wh": 90,
        "carry_wh": 0,
        "burning_min": 35.0,
        "fault_min": 5.0,  # FLICKER from 23:55 to midnight
        "min_w": 50.0,
        "max_w": 100.0,
        "mean_w": 83.333,
        "resets": 0,
        "simulated": False,
    }
    # 2 June carries the 10 Wh from 23:55 to 00:05 and the flickering, burning state until 00:05.
    assert values("SL-A", JUNE2) == {
        "readings": 2,
        "energy_wh": 20,
        "carry_wh": 10,
        "burning_min": 20.0,
        "fault_min": 5.0,
        "min_w": 0.0,
        "max_w": 50.0,
        "mean_w": 25.0,
        "resets": 0,
        "simulated": False,
    }
    # No energy is lost between days: the meter moved 1,110 − 1,000 Wh.
    assert sum(DailyRollup.objects.values_list("energy_wh", flat=True)) == 110


def test_a_meter_reset_never_gives_negative_energy(db):
    store("SL-B", kst(1, 20, 0), 500)
    store("SL-B", kst(1, 20, 10), 520)
    store("SL-B", kst(1, 20, 20), 3)  # the meter was replaced
    store("SL-B", kst(1, 20, 30), 10)
    store("SL-B", kst(2, 20, 0), 2)  # and reset again overnight
    store("SL-B", kst(2, 20, 10), 9)
    rollup_recent(now=LATER)
    day1, day2 = values("SL-B", JUNE1), values("SL-B", JUNE2)
    assert (day1["energy_wh"], day1["resets"]) == (27, 1)
    assert (day2["energy_wh"], day2["carry_wh"], day2["resets"]) == (7, 0, 0)


def test_runs_are_incremental_and_idempotent(db):
    store("SL-A", kst(1, 23, 0), 1000)
    store("SL-A", kst(1, 23, 30), 1050)
    first = rollup_recent(now=LATER)
    assert (first.readings, first.recomputed, first.merged) == (2, 1, 0)
    store("SL-A", kst(1, 23, 55), 1090, power=50, faults=["FLICKER"])
    store("SL-A", kst(2, 0, 5), 1100, power=50)
    store("SL-A", kst(2, 0, 20), 1110, on=False, power=0)
    second = rollup_recent(now=LATER)
    # 1 June is extended in place, 2 June is new.
    assert (second.readings, second.merged, second.recomputed) == (3, 1, 1)
    incremental = snapshot()
    again = rollup_recent(now=LATER)
    assert (again.readings, again.merged, again.recomputed, again.relinked) == (0, 0, 0, 0)
    assert snapshot() == incremental
    # Recomputing the days from the raw rows gives exactly what the runs built.
    rollup_days(JUNE1, JUNE2, now=LATER)
    assert snapshot() == incremental
    assert values("SL-A", JUNE1)["burning_min"] == 35.0


def test_small_batches_give_what_a_recomputation_gives(db):
    # Three lights, every 7 minutes from 22:00 to 02:00 across midnight, one flickering, one reset,
    # and one reading that arrives out of order: taken in by batches of 5 readings.
    start = kst(1, 22, 0)
    for step in range(35):
        for number, device in enumerate(("SL-1", "SL-2", "SL-3")):
            ts = start + timedelta(minutes=7 * step)
            if device == "SL-2" and step == 20:
                continue  # sent late, below
            energy = 10 * step + number if not (device == "SL-3" and step >= 25) else step - 25
            faults = ["FLICKER"] if device == "SL-1" and 10 <= step < 14 else []
            store(device, ts, energy, on=step < 30, power=50.0 + step, faults=faults)
    store("SL-2", start + timedelta(minutes=140), 201, power=70.0, received=start + timedelta(hours=5))
    report = rollup_recent(now=LATER, batch_size=5)
    assert report.readings == 105
    batched = snapshot()
    rollup_days(JUNE1, JUNE2, now=LATER)
    assert snapshot() == batched
    assert sum(DailyRollup.objects.filter(device_id="SL-1").values_list("energy_wh", flat=True)) == 340


def test_late_readings_are_rolled_up_again(db):
    night_across_midnight()
    rollup_recent(now=LATER)
    # Late (device buffer flushed after an outage): one inside 1 June, one after its last reading.
    store("SL-A", kst(1, 23, 40), 1070, power=80, received=kst(2, 1, 0))
    store("SL-A", kst(1, 23, 58), 1095, power=60, received=kst(2, 1, 0))
    report = rollup_recent(now=LATER)
    assert (report.readings, report.recomputed, report.relinked) == (2, 1, 1)
    day1, day2 = values("SL-A", JUNE1), values("SL-A", JUNE2)
    assert (day1["readings"], day1["energy_wh"], day1["mean_w"]) == (5, 95, 78.0)
    assert (day1["burning_min"], day1["fault_min"]) == (45.0, 3.0)  # FLICKER 23:55–23:58 only
    assert (day2["carry_wh"], day2["energy_wh"]) == (5, 15)  # 1,095 → 1,100 crosses midnight
    assert day1["energy_wh"] + day2["energy_wh"] == 110


def test_a_run_waits_for_readings_that_are_not_settled(db):
    store("SL-A", kst(1, 22, 0), 990, received=kst(1, 22, 0))
    assert rollup_recent(now=kst(1, 22, 5)).readings == 1
    store("SL-A", kst(1, 23, 0), 1000, received=kst(1, 23, 0))
    store("SL-A", kst(1, 23, 1), 1002, received=kst(1, 23, 1))
    report = rollup_recent(now=kst(1, 23, 1) + timedelta(seconds=30))  # the second is 30 s old
    assert (report.readings, report.merged, values("SL-A", JUNE1)["readings"]) == (1, 1, 2)
    report = rollup_recent(now=kst(1, 23, 5))
    assert (report.readings, report.merged) == (1, 1)
    assert (values("SL-A", JUNE1)["readings"], values("SL-A", JUNE1)["energy_wh"]) == (3, 12)


def test_simulated_days_are_marked(db):
    store("SL-S", kst(1, 20, 0), 0, simulated=True)
    store("SL-S", kst(1, 20, 1), 1)
    rollup_recent(now=LATER)
    assert values("SL-S", JUNE1)["simulated"] is True


def test_rollup_days_rejects_a_backwards_range(db):
    with pytest.raises(ValueError, match="시작일"):
        rollup_days(JUNE2, JUNE1)


# --- retention ------------------------------------------------------------------------------------


def dead_letter(received_at):
    return DeadLetter(
        received_at=received_at,
        topic="x",
        payload="{",
        payload_bytes=1,
        reason="malformed_json",
        message="JSON 형식 오류",
    )


def test_prune_keeps_days_that_are_not_rolled_up(db):
    night_across_midnight()  # 1–2 June
    store("SL-B", kst(1, 21, 0), 10)
    rollup_recent(now=LATER)
    store("SL-B", kst(1, 21, 30), 20, received=kst(3, 0, 0))  # late, not rolled up yet
    store("SL-C", kst(1, 22, 0), 5)  # never rolled up
    store("SL-A", kst(20, 22, 0), 1200)  # inside the retention period
    DeadLetter.objects.bulk_create([dead_letter(kst(1, 0, 0)), dead_letter(kst(20, 0, 0))])
    now = kst(21, 12, 0)
    report = readings_prune(older_than_days=7, now=now, chunk_size=2)
    assert report.cutoff_day == date(2025, 6, 14)
    assert (report.readings_deleted, report.device_days_pruned, report.device_days_kept) == (5, 2, 1)
    assert report.dead_letters_deleted == 0  # 90 days by default
    left = sorted(Reading.objects.values_list("device_id", "energy_wh"))
    assert left == [("SL-A", 1200), ("SL-B", 10), ("SL-B", 20), ("SL-C", 5)]
    assert set(DailyRollup.objects.filter(raw_pruned=True).values_list("device_id", "day")) == {
        ("SL-A", JUNE1),
        ("SL-A", JUNE2),
    }
    # Once rolled up, SL-B's and SL-C's days go too; the dead letter past 19 days as well.
    rollup_recent(now=LATER)
    report = readings_prune(older_than_days=7, dead_letter_days=19, now=now)
    assert (report.readings_deleted, report.device_days_pruned, report.dead_letters_deleted) == (3, 2, 1)
    assert list(Reading.objects.values_list("device_id", "energy_wh")) == [("SL-A", 1200)]
    assert DeadLetter.objects.count() == 1
    # Roll-ups stay, and a pruned day is final: a stray late reading does not rebuild it from nothing.
    store("SL-A", kst(1, 23, 59), 1099, received=kst(21, 0, 0))
    report = rollup_recent(now=LATER)
    assert report.final_skipped == 1
    assert values("SL-A", JUNE1)["readings"] == 3
    rollup_days(JUNE1, JUNE1, now=LATER)
    assert values("SL-A", JUNE1)["readings"] == 3


@pytest.mark.parametrize("bad", [0, -3, "13", 1.5, True])
def test_prune_refuses_a_bad_period(db, bad):
    with pytest.raises(ValueError, match="보관 기간"):
        readings_prune(older_than_days=bad)


def test_commands(db, capsys):
    night_across_midnight()
    call_command("telemetry_rollup")
    assert "readings=5 merged=0 recomputed=2" in capsys.readouterr().out
    call_command("telemetry_rollup", "--from", "2025-06-01", "--to", "2025-06-02")
    assert "recomputed=2" in capsys.readouterr().out
    call_command("telemetry_prune", "--older-than-days", "30")
    assert "readings_deleted=5" in capsys.readouterr().out
    with pytest.raises(CommandError, match="날짜"):
        call_command("telemetry_rollup", "--from", "2025-13-01")
    with pytest.raises(CommandError, match="시작일"):
        call_command("telemetry_rollup", "--from", "2025-06-02", "--to", "2025-06-01")
    with pytest.raises(CommandError, match="보관 기간"):
        call_command("telemetry_prune", "--older-than-days", "0")


# --- PostgreSQL -----------------------------------------------------------------------------------

PG_SCENARIO = """
call_command("migrate", "telemetry", verbosity=0)
call_command("migrate", "streetlights", verbosity=0)  # an installed app keeps totals of the roll-ups
from cityhall.telemetry.tests import test_rollups as t
from cityhall.telemetry.models import DailyRollup
from cityhall.telemetry.rollups import readings_prune, rollup_days, rollup_recent, rollups_by_day
t.night_across_midnight()
out = {"first": asdict(rollup_recent(now=t.LATER))}
t.store("SL-A", t.kst(1, 23, 58), 1095, power=60, received=t.kst(2, 1, 0))
out["late"] = asdict(rollup_recent(now=t.LATER))
out["again"] = asdict(rollup_recent(now=t.LATER))
before = t.snapshot()
rollup_days(t.JUNE1, t.JUNE2, now=t.LATER)
out["same"] = t.snapshot() == before
out["days"] = [t.values("SL-A", t.JUNE1), t.values("SL-A", t.JUNE2)]
by_day = rollups_by_day(["SL-A", "SL-Z"], t.JUNE1, t.JUNE2).items()
out["by_day"] = [[str(d), v.devices, v.energy_wh, v.simulated, v.first_ts.isoformat()] for d, v in by_day]
prune = readings_prune(older_than_days=7, now=t.kst(21, 12, 0))
out["pruned"] = [prune.readings_deleted, prune.device_days_pruned, Reading.objects.count()]
print(json.dumps(out))
"""


def test_rollups_and_prune_on_postgresql(postgres_url, tmp_path):  # noqa: F811
    done = python(postgres_url, tmp_path, PG_SCENARIO)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert (out["first"]["recomputed"], out["late"]["merged"], out["late"]["relinked"]) == (2, 1, 1)
    assert out["again"]["readings"] == 0 and out["same"] is True
    day1, day2 = out["days"]
    assert (day1["readings"], day1["energy_wh"], day2["carry_wh"], day2["energy_wh"]) == (4, 95, 5, 15)
    assert (day1["burning_min"], day1["fault_min"], day2["burning_min"]) == (35.0, 3.0, 20.0)
    assert [row[:4] for row in out["by_day"]] == [["2025-06-01", 1, 95, 0], ["2025-06-02", 1, 15, 0]]
    assert out["pruned"] == [6, 2, 0]
