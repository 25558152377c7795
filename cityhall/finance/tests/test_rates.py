"""Hand-worked arithmetic of rates, expected rates and exact splits (seed II.2, line 267)."""

from decimal import Decimal

import pytest

from cityhall.finance.execution.rates import due_amount, expected, rate, split_exactly, standing


def test_the_seed_rate_is_87_01_of_20945_eok():
    # 20,945억원 = 2,094,500,000,000 won; 87.01 % of it = 1,822,424,450,000 won exactly.
    assert rate(1_822_424_450_000, 2_094_500_000_000) == Decimal("87.01")
    assert due_amount(2_094_500_000_000, Decimal("87.01")) == 1_822_424_450_000


def test_rate_rounds_half_up_and_needs_a_budget():
    assert rate(1, 3) == Decimal("33.33")
    assert rate(2, 3) == Decimal("66.67")
    assert rate(1, 8) == Decimal("12.50")
    assert rate(5, 0) is None


def test_expected_moves_in_a_straight_line_between_quarter_targets():
    targets = {1: Decimal(30), 2: Decimal(60), 3: Decimal(75), 4: Decimal(90)}
    assert [expected(m, targets) for m in (1, 2, 3)] == [Decimal("10.00"), Decimal("20.00"), Decimal("30.00")]
    assert expected(4, targets) == Decimal("40.00")  # 30 + (60 − 30) × 1/3
    assert expected(8, targets) == Decimal("70.00")  # 60 + (75 − 60) × 2/3
    assert expected(12, targets) == Decimal("90.00")
    assert expected(5, {}) is None


def test_standing_shortfall_is_the_won_still_to_execute():
    s = standing(300_000, 1_000_000, Decimal("40.00"))
    assert (s.rate, s.gap_points, s.shortfall, s.behind) == (
        Decimal("30.00"),
        Decimal("10.00"),
        100_000,
        True,
    )
    ahead = standing(500_000, 1_000_000, Decimal("40.00"))
    assert (ahead.shortfall, ahead.behind) == (0, False)


def test_split_exactly_adds_up_to_the_won():
    assert split_exactly(10, [1, 1, 1]) == [4, 3, 3]
    assert split_exactly(10_601_000_000, [31, 9, 17, 4, 22, 6, 8, 3])[0] == 3_286_310_000  # 31 / 100
    assert sum(split_exactly(1_822_424_450_001, [3, 7, 11])) == 1_822_424_450_001
    with pytest.raises(ValueError):
        split_exactly(5, [0, 0])
