"""Dimming schedules (디밍 스케줄) and the lamp command they give at any moment.

A schedule covers one night, from sunset to the next sunrise, as contiguous periods, each with a dim
level in percent::

    일몰 → 23:00  100 %
    23:00 → 05:00  50 %
    05:00 → 일출  100 %

A boundary is ``"sunset"`` (일몰), ``"sunrise"`` (일출) or a local clock time ``"HH:MM"`` in the site's
time zone (Asia/Seoul by default). Clock times from 12:00 to 23:59 are in the evening, 00:00 to 11:59
in the following morning. On a given night the clock boundaries are clipped to [sunset, sunrise]: a
period that falls wholly outside the dark hours (23:00 in a midsummer night far north, say) simply
does not happen that night. Level 0 means the lamp is switched off for that period.

Polar day: the lamp stays off (also on a night next to a polar day). Polar night: the night is
taken to run from local noon to local noon, so the clock periods still apply. Neither occurs at
Gimpo; they are handled so nothing crashes.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from . import solar

SEOUL = ZoneInfo("Asia/Seoul")
SUNSET = "sunset"
SUNRISE = "sunrise"
_LABEL = {SUNSET: "일몰", SUNRISE: "일출"}
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Problem:
    """One schedule problem: ``code`` for machines, ``where`` (e.g. ``"구간 2 종료"``) and a Korean
    ``message`` for people."""

    code: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ScheduleError(ValueError):
    """The schedule is invalid; ``problems`` lists every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


Boundary = str | time  # SUNSET, SUNRISE or a local clock time


@dataclass(frozen=True)
class DimPeriod:
    start: Boundary
    end: Boundary
    level: int  # percent, 0–100


@dataclass(frozen=True)
class DimmingSchedule:
    """A site's night plan. Build it with :func:`parse_schedule`, which validates."""

    periods: tuple[DimPeriod, ...]
    tz: ZoneInfo = SEOUL
    name: str = ""


def _night_position(boundary: Boundary) -> int:
    """Minutes on the night axis: sunset is -1, clock times are minutes after local noon, sunrise
    is 24 h + 1 (clock boundaries always lie strictly between sunset and sunrise)."""
    if boundary == SUNSET:
        return -1
    if boundary == SUNRISE:
        return 24 * 60 + 1
    assert isinstance(boundary, time)
    minutes = boundary.hour * 60 + boundary.minute
    return minutes - 12 * 60 if minutes >= 12 * 60 else minutes + 12 * 60


def _label(boundary: Boundary) -> str:
    if isinstance(boundary, time):
        return boundary.strftime("%H:%M")
    return _LABEL.get(boundary, str(boundary))


def _parse_boundary(value: object, where: str, problems: list[Problem]) -> Boundary | None:
    if isinstance(value, time):
        if value.second or value.microsecond:
            problems.append(Problem("time_precision", where, "시각은 분 단위까지만 지정합니다."))
            return None
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in (SUNSET, "일몰"):
            return SUNSET
        if text in (SUNRISE, "일출"):
            return SUNRISE
        match = _CLOCK.match(text)
        if match:
            return time(int(match.group(1)), int(match.group(2)))
    problems.append(
        Problem("bad_time", where, f"'{value}'은(는) 시각이 아닙니다. 'HH:MM', '일몰' 또는 '일출'을 쓰세요.")
    )
    return None


