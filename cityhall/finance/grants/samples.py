"""Sample transfers and grants of 2024 (예시 자료) reproducing the seed's totals (II.2, lines 249–250):
특교세 14 projects 41.37억원, 특조금 10 projects 102.51억원, 37 competitive grants selected. The seed
gives no project names nor the competitive grants' amounts: names say 예시, amounts are a pattern."""

from __future__ import annotations

from ..execution.rates import split_exactly

YEAR = 2024
SPECIAL_GRANT = (14, 4_137_000_000, 250)  # count, won, seed line
SPECIAL_ADJUSTMENT = (10, 10_251_000_000, 250)
COMPETITIVE_SELECTED = (37, 249)
COMPETITIVE_REJECTED = 5  # 예시: applications not selected
LABELS = {"special_grant": "특별교부세", "special_adjustment_grant": "특별조정교부금"}
MATCHING_PERCENT = (30, 50, 40, 0)  # 예시: the city's share added to a competitive grant (% of it)


def grants() -> list[dict]:
    rows = []
    for kind, (count, total, line), agency in (
        ("special_grant", SPECIAL_GRANT, "행정안전부"),
        ("special_adjustment_grant", SPECIAL_ADJUSTMENT, "경기도"),
    ):
        for n, amount in enumerate(split_exactly(total, [3 + (i * 5) % 7 for i in range(count)]), start=1):
            rows.append(
                {
                    "code": f"sample-{kind.replace('_', '-')}-{n:02d}",
                    "kind": kind,
                    "name": f"예시 {LABELS[kind]} 사업 {n:02d}",
                    "agency": agency,
                    "status": "selected",
                    "amount": amount,
                    "matching": 0,
                    "line": line,
                }
            )
    count, line = COMPETITIVE_SELECTED
    for n in range(1, count + COMPETITIVE_REJECTED + 1):
        selected = n <= count
        amount = (1 + (n * 7) % 20) * 100_000_000 if selected else 0
        rows.append(
            {
                "code": f"sample-competitive-{n:02d}",
                "kind": "competitive",
                "name": f"예시 공모사업 {n:02d}",
                "agency": "중앙부처(예시)",
                "status": "selected" if selected else "rejected",
                "amount": amount,
                "matching": amount * MATCHING_PERCENT[n % 4] // 100,
                "line": line,
            }
        )
    return rows
