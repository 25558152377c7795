"""Energy of LED streetlights (스마트가로등 전력량): the luminaire power model, the energy a dimming
schedule uses over an interval, the full-power baseline, and the saved energy and its cost.

Power of one luminaire::

    off:  P = idle_w                                  (controller / modem, 0 W by default)
    on:   P = rated_w × max(dim / 100, driver_floor)  (the LED driver never draws less than the floor)

Energy over [start, end) is ∫ P dt over the schedule's segments (Wh = W × h); the baseline is the
same lamp at full power from sunset to sunrise (rated_w × dark hours); saved = baseline − used.
Cost is in whole won: the energy rounded to the nearest mWh, then ``kWh × 원/kWh`` truncated below
one won (원 미만 절사), computed in Decimal so no float rounding enters the money.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from ..operations import solar
from ..operations.dimming import DimmingSchedule, NightSegment, night_plan, parse_schedule

#: ASSUMPTION (가정): the seed gives no rated power for Gimpo's 638 lights. 100 W is a typical
#: rating for a road LED luminaire; replace it with the registry's per-device value when it exists.
DEFAULT_RATED_W = 100
#: ASSUMPTION (가정): the driver's minimum draw while on, as a fraction of rated power.
DEFAULT_DRIVER_FLOOR = 0.10


@dataclass(frozen=True)
class Luminaire:
    """Power model of one LED luminaire (LED 등기구)."""

    rated_w: float = DEFAULT_RATED_W
    driver_floor: float = DEFAULT_DRIVER_FLOOR
    idle_w: float = 0.0

    def __post_init__(self) -> None:
        if self.rated_w <= 0:
            raise ValueError(f"정격전력 {self.rated_w}W는 0보다 커야 합니다.")
        if not 0 <= self.driver_floor <= 1:
            raise ValueError(f"드라이버 최소 출력 비율 {self.driver_floor}는 0~1 사이여야 합니다.")
        if self.idle_w < 0:
            raise ValueError(f"대기전력 {self.idle_w}W는 음수일 수 없습니다.")

    def power_w(self, on: bool, dim: int) -> float:
        """Draw in W for a lamp state (``dim`` in percent 0–100)."""
        if not 0 <= dim <= 100:
            raise ValueError(f"밝기 {dim}%는 0~100% 범위를 벗어납니다.")
        if not on:
            return self.idle_w
        return self.rated_w * max(dim / 100, self.driver_floor)


def _check_interval(start: datetime, end: datetime) -> None:
    for moment in (start, end):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("시각에 시간대가 없습니다(aware datetime이 필요합니다).")
    if end < start:
        raise ValueError(f"종료 {end.isoformat()}가 시작 {start.isoformat()}보다 이릅니다.")


def _segments(
    start: datetime, end: datetime, schedule: DimmingSchedule, lat: float, lon: float
) -> list[NightSegment]:
    """The schedule's segments clipped to [start, end), in order."""
    _check_interval(start, end)
    tz = schedule.tz
    first = start.astimezone(tz).date() - timedelta(days=1)  # the night in progress at ``start``
    last = end.astimezone(tz).date()
    out = []
    night: date = first
    while night <= last:
        for seg in night_plan(night, schedule, lat, lon):
            lo, hi = max(seg.start, start), min(seg.end, end)
            if hi > lo:
                out.append(NightSegment(lo, hi, seg.level))
        night += timedelta(days=1)
    return out


