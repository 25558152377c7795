from datetime import date

import pytest

from cityhall.core.money import MoneyError, format_thousand_won, parse_money
from cityhall.core.periods import Period, PeriodError, parse_period


@pytest.mark.parametrize(
    ("text", "won", "precision"),
    [
        (50_000, 50_000, 1),
        ("750,548천원", 750_548_000, 1_000),
        ("102백만원", 102_000_000, 1_000_000),
        ("1.2억원", 120_000_000, 10_000_000),
        ("41.37억원", 4_137_000_000, 1_000_000),
        ("540만원", 5_400_000, 10_000),
        ("1,230억", 123_000_000_000, 100_000_000),
        ("약 40,000천원", 40_000_000, 1_000),
        ("1200원", 1_200, 1),
    ],
)
def test_parse_money(text, won, precision):
    assert parse_money(text) == (won, precision)


@pytest.mark.parametrize("text", ["", "abc", "1.5원", "12달러", "1,2,3억원x", True, None, 1.5, [1]])
def test_parse_money_rejects_with_korean_message(text):
    with pytest.raises(MoneyError, match="금액"):
        parse_money(text)


def test_format_thousand_won():
    assert format_thousand_won(750_548_000) == "750,548"
    assert format_thousand_won(1_500) == "1.5"
    assert format_thousand_won(None) == "-"


@pytest.mark.parametrize(
    ("text", "start", "end", "recurrence"),
    [
        ("연 중", date(2025, 1, 1), date(2025, 12, 31), ""),
        ("'25. 4. ~ 11.", date(2025, 4, 1), date(2025, 11, 30), ""),
        ("'25.3.~7.", date(2025, 3, 1), date(2025, 7, 31), ""),
        ("2025. 3. ~ 8.", date(2025, 3, 1), date(2025, 8, 31), ""),
        ("2025. 2.", date(2025, 2, 1), date(2025, 2, 28), ""),
        ("2025. 4", date(2025, 4, 1), date(2025, 4, 30), ""),
        ("2025. 분기별", date(2025, 1, 1), date(2025, 12, 31), "quarterly"),
        ("2024. ~", date(2024, 1, 1), None, ""),
        ("2023. 12.", date(2023, 12, 1), date(2023, 12, 31), ""),
        ("2024. 12. 31.", date(2024, 12, 31), date(2024, 12, 31), ""),
        ("2025. 11. ~ 2026. 2.", date(2025, 11, 1), date(2026, 2, 28), ""),
        ("'25.7월까지", date(2025, 7, 1), date(2025, 7, 31), ""),  # by July: the month it ends in
        ("'25.8월부터", date(2025, 8, 1), None, ""),  # from August on
        ("2023~2024년", date(2023, 1, 1), date(2024, 12, 31), ""),
    ],
)
def test_parse_period(text, start, end, recurrence):
    assert parse_period(text) == Period(start, end, recurrence)


@pytest.mark.parametrize(
    "text", ["", "2025. 13.", "언젠가", "2025. 8. ~ 3.", "2025. 2. 30.", "2025. 1. 2. 3.", "2025~2023년"]
)
def test_parse_period_rejects_with_korean_message(text):
    with pytest.raises(PeriodError, match="기간"):
        parse_period(text)


def test_period_contains_month():
    period = parse_period("'25. 4. ~ 11.")
    assert period.contains_month(2025, 4) and period.contains_month(2025, 11)
    assert not period.contains_month(2025, 3) and not period.contains_month(2025, 12)
