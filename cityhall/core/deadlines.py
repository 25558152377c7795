"""The office calendar: Korean public holidays and deadline counting as Korean law counts it.

Holidays (공휴일) are those of 「관공서의 공휴일에 관한 규정」: Sundays, the national holidays with their
substitute days (대체공휴일), election days and days the government designates (임시공휴일), taken from
the maintained ``holidays`` library (``holidays.KR``), plus closure days the city adds in the setting
``CITYHALL_EXTRA_HOLIDAYS`` (``["2026-12-31", "2026-12-30:시 개청 기념일"]``). Saturdays are not
공휴일, but every rule below treats them as the law says (민원처리법 §19, 민법 §161).

Each counting rule is named (``RULES``) with its Korean label and legal source, so a page can say how a
deadline was counted (``{% deadline_badge %}``, template tag library ``deadlines``):

- ``civil_petition``: 민원 처리에 관한 법률 §19 — chooses the three below by the period;
- ``civil_petition_hours``: §19① — 5일 이하: hours from the time of receipt, 1일 = 8 근무시간, working
  hours only (09:00–12:00, 13:00–18:00 Asia/Seoul, 국가·지방공무원 복무규정), 토요일·공휴일 excluded;
  ``unit="hours"`` counts hours directly (§19③'s 즉시 = 3 근무시간);
- ``civil_petition_days``: §19② — 6일 이상: days, the first day counted, 토요일·공휴일 not counted;
- ``civil_petition_calendar``: §19③ — weeks, months, years: the first day counted, then 민법 §159–161;
- ``civil_code``: 민법 §157 (the first day not counted unless the period starts at 00:00), §159 (ends at
  the end of the last day), §160 (weeks, months and years by the calendar), §161 (a last day that is a
  토요일 or 공휴일 moves to the next day — here the next working day); 행정기본법 §6① makes it the rule
  for administrative periods unless a law says otherwise;
- ``rights_restriction``: 행정기본법 §6② — a period restricting rights or imposing a duty: the first day
  counted, and it ends on its last day even when that is a 토요일 or 공휴일.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

StrOrPromise = str | Promise

SEOUL = ZoneInfo("Asia/Seoul")
# 국가공무원 복무규정 §9 / 지방공무원 복무규정 §2: 09:00–18:00 with the 12:00–13:00 lunch hour.
WORKING_PERIODS = ((dt.time(9), dt.time(12)), (dt.time(13), dt.time(18)))
HOURS_PER_DAY = 8  # 민원처리법 §19①: 1일은 8시간의 근무시간
UNITS = ("days", "weeks", "months", "years", "hours")
MAX_AMOUNT = 3660  # days; a period longer than ten years is a typing mistake here


class DeadlineInvalid(ValueError):
    """A deadline that cannot be counted: the message (Korean) says what and where."""


@dataclass(frozen=True)
class Rule:
    code: str
    label: StrOrPromise  # Korean (lazy, translated)
    source: str  # the law and article
    summary: StrOrPromise


@dataclass(frozen=True)
class Deadline:
    """``due`` is the last day (a date), or the moment (an aware datetime) for hour rules."""

    due: dt.date | dt.datetime
    rule: Rule
    start: dt.date | dt.datetime
    amount: int
    unit: str
    explanation: list[str] = field(default_factory=list)

    @property
    def due_date(self) -> dt.date:
        if isinstance(self.due, dt.datetime):
            return self.due.astimezone(SEOUL).date()
        return self.due


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule(
            "civil_petition",
            gettext_lazy("민원 처리기간"),
            "민원 처리에 관한 법률 제19조",
            gettext_lazy("5일 이하는 시간, 6일 이상은 일, 주·월·연은 역에 따라 계산"),
        ),
        Rule(
            "civil_petition_hours",
            gettext_lazy("민원 처리기간(시간 단위)"),
            "민원 처리에 관한 법률 제19조제1항",
            gettext_lazy("접수 시각부터 근무시간으로 계산(1일=8시간), 토요일·공휴일 제외"),
        ),
        Rule(
            "civil_petition_days",
            gettext_lazy("민원 처리기간(일 단위)"),
            "민원 처리에 관한 법률 제19조제2항",
            gettext_lazy("첫날 산입, 토요일·공휴일 불산입"),
        ),
        Rule(
            "civil_petition_calendar",
            gettext_lazy("민원 처리기간(주·월·연)"),
            "민원 처리에 관한 법률 제19조제3항, 민법 제159조~제161조",
            gettext_lazy("첫날 산입, 역에 따라 계산, 말일이 토요일·공휴일이면 다음 날 만료"),
        ),
        Rule(
            "civil_code",
            gettext_lazy("민법상 기간"),
            "민법 제157조·제159조~제161조, 행정기본법 제6조제1항",
            gettext_lazy("첫날 불산입, 말일이 토요일·공휴일이면 다음 날 만료"),
        ),
        Rule(
            "rights_restriction",
            gettext_lazy("권익 제한·의무 부과 기간"),
            "행정기본법 제6조제2항",
            gettext_lazy("첫날 산입, 말일이 토요일·공휴일이어도 그날 만료"),
        ),
    )
}


# -- holidays -------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _library_holidays(year: int) -> dict[dt.date, str]:
    return dict(holidays_lib.country_holidays("KR", years=year, language="ko").items())


def _extra_holidays() -> dict[dt.date, str]:
    extra: dict[dt.date, str] = {}
    for entry in getattr(settings, "CITYHALL_EXTRA_HOLIDAYS", ()) or ():
        day, _sep, name = str(entry).partition(":")
        try:
            extra[dt.date.fromisoformat(day.strip())] = name.strip() or str(_("임시 휴무일"))
        except ValueError as exc:
            raise DeadlineInvalid(
                _("CITYHALL_EXTRA_HOLIDAYS의 '%(entry)s'는 YYYY-MM-DD 형식의 날짜가 아닙니다.")
                % {"entry": entry}
            ) from exc
    return extra


def holiday_name(d: dt.date) -> str | None:
    """The 공휴일's Korean name (``설날``, ``대통령 선거일``, ``일요일``), or None on a non-holiday."""
    d = _as_date(d)
    name = _extra_holidays().get(d) or _library_holidays(d.year).get(d)
    if name:
        return name
    if d.weekday() == 6:
        return str(_("일요일"))
    return None


