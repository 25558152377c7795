"""Reads of the committees and councils."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cityhall.core.selectors import count_by

from .models import Committee

if TYPE_CHECKING:
    from cityhall.organisation.models import OrgUnit


def committee_counts() -> dict[int, int]:
    """org unit id -> number of its committees and councils."""
    return count_by(Committee.objects.all(), "org_unit_id")


def committees_of(units: Sequence[OrgUnit]) -> list[Committee]:
    """Committees first, then councils, each in the seed's numbering."""
    committees = Committee.objects.filter(org_unit__in=units).select_related("org_unit")
    return sorted(committees, key=lambda c: (c.kind != Committee.Kind.COMMITTEE, c.number or 0, c.pk))


def main_committees_of(units: Sequence[OrgUnit]) -> list[Committee]:
    """The committees (not the councils) of ``units``, as the office summary lists them."""
    return list(
        Committee.objects.filter(org_unit__in=units, kind=Committee.Kind.COMMITTEE)
        .select_related("org_unit")
        .order_by("number", "id")
    )
