"""Hand-worked ranking, what-if, phasing, evaluation consequences and rewards."""

from decimal import Decimal

from cityhall.finance.evaluation.rules import Band, outcome
from cityhall.finance.priorities.ranking import Candidate, Criterion, phase, rank, what_if
from cityhall.finance.rewards.rules import reward

CRITERIA = [Criterion("a", "공약", 60), Criterion("b", "시급성", 40)]
#            a    b    score = (a×60 + b×40) / 100
# p1        100   0    60.00
# p2         50 100    70.00
# p3         80  40    64.00
# p4         80  40    64.00  (tie with p3: number 3 before 4)
CANDIDATES = [
    Candidate("p1", 1, "가", {"a": 100, "b": 0}, city_cost=300, start_year=2025, end_year=2026),
    Candidate("p2", 2, "나", {"a": 50, "b": 100}, city_cost=200, start_year=2025, end_year=2025),
    Candidate("p3", 3, "다", {"a": 80, "b": 40}, city_cost=90, start_year=2025, end_year=2027),
    Candidate("p4", 4, "라", {"a": 80, "b": 40}, city_cost=10, start_year=2025, end_year=2025),
]


def test_rank_scores_cut_and_explains():
    ranked = rank(CANDIDATES, CRITERIA, selected=2)
    assert [(r.candidate.key, str(r.score), r.rank, r.selected) for r in ranked] == [
        ("p2", "70.00", 1, True),
        ("p3", "64.00", 2, True),
        ("p4", "64.00", 3, False),
        ("p1", "60.00", 4, False),
    ]
    assert ranked[1].explanation == (
        "2위, 64.00점: 선정(2위 이내). 첫 탈락 사업보다 0.00점 높음; 가장 큰 기여는 '공약'."
    )
    assert (
        ranked[3].explanation
        == "4위, 60.00점: 선정 제외. 2위(64.00점)보다 4.00점 낮음; 가장 약한 기준은 '시급성'."
    )


def test_what_if_moves_the_ranking():
    ranked = what_if(CANDIDATES, CRITERIA, {"a": 100, "b": 0}, selected=2)
    # Only 공약 counts: p1 100, p3 80, p4 80, p2 50.
    assert [(r.candidate.key, str(r.score), r.moved) for r in ranked] == [
        ("p1", "100.00", 3),
        ("p3", "80.00", 0),
        ("p4", "80.00", 0),
        ("p2", "50.00", -3),
    ]


def test_phase_respects_the_yearly_room_and_delays():
    ranked = rank(CANDIDATES, CRITERIA, selected=3)  # p2, p3, p4
    phases, left = phase(ranked, {2025: 250, 2026: 100, 2027: 100, 2028: 100})
    # p2: 200 in 2025 (room 250 → 50). p3: 30/yr 2025–27 (2025 50 → 20). p4: 10 in 2025 (→ 10).
    assert [(p.candidate.key, p.by_year, p.delay) for p in phases] == [
        ("p2", {2025: 200}, 0),
        ("p3", {2025: 30, 2026: 30, 2027: 30}, 0),
        ("p4", {2025: 10}, 0),
    ]
    assert left == {2025: 10, 2026: 70, 2027: 70, 2028: 100}
    phases, left = phase(ranked, {2025: 205, 2026: 100, 2027: 100, 2028: 100})
    # p3 no longer fits 2025 (5 left < 30): it moves to 2026–28.
    assert phases[1].by_year == {2026: 30, 2027: 30, 2028: 30} and phases[1].delay == 1


BANDS = [
    Band("excellent", Decimal(90), "expand", 0),
    Band("fair", Decimal(70), "keep", 0),
    Band("poor", Decimal(60), "cut", 10),
    Band("very_poor", Decimal(0), "sunset", 0),
]


def test_evaluation_consequence_is_explained():
    cut = outcome(Decimal("65.5"), 300_000_000, BANDS)
    assert (cut.grade, cut.ceiling) == ("poor", 270_000_000)
    assert cut.explanation == (
        "65.5점 → 미흡(60점 이상): 10% 감액 — 차년도 예산은 "
        "300,000,000원의 90%인 270,000,000원 이하로 편성합니다."
    )
    sunset = outcome(Decimal("59.9"), 50_000_000, BANDS)
    assert (sunset.grade, sunset.ceiling) == ("very_poor", 0)
    keep = outcome(Decimal("70"), 10, BANDS)
    assert (keep.grade, keep.ceiling) == ("fair", None)


def test_reward_is_a_percent_with_a_cap():
    assert reward(1_000_000_000, Decimal("0.5"), 8_000_000).amount == 5_000_000
    capped = reward(3_286_310_000, Decimal("0.5"), 8_000_000)
    assert capped.amount == 8_000_000
    assert capped.explanation == "3,286,310,000원 × 0.5% = 16,431,550원 → 상한 8,000,000원 적용"
    assert reward(999, Decimal("0.5"), 8_000_000).amount == 4  # 4.995 → cut to the won below
