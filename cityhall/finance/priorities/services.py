"""정책가계부 writes: the sample plan (예시)."""

from __future__ import annotations

from django.db import transaction

from cityhall.core.audit import Actor
from cityhall.organisation import departments
from cityhall.organisation.models import OrgUnit
from cityhall.pledges import selectors as pledge_selectors

from ..models import FiscalRoom, LargeProject, PriorityCriterion, PriorityPlan, ProjectScore
from ..selectors import BUDGET_DEPARTMENT
from ..services import save_audited
from . import samples

OFFICE = departments.OFFICE


@transaction.atomic
def priorities_load_sample(*, actor: Actor) -> PriorityPlan:
    code = "sample-priorities-2024"
    plan = PriorityPlan.objects.filter(code=code).first()
    if plan is not None:
        return plan
    keeper = OrgUnit.objects.get(code=BUDGET_DEPARTMENT)
    plan = PriorityPlan(
        code=code,
        year=samples.YEAR,
        title="2024년 정책가계부 (예시)",
        selected_count=samples.SELECTED,
        keeper=keeper,
        sample=True,
        section="II.2",
        line=samples.SEED_LINE,
    )
    save_audited(actor, "priority_plans", plan, None)
    criteria = {}
    for order, (ccode, name, weight, description) in enumerate(samples.CRITERIA, start=1):
        c = PriorityCriterion(
            plan=plan, code=f"sample-{ccode}", name=name, weight=weight, description=description, order=order
        )
        save_audited(actor, "priority_criteria", c, None)
        criteria[ccode] = c
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=OFFICE)}
    pledges = {p.number: p for p in pledge_selectors.pledges()}
    scores = []
    for i, row in enumerate(samples.projects()):
        p = LargeProject(
            plan=plan,
            code=row["code"],
            number=row["number"],
            name=row["name"],
            department=units[OFFICE[i % len(OFFICE)]],
            total_cost=row["total_cost"],
            external_funding=row["external_funding"],
            start_year=row["start_year"],
            end_year=row["end_year"],
            review_status=row["review_status"],
            pledge=pledges.get(row["pledge_number"]),
            sample=True,
        )
        save_audited(actor, "large_projects", p, None)
        scores += [ProjectScore(project=p, criterion=criteria[k], score=v) for k, v in row["scores"].items()]
    ProjectScore.objects.bulk_create(scores)  # one audit event for the plan covers the pattern
    for year, amount in samples.ROOMS.items():
        save_audited(actor, "fiscal_rooms", FiscalRoom(plan=plan, year=year, amount=amount), None)
    return plan
