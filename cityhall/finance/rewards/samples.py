"""Sample savings rewards (예시 자료): 8 claims of the 2023 fiscal year that saved 10,601백만원 in all
(II.2, line 256: "'23회계연도 8개 사업 10,601백만원 절약"). The seed gives neither the claims nor the
reward rule: titles say 예시, the split is a pattern, and the rule's percent and cap are 예시 settings."""

from __future__ import annotations

from decimal import Decimal

from ..execution.rates import split_exactly

FISCAL_YEAR, COUNT, TOTAL, SEED_LINE = 2023, 8, 10_601_000_000, 256
RULES = (  # kind, percent, cap (won)
    ("spending_cut", Decimal("0.5"), 8_000_000),
    ("revenue_increase", Decimal("0.3"), 5_000_000),
)


def claims() -> list[dict]:
    amounts = split_exactly(TOTAL, [31, 9, 17, 4, 22, 6, 8, 3])
    return [
        {
            "code": f"sample-claim-{n:02d}",
            "title": f"예시 예산절감 사업 {n:02d}",
            "kind": "revenue_increase" if n in (3, 7) else "spending_cut",
            "amount": amount,
            "evidence": "예시 자료입니다: 절감(증대) 내역과 정산서",
        }
        for n, amount in enumerate(amounts, start=1)
    ]
