"""Reads of 예산성과금: the claims of a fiscal year with totals and each reward's reckoning."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import RewardRule, SavingsClaim
from .rules import reward


@dataclass
class Row:
    claim: SavingsClaim
    reckoning: str


@dataclass
class Report:
    fiscal_year: int
    rows: list[Row]
    saved: int
    rewards: int
    rules: list[RewardRule]


def years() -> list[int]:
    return sorted(set(SavingsClaim.objects.values_list("fiscal_year", flat=True)), reverse=True)


def report(fiscal_year: int) -> Report:
    rules = list(RewardRule.objects.all())
    by_kind = {r.kind: r for r in rules}
    rows = []
    for c in (
        SavingsClaim.objects.filter(fiscal_year=fiscal_year).select_related("department").order_by("code")
    ):
        rule = by_kind.get(c.kind)
        rows.append(Row(c, reward(c.amount, rule.percent, rule.cap).explanation if rule else ""))
    return Report(
        fiscal_year=fiscal_year,
        rows=rows,
        saved=sum(r.claim.amount for r in rows),
        rewards=sum(r.claim.reward or 0 for r in rows),
        rules=rules,
    )
