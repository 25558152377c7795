"""The city's extent, for any module that takes a position from a person: a rectangle around 김포시
(WGS84 degrees), so a point outside it is certainly not in the city. A point just inside an edge may
still lie over the border; the rectangle only catches typing slips and wrong maps."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Bounds:
    south: Decimal
    west: Decimal
    north: Decimal
    east: Decimal

    def contains(self, latitude: Decimal, longitude: Decimal) -> bool:
        return self.south <= latitude <= self.north and self.west <= longitude <= self.east


# 김포시: 하성면 in the north, 고촌읍 in the south-east, 대곶·월곶면's coast in the west.
CITY_BOUNDS = Bounds(
    south=Decimal("37.55"), west=Decimal("126.50"), north=Decimal("37.79"), east=Decimal("126.81")
)