def is_holiday(d: dt.date) -> bool:
    """A 공휴일: Sundays included (관공서의 공휴일에 관한 규정 §2 1호); Saturdays are not."""
    return holiday_name(d) is not None


def is_working_day(d: dt.date) -> bool:
    """Neither a Saturday nor a 공휴일."""
    d = _as_date(d)
    return d.weekday() != 5 and not is_holiday(d)


def next_working_day(d: dt.date) -> dt.date:
    """``d`` itself when it is a working day, else the first working day after it."""
    d = _as_date(d)
    while not is_working_day(d):
        d += dt.timedelta(days=1)
    return d


def working_days_between(a: dt.date, b: dt.date) -> int:
    """Working days in ``a``..``b``, both included (0 when ``b`` is before ``a``)."""
    a, b = _as_date(a), _as_date(b)
    count = 0
    d = a
    while d <= b:
        count += is_working_day(d)
        d += dt.timedelta(days=1)
    return count


def holidays_between(a: dt.date, b: dt.date) -> list[tuple[dt.date, str]]:
    """Every 공휴일 (Sundays included) in ``a``..``b`` with its name, for calendars and explanations."""
    a, b = _as_date(a), _as_date(b)
    out = []
    d = a
    while d <= b:
        name = holiday_name(d)
        if name:
            out.append((d, name))
        d += dt.timedelta(days=1)
    return out


# -- counting -------------------------------------------------------------------------------------


