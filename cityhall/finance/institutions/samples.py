"""The city's public institutions: 김포도시관리공사 from the seed (I.3, line 79: 지방공기업 지원
21,629,281천원, 김포도시관리공사 인건비 및 운영비 등), and 예시 funded bodies; 2024 reviews are 예시."""

from __future__ import annotations

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
