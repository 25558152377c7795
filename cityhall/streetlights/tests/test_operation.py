from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from cityhall.streetlights.operations import solar
from cityhall.streetlights.operations.dimming import (
    DEFAULT_SCHEDULE,
    DimPeriod,
    ScheduleError,
    lamp_command_at,
    night_plan,
    parse_schedule,
)

KST = ZoneInfo("Asia/Seoul")


def at(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=KST)


def problems(periods, **kwargs):
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(periods, **kwargs)
    return [(p.code, p.where) for p in caught.value.problems], caught.value


def test_default_schedule_reads_as_written():
    assert DEFAULT_SCHEDULE.periods == (
        DimPeriod("sunset", time(23), 100),
        DimPeriod(time(23), time(5), 50),
        DimPeriod(time(5), "sunrise", 100),
    )
    assert DEFAULT_SCHEDULE.tz == KST


def test_schedule_accepts_dicts_korean_words_and_percent_strings():
    schedule = parse_schedule(
        [
            {"start": "일몰", "end": "00:30", "level": "100%"},
            {"start": "0:30", "end": "04:00", "level": 0},
            {"start": "04:00", "end": "일출", "level": 70},
        ],
        tz="Asia/Seoul",
        name="심야 소등",
    )
    assert [p.level for p in schedule.periods] == [100, 0, 70]
    assert schedule.periods[1].start == time(0, 30)
    assert schedule.name == "심야 소등"


def test_bad_levels_and_times_are_all_reported_with_where():
    codes, error = problems([("sunset", "25:00", 120), ("23:00", "5:00", "x"), ("05:00", "sunrise", True)])
    assert codes == [
        ("bad_time", "구간 1 종료"),
        ("level_range", "구간 1 밝기"),
        ("bad_level", "구간 2 밝기"),
        ("bad_level", "구간 3 밝기"),
    ]
    assert "120%는 0~100% 범위를 벗어납니다" in str(error)
    assert "'25:00'은(는) 시각이 아닙니다" in str(error)


def test_overlap_and_gap_are_found():
    codes, error = problems([("sunset", "23:00", 100), ("22:00", "04:00", 50), ("05:00", "sunrise", 100)])
    assert codes == [("overlap", "구간 2"), ("gap", "구간 3")]
    assert "시작 22:00이(가) 앞 구간 종료 23:00와 겹칩니다" in str(error)
    assert "밝기 0% 구간" in str(error)


def test_schedule_must_run_from_sunset_to_sunrise():
    codes, _ = problems([("18:00", "23:00", 100), ("23:00", "05:00", 50)])
    assert codes == [("no_sunset", "구간 1 시작"), ("no_sunrise", "구간 2 종료")]


def test_backwards_and_misplaced_boundaries():
    # 05:00 → 23:00 runs backwards on the night axis (morning before evening).
    codes, error = problems([("sunset", "05:00", 100), ("05:00", "23:00", 50), ("sunrise", "sunset", 100)])
    assert codes == [
        ("empty_period", "구간 2"),
        ("start_sunrise", "구간 3 시작"),
        ("end_sunset", "구간 3 종료"),
    ]
    assert "다음 날 아침" in str(error)


@pytest.mark.parametrize("bad", [[], None, "sunset-sunrise", [("sunset", "sunrise")], [{"start": "sunset"}]])
def test_shapeless_input_is_refused(bad):
    with pytest.raises(ScheduleError):
        parse_schedule(bad)


def test_night_plan_follows_the_sun_at_gimpo():
    day = date(2025, 12, 21)
    plan = night_plan(day, DEFAULT_SCHEDULE)
    dusk = solar.sunset(day)
    dawn = solar.sunrise(day + timedelta(days=1))
    assert [(s.start, s.end, s.level) for s in plan] == [
        (dusk, at(2025, 12, 21, 23).astimezone(UTC), 100),
        (at(2025, 12, 21, 23).astimezone(UTC), at(2025, 12, 22, 5).astimezone(UTC), 50),
        (at(2025, 12, 22, 5).astimezone(UTC), dawn, 100),
    ]
    assert all(s.start.tzinfo is UTC for s in plan)