def due(rule: str, start: dt.date | dt.datetime, amount: int, unit: str = "days") -> Deadline:
    """The deadline of a period of ``amount`` ``unit`` from ``start`` under the named rule.

    ``start`` is the day (or, for hour rules and 민법 §157's 00:00 exception, the moment) the period
    begins: the petition's receipt, the notice's delivery. Raises ``DeadlineInvalid`` (Korean message)
    on an unknown rule or unit, a non-positive amount, or a unit the rule does not count in."""
    if rule not in RULES:
        raise DeadlineInvalid(_("알 수 없는 기간 계산 규칙입니다: %(rule)s") % {"rule": rule})
    if unit not in UNITS:
        raise DeadlineInvalid(_("알 수 없는 기간 단위입니다: %(unit)s") % {"unit": unit})
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        message = _("기간은 1 이상의 정수여야 합니다 (받은 값: %(amount)s).")
        raise DeadlineInvalid(message % {"amount": amount})
    if amount > MAX_AMOUNT:
        raise DeadlineInvalid(_("기간이 너무 깁니다 (%(amount)s).") % {"amount": amount})
    if not isinstance(start, dt.date):
        raise DeadlineInvalid(_("기산일은 날짜여야 합니다."))
    if rule == "civil_petition":
        if unit == "hours" or (unit == "days" and amount <= 5):
            rule = "civil_petition_hours"
        elif unit == "days":
            rule = "civil_petition_days"
        else:
            rule = "civil_petition_calendar"
    counter = _COUNTERS[rule]
    return counter(RULES[rule], start, amount, unit)


def days_left(deadline: Deadline, today: dt.date | None = None) -> int:
    """Calendar days from ``today`` (Asia/Seoul) to the deadline's last day: 0 on the day, negative after."""
    if today is None:
        today = dt.datetime.now(SEOUL).date()
    return (deadline.due_date - _as_date(today)).days


def _count_civil_petition_hours(rule: Rule, start, amount: int, unit: str) -> Deadline:
    if unit not in ("days", "hours"):
        raise DeadlineInvalid(_("시간 단위 민원 처리기간은 일 또는 시간으로만 정합니다."))
    if unit == "days" and amount > 5:
        raise DeadlineInvalid(_("6일 이상의 민원 처리기간은 일 단위로 계산합니다 (민원처리법 제19조제2항)."))
    if not isinstance(start, dt.datetime):
        raise DeadlineInvalid(_("시간 단위 처리기간에는 접수 일시가 필요합니다."))
    if start.tzinfo is None:
        raise DeadlineInvalid(_("접수 일시에 시간대가 없습니다."))
    hours = amount * HOURS_PER_DAY if unit == "days" else amount
    remaining = dt.timedelta(hours=hours)
    moment = start.astimezone(SEOUL)
    explanation = [
        _("접수 %(at)s부터 근무시간 %(hours)s시간 (1일=8시간, 토요일·공휴일 제외)")
        % {"at": moment.strftime("%Y-%m-%d %H:%M"), "hours": hours}
    ]
    skipped = []
    day = moment.date()
    while True:
        if not is_working_day(day):
            skipped.append(day)
            day += dt.timedelta(days=1)
            continue
        for begin, end in WORKING_PERIODS:
            lo = dt.datetime.combine(day, begin, SEOUL)
            hi = dt.datetime.combine(day, end, SEOUL)
            lo = max(lo, moment)
            if lo >= hi:
                continue
            if hi - lo >= remaining:
                result = lo + remaining
                explanation.extend(_skip_lines(skipped))
                return Deadline(result, rule, start, amount, unit, explanation)
            remaining -= hi - lo
        day += dt.timedelta(days=1)


def _count_civil_petition_days(rule: Rule, start, amount: int, unit: str) -> Deadline:
    if unit != "days":
        raise DeadlineInvalid(_("일 단위 민원 처리기간은 일로만 정합니다."))
    if amount <= 5:
        raise DeadlineInvalid(
            _("5일 이하의 민원 처리기간은 시간 단위로 계산합니다 (민원처리법 제19조제1항).")
        )
    first = _as_date(start)
    explanation = [_("첫날(%(day)s) 산입, 토요일·공휴일 불산입") % {"day": first.isoformat()}]
    counted = 0
    d = first
    skipped = []
    while True:
        if is_working_day(d):
            counted += 1
            if counted == amount:
                break
        else:
            skipped.append(d)
        d += dt.timedelta(days=1)
    explanation.extend(_skip_lines(skipped))
    explanation.append(_("%(amount)s번째 근무일: %(day)s") % {"amount": amount, "day": d.isoformat()})
    return Deadline(d, rule, start, amount, unit, explanation)


