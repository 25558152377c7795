"""Sunrise and sunset (일출·일몰) computed locally with the NOAA solar position algorithm.

The formulas are those of NOAA's Global Monitoring Laboratory solar calculator (after Jean Meeus,
*Astronomical Algorithms*): accurate to about a minute between ±72° latitude, no network, no
dependency. Results are aware UTC datetimes; show them in Asia/Seoul.

``day`` is the site's local calendar date: the events returned are those around that day's local
solar noon, so for Gimpo (126.7° E) the sunrise of 2025-06-21 is 2025-06-20 20:11 UTC (05:11 KST).
"""

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

# Gimpo city hall (김포시청), 경기도 김포시 사우중로 1.
GIMPO_LAT = 37.615
GIMPO_LON = 126.716

#: Sun's centre below the horizon for the official sunrise/sunset: 34' refraction + 16' radius.
OFFICIAL_DEPRESSION = 0.833
#: Civil twilight (시민박명): the centre 6° below the horizon.
CIVIL_DEPRESSION = 6.0

_J2000 = 2451545.0
_UNIX_EPOCH_JD = 2440587.5


@dataclass(frozen=True)
class SunTimes:
    """Rise and set for one local date. When the sun does not cross the horizon (polar day or night)
    both times are None, ``polar`` says which, and ``reason`` says so in Korean."""

    day: date
    rise: datetime | None
    set: datetime | None
    polar: Literal["day", "night"] | None = None
    reason: str = ""


def _julian_day(moment: datetime) -> float:
    return moment.timestamp() / 86400.0 + _UNIX_EPOCH_JD


def _sun(jd: float) -> tuple[float, float]:
    """(declination in degrees, equation of time in minutes) at Julian day ``jd``."""
    t = (jd - _J2000) / 36525.0  # Julian centuries since J2000.0
    mean_long = (280.46646 + t * (36000.76983 + t * 0.0003032)) % 360.0
    mean_anom = 357.52911 + t * (35999.05029 - 0.0001537 * t)
    ecc = 0.016708634 - t * (0.000042037 + 0.0000001267 * t)
    m = math.radians(mean_anom)
    centre = (
        math.sin(m) * (1.914602 - t * (0.004817 + 0.000014 * t))
        + math.sin(2 * m) * (0.019993 - 0.000101 * t)
        + math.sin(3 * m) * 0.000289
    )
    omega = math.radians(125.04 - 1934.136 * t)
    apparent_long = mean_long + centre - 0.00569 - 0.00478 * math.sin(omega)
    mean_obliq = 23.0 + (26.0 + (21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))) / 60.0) / 60.0
    obliq = math.radians(mean_obliq + 0.00256 * math.cos(omega))
    decl = math.degrees(math.asin(math.sin(obliq) * math.sin(math.radians(apparent_long))))
    y = math.tan(obliq / 2) ** 2
    l0 = math.radians(mean_long)
    eot = 4.0 * math.degrees(
        y * math.sin(2 * l0)
        - 2 * ecc * math.sin(m)
        + 4 * ecc * y * math.sin(m) * math.cos(2 * l0)
        - 0.5 * y * y * math.sin(4 * l0)
        - 1.25 * ecc * ecc * math.sin(2 * m)
    )
    return decl, eot


def _check_position(lat: float, lon: float) -> None:
    if not -90.0 <= lat <= 90.0:
        raise ValueError(f"위도 {lat}는 -90~90 사이여야 합니다.")
    if not -180.0 <= lon <= 180.0:
        raise ValueError(f"경도 {lon}는 -180~180 사이여야 합니다.")


def _event(day: date, lat: float, lon: float, depression: float, sign: int) -> tuple[datetime | None, str]:
    """Rise (sign -1) or set (+1) on ``day``; iterates so the sun's position is taken at the event."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
    # Local solar noon of ``day`` is near 12:00 - lon/15 h UTC; start there.
    minutes = 720.0 - 4.0 * lon
    polar = ""
    for _ in range(3):
        decl, eot = _sun(_julian_day(midnight + timedelta(minutes=minutes)))
        phi, delta = math.radians(lat), math.radians(decl)
        # Hour angle at which the sun's centre is ``depression`` degrees below the horizon.
        horizon = math.cos(math.radians(90.0 + depression))
        cos_h = horizon / (math.cos(phi) * math.cos(delta)) - math.tan(phi) * math.tan(delta)
        if cos_h > 1.0:
            polar = "night"
            break
        if cos_h < -1.0:
            polar = "day"
            break
        hour_angle = math.degrees(math.acos(cos_h))
        minutes = 720.0 - 4.0 * lon - eot + sign * 4.0 * hour_angle
    if polar:
        return None, polar
    return (midnight + timedelta(minutes=minutes)).replace(microsecond=0), ""


def sun_times(
    day: date, lat: float = GIMPO_LAT, lon: float = GIMPO_LON, *, depression: float = OFFICIAL_DEPRESSION
) -> SunTimes:
    """Sunrise and sunset of the local date ``day`` at (``lat``, ``lon``) in degrees (north, east
    positive). ``depression`` is the sun's altitude below the horizon that counts as rise/set:
    ``OFFICIAL_DEPRESSION`` (default) or ``CIVIL_DEPRESSION`` for civil dawn and dusk."""
    _check_position(lat, lon)
    rise, polar_rise = _event(day, lat, lon, depression, -1)
    set_, polar_set = _event(day, lat, lon, depression, +1)
    polar: Literal["day", "night"] | None = None
    if polar_rise or polar_set:
        polar = "day" if "day" in (polar_rise, polar_set) else "night"
        # Near a polar boundary one event may exist without the other; report neither, consistently.
        what = "해가 지지 않는 백야(극낮)" if polar == "day" else "해가 뜨지 않는 극야"
        if depression != OFFICIAL_DEPRESSION:
            what += f"(태양 고도 -{depression:g}° 기준)"
        reason = f"{day.isoformat()} 위도 {lat:.3f}°: {what}라 일출·일몰이 없습니다."
        return SunTimes(day, None, None, polar=polar, reason=reason)
    return SunTimes(day, rise, set_)


def civil_twilight(day: date, lat: float = GIMPO_LAT, lon: float = GIMPO_LON) -> SunTimes:
    """Civil dawn (``rise``) and dusk (``set``) of ``day``: the sun's centre 6° below the horizon."""
    return sun_times(day, lat, lon, depression=CIVIL_DEPRESSION)


def sunrise(day: date, lat: float = GIMPO_LAT, lon: float = GIMPO_LON) -> datetime | None:
    return sun_times(day, lat, lon).rise


def sunset(day: date, lat: float = GIMPO_LAT, lon: float = GIMPO_LON) -> datetime | None:
    return sun_times(day, lat, lon).set
