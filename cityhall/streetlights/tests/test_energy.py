from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from cityhall.streetlights.energy.model import (
    DEFAULT_RATED_W,
    Luminaire,
    baseline_wh,
    cost_won,
    dark_hours,
    energy_wh,
    savings,
    segments_wh,
)
from cityhall.streetlights.operations import solar
from cityhall.streetlights.operations.dimming import DEFAULT_SCHEDULE, NightSegment, parse_schedule

KST = ZoneInfo("Asia/Seoul")


def at(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=KST)


def hours(a, b):
    return (b - a).total_seconds() / 3600


def test_power_model():
    lamp = Luminaire(rated_w=100, driver_floor=0.10)
    assert lamp.power_w(True, 100) == 100.0
    assert lamp.power_w(True, 50) == 50.0
    assert lamp.power_w(True, 5) == 10.0  # 5 % is below the 10 % driver floor: 100 W × 0.10
    assert lamp.power_w(False, 0) == 0.0
    assert Luminaire(rated_w=150, idle_w=1.5).power_w(False, 0) == 1.5
    assert DEFAULT_RATED_W == 100


@pytest.mark.parametrize("kwargs", [{"rated_w": 0}, {"rated_w": -5}, {"driver_floor": 1.5}, {"idle_w": -1}])
def test_power_model_refuses_nonsense(kwargs):
    with pytest.raises(ValueError):
        Luminaire(**kwargs)
    with pytest.raises(ValueError, match="0~100%"):
        Luminaire().power_w(True, 101)


def test_hand_worked_ten_hour_night():
    # One 100 W lamp, a 10 h night 19:00–05:00 split 100 % / 50 % / 100 %:
    #   19:00–23:00  4 h × 100 W = 400 Wh
    #   23:00–04:00  5 h ×  50 W = 250 Wh
    #   04:00–05:00  1 h × 100 W = 100 Wh
    #   used = 750 Wh; baseline = 10 h × 100 W = 1,000 Wh; saved = 250 Wh = 0.25 kWh
    #   at 130 원/kWh: 0.25 × 130 = 32.5 원 → 32 원 (원 미만 절사)
    night = [
        NightSegment(at(2025, 1, 1, 19), at(2025, 1, 1, 23), 100),
        NightSegment(at(2025, 1, 1, 23), at(2025, 1, 2, 4), 50),
        NightSegment(at(2025, 1, 2, 4), at(2025, 1, 2, 5), 100),
    ]
    lamp = Luminaire(rated_w=100)
    used = segments_wh(night, lamp)
    base = segments_wh([NightSegment(at(2025, 1, 1, 19), at(2025, 1, 2, 5), 100)], lamp)
    assert used == 750.0
    assert base == 1000.0
    assert cost_won(base - used, 130) == 32


def test_driver_floor_in_a_deep_dim():
    # 150 W lamp, 6 h at 5 % → floor 10 %: 6 h × 15 W = 90 Wh (not 6 × 7.5 = 45 Wh).
    lamp = Luminaire(rated_w=150)
    assert segments_wh([NightSegment(at(2025, 1, 2, 0), at(2025, 1, 2, 6), 5)], lamp) == 90.0


def test_one_gimpo_winter_night_on_the_default_schedule():
    # Night of 2025-12-21 at Gimpo, 100 W lamp, 100 % to 23:00, 50 % to 05:00, 100 % to sunrise:
    #   used = 100 W × (23:00 − sunset) + 50 W × 6 h + 100 W × (sunrise − 05:00)
    #   base = 100 W × (sunrise − sunset); saved = 50 W × 6 h = 300 Wh exactly.
    dusk, dawn = solar.sunset(date(2025, 12, 21)), solar.sunrise(date(2025, 12, 22))
    start, end = at(2025, 12, 21, 12), at(2025, 12, 22, 12)
    used = energy_wh(start, end, DEFAULT_SCHEDULE)
    expected = 100 * hours(dusk, at(2025, 12, 21, 23)) + 50 * 6 + 100 * hours(at(2025, 12, 22, 5), dawn)
    assert used == pytest.approx(expected, abs=1e-9)
    assert baseline_wh(start, end) == pytest.approx(100 * hours(dusk, dawn), abs=1e-9)
    assert dark_hours(start, end) == pytest.approx(hours(dusk, dawn), abs=1e-12)
    # 14.4 dark hours in Gimpo's longest night (17:18 → 07:44 KST).
    assert 14.3 < dark_hours(start, end) < 14.5
    result = savings(start, end, DEFAULT_SCHEDULE, 130)
    assert result.saved_wh == pytest.approx(300.0, abs=1e-6)
    # 0.3 kWh × 130 원 = 39 원 (the Wh are rounded to the mWh first, so float noise cannot make it 38).
    assert result.saved_won == 39


