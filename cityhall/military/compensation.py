"""군소음 보상금 산정 (pure functions): the amount for one applicant, with a line-by-line explanation.

The rules come from a versioned rule table (``RuleTable``, built from ``NoiseRuleRow`` rows); nothing
here holds an amount or a rate. What the law fixes (verified against the decree's text as quoted in
the 2025 PSAT 상황판단 question on the decree's 보상금 지급대상 및 산정기준, and the Ministry of
National Defense's 2021 announcement) and what remains a setting of the city is listed in
docs/apps/military.md.

Method (per calendar month of the compensation year):
  month amount = zone's monthly amount × (days resident in the month ÷ days in the month)
  rate        = move-in reduction (by move-in date) + workplace reduction (if the workplace was
                outside the area that month), capped at 100 %   [combination: a setting]
  paid        = month amount × (100 − rate) %
The sum is rounded down to the won (원 미만 절사) once, at the end.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

ZONES = ("1", "2", "3")


class CompensationError(ValueError):
    """Bad input to the computation (unknown zone, dates out of order); the message is Korean."""

    def __init__(self, message: str, *, field: str = "__all__"):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class MoveInBand:
    """A move-in reduction: moved in on or after ``start`` (and on or before ``end``) → ``rate`` %."""

    start: date
    end: date | None
    rate: int
    source: str


@dataclass(frozen=True)
class RuleTable:
    version: str
    zone_amounts: dict[str, int]  # zone → won per person per month
    zone_sources: dict[str, str]
    move_in_bands: tuple[MoveInBand, ...]
    before_base_exempt: bool  # moved in before the airfield was set up → no move-in reduction
    before_base_source: str
    workplace_rate: int  # % when the workplace lies outside the noise area
    workplace_source: str
    cap: int = 100  # combined reductions never exceed this %


@dataclass(frozen=True)
class Facts:
    """What decides one applicant's amount for the year ``year`` (the residence year)."""

    year: int
    zone: str
    moved_in_on: date
    moved_out_on: date | None = None
    resident_until: date | None = None  # the last day of actual residence when it ended otherwise
    workplace_outside_months: tuple[int, ...] = ()
    base_established_on: date | None = None  # 군용비행장 설치일 (for the before-base exemption)


@dataclass
class Result:
    amount: int
    lines: list[str] = field(default_factory=list)
    months: list[tuple[int, int, int, int]] = field(default_factory=list)  # month, days, rate %, won (floor)
    move_in_rate: int = 0


def won(value: int) -> str:
    return f"{value:,}원"


def move_in_rate(facts: Facts, rules: RuleTable) -> tuple[int, str]:
    """The move-in reduction % and why."""
    moved = facts.moved_in_on
    if rules.before_base_exempt and facts.base_established_on and moved < facts.base_established_on:
        return 0, (
            f"전입일 {moved:%Y-%m-%d}이 군용비행장 설치일 {facts.base_established_on:%Y-%m-%d} 이전: "
            f"전입 시기 감액 없음 ({rules.before_base_source})"
        )
    for band in rules.move_in_bands:
        if moved >= band.start and (band.end is None or moved <= band.end):
            period = (
                f"{band.start:%Y-%m-%d}~{band.end:%Y-%m-%d}" if band.end else f"{band.start:%Y-%m-%d} 이후"
            )
            return band.rate, f"전입일 {moved:%Y-%m-%d} ({period} 전입): {band.rate}% 감액 ({band.source})"
    return 0, f"전입일 {moved:%Y-%m-%d}: 전입 시기 감액 대상 아님"


def compute(facts: Facts, rules: RuleTable) -> Result:
    """The amount for one applicant and its explanation, one line per step."""
    if facts.zone not in rules.zone_amounts:
        raise CompensationError(f"알 수 없는 구역입니다: '{facts.zone}' (1종·2종·3종 중 하나)", field="zone")
    if facts.moved_out_on and facts.moved_out_on < facts.moved_in_on:
        raise CompensationError("전출일이 전입일보다 앞설 수 없습니다.", field="moved_out_on")
    bad_months = [m for m in facts.workplace_outside_months if not 1 <= m <= 12]
    if bad_months:
        raise CompensationError(
            f"근무지 월은 1~12여야 합니다: {bad_months}", field="workplace_outside_months"
        )
    monthly = rules.zone_amounts[facts.zone]
    result = Result(amount=0)
    lines = result.lines
    lines.append(
        f"{facts.zone}종 구역 기준금액 월 {won(monthly)} ({rules.zone_sources.get(facts.zone, '')}) "
        f"· 규칙표 {rules.version}"
    )
    start = max(facts.moved_in_on, date(facts.year, 1, 1))
    ends = [date(facts.year, 12, 31)] + [d for d in (facts.moved_out_on, facts.resident_until) if d]
    end = min(ends)
    if facts.moved_out_on:
        end = min(end, facts.moved_out_on)
    if start > end:
        lines.append(f"{facts.year}년 중 구역 내 거주 기간 없음: 0원")
        return result
    lines.append(f"거주기간 {start:%Y-%m-%d} ~ {end:%Y-%m-%d}")
    base_rate, why = move_in_rate(facts, rules)
    result.move_in_rate = base_rate
    lines.append(why)
    total = Fraction(0)
    for month in range(start.month, end.month + 1):
        days_in_month = calendar.monthrange(facts.year, month)[1]
        first = max(start, date(facts.year, month, 1))
        last = min(end, date(facts.year, month, days_in_month))
        days = (last - first).days + 1
        rate = base_rate
        note = ""
        if month in facts.workplace_outside_months:
            rate += rules.workplace_rate
            note = f" + 근무지 구역 밖 {rules.workplace_rate}%"
        if rate > rules.cap:
            rate = rules.cap
            note += f" (감액 상한 {rules.cap}%)"
        share = Fraction(monthly) * Fraction(days, days_in_month)
        paid = share * Fraction(100 - rate, 100)
        total += paid
        result.months.append((month, days, rate, int(paid)))
        portion = "전월" if days == days_in_month else f"{days}/{days_in_month}일"
        lines.append(f"{month}월: {won(monthly)} × {portion} × (100−{rate})%{note} = {paid_text(paid)}")
    result.amount = int(total)  # floor: 원 미만 절사
    lines.append(f"합계 {paid_text(total)} → 원 미만 절사 {won(result.amount)}")
    return result


def paid_text(value: Fraction) -> str:
    if value.denominator == 1:
        return won(int(value))
    return f"{float(value):,.2f}원"
