"""The city's public institutions: 김포도시관리공사 from the seed (I.3, line 79: 지방공기업 지원
21,629,281천원, 김포도시관리공사 인건비 및 운영비 등), and 예시 funded bodies; 2024 reviews are 예시.

The seed asks for the 경영공시 (IV.6 행 783 "경영실적 공시를 통한 투명성 확보") and for regular
evaluations of the 위수탁 대행사무 (II.2 행 289, IV.6 행 785) without giving items, dates, criteria or
scores: the calendar, the tasks, the criteria and the scores below are all 예시."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

INSTITUTIONS = (  # code, name, kind, city support (won), seed line, sample
    ("gimpo-urban-corporation", "김포도시관리공사", "corporation", 21_629_281_000, 79, False),
    ("sample-funded-1", "예시 출연기관 1", "funded", None, None, True),
    ("sample-funded-2", "예시 출연기관 2", "funded", None, None, True),
)
REVIEWS = (  # code, grade, satisfaction, disclosures due, done, entrusted score
    ("gimpo-urban-corporation", "나", Decimal("86.40"), 40, 38, Decimal("88.00")),
    ("sample-funded-1", "다", Decimal("81.20"), 30, 30, None),
    ("sample-funded-2", "가", Decimal("90.10"), 30, 27, None),
)

DISCLOSURE_LINE = 783
ENTRUSTED_TASK_LINE = 289
ENTRUSTED_LINE = 785
# 예시 calendar: the settled-accounts items by the end of April, the budget items by the end of
# October (each institution publishes the same items).
DISCLOSURE_ITEMS = (
    ("결산 재무제표", date(2025, 4, 30)),
    ("임직원 현황·인건비", date(2025, 4, 30)),
    ("경영평가 결과", date(2025, 7, 31)),
    ("고객만족도 조사 결과", date(2025, 7, 31)),
    ("예산·사업계획", date(2025, 10, 31)),
    ("이사회 회의록", date(2025, 10, 31)),
)
# 예시 disclosure dates: None = not yet published (the page shows it overdue once its date passes).
DISCLOSED = {
    "gimpo-urban-corporation": (
        date(2025, 4, 28),
        date(2025, 4, 29),
        date(2025, 7, 30),
        date(2025, 8, 4),
        None,
        None,
    ),
    "sample-funded-1": (
        date(2025, 4, 25),
        date(2025, 4, 25),
        date(2025, 7, 25),
        date(2025, 7, 25),
        None,
        None,
    ),
    "sample-funded-2": (date(2025, 5, 7), None, date(2025, 7, 31), None, None, None),
}


def disclosures() -> list[tuple[str, str, date, date | None]]:
    return [
        (code, title, due, dates[i])
        for code, dates in DISCLOSED.items()
        for i, (title, due) in enumerate(DISCLOSURE_ITEMS)
    ]


CRITERIA = (  # code, name, points (예시; they add to 100)
    ("sample-ec-plan", "사업계획의 적정성", 20),
    ("sample-ec-performance", "사업 실적·목표 달성", 40),
    ("sample-ec-budget", "예산 집행의 적정성", 20),
    ("sample-ec-satisfaction", "이용자 만족도", 20),
)


def _sheet(plan: str, performance: str, budget: str, satisfaction: str) -> dict[str, str]:
    return {
        "sample-ec-plan": plan,
        "sample-ec-performance": performance,
        "sample-ec-budget": budget,
        "sample-ec-satisfaction": satisfaction,
    }


ENTRUSTED = (  # code, institution, task, budget (won), evaluators' sheets — all 예시
    (
        "sample-entrusted-sports",
        "gimpo-urban-corporation",
        "공공체육시설 관리·운영 (예시)",
        3_200_000_000,
        (("평가위원 A", _sheet("90", "85", "90", "88")), ("평가위원 B", _sheet("85", "90", "80", "92"))),
    ),
    (
        "sample-entrusted-parking",
        "gimpo-urban-corporation",
        "공영주차장 관리·운영 (예시)",
        1_450_000_000,
        (("평가위원 A", _sheet("70", "60", "75", "65")), ("평가위원 B", _sheet("65", "62.5", "70", "60"))),
    ),
)
