"""The energy report's per-site daily totals (``SiteEnergyDay``): the report from them equals the
report summed from the raw roll-ups (mixed ratings, partly reported days, a retired light, a light
moved between sites), the roll-up job keeps them, refreshing is idempotent, the command backfills."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from cityhall.streetlights.energy import reports
from cityhall.streetlights.energy.daily import refresh_days
from cityhall.streetlights.models import SiteEnergyDay, Streetlight
from cityhall.telemetry.models import DailyRollup, Reading
from cityhall.telemetry.rollups import DayTotals, rollup_days, rollup_recent, rollups_by_day

from .test_energy_report import TODAY, midnight, rollup, store

HAGUN, PUNGMU = "HAGUN41", "PUNGMU"
MAY, JUNE = [date(2025, 5, d) for d in (1, 2, 31)], [date(2025, 6, d) for d in (1, 2, 14)]
MOVED = "SL-HAGUN41-005"


def partly(day: date, hours: int) -> datetime:
    """Reporting stopped ``hours`` after the day's midnight (the light went silent, or it is today)."""
    return midnight(day).astimezone(UTC) + timedelta(hours=hours)


@pytest.fixture
def history(registry):
    """May and June 2025: ratings of 100, 150 and 200 W at 학운 4-1 and 풍무동, partly reported and
    simulated days, a light retired after May, and SL-HAGUN41-005 moved to 풍무동 on 1 June."""
    Streetlight.objects.filter(code__in=["SL-HAGUN41-002", "SL-PUNGMU-002"]).update(rated_power_w=200)
    Streetlight.objects.filter(code="SL-HAGUN41-003").update(rated_power_w=150)
    hagun = [f"SL-HAGUN41-00{n}" for n in range(1, 6)]
    pungmu = [f"SL-PUNGMU-00{n}" for n in range(1, 4)]
    may = []
    for n, code in enumerate(hagun + pungmu):
        for k, day in enumerate(MAY):
            until = partly(day, 6 + n) if (n + k) % 4 == 0 else None
            may.append(
                rollup(code, day, 300 + 37 * n + 11 * k, simulated=code == "SL-PUNGMU-003", until=until)
            )
    store(may)  # rolled up in May: SL-HAGUN41-005 is at 학운 4-1
    Streetlight.objects.filter(code="SL-HAGUN41-004").update(state="retired")
    moved = Streetlight.objects.get(code=MOVED)
    moved.site = Streetlight.objects.get(code="SL-PUNGMU-001").site
    moved.save(update_fields=["site"])
    june = []
    for n, code in enumerate([c for c in hagun if c != "SL-HAGUN41-004"] + pungmu):
        for k, day in enumerate(JUNE):
            until = partly(day, 9 + k) if day == JUNE[-1] or n == k else None
            june.append(rollup(code, day, 410 + 23 * n + 7 * k, until=until))
    store(june)  # rolled up in June: SL-HAGUN41-005 is at 풍무동


def _merge(into: dict[date, DayTotals], more: dict[date, DayTotals]) -> None:
    for day, t in more.items():
        have = into.get(day)
        if have is None:
            into[day] = DayTotals(t.devices, t.energy_wh, t.simulated, t.first_ts, t.last_ts)
            continue
        have.devices += t.devices
        have.energy_wh += t.energy_wh
        have.simulated += t.simulated
        have.first_ts, have.last_ts = min(have.first_ts, t.first_ts), max(have.last_ts, t.last_ts)


def from_raw_rollups(site_code: str) -> list[tuple]:
    """A site's 2025 months summed straight from the per-light roll-ups, as the report did before the
    per-site totals: per rating (in the site's lights' code order) and day; the moved light's May days
    count toward 학운 4-1, its June days toward 풍무동 (where it was when each was rolled up)."""
    lights = list(Streetlight.objects.filter(site__code__endswith=site_code).order_by("code"))
    site = lights[0].site
    lat, lon = reports._coords(site)
    windows: dict[int, list[tuple[str, date, date]]] = {light.rated_power_w: [] for light in lights}
    for light in lights:
        if light.code != MOVED:
            windows[light.rated_power_w].append((light.code, date(2025, 1, 1), date(2025, 12, 31)))
    moved = Streetlight.objects.get(code=MOVED)
    span = (
        (date(2025, 1, 1), date(2025, 5, 31))
        if site_code == HAGUN
        else (date(2025, 6, 1), date(2025, 12, 31))
    )
    windows.setdefault(moved.rated_power_w, []).append((MOVED, *span))
    months = [[0.0, 0.0, 0, set(), set()] for _ in range(12)]  # used, baseline, light-days, sources, days
    for rated_w, placed in windows.items():
        by_day: dict[date, DayTotals] = {}
        for code, first, last in placed:
            _merge(by_day, rollups_by_day([code], first, last))
        for day, totals in sorted(by_day.items()):
            month = months[day.month - 1]
            month[0] += totals.energy_wh
            month[1] += totals.devices * rated_w * reports._covered_dark_hours(day, totals, lat, lon)
            month[2] += totals.devices
            month[3].add(reports.SIMULATED if totals.simulated else reports.MEASURED)
            month[4].add(day)
    return [(used, baseline, n, sources, len(days)) for used, baseline, n, sources, days in months]


def report_of(site_code: str, user) -> list[tuple]:
    report = reports.energy_report(year=2025, user=user, today=TODAY)
    row = next(r for r in report.sites if r.site.code.endswith(site_code))
    return [(c.used_wh, c.baseline_wh, c.light_days, c.sources, c.days) for c in row.months]


