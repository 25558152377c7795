"""The BIT siting score, worked by hand (see the numbers in each test)."""

import math

import pytest

from cityhall.bus.siting import DEFAULT_WEIGHTS, SiteCandidate, rank_sites

UNIT_COST_WON = 13_000_000  # seed line 132: BIT 20대 260,000천원 → 13,000천원 a unit


def cand(stop_id, boardings, transfers, facilities, distance, cost=UNIT_COST_WON):
    return SiteCandidate(stop_id, f"정류소 {stop_id}", boardings, transfers, facilities, distance, cost)


A = cand("A", 1000, 100, 2, 800)
B = cand("B", 500, 300, 0, 400)
C = cand("C", 250, 0, 4, 200, cost=15_000_000)


def by_id(scores):
    return {s.candidate.stop_id: s for s in scores}


def test_default_weights_worked_by_hand():
    # normalised: boardings A 1, B 1/3, C 0; transfers A 1/3, B 1, C 0; facilities A .5, B 0, C 1;
    # distance A 1, B 1/3, C 0; cost (cheapest 1) A 1, B 1, C 0.
    # A = .35 + .15/3 + .2*.5 + .2 + .1 = .80; B = .35/3 + .15 + .2/3 + .1 = .43333; C = .2
    ranked = rank_sites([C, B, A])
    assert [s.candidate.stop_id for s in ranked] == ["A", "B", "C"]
    assert [s.rank for s in ranked] == [1, 2, 3]
    scores = by_id(ranked)
    assert scores["A"].score == pytest.approx(0.80)
    assert scores["B"].score == pytest.approx(0.433333, abs=1e-6)
    assert scores["C"].score == pytest.approx(0.20)
    assert scores["A"].parts == pytest.approx(
        {"boardings": 0.35, "transfers": 0.05, "facilities": 0.10, "distance_to_bit": 0.20, "cost": 0.10}
    )
    for s in ranked:
        assert math.isclose(sum(s.parts.values()), s.score)


def test_weights_are_relative_and_change_the_order():
    # facilities only: C 1, A .5, B 0
    assert [s.candidate.stop_id for s in rank_sites([A, B, C], {"facilities": 1})] == ["C", "A", "B"]
    # boardings 2, facilities 2 (sum 4): A (2 + 1)/4 = .75, C 2/4 = .5, B (2/3)/4 = .16667
    ranked = by_id(rank_sites([A, B, C], {"boardings": 2, "facilities": 2}))
    assert ranked["A"].score == pytest.approx(0.75)
    assert ranked["C"].score == pytest.approx(0.5)
    assert ranked["B"].score == pytest.approx(1 / 6)
    assert ranked["A"].parts["transfers"] == 0.0


def test_a_criterion_all_equal_separates_nobody_and_ties_go_by_stop_id():
    ranked = rank_sites([cand("Y", 100, 0, 1, 300), cand("X", 100, 0, 1, 300)])
    assert [s.candidate.stop_id for s in ranked] == ["X", "Y"]
    assert [s.score for s in ranked] == [0.0, 0.0]
    assert rank_sites([]) == []


@pytest.mark.parametrize(
    "weights, message",
    [
        ({"boardings": 1, "beauty": 1}, "unknown criteria"),
        ({"boardings": -1, "cost": 2}, "weight of 'boardings'"),
        ({"boardings": float("nan")}, "weight of 'boardings'"),
        ({"boardings": 0}, "at least one weight"),
    ],
)
def test_bad_weights_say_what(weights, message):
    with pytest.raises(ValueError, match=message):
        rank_sites([A, B], weights)


def test_a_negative_figure_names_the_stop():
    with pytest.raises(ValueError, match="stop Z: boardings_per_day"):
        rank_sites([A, cand("Z", -5, 0, 0, 0)])


def test_default_weights_cannot_be_changed_in_place():
    with pytest.raises(TypeError):
        DEFAULT_WEIGHTS["cost"] = 1  # type: ignore[index]
