"""Reads of fiscal analysis and the public institutions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..models import FiscalIndicator, InstitutionReview, PeerValue, PublicInstitution


def indicators(year: int | None = None):
    qs = FiscalIndicator.objects.order_by("-year", "area", "code")
    return qs.filter(year=year) if year else qs


def institutions():
    return PublicInstitution.objects.select_related("department").order_by("name")


def reviews():
    return InstitutionReview.objects.select_related("institution").order_by("institution__name", "-year")


@dataclass(frozen=True)
class PeerComparison:
    """An indicator against the imported peer cities: their count and mean, and the city's rank among
    them (1 = best by the indicator's direction; ties share the better rank)."""

    peers: int
    peer_mean: Decimal | None
    rank: int | None
    of: int
    best: str


def peer_comparisons(indicators) -> dict[int, PeerComparison]:
    by_indicator: dict[int, list[PeerValue]] = {}
    for value in PeerValue.objects.filter(indicator__in=list(indicators)).order_by("indicator", "city"):
        by_indicator.setdefault(value.indicator_id, []).append(value)
    out = {}
    for indicator in indicators:
        peers = by_indicator.get(indicator.pk, [])
        if not peers:
            continue
        values = [p.value for p in peers]
        mean = (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        better = [
            v
            for v in values
            if (v > indicator.city_value if indicator.higher_is_better else v < indicator.city_value)
        ]
        best = (max if indicator.higher_is_better else min)(peers, key=lambda p: p.value)
        out[indicator.pk] = PeerComparison(len(peers), mean, len(better) + 1, len(peers) + 1, best.city)
    return out