def test_lamp_command_through_a_winter_night():
    # Gimpo 2025-12-21: sunset ≈ 17:18 KST, sunrise (12-22) ≈ 07:44 KST.
    assert lamp_command_at(at(2025, 12, 21, 12), DEFAULT_SCHEDULE) == (False, 0)
    assert lamp_command_at(at(2025, 12, 21, 17, 10), DEFAULT_SCHEDULE) == (False, 0)
    assert lamp_command_at(at(2025, 12, 21, 17, 25), DEFAULT_SCHEDULE) == (True, 100)
    assert lamp_command_at(at(2025, 12, 21, 22, 59), DEFAULT_SCHEDULE) == (True, 100)
    assert lamp_command_at(at(2025, 12, 21, 23, 0), DEFAULT_SCHEDULE) == (True, 50)
    assert lamp_command_at(at(2025, 12, 22, 2), DEFAULT_SCHEDULE) == (True, 50)
    assert lamp_command_at(at(2025, 12, 22, 5), DEFAULT_SCHEDULE) == (True, 100)
    assert lamp_command_at(at(2025, 12, 22, 7, 40), DEFAULT_SCHEDULE) == (True, 100)
    assert lamp_command_at(at(2025, 12, 22, 7, 50), DEFAULT_SCHEDULE) == (False, 0)
    # The same moment in UTC gives the same command.
    assert lamp_command_at(at(2025, 12, 22, 2).astimezone(UTC), DEFAULT_SCHEDULE) == (True, 50)


def test_exact_sunset_switches_on_and_exact_sunrise_switches_off():
    dusk = solar.sunset(date(2025, 6, 21))
    dawn = solar.sunrise(date(2025, 6, 22))
    assert lamp_command_at(dusk - timedelta(seconds=1), DEFAULT_SCHEDULE) == (False, 0)
    assert lamp_command_at(dusk, DEFAULT_SCHEDULE) == (True, 100)
    assert lamp_command_at(dawn - timedelta(seconds=1), DEFAULT_SCHEDULE) == (True, 100)
    assert lamp_command_at(dawn, DEFAULT_SCHEDULE) == (False, 0)


def test_zero_level_means_off():
    schedule = parse_schedule([("sunset", "01:00", 100), ("01:00", "04:00", 0), ("04:00", "sunrise", 100)])
    assert lamp_command_at(at(2025, 12, 22, 2), schedule) == (False, 0)
    assert lamp_command_at(at(2025, 12, 22, 4, 30), schedule) == (True, 100)


def test_clock_boundaries_outside_the_night_are_clipped():
    # An evening step at 18:00 lies before the June sunset (≈ 19:58): the night starts at 30 %.
    schedule = parse_schedule([("sunset", "18:00", 100), ("18:00", "sunrise", 30)])
    plan = night_plan(date(2025, 6, 21), schedule)
    assert [s.level for s in plan] == [30]
    assert plan[0].start == datetime(2025, 6, 21, 10, 57, 56, tzinfo=UTC)  # sunset, 19:57:56 in Seoul
    assert lamp_command_at(at(2025, 6, 21, 21), schedule) == (True, 30)


def test_polar_day_keeps_lamps_off_and_polar_night_keeps_them_on():
    svalbard = (78.22, 15.65)
    oslo = ZoneInfo("Europe/Oslo")
    schedule = parse_schedule([("sunset", "23:00", 100), ("23:00", "sunrise", 50)], tz=oslo)
    summer_midnight = datetime(2025, 6, 21, 23, 30, tzinfo=oslo)
    assert night_plan(date(2025, 6, 21), schedule, *svalbard) == []
    assert lamp_command_at(summer_midnight, schedule, *svalbard) == (False, 0)
    winter_noon = datetime(2025, 12, 21, 13, 0, tzinfo=oslo)
    assert lamp_command_at(winter_noon, schedule, *svalbard) == (True, 100)
    assert lamp_command_at(datetime(2025, 12, 22, 3, 0, tzinfo=oslo), schedule, *svalbard) == (True, 50)


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="시간대"):
        lamp_command_at(datetime(2025, 12, 21, 22), DEFAULT_SCHEDULE)