def test_interval_clips_the_night():
    # From 00:00 to 02:00 KST the lamp is at 50 %: 2 h × 50 W = 100 Wh; baseline 2 h × 100 W.
    start, end = at(2025, 12, 22, 0), at(2025, 12, 22, 2)
    assert energy_wh(start, end, DEFAULT_SCHEDULE) == pytest.approx(100.0)
    assert baseline_wh(start, end) == pytest.approx(200.0)
    # By day nothing is used unless the controller draws idle power: 3 h × 2 W = 6 Wh.
    noon = (at(2025, 12, 22, 10), at(2025, 12, 22, 13))
    assert energy_wh(*noon, DEFAULT_SCHEDULE) == 0.0
    assert energy_wh(*noon, DEFAULT_SCHEDULE, luminaire=Luminaire(idle_w=2)) == pytest.approx(6.0)
    assert energy_wh(start, start, DEFAULT_SCHEDULE) == 0.0


def test_idle_draw_counts_all_day_and_not_twice_at_night():
    # 00:00–02:00 at 50 % with 2 W idle: 2 h × 50 W = 100 Wh (idle is included in the lit draw).
    lamp = Luminaire(idle_w=2)
    assert energy_wh(
        at(2025, 12, 22, 0), at(2025, 12, 22, 2), DEFAULT_SCHEDULE, luminaire=lamp
    ) == pytest.approx(100.0)


def test_a_year_for_the_fleet_adds_up():
    # 2024 at Gimpo for the seed's 638 lights on the default schedule, 100 W assumed.
    start, end = at(2024, 1, 1, 0), at(2025, 1, 1, 0)
    night_hours = dark_hours(start, end)
    assert 4300 < night_hours < 4350  # about 11.8 h a night on average
    result = savings(start, end, DEFAULT_SCHEDULE, 130, count=638)
    assert result.baseline_wh == pytest.approx(638 * 100 * night_hours)
    assert result.used_wh + result.saved_wh == pytest.approx(result.baseline_wh)
    # Every night the 23:00–05:00 half-power window fits inside the dark hours at Gimpo, so the saving
    # is exactly 50 W × 6 h × 366 nights × 638 lights = 70,052.4 kWh.
    assert result.saved_kwh == pytest.approx(70_052.4)
    assert 0.2 < result.saved_ratio < 0.3


def test_cost_rounding_and_money_types():
    assert cost_won(1000, 130) == 130
    assert cost_won(1999, 130) == 259  # 1.999 kWh × 130 = 259.87 → 259 (원 미만 절사)
    assert cost_won(1000, "135.7") == 135
    assert cost_won(1000, Decimal("135.7")) == 135
    assert cost_won(0, 130) == 0
    assert cost_won(299.99999999, 130) == 39  # rounded to 300.000 Wh first
    with pytest.raises(ValueError, match="음수"):
        cost_won(-1, 130)
    with pytest.raises(TypeError, match="float"):
        cost_won(1000, 135.7)
    with pytest.raises(ValueError, match="음수"):
        cost_won(1000, -1)


def test_a_schedule_that_never_dims_saves_nothing():
    # It uses exactly the baseline: saved 0 Wh, 0 원.
    full = parse_schedule([("sunset", "sunrise", 100)])
    result = savings(at(2025, 12, 21, 12), at(2025, 12, 22, 12), full, 130)
    assert result.saved_wh == 0.0 and result.saved_won == 0


def test_intervals_must_be_aware_and_ordered():
    with pytest.raises(ValueError, match="시간대"):
        energy_wh(datetime(2025, 1, 1), datetime(2025, 1, 2), DEFAULT_SCHEDULE)
    with pytest.raises(ValueError, match="이릅니다"):
        energy_wh(at(2025, 1, 2, 0), at(2025, 1, 1, 0), DEFAULT_SCHEDULE)
    assert (
        energy_wh(at(2025, 1, 1, 0).astimezone(UTC), at(2025, 1, 1, 0) + timedelta(hours=1), DEFAULT_SCHEDULE)
        > 0
    )
