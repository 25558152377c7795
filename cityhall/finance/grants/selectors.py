"""Reads of transfers and grants: the yearly totals by kind (count selected, amount, matching)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from ..choices import GrantKind, GrantStatus
from ..models import Grant


@dataclass
class KindTotal:
    kind: str
    label: str
    applied: int
    selected: int
    amount: int
    matching: int


def years() -> list[int]:
    return sorted(set(Grant.objects.values_list("year", flat=True)), reverse=True)


def totals(year: int) -> list[KindTotal]:
    rows = {
        r["kind"]: r
        for r in Grant.objects.filter(year=year)
        .values("kind")
        .annotate(
            applied=Count("id"),
            selected=Count("id", filter=Q(status=GrantStatus.SELECTED)),
            amount=Sum("amount"),
            matching=Sum("matching"),
        )
    }
    out = []
    for kind, label in GrantKind.choices:
        r = rows.get(kind)
        if r:
            out.append(
                KindTotal(kind, str(label), r["applied"], r["selected"], r["amount"] or 0, r["matching"] or 0)
            )
    return out


def grants(year: int):
    return Grant.objects.filter(year=year).select_related("department").order_by("kind", "code")