def _count_civil_petition_calendar(rule: Rule, start, amount: int, unit: str) -> Deadline:
    if unit not in ("weeks", "months", "years"):
        raise DeadlineInvalid(_("주·월·연 단위 민원 처리기간은 주, 월 또는 연으로만 정합니다."))
    first = _as_date(start)
    explanation = [_("첫날(%(day)s) 산입 (민원처리법 제19조제3항)") % {"day": first.isoformat()}]
    return _calendar_end(rule, start, first, amount, unit, explanation, move_to_working_day=True)


def _count_civil_code(rule: Rule, start, amount: int, unit: str) -> Deadline:
    if unit == "hours":
        raise DeadlineInvalid(
            _("시간으로 정한 기간은 즉시 기산합니다 (민법 제156조): 일·주·월·연을 쓰십시오.")
        )
    first = _as_date(start)
    if isinstance(start, dt.datetime) and start.astimezone(SEOUL).time() == dt.time(0):
        message = _("오전 0시에 시작하므로 첫날(%(day)s) 산입 (민법 제157조 단서)")
        explanation = [message % {"day": first.isoformat()}]
    else:
        explanation = [_("첫날(%(day)s) 불산입 (민법 제157조)") % {"day": first.isoformat()}]
        first += dt.timedelta(days=1)
    return _calendar_end(rule, start, first, amount, unit, explanation, move_to_working_day=True)


def _count_rights_restriction(rule: Rule, start, amount: int, unit: str) -> Deadline:
    if unit == "hours":
        raise DeadlineInvalid(_("권익 제한 기간은 일·주·월·연으로 정합니다."))
    first = _as_date(start)
    explanation = [_("첫날(%(day)s) 산입 (행정기본법 제6조제2항제1호)") % {"day": first.isoformat()}]
    return _calendar_end(rule, start, first, amount, unit, explanation, move_to_working_day=False)


def _calendar_end(rule, start, first: dt.date, amount, unit, explanation, *, move_to_working_day) -> Deadline:
    """민법 §160: the last day of ``amount`` units counted from the 기산일 ``first`` by the calendar."""
    if unit == "days":
        last = first + dt.timedelta(days=amount - 1)
    elif unit == "weeks":
        last = first + dt.timedelta(weeks=amount) - dt.timedelta(days=1)
    else:
        months = amount if unit == "months" else amount * 12
        year, month0 = divmod(first.month - 1 + months, 12)
        year += first.year
        month = month0 + 1
        days_in_month = calendar.monthrange(year, month)[1]
        if first.day <= days_in_month:
            # §160②: the day before the day corresponding to the 기산일 in the last month
            last = dt.date(year, month, first.day) - dt.timedelta(days=1)
        else:
            # §160③: no corresponding day in the last month → its last day
            last = dt.date(year, month, days_in_month)
    explanation.append(_("역에 따른 말일: %(day)s") % {"day": last.isoformat()})
    if move_to_working_day and not is_working_day(last):
        moved = next_working_day(last)
        skipped = [last + dt.timedelta(days=i) for i in range((moved - last).days)]
        explanation.extend(_skip_lines(skipped))
        explanation.append(
            _("말일이 토요일·공휴일이므로 다음 근무일 %(day)s에 만료 (민법 제161조)")
            % {"day": moved.isoformat()}
        )
        last = moved
    elif not move_to_working_day and not is_working_day(last):
        explanation.append(_("말일이 토요일·공휴일이어도 그날 만료 (행정기본법 제6조제2항제2호)"))
    return Deadline(last, rule, start, amount, unit, explanation)


def _skip_lines(days: Iterable[dt.date]) -> list[str]:
    return [
        _("%(day)s 제외: %(name)s") % {"day": d.isoformat(), "name": holiday_name(d) or _("토요일")}
        for d in days
    ]


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise DeadlineInvalid(_("일시에 시간대가 없습니다."))
        return value.astimezone(SEOUL).date()
    if not isinstance(value, dt.date):
        raise DeadlineInvalid(_("날짜가 아닙니다: %(value)s") % {"value": value})
    return value


_COUNTERS = {
    "civil_petition_hours": _count_civil_petition_hours,
    "civil_petition_days": _count_civil_petition_days,
    "civil_petition_calendar": _count_civil_petition_calendar,
    "civil_code": _count_civil_code,
    "rights_restriction": _count_rights_restriction,
}