def _parse_level(value: object, where: str, problems: list[Problem]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        problems.append(Problem("bad_level", where, f"밝기 '{value}'은(는) 0~100 사이의 정수여야 합니다."))
        return None
    text = str(value).strip().removesuffix("%").strip()
    if not re.fullmatch(r"-?\d+", text):
        problems.append(Problem("bad_level", where, f"밝기 '{value}'은(는) 0~100 사이의 정수여야 합니다."))
        return None
    level = int(text)
    if not 0 <= level <= 100:
        problems.append(Problem("level_range", where, f"밝기 {level}%는 0~100% 범위를 벗어납니다."))
        return None
    return level


def parse_schedule(periods: object, *, tz: str | ZoneInfo = SEOUL, name: str = "") -> DimmingSchedule:
    """Validate and build a schedule from ``[(start, end, level), …]`` or
    ``[{"start": …, "end": …, "level": …}, …]`` (as a form or a YAML file gives it).

    The periods must run from sunset to sunrise without gaps or overlaps, in order, and the levels
    must be whole percents 0–100. Raise :class:`ScheduleError` listing every problem otherwise."""
    problems: list[Problem] = []
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    if not isinstance(periods, list | tuple) or not periods:
        raise ScheduleError([Problem("empty", "스케줄", "구간이 하나 이상 있어야 합니다.")])
    parsed: list[DimPeriod | None] = []
    for index, raw in enumerate(periods, start=1):
        where = f"구간 {index}"
        if isinstance(raw, dict):
            missing = [k for k in ("start", "end", "level") if k not in raw]
            if missing:
                problems.append(Problem("missing", where, f"{', '.join(missing)} 값이 없습니다."))
                parsed.append(None)
                continue
            start_raw, end_raw, level_raw = raw["start"], raw["end"], raw["level"]
        elif isinstance(raw, list | tuple) and len(raw) == 3:
            start_raw, end_raw, level_raw = raw
        else:
            problems.append(Problem("shape", where, "(시작, 종료, 밝기) 세 값이어야 합니다."))
            parsed.append(None)
            continue
        start = _parse_boundary(start_raw, f"{where} 시작", problems)
        end = _parse_boundary(end_raw, f"{where} 종료", problems)
        level = _parse_level(level_raw, f"{where} 밝기", problems)
        if start == SUNRISE:
            problems.append(Problem("start_sunrise", f"{where} 시작", "일출에서 시작하는 구간은 없습니다."))
            start = None
        if end == SUNSET:
            problems.append(Problem("end_sunset", f"{where} 종료", "일몰에서 끝나는 구간은 없습니다."))
            end = None
        if start is not None and end is not None and _night_position(start) >= _night_position(end):
            problems.append(
                Problem(
                    "empty_period",
                    where,
                    f"시작 {_label(start)}이(가) 종료 {_label(end)}보다 늦거나 같습니다 "
                    "(12:00~23:59는 저녁, 00:00~11:59는 다음 날 아침으로 봅니다).",
                )
            )
        parsed.append(
            DimPeriod(start, end, level)
            if start is not None and end is not None and level is not None
            else None
        )
    if not problems:
        valid = [p for p in parsed if p is not None]
        if valid[0].start != SUNSET:
            problems.append(Problem("no_sunset", "구간 1 시작", "첫 구간은 일몰에서 시작해야 합니다."))
        if valid[-1].end != SUNRISE:
            problems.append(
                Problem("no_sunrise", f"구간 {len(valid)} 종료", "마지막 구간은 일출에서 끝나야 합니다.")
            )
        for index, (before, after) in enumerate(zip(valid, valid[1:], strict=False), start=2):
            gap = _night_position(after.start) - _night_position(before.end)
            if gap < 0:
                problems.append(
                    Problem(
                        "overlap",
                        f"구간 {index}",
                        f"시작 {_label(after.start)}이(가) 앞 구간 종료 {_label(before.end)}와 겹칩니다.",
                    )
                )
            elif gap > 0:
                problems.append(
                    Problem(
                        "gap",
                        f"구간 {index}",
                        f"앞 구간 종료 {_label(before.end)}와 시작 {_label(after.start)} "
                        "사이가 비어 있습니다 (소등하려면 밝기 0% 구간을 넣으세요).",
                    )
                )
    if problems:
        raise ScheduleError(problems)
    return DimmingSchedule(tuple(p for p in parsed if p is not None), tz=zone, name=name)


#: The common Korean pattern (심야 디밍): full light in the evening and before dawn, half at night.
DEFAULT_SCHEDULE = parse_schedule(
    [(SUNSET, "23:00", 100), ("23:00", "05:00", 50), ("05:00", SUNRISE, 100)], name="기본(심야 50%)"
)


@dataclass(frozen=True)
class NightSegment:
    """A stretch of one night at one level: [start, end) in aware UTC."""

    start: datetime
    end: datetime
    level: int


def night_plan(
    night: date, schedule: DimmingSchedule, lat: float = solar.GIMPO_LAT, lon: float = solar.GIMPO_LON
) -> list[NightSegment]:
    """The segments of the night that begins at sunset on the local date ``night``; empty in polar
    day. Segments are in order, non-empty and contiguous from sunset to the next sunrise."""
    tz = schedule.tz
    evening = solar.sun_times(night, lat, lon)
    morning = solar.sun_times(night + timedelta(days=1), lat, lon)
    if "day" in (evening.polar, morning.polar):
        return []
    noon = datetime.combine(night, time(12), tzinfo=tz)
    # Around a polar boundary an event may be missing; local noon stands in for it (see module doc).
    dusk = evening.set or noon
    dawn = morning.rise or noon + timedelta(days=1)
    if dawn <= dusk:
        return []

    def moment(boundary: Boundary) -> datetime:
        if boundary == SUNSET:
            return dusk
        if boundary == SUNRISE:
            return dawn
        assert isinstance(boundary, time)
        day = night if boundary >= time(12) else night + timedelta(days=1)
        local = datetime.combine(day, boundary, tzinfo=tz)
        return min(max(local, dusk), dawn)

    segments = []
    for period in schedule.periods:
        start, end = moment(period.start), moment(period.end)
        if end > start:
            segments.append(NightSegment(start.astimezone(UTC), end.astimezone(UTC), period.level))
    return segments


def lamp_command_at(
    when: datetime,
    site_schedule: DimmingSchedule,
    lat: float = solar.GIMPO_LAT,
    lon: float = solar.GIMPO_LON,
) -> tuple[bool, int]:
    """``(on, dim)`` the lamp should have at the aware moment ``when``: off with dim 0 in daylight
    or in a 0 % period, otherwise on at the period's level."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("시각에 시간대가 없습니다(aware datetime이 필요합니다).")
    local_day = when.astimezone(site_schedule.tz).date()
    # ``when`` belongs to the night starting today or to the one that started yesterday.
    for night in (local_day, local_day - timedelta(days=1)):
        for segment in night_plan(night, site_schedule, lat, lon):
            if segment.start <= when < segment.end:
                return (segment.level > 0, segment.level)
    return (False, 0)
