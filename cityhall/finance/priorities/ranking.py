"""정책가계부: the multi-criteria score, the ranking with its cut, the what-if, and the phased plan
within the yearly fiscal room — pure functions on plain values.

Score: Σ (criterion score 0–100 × weight) ÷ 100, to 0.01; weights are published and sum to 100.
Rank: by score, higher first; ties by the project's number. The first ``selected`` ranks are chosen;
every project's line says why it is in or out (its score against the cut's)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from ..execution.rates import split_exactly

HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    weight: int


@dataclass(frozen=True)
class Candidate:
    key: str
    number: int
    name: str
    scores: Mapping[str, int]  # criterion code -> 0–100
    city_cost: int = 0  # what the city pays (총사업비 − 국·도비 등)
    start_year: int = 0
    end_year: int = 0


@dataclass
class Ranked:
    candidate: Candidate
    score: Decimal
    rank: int
    selected: bool
    parts: list[tuple[str, int, int, Decimal]]  # criterion name, score, weight, points
    explanation: str = ""
    moved: int = 0  # ranks gained (+) or lost (−) against the published ranking


def score(scores: Mapping[str, int], criteria: Sequence[Criterion]) -> tuple[Decimal, list]:
    parts = []
    total = Decimal(0)
    for c in criteria:
        value = scores.get(c.code, 0)
        points = Decimal(value * c.weight) / 100
        parts.append((c.name, value, c.weight, points))
        total += points
    return total.quantize(HUNDREDTH, rounding=ROUND_HALF_UP), parts


def rank(candidates: Sequence[Candidate], criteria: Sequence[Criterion], selected: int) -> list[Ranked]:
    scored = []
    for c in candidates:
        total, parts = score(c.scores, criteria)
        scored.append((total, c, parts))
    scored.sort(key=lambda t: (-t[0], t[1].number))
    out = [
        Ranked(candidate=c, score=total, rank=i + 1, selected=i < selected, parts=parts)
        for i, (total, c, parts) in enumerate(scored)
    ]
    cut = out[selected - 1].score if 0 < selected <= len(out) else None
    first_out = out[selected].score if selected < len(out) else None
    for r in out:
        strongest = max(r.parts, key=lambda p: p[3])[0] if r.parts else ""
        weakest = min(r.parts, key=lambda p: p[3])[0] if r.parts else ""
        if r.selected:
            margin = r.score - first_out if first_out is not None else r.score
            r.explanation = _(
                "%(rank)d위, %(score)s점: 선정(%(selected)d위 이내). 첫 탈락 사업보다 %(margin)s점 높음; "
                "가장 큰 기여는 '%(strongest)s'."
            ) % {
                "rank": r.rank,
                "score": r.score,
                "selected": selected,
                "margin": margin,
                "strongest": strongest,
            }
        else:
            gap = (cut - r.score) if cut is not None else Decimal(0)
            r.explanation = _(
                "%(rank)d위, %(score)s점: 선정 제외. %(selected)d위(%(cut)s점)보다 %(gap)s점 낮음; "
                "가장 약한 기준은 '%(weakest)s'."
            ) % {
                "rank": r.rank,
                "score": r.score,
                "selected": selected,
                "cut": cut,
                "gap": gap,
                "weakest": weakest,
            }
    return out


def what_if(
    candidates: Sequence[Candidate], criteria: Sequence[Criterion], weights: Mapping[str, int], selected: int
) -> list[Ranked]:
    """The ranking under other ``weights`` (criterion code -> weight), each row with how far it moved."""
    published = {r.candidate.key: r.rank for r in rank(candidates, criteria, selected)}
    changed = [Criterion(c.code, c.name, weights.get(c.code, c.weight)) for c in criteria]
    out = rank(candidates, changed, selected)
    for r in out:
        r.moved = published[r.candidate.key] - r.rank
    return out


@dataclass
class Phase:
    candidate: Candidate
    rank: int
    by_year: dict[int, int] = field(default_factory=dict)
    delay: int = 0  # years pushed back because the room was full

    @property
    def fits(self) -> bool:
        return sum(self.by_year.values()) == self.candidate.city_cost


def phase(
    ranked: Sequence[Ranked], rooms: Mapping[int, int], *, max_delay: int = 5
) -> tuple[list[Phase], dict[int, int]]:
    """Put the selected projects, in rank order, into the yearly rooms: each spreads its city cost
    evenly over its years; when a year has no room left for its share, the whole schedule moves a
    year later (up to ``max_delay``). Returns the phases and what each year has left."""
    left = dict(rooms)
    phases = []
    for r in ranked:
        if not r.selected:
            continue
        c = r.candidate
        years = max(c.end_year - c.start_year + 1, 1)
        shares = split_exactly(c.city_cost, [1] * years) if c.city_cost else [0] * years
        result = Phase(c, r.rank)
        for delay in range(max_delay + 1):
            plan = {c.start_year + delay + i: s for i, s in enumerate(shares)}
            if all(left.get(y, 0) >= s for y, s in plan.items()):
                for y, s in plan.items():
                    left[y] -= s
                result.by_year, result.delay = plan, delay
                break
        phases.append(result)
    return phases, left


def criterion_rules(obj, before) -> dict[str, list[str]]:
    """Record rule: a plan's published weights never add up to more than 100."""
    from ..models import PriorityCriterion

    others = PriorityCriterion.objects.filter(plan_id=obj.plan_id).exclude(pk=obj.pk)
    total = sum(others.values_list("weight", flat=True)) + (obj.weight or 0)
    if total > 100:
        return {"weight": [_("가중치의 합이 100을 넘습니다 (%(total)d).") % {"total": total}]}
    return {}
