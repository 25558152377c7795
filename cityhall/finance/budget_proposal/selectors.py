"""Reads of the budget proposal: a year's items with their source, and the totals by source."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from ..choices import CouncilDecision, ProposalSource
from ..models import ProposedItem


@dataclass(frozen=True)
class SourceTotal:
    source: str
    label: str
    code: str
    count: int
    amount: int  # won, requested
    pending: int  # items the council has not decided yet
    decided: int  # won, what the council passed of the decided items


def years() -> list[int]:
    return list(ProposedItem.objects.order_by("-year").values_list("year", flat=True).distinct())


def items(year: int) -> QuerySet[ProposedItem]:
    return ProposedItem.objects.filter(year=year).select_related("department")


def totals(year: int) -> list[SourceTotal]:
    rows = (
        ProposedItem.objects.filter(year=year)
        .values("source", "source_code")
        .annotate(
            count=Count("pk"),
            amount=Sum("amount"),
            pending=Count("pk", filter=Q(council_decision=CouncilDecision.PENDING)),
            decided=Sum("decided_amount"),
        )
        .order_by("source", "source_code")
    )
    return [
        SourceTotal(
            source=r["source"],
            label=str(ProposalSource(r["source"]).label),
            code=r["source_code"],
            count=r["count"],
            amount=r["amount"] or 0,
            pending=r["pending"],
            decided=r["decided"] or 0,
        )
        for r in rows
    ]
