"""The computation, hand-worked. Amounts: 1종 60,000 / 2종 45,000 / 3종 30,000 won a month; move-in
1989–2010 → 30 %, 2011 on → 50 %, none before the airfield; workplace outside the area → 30 % (setting)."""

from dataclasses import replace
from datetime import date

import pytest

from cityhall.military.compensation import CompensationError, Facts, compute
from cityhall.military.rules import default_table

T = default_table()


@pytest.mark.parametrize(("zone", "amount"), [("1", 720_000), ("2", 540_000), ("3", 360_000)])
def test_full_year_each_zone_without_reduction(zone, amount):
    # 12 × monthly amount; moved in 1985 (before 1989: no move-in reduction).
    result = compute(Facts(2024, zone, date(1985, 3, 2)), T)
    assert result.amount == amount
    assert result.lines[-1] == f"합계 {amount:,}원 → 원 미만 절사 {amount:,}원"


def test_psat_2025_worked_example():
    """2025 PSAT 상황판단 문4 (the decree's rule quoted): 甲 2종, airfield 2010-03-29, moved in 2015-01-07,
    all of 2024 → 45,000 × 12 × 50 % = 270,000; 乙 1종, moved in 2009-01-07 (before the airfield: no
    reduction), Jan–Aug → 60,000 × 8 = 480,000; together 750,000 (answer ①)."""
    base = date(2010, 3, 29)
    gap = compute(Facts(2024, "2", date(2015, 1, 7), base_established_on=base), T)
    eul = compute(
        Facts(2024, "1", date(2009, 1, 7), resident_until=date(2024, 8, 31), base_established_on=base), T
    )
    assert (gap.amount, eul.amount, gap.amount + eul.amount) == (270_000, 480_000, 750_000)
    assert "군용비행장 설치일 2010-03-29 이전: 전입 시기 감액 없음" in eul.lines[2]


@pytest.mark.parametrize(
    ("moved_in", "rate", "amount"),
    [
        (date(1988, 12, 31), 0, 360_000),
        (date(1989, 1, 1), 30, 252_000),
        (date(2010, 12, 31), 30, 252_000),
        (date(2011, 1, 1), 50, 180_000),
    ],
)
def test_move_in_reduction_bands_at_their_edges(moved_in, rate, amount):
    result = compute(Facts(2024, "3", moved_in), T)
    assert (result.move_in_rate, result.amount) == (rate, amount)


def test_workplace_outside_adds_to_the_move_in_reduction_month_by_month():
    # 3종, moved in 1995 (30 %); workplace outside Mar–Dec: Jan–Feb 2 × 21,000 + Mar–Dec 10 × 12,000.
    result = compute(Facts(2024, "3", date(1995, 8, 1), workplace_outside_months=tuple(range(3, 13))), T)
    assert result.amount == 42_000 + 120_000 == 162_000
    assert result.lines[5] == "3월: 30,000원 × 전월 × (100−60)% + 근무지 구역 밖 30% = 12,000원"


def test_reductions_are_capped_at_100_percent():
    table = replace(T, workplace_rate=60)
    result = compute(Facts(2024, "2", date(2012, 1, 1), workplace_outside_months=(1,)), table)
    assert result.months[0] == (1, 31, 100, 0)  # 50 + 60 capped at 100
    assert result.amount == 11 * 22_500


def test_partial_months_by_days_and_floor_to_the_won():
    # 2종, moved in 2012 (50 %), moved out 2024-09-10: Jan–Aug 8 × 22,500 + Sep 10/30 × 22,500.
    out = compute(Facts(2024, "2", date(2012, 1, 1), moved_out_on=date(2024, 9, 10)), T)
    assert out.amount == 180_000 + 7_500
    assert out.lines[-2] == "9월: 45,000원 × 10/30일 × (100−50)% = 7,500원"
    # 3종, moved in 2024-07-16 (50 %): Jul 16/31 × 15,000 = 7,741.93… + Aug–Dec 5 × 15,000 → 82,741 won.
    new = compute(Facts(2024, "3", date(2024, 7, 16)), T)
    assert new.amount == 82_741
    assert new.lines[-1] == "합계 82,741.94원 → 원 미만 절사 82,741원"


def test_no_residence_in_the_year_is_zero():
    result = compute(Facts(2024, "1", date(2025, 1, 5)), T)
    assert result.amount == 0 and result.lines[-1] == "2024년 중 구역 내 거주 기간 없음: 0원"


def test_unknown_zone_and_dates_out_of_order_are_refused():
    with pytest.raises(CompensationError, match="알 수 없는 구역입니다: '4'"):
        compute(Facts(2024, "4", date(2000, 1, 1)), T)
    with pytest.raises(CompensationError, match="전출일이 전입일보다 앞설 수 없습니다"):
        compute(Facts(2024, "3", date(2020, 5, 1), moved_out_on=date(2020, 4, 1)), T)
