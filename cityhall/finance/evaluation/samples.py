"""Sample program evaluations (예시 자료): 186 programs evaluated in 2024 for the 2025 budget (II.2,
line 257: "재정사업평가 대상 사업 186개 선정 및 평가 결과 '미흡', '매우미흡'인 경우 사업비 감액 등 '25년 예산
반영"). The grade bands and cuts are 예시 settings; the seed says only that 미흡 and 매우미흡 are cut."""

from __future__ import annotations

from decimal import Decimal

YEAR, COUNT, SEED_LINE = 2024, 186, 257
RULES = (  # grade, minimum score, consequence, cut %
    ("excellent", Decimal(90), "expand", 0),
    ("good", Decimal(80), "keep", 0),
    ("fair", Decimal(70), "keep", 0),
    ("poor", Decimal(60), "cut", 10),
    ("very_poor", Decimal(0), "sunset", 0),
)
CATEGORIES = ("investment", "event", "subsidy")


def evaluations() -> list[dict]:
    rows = []
    for i in range(COUNT):
        n = i + 1
        category = CATEGORIES[i % 3]
        budget = (
            (2 + (i * 17) % 40) * 100_000_000
            if category == "investment"
            else (1 + (i * 11) % 30) * 10_000_000
        )
        score = Decimal(55 + (i * 41) % 44) + Decimal((i * 7) % 10) / 10
        rows.append(
            {
                "code": f"sample-eval-{n:03d}",
                "name": f"예시 평가 사업 {n:03d}",
                "category": category,
                "budget": budget,
                "score": score,
            }
        )
    return rows
