"""The sample 2024 execution (예시 자료): 120 made-up budget lines whose 12 monthly ledger files
reproduce the seed's figures exactly (II.2, lines 267–268):

- 하반기 지방재정 적극집행: 예산현액 20,945억원 of which 87.01 % executed → 2,094,500,000,000 won and
  1,822,424,450,000 won (87.01 % of it, to the won);
- 4분기 소비투자 집행 1,230억 (소비 414억, 투자 816억): October–December execution of the
  consumption lines 41,400,000,000 won and of the investment lines 81,600,000,000 won.

The seed gives only these totals: every program name says 예시, the departments beyond the office's
four are 예시 부서, and the split over lines and months is a fixed pattern (largest remainder, so the
parts add up to the totals to the won). The files go through the same import as a real export."""

from __future__ import annotations

import csv
import io

from .importer import COLUMNS
from .rates import split_exactly

YEAR = 2024
BUDGET = 2_094_500_000_000  # 20,945억원 (line 267)
EXECUTED = 1_822_424_450_000  # 87.01 % of it (line 267)
Q4_CONSUMPTION = 41_400_000_000  # 소비 414억 (line 268)
Q4_INVESTMENT = 81_600_000_000  # 투자 816억 (line 268)
SEED_LINES = {"budget": 267, "executed": 267, "q4": 268, "rankings": 269}

LINES = 120
CONSUMPTION_BUDGET = 70_000_000_000  # 예시: the split between natures is not in the seed
INVESTMENT_BUDGET = 160_000_000_000
CONSUMPTION_BEFORE_Q4 = 20_000_000_000  # 예시
INVESTMENT_BEFORE_Q4 = 50_000_000_000  # 예시

OFFICE_DEPARTMENTS = ("정책기획과", "예산법무과", "정보통신과", "스마트도시과")
DEPARTMENTS = OFFICE_DEPARTMENTS + tuple(f"예시 부서 {n}" for n in range(1, 9))
SECTORS = (  # 분야, 부문: the standard functional classification
    ("일반공공행정", "일반행정"),
    ("공공질서및안전", "재난방재·민방위"),
    ("사회복지", "기초생활보장"),
    ("문화및관광", "문화예술"),
    ("환경", "상하수도·수질"),
    ("교통및물류", "도로"),
    ("국토및지역개발", "지역및도시"),
    ("보건", "보건의료"),
)
SOURCES = ("시비", "국비", "도비")
# How fast a line spends, relative to its nature's pace (a few lag: they are what the dashboard shows).
PACE = (100, 95, 70, 100, 90, 100)
MONTH_WEIGHTS_BEFORE_Q4 = (8, 9, 10, 11, 11, 12, 12, 13, 14)
MONTH_WEIGHTS_Q4 = (12, 13, 16)
MONTH_WEIGHTS_OTHER = (5, 7, 9, 8, 8, 10, 7, 7, 8, 8, 8, 15)
TARGETS = {  # 예시 신속집행 targets (% by quarter end): the seed does not give them
    "overall": (25, 50, 70, 90),
    "consumption": (30, 60, 75, 90),
    "investment": (30, 60, 75, 90),
}


def nature_of(i: int) -> str:
    return {0: "소비", 3: "투자"}.get(i % 6, "기타")


def _lines() -> list[dict]:
    natures = [nature_of(i) for i in range(LINES)]
    other_budget = BUDGET - CONSUMPTION_BUDGET - INVESTMENT_BUDGET
    budgets: dict[int, int] = {}
    for nature, amount in (("소비", CONSUMPTION_BUDGET), ("투자", INVESTMENT_BUDGET), ("기타", other_budget)):
        members = [i for i in range(LINES) if natures[i] == nature]
        for i, part in zip(members, split_exactly(amount, [3 + (i * 37) % 11 for i in members]), strict=True):
            budgets[i] = part
    rows = []
    for i in range(LINES):
        detail, unit = i // 2, i // 6
        policy = unit // 2
        field_, sector = SECTORS[policy % len(SECTORS)]
        rows.append(
            {
                "과목코드": f"{YEAR}-{i + 1:04d}",
                "회계": "예시 기타특별회계" if policy == 9 else "일반회계",
                "분야": field_,
                "부문": sector,
                "정책사업": f"예시 정책사업 {policy + 1:02d}",
                "단위사업": f"예시 단위사업 {unit + 1:02d}",
                "세부사업": f"예시 세부사업 {detail + 1:03d}",
                "부서": DEPARTMENTS[policy % len(DEPARTMENTS)],
                "재원": SOURCES[i % 3],
                "성질": natures[i],
                "예산현액": budgets[i],
            }
        )
    return rows


def monthly_execution() -> tuple[list[dict], list[list[int]]]:
    """The lines, and each month's execution per line (12 lists of LINES amounts)."""
    rows = _lines()
    natures = [r["성질"] for r in rows]
    other_executed = EXECUTED - CONSUMPTION_BEFORE_Q4 - Q4_CONSUMPTION - INVESTMENT_BEFORE_Q4 - Q4_INVESTMENT
    per_month = [[0] * LINES for _ in range(12)]
    plans = {
        "소비": split_exactly(CONSUMPTION_BEFORE_Q4, list(MONTH_WEIGHTS_BEFORE_Q4))
        + split_exactly(Q4_CONSUMPTION, list(MONTH_WEIGHTS_Q4)),
        "투자": split_exactly(INVESTMENT_BEFORE_Q4, list(MONTH_WEIGHTS_BEFORE_Q4))
        + split_exactly(Q4_INVESTMENT, list(MONTH_WEIGHTS_Q4)),
        "기타": split_exactly(other_executed, list(MONTH_WEIGHTS_OTHER)),
    }
    for nature, months in plans.items():
        members = [i for i in range(LINES) if natures[i] == nature]
        weights = [rows[i]["예산현액"] // 1000 * PACE[i % len(PACE)] for i in members]
        for m, amount in enumerate(months):
            for i, part in zip(members, split_exactly(amount, weights), strict=True):
                per_month[m][i] = part
    return rows, per_month


def month_files() -> list[tuple[int, bytes]]:
    """(month, CSV bytes) for the 12 months, as the ledger would export them (with a 합계 row)."""
    rows, per_month = monthly_execution()
    files = []
    for m in range(12):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for i, row in enumerate(rows):
            writer.writerow([*(row[c] for c in COLUMNS[:-1]), per_month[m][i]])
        writer.writerow(["합계", *[""] * 9, sum(r["예산현액"] for r in rows), sum(per_month[m])])
        files.append((m + 1, out.getvalue().encode("utf-8")))
    return files
