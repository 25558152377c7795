"""Reads of the facilities and equipment inventories."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .models import Equipment, Facility

if TYPE_CHECKING:
    from cityhall.organisation.models import OrgUnit

# The order the seed lists the systems' equipment in (I.3 스마트도시과), not the codes' alphabet.
SYSTEM_ORDER = [s.value for s in Equipment.System]


def facilities_of(units: Sequence[OrgUnit]) -> list[Facility]:
    return list(
        Facility.objects.filter(org_unit__in=units).select_related("org_unit").order_by("number", "id")
    )


def equipment_of(units: Sequence[OrgUnit]) -> list[Equipment]:
    return list(Equipment.objects.filter(org_unit__in=units).select_related("org_unit").order_by("id"))


@dataclass
class EquipmentGroup:
    system: str
    label: str
    items: list[Equipment]

    @property
    def count_total(self) -> int:
        return sum(e.count or 0 for e in self.items)

    @property
    def totals(self) -> list[tuple[str, int, str]]:
        """Sums that mean something, as (kind, or "" for all, count, unit).

        Per kind where a kind recurs (streetlights and base stations at several sites), else one total
        where every row counts in the same unit (the 703 items of the CCTV centre); none for a mix such
        as the ITS centre's and the field's equipment."""
        kinds: dict[str, list[Equipment]] = defaultdict(list)
        for e in self.items:
            kinds[e.kind].append(e)
        if any(len(rows) > 1 for rows in kinds.values()):
            return [
                (kind, sum(e.count or 0 for e in rows), rows[0].unit)
                for kind, rows in kinds.items()
                if len({e.unit for e in rows}) == 1
            ]
        if len(self.items) > 1 and len({e.unit for e in self.items}) == 1:
            return [("", self.count_total, self.items[0].unit)]
        return []


def group_equipment(items: Iterable[Equipment]) -> list[EquipmentGroup]:
    grouped: dict[str, list[Equipment]] = defaultdict(list)
    for e in items:
        grouped[e.system].append(e)
    order = {s: i for i, s in enumerate(SYSTEM_ORDER)}
    return [
        EquipmentGroup(system, str(grouped[system][0].get_system_display()), grouped[system])
        for system in sorted(grouped, key=lambda s: order.get(s, len(order)))
    ]


def service(code: str):
    """A citizen service (무료법률상담실: place, weekday, hours), or None."""
    from .models import Service

    return Service.objects.filter(code=code).first()
