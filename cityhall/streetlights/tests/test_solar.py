"""Sunrise and sunset against published almanac figures and an independent formula.

References (KST, to the minute) are the Korea Astronomy and Space Science Institute (한국천문연구원,
KASI) almanac figures for Seoul (37.5665 N, 126.9780 E), as published on astro.kasi.re.kr
"일출일몰시각계산": they are reproduced within 90 s by the second, independent algorithm in
this file (the "sunrise equation" of the astronomical almanac's low-precision formulas), which
shares no code with ``solar.py``.
"""

import math
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cityhall.streetlights.operations import solar

KST = ZoneInfo("Asia/Seoul")
SEOUL = (37.5665, 126.9780)
TOLERANCE = timedelta(minutes=3)


def _kst(day: date, hhmm: str) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=KST)


# (date, sunrise, sunset) in KST for Seoul — KASI almanac figures.
SEOUL_ALMANAC = [
    (date(2025, 6, 21), "05:11", "19:57"),  # summer solstice
    (date(2025, 12, 21), "07:43", "17:17"),  # winter solstice
    (date(2024, 1, 1), "07:47", "17:24"),  # new year's day (해돋이)
]


@pytest.mark.parametrize(("day", "rise", "set_"), SEOUL_ALMANAC)
def test_seoul_matches_almanac(day, rise, set_):
    times = solar.sun_times(day, *SEOUL)
    assert abs(times.rise - _kst(day, rise)) <= TOLERANCE
    assert abs(times.set - _kst(day, set_)) <= TOLERANCE
    assert times.rise.tzinfo is UTC and times.set.tzinfo is UTC
    assert times.polar is None and times.reason == ""


def test_gimpo_is_about_a_minute_later_than_seoul():
    # Gimpo lies 0.26° west of Seoul: 0.26° × 4 min/° ≈ 1 minute later for both events.
    day = date(2025, 6, 21)
    gimpo, seoul = solar.sun_times(day), solar.sun_times(day, *SEOUL)
    assert timedelta(seconds=30) <= gimpo.rise - seoul.rise <= timedelta(seconds=100)
    assert timedelta(seconds=30) <= gimpo.set - seoul.set <= timedelta(seconds=100)


def test_local_date_means_the_kst_morning():
    # The sunrise of 2025-06-21 KST is the evening of 06-20 in UTC.
    rise = solar.sunrise(date(2025, 6, 21))
    assert rise.date() == date(2025, 6, 20)
    assert rise.astimezone(KST).date() == date(2025, 6, 21)
    assert solar.sunset(date(2025, 6, 21)).astimezone(KST).date() == date(2025, 6, 21)


def _sunrise_equation(day: date, lat: float, lon: float) -> tuple[datetime, datetime]:
    """Independent reference: the sunrise equation with Julian-date transit (Wikipedia, "Sunrise
    equation", after the Astronomical Almanac's low-precision formulas), with the declination taken
    a second time at the first estimate of each event (the one-pass form is off by up to 3 min)."""

    def sun(n: float) -> tuple[float, float]:
        """(transit correction in days, sine of the declination) at ``n`` days since J2000.0."""
        m = (357.5291 + 0.98560028 * n) % 360
        c = (
            1.9148 * math.sin(math.radians(m))
            + 0.02 * math.sin(math.radians(2 * m))
            + 0.0003 * math.sin(math.radians(3 * m))
        )
        ecl_long = (m + c + 180 + 102.9372) % 360
        correction = 0.0053 * math.sin(math.radians(m)) - 0.0069 * math.sin(math.radians(2 * ecl_long))
        return correction, math.sin(math.radians(ecl_long)) * math.sin(math.radians(23.4397))

    def half_day(sin_d: float) -> float:
        cos_d = math.cos(math.asin(sin_d))
        cos_w = (math.sin(math.radians(-0.833)) - math.sin(math.radians(lat)) * sin_d) / (
            math.cos(math.radians(lat)) * cos_d
        )
        return math.degrees(math.acos(cos_w)) / 360  # in days

    def to_dt(jd: float) -> datetime:
        return datetime(2000, 1, 1, 12, tzinfo=UTC) + timedelta(days=jd - 2451545.0)

    # Mean solar noon of the local date, in days since J2000.0 (2000-01-01 12:00).
    mean_noon = (day - date(2000, 1, 1)).days - lon / 360.0
    _, sin_d = sun(mean_noon)
    events = []
    for sign in (-1, 1):
        correction, sin_at = sun(mean_noon + sign * half_day(sin_d))
        events.append(to_dt(2451545.0 + mean_noon + correction + sign * half_day(sin_at)))
    return events[0], events[1]


@pytest.mark.parametrize(
    "lat_lon", [(solar.GIMPO_LAT, solar.GIMPO_LON), SEOUL, (-33.87, 151.21), (51.48, 0.0)]
)
def test_agrees_with_the_sunrise_equation_all_year(lat_lon):
    # Every 5th day of 2025 at Gimpo, Seoul, Sydney and Greenwich: the two algorithms agree within 90 s
    # (the reference is a lower-precision formula).
    day = date(2025, 1, 1)
    while day.year == 2025:
        ours = solar.sun_times(day, *lat_lon)
        rise, set_ = _sunrise_equation(day, *lat_lon)
        assert abs(ours.rise - rise) <= timedelta(seconds=90), day
        assert abs(ours.set - set_) <= timedelta(seconds=90), day
        day += timedelta(days=5)


def test_civil_twilight_brackets_sunrise_and_sunset():
    day = date(2025, 12, 21)
    sun, civil = solar.sun_times(day), solar.civil_twilight(day)
    # At 37.6° N civil twilight lasts about 28–32 minutes.
    assert timedelta(minutes=25) <= sun.rise - civil.rise <= timedelta(minutes=35)
    assert timedelta(minutes=25) <= civil.set - sun.set <= timedelta(minutes=35)


def test_polar_day_and_night_return_none_with_a_reason():
    longyearbyen = (78.22, 15.65)
    summer = solar.sun_times(date(2025, 6, 21), *longyearbyen)
    assert (summer.rise, summer.set, summer.polar) == (None, None, "day")
    assert "백야" in summer.reason and "78.220" in summer.reason
    winter = solar.sun_times(date(2025, 12, 21), *longyearbyen)
    assert (winter.rise, winter.set, winter.polar) == (None, None, "night")
    assert "극야" in winter.reason
    assert solar.sunrise(date(2025, 12, 21), *longyearbyen) is None
    # The poles themselves do not divide by zero.
    assert solar.sun_times(date(2025, 6, 21), 90.0, 0.0).polar == "day"
    assert solar.sun_times(date(2025, 6, 21), -90.0, 0.0).polar == "night"


@pytest.mark.parametrize(("lat", "lon"), [(91, 0), (0, 181), (-90.5, 0)])
def test_out_of_range_position_is_refused(lat, lon):
    with pytest.raises(ValueError, match="사이여야"):
        solar.sun_times(date(2025, 1, 1), lat, lon)
