"""Pure rules of the engine: which phase is open, whether a ballot is valid, the voter's age. No
database: the services pass in what they read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from cityhall.core.money import format_thousand_won

from .choices import BallotKind


@dataclass(frozen=True)
class BallotRules:
    kind: str
    budget: int  # the heading's ceiling, won
    max_projects: int | None
    min_projects: int
    min_budget_percent: int


def open_phase(phases: Iterable[tuple[str, datetime, datetime]], now: datetime) -> str | None:
    """The phase whose [start, end) holds ``now``."""
    for kind, starts_at, ends_at in phases:
        if starts_at <= now < ends_at:
            return kind
    return None


def ballot_problems(rules: BallotRules, chosen: list[int], costs: Mapping[int, int]) -> list[str]:
    """Everything wrong with a ballot, in Korean; [] when it may be cast. ``costs``: the numbers of the
    projects on this ballot paper and their costs."""
    problems = []
    if not chosen:
        return [_("사업을 하나 이상 고르세요.")]
    if len(set(chosen)) != len(chosen):
        problems.append(_("같은 사업을 두 번 고를 수 없습니다."))
    unknown = sorted({n for n in chosen if n not in costs})
    if unknown:
        problems.append(
            _("투표 대상이 아니거나 철회된 사업입니다: %(numbers)s")
            % {"numbers": ", ".join(str(n) for n in unknown)}
        )
        return problems
    count, total = len(set(chosen)), sum(costs[n] for n in set(chosen))
    if rules.max_projects is not None and count > rules.max_projects:
        problems.append(
            _("최대 %(max)s개까지 고를 수 있습니다 (%(count)s개 고름).")
            % {"max": rules.max_projects, "count": count}
        )
    if count < rules.min_projects:
        problems.append(
            _("최소 %(min)s개를 골라야 합니다 (%(count)s개 고름).")
            % {"min": rules.min_projects, "count": count}
        )
    if rules.kind == BallotKind.KNAPSACK:
        if total > rules.budget:
            problems.append(
                _("고른 사업의 합계 %(total)s천원이 예산 %(budget)s천원을 넘습니다.")
                % {"total": format_thousand_won(total), "budget": format_thousand_won(rules.budget)}
            )
        minimum = rules.budget * rules.min_budget_percent // 100
        if total < minimum:
            problems.append(
                _("예산의 %(percent)s%%(%(minimum)s천원) 이상을 골라야 합니다 (지금 %(total)s천원).")
                % {
                    "percent": rules.min_budget_percent,
                    "minimum": format_thousand_won(minimum),
                    "total": format_thousand_won(total),
                }
            )
    return problems


def age_in(year: int, birth_year: int) -> int:
    """Age as the year's ordinances count it (연 나이: the year minus the birth year)."""
    return year - birth_year