@pytest.mark.parametrize("site_code", [HAGUN, PUNGMU])
def test_report_from_site_totals_equals_the_raw_rollups(history, roles, site_code):
    measured = report_of(site_code, roles["viewer"])[4:6]  # May and June; the others are estimates
    assert measured == from_raw_rollups(site_code)[4:6]


def test_what_each_site_month_counts(history, roles):
    """The retired light's May counts; the moved light's May stays at 학운 4-1, its June is 풍무동's."""
    hagun, pungmu = report_of(HAGUN, roles["viewer"]), report_of(PUNGMU, roles["viewer"])
    assert [m[2] for m in hagun[4:6]] == [5 * 3, 3 * 3]  # light-days: May all five, June without 004, 005
    assert [m[2] for m in pungmu[4:6]] == [3 * 3, 4 * 3]
    assert hagun[4][0] == sum(300 + 37 * n + 11 * k for n in range(5) for k in range(3))
    # May's 100 W days at 풍무동 include the simulated SL-PUNGMU-003; its 200 W days are measured
    assert pungmu[4][3] == {reports.SIMULATED, reports.MEASURED} and pungmu[5][3] == {reports.MEASURED}
    assert [m[4] for m in hagun[4:6]] == [3, 3]
    assert SiteEnergyDay.objects.filter(day=JUNE[0], site__code__endswith=PUNGMU).count() == 2  # 100, 200 W


def test_refresh_is_idempotent_and_the_command_backfills(history, roles):
    def rows():
        return list(SiteEnergyDay.objects.order_by("site", "day", "rated_power_w").values())

    june = [r for r in rows() if r["day"] in JUNE]
    assert refresh_days(JUNE) == len(june)
    assert [r for r in rows() if r["day"] in JUNE] == june  # the same rows, the same ids
    refresh_days(MAY + JUNE)
    again = rows()
    assert refresh_days(MAY + JUNE) == len(again)
    assert rows() == again

    SiteEnergyDay.objects.all().delete()  # roll-ups stored before the totals existed
    assert report_of(HAGUN, roles["viewer"])[4][3] == {reports.ESTIMATE}
    call_command("streetlights_energy_refresh")
    # the rebuild counts the moved light's May toward the site it has now (documented)
    assert report_of(HAGUN, roles["viewer"])[4][2] == 4 * 3
    call_command("streetlights_energy_refresh", "--from", "2025-05-01", "--to", "2025-05-31")
    assert (
        SiteEnergyDay.objects.aggregate(n=Sum("devices"))["n"]
        == DailyRollup.objects.filter(device_id__startswith="SL-").count()
    )


def test_a_day_no_light_reports_any_more_loses_its_rows(history):
    DailyRollup.objects.filter(day=MAY[0]).delete()
    assert refresh_days([MAY[0]]) == 0
    assert not SiteEnergyDay.objects.filter(day=MAY[0]).exists()


@pytest.mark.parametrize("value", ["2025-13-01", "yesterday"])
def test_command_rejects_a_bad_date(db, value):
    with pytest.raises(CommandError, match="날짜"):
        call_command("streetlights_energy_refresh", "--from", value)


def test_command_rejects_a_reversed_range(db):
    with pytest.raises(CommandError, match="이릅니다"):
        call_command("streetlights_energy_refresh", "--from", "2025-06-02", "--to", "2025-06-01")


def _reading(code: str, ts: datetime, energy_wh: int, n: int) -> None:
    Reading.objects.create(
        device_id=code, message_id=f"m-{n}", ts=ts, received_at=ts + timedelta(seconds=1), lamp_on=True,
        dim=100, power_w=90.0, energy_wh=energy_wh, voltage_v=220.0, current_a=0.4, temperature_c=20.0,
        simulated=False, faults=[],
    )  # fmt: skip


def test_the_rollup_job_keeps_the_totals(registry):
    """``rollup_recent`` and ``rollup_days`` store the per-site totals of the days they roll up."""
    from cityhall.telemetry.models import DeviceState

    start = midnight(JUNE[0]).astimezone(UTC) + timedelta(hours=1)
    for n, code in enumerate(["SL-HAGUN41-001", "SL-HAGUN41-002", "BS-HAGUN41-01"]):
        for step in range(3):
            _reading(code, start + timedelta(minutes=10 * step), 1000 + 40 * step, 10 * n + step)
        DeviceState.objects.create(
            device_id=code, last_ts=start, last_message_id=f"m-{10 * n}", last_seen=start, lamp_on=True,
            dim=100, power_w=90.0, energy_wh=1000, voltage_v=220.0, current_a=0.4, temperature_c=20.0,
            simulated=False, faults=[],
        )  # fmt: skip
    rollup_recent(now=datetime(2026, 1, 1, tzinfo=UTC))
    row = SiteEnergyDay.objects.get()
    assert (row.site.code, row.day, row.rated_power_w, row.devices, row.energy_wh, row.simulated_devices) == (
        Streetlight.objects.get(code="SL-HAGUN41-001").site.code, JUNE[0], 100, 2, 160, 0,
    )  # fmt: skip
    assert (row.first_ts, row.last_ts) == (start, start + timedelta(minutes=20))

    Streetlight.objects.filter(code="SL-HAGUN41-002").update(rated_power_w=200)
    rollup_days(JUNE[0], JUNE[0])  # a repair recomputes the day, and its totals with today's ratings
    assert sorted(SiteEnergyDay.objects.values_list("rated_power_w", "devices", "energy_wh")) == [
        (100, 1, 80),
        (200, 1, 80),
    ]
