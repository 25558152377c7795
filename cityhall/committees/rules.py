"""The counting rules of committee meetings, as most of the city's committee ordinances state them
(e.g. "재적위원 과반수의 출석으로 개의하고, 출석위원 과반수의 찬성으로 의결한다"): pure functions."""

from __future__ import annotations


def majority(n: int) -> int:
    """과반수: more than half of ``n`` — 13 → 7, 8 → 5, 1 → 1."""
    if n < 1:
        raise ValueError("n must be at least 1")
    return n // 2 + 1


def two_thirds(n: int) -> int:
    """3분의 2 이상: at least two thirds of ``n`` — 9 → 6, 10 → 7."""
    if n < 1:
        raise ValueError("n must be at least 1")
    return -(-2 * n // 3)


QUORUM_RULES = {"majority": majority, "two_thirds": two_thirds}


def quorum_for(members_total: int, rule: str = "majority") -> int:
    """개의 정족수 of a committee of ``members_total`` under ``rule`` (재적 과반수 unless stated)."""
    return QUORUM_RULES[rule](members_total)


def quorum_met(present: int, quorum: int) -> bool:
    return present >= quorum


def passes(votes_for: int, present: int) -> bool:
    """의결: 출석위원 과반수의 찬성 — strictly more than half of those present."""
    return votes_for >= majority(present)


def allowance_total(allowances: list[int]) -> int:
    return sum(allowances)
