"""재정사업 평가 → next year's budget: the configured rule, as pure functions.

A score falls in the band of the highest grade whose minimum it reaches; the grade's consequence
says what next year's proposal does: 감액 by the grade's percent, 일몰 (nothing), or 유지/확대 검토.
``explain`` says it in words for the page, per program."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from ..choices import Consequence, Grade


@dataclass(frozen=True)
class Band:
    grade: str
    min_score: Decimal
    consequence: str
    cut_percent: int


@dataclass(frozen=True)
class Outcome:
    grade: str
    consequence: str
    cut_percent: int
    ceiling: int | None  # the most next year's budget may be (None: no limit)
    explanation: str


def bands_of(rules: Iterable[Any]) -> list[Band]:
    return sorted(
        (Band(r.grade, Decimal(r.min_score), r.consequence, r.cut_percent) for r in rules),
        key=lambda b: -b.min_score,
    )


def outcome(score: Decimal, budget: int, bands: Sequence[Band]) -> Outcome | None:
    """The grade and consequence of ``score`` for a program of ``budget`` won; None without bands."""
    band = next((b for b in bands if score >= b.min_score), None)
    if band is None:
        return None
    grade_label = str(Grade(band.grade).label)
    if band.consequence == Consequence.SUNSET:
        ceiling: int | None = 0
        text = _("%(score)s점 → %(grade)s(%(min)s점 이상): 일몰 — 차년도 예산에 반영하지 않습니다.")
    elif band.consequence == Consequence.CUT:
        ceiling = int(
            (Decimal(budget) * (100 - band.cut_percent) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        )
        text = _(
            "%(score)s점 → %(grade)s(%(min)s점 이상): %(cut)d%% 감액 — 차년도 예산은 "
            "%(budget)s원의 %(keep)d%%인 %(ceiling)s원 이하로 편성합니다."
        )
    else:
        ceiling = None
        text = _("%(score)s점 → %(grade)s(%(min)s점 이상): %(consequence)s — 감액하지 않습니다.")
    explanation = text % {
        "score": score,
        "grade": grade_label,
        "min": band.min_score,
        "cut": band.cut_percent,
        "keep": 100 - band.cut_percent,
        "budget": f"{budget:,}",
        "ceiling": f"{ceiling:,}" if ceiling is not None else "",
        "consequence": str(Consequence(band.consequence).label),
    }
    return Outcome(band.grade, band.consequence, band.cut_percent, ceiling, explanation)


def evaluation_rules(obj, before) -> dict[str, list[str]]:
    """Record rule: the amount reflected in next year's budget keeps to the rule's ceiling."""
    from ..models import GradeRule

    if obj.next_budget is None:
        return {}
    result = outcome(Decimal(obj.score), obj.budget, bands_of(GradeRule.objects.all()))
    if result is not None and result.ceiling is not None and obj.next_budget > result.ceiling:
        return {
            "next_budget": [
                _("평가 규칙에 따라 차년도 반영액은 %(ceiling)s원 이하입니다: %(why)s")
                % {"ceiling": f"{result.ceiling:,}", "why": result.explanation}
            ]
        }
    return {}
