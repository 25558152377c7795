"""Execution rates and how far behind a line is: pure arithmetic on integer won, no database.

A rate is always computed from the amounts (집행액 ÷ 예산현액), rounded half up to 0.01 %p, never
stored or typed. The expected rate of a month follows the 신속집행 quarterly targets: the target of a
quarter is due at its last month, and the months in between move in a straight line from the previous
quarter's target (0 % before the first quarter)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HUNDREDTH = Decimal("0.01")


def rate(executed: int, budget: int) -> Decimal | None:
    """집행률 (%), to 0.01; None when there is no budget to measure against."""
    if budget <= 0:
        return None
    return (Decimal(executed) * 100 / Decimal(budget)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def expected(month: int, targets: Mapping[int, Decimal]) -> Decimal | None:
    """The rate due by the end of ``month`` (1–12) under quarterly ``targets`` {quarter: percent}."""
    if not targets:
        return None
    quarter = (month - 1) // 3 + 1
    end = targets.get(quarter)
    if end is None:
        return None
    start = targets.get(quarter - 1, Decimal(0)) if quarter > 1 else Decimal(0)
    step = month - (quarter - 1) * 3  # 1, 2 or 3 months into the quarter
    return (start + (end - start) * step / 3).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def due_amount(budget: int, percent: Decimal) -> int:
    """The won a ``percent`` of ``budget`` comes to (rounded half up to the won)."""
    return int((Decimal(budget) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Standing:
    """Where one row (a program, department, source…) stands against its expected rate."""

    budget: int
    executed: int
    rate: Decimal | None
    expected: Decimal | None

    @property
    def gap_points(self) -> Decimal | None:
        """How many %p below (positive) or above (negative) the expected rate."""
        if self.rate is None or self.expected is None:
            return None
        return self.expected - self.rate

    @property
    def shortfall(self) -> int:
        """Won still to execute to reach the expected rate (0 when on or ahead)."""
        if self.expected is None:
            return 0
        return max(due_amount(self.budget, self.expected) - self.executed, 0)

    @property
    def behind(self) -> bool:
        return self.shortfall > 0


def standing(executed: int, budget: int, expected_rate: Decimal | None) -> Standing:
    return Standing(budget=budget, executed=executed, rate=rate(executed, budget), expected=expected_rate)


def split_exactly(total: int, weights: list[int]) -> list[int]:
    """``total`` won split in proportion to ``weights``, by largest remainder: the parts are integers
    and add up to ``total`` exactly (the sample data relies on it)."""
    if total < 0 or not weights or sum(weights) <= 0 or any(w < 0 for w in weights):
        raise ValueError("split_exactly needs a non-negative total and positive weights")
    whole = sum(weights)
    parts = [total * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in remainders[: total - sum(parts)]:
        parts[i] += 1
    return parts
