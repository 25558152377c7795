"""Build test data through the real services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cityhall.core.audit import Actor
from cityhall.participation import services
from cityhall.participation.choices import BallotKind, CountingRule, PhaseKind, ProposalStatus

SYSTEM = Actor.system("test:participation")
DAY = timedelta(days=1)


def process(
    *,
    code="pb-test",
    phase=PhaseKind.VOTING,
    budget=1_000_000,
    costs=(600_000, 500_000, 300_000, 100_000),
    ballot_kind=BallotKind.KNAPSACK,
    max_projects=None,
    min_projects=0,
    min_budget_percent=0,
    rule=CountingRule.GREEDY,
    **extra,
):
    """A process whose ``phase`` is open now, with one eligible proposal per cost (numbers 1…)."""
    now = timezone.now()
    order = [k for k in PhaseKind.values]
    index = order.index(phase)
    phases = {
        kind: (now + (i - index) * 10 * DAY - 5 * DAY, now + (i - index) * 10 * DAY + 5 * DAY)
        for i, kind in enumerate(order)
    }
    created = services.process_create(
        code=code,
        title=f"시험 절차 {code}",
        year=2025,
        budget=budget,
        actor=SYSTEM,
        ballot_kind=ballot_kind,
        max_projects=max_projects,
        min_projects=min_projects,
        min_budget_percent=min_budget_percent,
        counting_rule=rule,
        phases=phases,
        categories=["안전"],
        **extra,
    )
    heading = created.headings.get()
    for i, cost in enumerate(costs, start=1):
        proposal = services.proposal_submit(
            process=created,
            title=f"사업 {i}",
            description="내용",
            estimated_cost=cost,
            actor=SYSTEM,
            heading=heading,
        )
        services._status(proposal, ProposalStatus.ELIGIBLE, "적격")
        proposal.save()
    return created


def voter(make_user, name="voter", phone="01012345678", birth_year=1990):
    user = make_user(name)
    services.verify_with_provider(
        user=user,
        provider="mock",
        data={"phone": phone, "birth_year": str(birth_year)},
        actor=Actor.for_user(user),
    )
    return user