def _hours(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 3600


def energy_wh(
    start: datetime,
    end: datetime,
    schedule: DimmingSchedule,
    lat: float = solar.GIMPO_LAT,
    lon: float = solar.GIMPO_LON,
    luminaire: Luminaire = Luminaire(),  # noqa: B008 - frozen, so a shared default is safe
) -> float:
    """Wh one luminaire uses over [start, end) following ``schedule`` (idle draw included)."""
    lit = _segments(start, end, schedule, lat, lon)
    return luminaire.idle_w * _hours(start, end) + segments_wh(lit, luminaire, above_idle=True)


def segments_wh(segments: list[NightSegment], luminaire: Luminaire, *, above_idle: bool = False) -> float:
    """Wh over the given lit segments: Σ power(level) × hours. With ``above_idle`` only the draw
    above the idle draw is counted (the caller adds idle over the whole interval)."""
    total = 0.0
    for seg in segments:
        power = luminaire.power_w(seg.level > 0, seg.level)
        if above_idle:
            power -= luminaire.idle_w
        total += power * _hours(seg.start, seg.end)
    return total


_FULL_NIGHT = parse_schedule([("sunset", "sunrise", 100)], name="전야 100%")


def dark_hours(
    start: datetime, end: datetime, lat: float = solar.GIMPO_LAT, lon: float = solar.GIMPO_LON
) -> float:
    """Hours from sunset to sunrise that fall within [start, end)."""
    return sum(_hours(s.start, s.end) for s in _segments(start, end, _FULL_NIGHT, lat, lon))


def baseline_wh(
    start: datetime,
    end: datetime,
    lat: float = solar.GIMPO_LAT,
    lon: float = solar.GIMPO_LON,
    luminaire: Luminaire = Luminaire(),  # noqa: B008
) -> float:
    """The full-power baseline (전력 최대사용량): rated power × dusk-to-dawn hours, plus idle draw
    by day, over [start, end)."""
    return energy_wh(start, end, _FULL_NIGHT, lat, lon, luminaire)


def cost_won(wh: float, won_per_kwh: int | str | Decimal) -> int:
    """Whole won for ``wh`` at ``won_per_kwh``: ``wh`` rounded half up to the mWh, times the price,
    fractions of a won cut off (원 미만 절사). Negative energy is refused.
    Pass a fractional tariff as a string or Decimal (``"135.7"``), never as a float."""
    if isinstance(won_per_kwh, float):
        raise TypeError("요금 단가는 float가 아닌 int, str 또는 Decimal로 주세요(예: '135.7').")
    if wh < 0:
        raise ValueError(f"전력량 {wh}Wh는 음수일 수 없습니다.")
    price = Decimal(won_per_kwh)
    if price < 0:
        raise ValueError(f"요금 단가 {price}원/kWh는 음수일 수 없습니다.")
    # Energy is first rounded to the nearest mWh, so float noise (299.99999999 Wh) cannot cost a won.
    kwh = Decimal(repr(wh)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP) / 1000
    return int((kwh * price).to_integral_value(rounding=ROUND_DOWN))


@dataclass(frozen=True)
class Savings:
    """Used vs baseline energy (Wh) for one or more lamps, and the money saved (int won)."""

    used_wh: float
    baseline_wh: float
    saved_wh: float
    saved_won: int

    @property
    def saved_kwh(self) -> float:
        return self.saved_wh / 1000

    @property
    def saved_ratio(self) -> float:
        """Saved share of the baseline, 0–1 (0 when the baseline is 0)."""
        return self.saved_wh / self.baseline_wh if self.baseline_wh else 0.0


def savings(
    start: datetime,
    end: datetime,
    schedule: DimmingSchedule,
    won_per_kwh: int | str | Decimal,
    lat: float = solar.GIMPO_LAT,
    lon: float = solar.GIMPO_LON,
    luminaire: Luminaire = Luminaire(),  # noqa: B008
    count: int = 1,
) -> Savings:
    """Energy used by ``count`` identical lamps on ``schedule`` over [start, end), their full-power
    baseline, and the saving in Wh and whole won (the cost rule is :func:`cost_won`, applied once to
    the total so truncation is not multiplied by the lamp count)."""
    if count < 0:
        raise ValueError(f"등 수 {count}는 음수일 수 없습니다.")
    used = energy_wh(start, end, schedule, lat, lon, luminaire) * count
    base = baseline_wh(start, end, lat, lon, luminaire) * count
    saved = base - used
    return Savings(
        used, base, saved, cost_won(saved, won_per_kwh) if saved > 0 else -cost_won(-saved, won_per_kwh)
    )
