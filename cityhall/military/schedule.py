"""The yearly cycle's dates and the objection deadline — the one place this app counts deadlines.

Cycle (payment year Y, for residence in Y−1): applications until the last day of February, the
지역소음대책심의위원회's decision in April, the notice by 31 May, payment by 31 August (31 October
when an objection was decided, 31 December after a re-review) — as the Ministry of National
Defense's 2021 announcement of the first cycle states them.

The objection period (days from the notice) is a setting (``CITYHALL_NOISE_OBJECTION_DAYS``, default
30): its article could not be checked against the law's text here. Counting follows 민법 §157 (the first
day is not counted) and §161 (a period ending on a Saturday or a 공휴일 ends on the next working day).
Until the shared calendar lands on main, only weekends move the end; Korean public holidays do not.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from django.conf import settings

from cityhall.core import deadlines

OBJECTION_DAYS_DEFAULT = 30


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    due: date
    source: str


def cycle(year: int) -> list[Step]:
    feb_end = calendar.monthrange(year, 2)[1]
    source = "국방부 군소음 보상금 지급 절차 안내(2021.12.)"
    return [
        Step("apply", "보상금 지급 신청 마감", date(year, 2, feb_end), source),
        Step("decide", "지역소음대책심의위원회 심의·결정", date(year, 4, 30), "주요업무계획 2025. 4 (566행)"),
        Step("notify", "지급 대상자 결정 통지·게시", date(year, 5, 31), source),
        Step("pay", "보상금 지급", date(year, 8, 31), source),
        Step("pay_objection", "이의신청 건 지급", date(year, 10, 31), source),
        Step("pay_review", "재심의 건 지급", date(year, 12, 31), source),
    ]


def step(year: int, code: str) -> Step:
    return next(s for s in cycle(year) if s.code == code)


def objection_days() -> int:
    return int(getattr(settings, "CITYHALL_NOISE_OBJECTION_DAYS", OBJECTION_DAYS_DEFAULT))


def objection_due(notified_on: date) -> tuple[date, list[str]]:
    """The last day to object to a decision notified on ``notified_on``, and how it was counted."""
    deadline = deadlines.due("civil_code", notified_on, objection_days())
    return deadline.due_date, [str(line) for line in deadline.explanation]
