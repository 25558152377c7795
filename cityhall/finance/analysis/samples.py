"""Sample fiscal analysis (예시 자료): 3 areas and 14 indicators (III.2.3, line 680: "3개 분야(건전성·
효율성·계획성) 14개 지표"). The seed names neither the indicators nor the values: both are 예시."""

from __future__ import annotations

from decimal import Decimal

YEAR, SEED_LINE = 2024, 680
AREAS = (("soundness", 6), ("efficiency", 5), ("planning", 3))  # 예시 split of the 14


def indicators() -> list[dict]:
    rows, n = [], 0
    for area, count in AREAS:
        for _k in range(count):
            n += 1
            city = Decimal(40 + (n * 37) % 50)
            peer = Decimal(45 + (n * 23) % 40)
            rows.append(
                {
                    "code": f"sample-fa-{n:02d}",
                    "area": area,
                    "name": f"예시 지표 {n:02d}",
                    "higher_is_better": n % 4 != 0,
                    "city_value": city,
                    "peer_value": peer,
                }
            )
    return rows
