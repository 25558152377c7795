"""The counting rules, worked by hand (exact values), and their explanations."""

from fractions import Fraction

from cityhall.participation import counting
from cityhall.participation.counting import Project, Weights

# Budget 1,000 (천원 units for readability): A 600 (50 votes), B 500 (40), C 300 (30), D 100 (10).
PROJECTS = [Project(1, 600, 50), Project(2, 500, 40), Project(3, 300, 30), Project(4, 100, 10)]


def test_greedy_skips_what_does_not_fit_and_takes_the_next():
    outcome = counting.greedy(PROJECTS, 1000)
    # A (600) fits → 400 left; B (500) does not; C (300) → 100 left; D (100) → 0 left.
    assert outcome.winners == [1, 3, 4]
    assert outcome.spent == 1000
    b = outcome.explanations[2]
    assert (b.won, b.rank, b.remaining_before, b.shortfall, b.reason) == (False, 2, 400, 100, "budget")
    # B would have needed 51 votes: ahead of A it is funded (500 ≤ 1000).
    assert b.needed == 51


def test_greedy_needed_when_the_line_is_further_down():
    # Budget 900: A 600 (50), C 300 (30) fill it; D (100, 10 votes) needs to pass C → 31 votes.
    outcome = counting.greedy(PROJECTS, 900)
    assert outcome.winners == [1, 3]
    d = outcome.explanations[4]
    assert (d.remaining_before, d.shortfall, d.needed) == (0, 100, 31)


def test_greedy_project_over_the_ceiling_can_never_win():
    outcome = counting.greedy([Project(1, 2000, 99), Project(2, 100, 1)], 1000)
    assert outcome.winners == [2]
    assert outcome.explanations[1].reason == "over_ceiling"
    assert outcome.explanations[1].needed is None


def test_greedy_ties_go_to_the_lower_number():
    outcome = counting.greedy([Project(2, 600, 10), Project(1, 600, 10)], 1000)
    assert outcome.winners == [1]


def test_equal_shares_by_hand():
    """Budget 1,000, 4 voters with 250 each. Ballots: v1 {1,2}, v2 {1,2}, v3 {1}, v4 {3}.
    Costs: 1 = 600, 2 = 400, 3 = 300.
    Round 1: project 1 has 3 supporters with 750; ρ = 600/(3·600) = 1/3 → each pays 200 (≤ 250).
      Project 2: supporters v1, v2 with 500 ≥ 400, ρ = 1/2. Project 3: v4 has 250 < 300: not affordable.
      Smallest ρ: project 1. Left: v1 50, v2 50, v3 50, v4 250.
    Round 2: project 2: v1 + v2 hold 100 < 400; project 3: 250 < 300. Nothing affordable: stop.
    Greedy by votes would fund 1 and 2 (3 and 2 votes, 1,000); equal shares funds only 1."""
    projects = [Project(1, 600, 3), Project(2, 400, 2), Project(3, 300, 1)]
    ballots = [[1, 2], [1, 2], [1], [3]]
    outcome = counting.equal_shares(projects, 1000, ballots)
    assert outcome.winners == [1]
    assert outcome.explanations[1].score == Fraction(1, 3)
    two = outcome.explanations[2]
    assert (two.won, two.remaining_before, two.shortfall, two.reason) == (False, 100, 300, "not_affordable")
    three = outcome.explanations[3]
    assert (three.remaining_before, three.shortfall) == (250, 50)
    assert counting.greedy(projects, 1000).winners == [1, 2]


def test_equal_shares_caps_payment_at_what_a_voter_has_left():
    # Budget 900, 3 voters with 300: ballots {1,2}, {2}, {2}; 1 costs 200, 2 costs 600.
    # ρ(1) = 1 (one supporter pays all 200); ρ(2) = 600/(3·600) = 1/3 → 2 first, each pays 200.
    # Then v1 has 100 < 200: project 1 not affordable.
    outcome = counting.equal_shares([Project(1, 200, 1), Project(2, 600, 3)], 900, [[1, 2], [2], [2]])
    assert outcome.winners == [2]


def test_combined_score_published_weights():
    """Weights committee 40 %, vote 60 %; 200 ballots.
    P1: score 90, 60 votes → 40·0.9 + 60·0.3 = 36 + 18 = 54.
    P2: score 60, 100 votes → 24 + 30 = 54 → tie, lower number first.
    P3: score 80, 20 votes → 32 + 6 = 38."""
    weights = Weights(committee=40, vote=60)
    projects = [
        Project(1, 500, 60, Fraction(90)),
        Project(2, 500, 100, Fraction(60)),
        Project(3, 300, 20, Fraction(80)),
    ]
    assert [counting.combined_score(p, weights, 200) for p in projects] == [54, 54, 38]
    outcome = counting.combined(projects, 1000, weights, 200)
    assert outcome.winners == [1, 2]
    three = outcome.explanations[3]
    assert (three.reason, three.remaining_before, three.shortfall) == ("budget", 0, 300)
    # P3 needs 54.0…1 > 32 + 60·v/200 and to come before P1 at 54: tie loses to a lower number, so
    # 32 + 0.3·v > 54 → v > 73.3 → 74 votes.
    assert three.needed == 74
