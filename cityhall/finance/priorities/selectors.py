"""Reads of 정책가계부: the plan's criteria, the ranking (published or under other weights) and the
phased plan within the yearly rooms — three queries, then the pure functions of ``ranking``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from ..models import LargeProject, PriorityPlan, ProjectScore
from .ranking import Candidate, Criterion, Phase, Ranked, phase, rank, what_if


@dataclass
class Board:
    plan: PriorityPlan
    criteria: list[Criterion]
    weights_total: int
    ranked: list[Ranked]
    projects: dict[str, LargeProject]
    phases: list[Phase]
    rooms: dict[int, int]
    left: dict[int, int]
    what_if: bool


def plans():
    return PriorityPlan.objects.order_by("-year", "code")


def board(plan: PriorityPlan, weights: Mapping[str, int] | None = None) -> Board:
    criteria = [Criterion(c.code, c.name, c.weight) for c in plan.criteria.order_by("order", "id")]
    projects = {
        p.code: p
        for p in LargeProject.objects.filter(plan=plan)
        .select_related("department", "pledge")
        .order_by("number")
    }
    scores: dict[int, dict[str, int]] = defaultdict(dict)
    for project_id, code, value in ProjectScore.objects.filter(project__plan=plan).values_list(
        "project_id", "criterion__code", "score"
    ):
        scores[project_id][code] = value
    candidates = [
        Candidate(
            key=p.code,
            number=p.number,
            name=p.name,
            scores=scores[p.pk],
            city_cost=p.total_cost - p.external_funding,
            start_year=p.start_year,
            end_year=p.end_year,
        )
        for p in projects.values()
    ]
    changed = bool(weights) and any(weights.get(c.code, c.weight) != c.weight for c in criteria)
    ranked = (
        what_if(candidates, criteria, weights, plan.selected_count)
        if changed and weights
        else rank(candidates, criteria, plan.selected_count)
    )
    rooms = dict(plan.rooms.values_list("year", "amount"))
    phases, left = phase(ranked, rooms)
    return Board(
        plan=plan,
        criteria=criteria,
        weights_total=sum(c.weight for c in criteria),
        ranked=ranked,
        projects=projects,
        phases=phases,
        rooms=rooms,
        left=left,
        what_if=changed,
    )
