"""The legal deadlines of cases, revisions and council requests, each a named rule counted by the office's
one calendar (``cityhall.core.deadlines``: Korean public and substitute holidays, weekends where a rule
excludes them). This module only says which rule applies from which date for how long; the counting is
the calendar's, through ``compute`` — the one place this app calls it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from cityhall.core import deadlines as calendar


@dataclass(frozen=True)
class LegalRule:
    code: str
    label: Any  # lazily translated
    source: str  # the law that sets it
    calendar_rule: str  # the calendar's counting rule
    amount: int
    unit: str = "days"


RULES: dict[str, LegalRule] = {
    rule.code: rule
    for rule in (
        # 판결서가 송달된 날부터 2주 (초일 불산입, 말일이 토요일·공휴일이면 그 다음 날).
        LegalRule(
            "appeal_period",
            _("상소기간 (판결 송달 후 2주)"),
            "민사소송법 §396①·§425, 행정소송법 §8②",
            "civil_code",
            2,
            "weeks",
        ),
        # 피청구인은 심판청구서를 받은 날부터 10일 이내에 답변서를 위원회에 보내야 한다.
        LegalRule("appeal_answer", _("행정심판 답변서 제출 (10일)"), "행정심판법 §24①", "civil_code", 10),
        # 고충민원: 7일 이내 처리 (근무일로 계산).
        LegalRule(
            "grievance",
            _("고충민원 처리 (7일)"),
            "민원 처리에 관한 법률 시행령 §14",
            "civil_petition_days",
            7,
        ),
        # The retained lawyers' agreed turnaround (위촉 조건, 예시): 7일.
        LegalRule(
            "advisory_reply",
            _("고문변호사 자문 회신 (7일)"),
            "김포시 고문변호사 운영 규정 (예시)",
            "civil_code",
            7,
        ),
        # 자치법규 입법예고기간은 20일 이상 (행정절차법 §43, 법령 40일·자치법규 20일).
        LegalRule(
            "legislative_notice",
            _("입법예고 기간 (20일 이상)"),
            "행정절차법 §43",
            "civil_code",
            20,
        ),
        # 지방의회의 의결사항을 이송받으면 20일 이내에 공포.
        LegalRule("promulgation", _("조례 공포 (이송 후 20일)"), "지방자치법 §32②", "civil_code", 20),
    )
}

# The rule each case kind's deadline follows, with the date field it is counted from.
CASE_RULES: dict[str, list[tuple[str, str]]] = {
    "civil": [("appeal_period", "judgment_served_on")],
    "administrative": [("appeal_period", "judgment_served_on")],
    "appeal": [("appeal_answer", "received_on")],
    "taxpayer": [("grievance", "received_on")],
    "advisory": [("advisory_reply", "received_on")],
}


@dataclass(frozen=True)
class LegalDeadline:
    rule: LegalRule
    start: date
    due: date
    explanation: tuple[str, ...]
    days_left: int | None = None

    @property
    def label(self) -> Any:
        return self.rule.label

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def days_over(self) -> int:
        return -self.days_left if self.overdue else 0

    @property
    def warning(self) -> bool:
        """Within a week of passing (the page shows it first and marks it)."""
        return self.days_left is not None and 0 <= self.days_left <= 7


def compute(rule_code: str, start: date, *, today: date | None = None) -> LegalDeadline:
    """The deadline of ``rule_code`` counted from ``start`` by the office calendar."""
    rule = RULES[rule_code]
    result = calendar.due(rule.calendar_rule, start, rule.amount, rule.unit)
    due = result.due_date
    days_left = None
    if today is not None:
        days_left = (due - today).days
    return LegalDeadline(rule, start, due, tuple(str(x) for x in result.explanation), days_left)
