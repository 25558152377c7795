"""Counting rules (pure functions, no database): greedy by votes within the budget, the Method of
Equal Shares (cost utilities, as Pabulib and pabutools define it) and the Korean combined score
(committee score and vote share by published weights, then greedy within the budget).

Every rule answers the winners *and*, for every project, why it won or lost: the remaining budget
when its turn came, how far it was from the line, and what it would have needed. Arithmetic is exact
(``Fraction``); money is int won. Ties are broken by the project's number (lower first), which is
the order of the zero-padded ``project_id`` in the Pabulib export, so pabutools' lexicographic
tie-breaking agrees."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

GREEDY, EQUAL_SHARES, COMBINED = "greedy", "mes", "combined"
RULES = (GREEDY, EQUAL_SHARES, COMBINED)


@dataclass(frozen=True)
class Project:
    number: int
    cost: int  # won
    votes: int = 0
    committee_score: Fraction = Fraction(0)  # 0–100, the committee's mean score


@dataclass(frozen=True)
class Weights:
    """Combined score = committee × score/100 + vote × votes/ballots (both in percent, sum 100)."""

    committee: int
    vote: int


@dataclass
class Explanation:
    number: int
    won: bool
    rank: int  # position in the rule's order (1 = considered first)
    score: Fraction  # what the rule orders by (votes; combined score; for MES the payment per vote)
    remaining_before: int  # budget left when the project's turn came (won)
    shortfall: int  # won missing at its turn (0 for winners)
    needed: Fraction | None  # the smallest score that would have funded it (None: never / already won)
    reason: str  # a code: "funded", "budget", "over_ceiling", "no_votes", "not_affordable"


@dataclass
class Outcome:
    rule: str
    budget: int
    winners: list[int]
    spent: int
    explanations: dict[int, Explanation] = field(default_factory=dict)

    @property
    def remaining(self) -> int:
        return self.budget - self.spent


def _order(projects: Sequence[Project], score) -> list[Project]:
    return sorted(projects, key=lambda p: (-score(p), p.number))


def _greedy_pass(projects: Sequence[Project], budget: int, score) -> tuple[list[int], dict[int, int]]:
    """Winners in order, and the budget left when each project's turn came."""
    remaining, winners, before = budget, [], {}
    for project in _order(projects, score):
        before[project.number] = remaining
        if score(project) > 0 and project.cost <= remaining:
            winners.append(project.number)
            remaining -= project.cost
    return winners, before


def _needed(projects: Sequence[Project], budget: int, target: Project, score, candidates) -> Fraction | None:
    """The smallest score from ``candidates`` (ascending) with which ``target`` would have been
    funded, the others unchanged; greedy selection is monotone in a project's own score (earlier in
    the order, never less budget left at its turn), so a binary search finds it."""
    if target.cost > budget:
        return None
    others = [p for p in projects if p.number != target.number]

    def wins(value: Fraction) -> bool:
        scores = {p.number: score(p) for p in others}
        scores[target.number] = value
        winners, _ = _greedy_pass([*others, target], budget, lambda p: scores[p.number])
        return target.number in winners

    low, high = 0, len(candidates) - 1
    if high < 0 or not wins(candidates[high]):
        return None
    while low < high:
        middle = (low + high) // 2
        if wins(candidates[middle]):
            high = middle
        else:
            low = middle + 1
    return candidates[low]


def _explain_greedy(rule: str, projects: Sequence[Project], budget: int, score, candidates) -> Outcome:
    winners, before = _greedy_pass(projects, budget, score)
    won = set(winners)
    outcome = Outcome(rule, budget, winners, sum(p.cost for p in projects if p.number in won))
    for rank, project in enumerate(_order(projects, score), start=1):
        value = score(project)
        if project.number in won:
            reason, needed, shortfall = "funded", None, 0
        else:
            if project.cost > budget:
                reason = "over_ceiling"
            elif value <= 0:
                reason = "no_votes"
            else:
                reason = "budget"
            shortfall = max(0, project.cost - before[project.number])
            needed = _needed(projects, budget, project, score, candidates(project))
        outcome.explanations[project.number] = Explanation(
            project.number,
            project.number in won,
            rank,
            value,
            before[project.number],
            shortfall,
            needed,
            reason,
        )
    return outcome


def greedy(projects: Sequence[Project], budget: int) -> Outcome:
    """Most votes first; a project that does not fit in what is left is skipped and the next one
    tried (the rule of most PB processes, pabutools' ``greedy_utilitarian_welfare`` with cost
    satisfaction). ``needed`` is the number of votes that would have funded it."""
    top = max((p.votes for p in projects), default=0)
    return _explain_greedy(
        GREEDY,
        projects,
        budget,
        lambda p: Fraction(p.votes),
        lambda p: [Fraction(v) for v in range(p.votes + 1, top + 2)],
    )


def combined_score(project: Project, weights: Weights, ballots: int) -> Fraction:
    """committee% × score/100 + vote% × votes/ballots, on a 0–100 scale."""
    share = Fraction(project.votes, ballots) if ballots else Fraction(0)
    return weights.committee * project.committee_score / 100 + weights.vote * share


def combined(projects: Sequence[Project], budget: int, weights: Weights, ballots: int) -> Outcome:
    """Korean practice: a final ranking by the published weights of the committee's score and the
    citizens' vote share, funded greedily within the budget. ``needed`` is the number of votes
    (the committee's score unchanged) that would have funded the project."""
    top = max((p.votes for p in projects), default=0)

    def score(p: Project) -> Fraction:
        return combined_score(p, weights, ballots)

    outcome = _explain_greedy(
        COMBINED,
        projects,
        budget,
        score,
        lambda p: [
            combined_score(Project(p.number, p.cost, v, p.committee_score), weights, ballots)
            for v in range(p.votes + 1, max(top, ballots) + 1)
        ],
    )
    # Report the votes needed rather than the score: invert the combined score.
    for explanation in outcome.explanations.values():
        if explanation.needed is not None and weights.vote and ballots:
            project = next(p for p in projects if p.number == explanation.number)
            rest = explanation.needed - weights.committee * project.committee_score / 100
            explanation.needed = Fraction(rest * ballots / weights.vote)
    return outcome


def equal_shares(projects: Sequence[Project], budget: int, ballots: Sequence[Sequence[int]]) -> Outcome:
    """The Method of Equal Shares with cost utilities (each voter's utility for a project is its
    cost if approved), without completion — as ``pabutools.rules.method_of_equal_shares(…,
    sat_class=Cost_Sat)``. Every voter gets budget/n; a project is affordable when its supporters
    can pay its cost from what they have left; the affordable project that asks the least of each
    supporter per won of cost (the smallest ρ) is funded next, each supporter paying min(share, ρ·cost)."""
    n = len(ballots)
    by_number = {p.number: p for p in projects}
    supporters: dict[int, list[int]] = {p.number: [] for p in projects}
    for voter, ballot in enumerate(ballots):
        for number in ballot:
            if number in supporters:
                supporters[number].append(voter)
    share = [Fraction(budget, n) if n else Fraction(0)] * n
    winners: list[int] = []
    rank_of: dict[int, int] = {}
    money_at_turn: dict[int, Fraction] = {}
    rho_of: dict[int, Fraction] = {}
    candidates = [p for p in projects if p.cost > 0 and supporters[p.number]]
    while candidates:
        best: tuple[Fraction, int] | None = None
        for project in candidates:
            rho = _rho(project.cost, [share[i] for i in supporters[project.number]])
            if rho is not None and (best is None or (rho, project.number) < best):
                best = (rho, project.number)
        # What each remaining project's supporters hold now (for the losers' explanation).
        for project in candidates:
            money_at_turn[project.number] = sum((share[i] for i in supporters[project.number]), Fraction(0))
        if best is None:
            break
        rho, number = best
        project = by_number[number]
        for voter in supporters[number]:
            share[voter] -= min(share[voter], rho * project.cost)
        winners.append(number)
        rank_of[number] = len(winners)
        rho_of[number] = rho
        candidates = [p for p in candidates if p.number != number]
    spent = sum(by_number[n].cost for n in winners)
    outcome = Outcome(EQUAL_SHARES, budget, winners, spent)
    order = winners + sorted(
        (p.number for p in projects if p.number not in rank_of), key=lambda k: (-len(supporters[k]), k)
    )
    for rank, number in enumerate(order, start=1):
        project = by_number[number]
        held = money_at_turn.get(number, Fraction(0))
        won = number in rank_of
        if won:
            reason = "funded"
        elif project.cost > budget:
            reason = "over_ceiling"
        elif not supporters[number]:
            reason = "no_votes"
        else:
            reason = "not_affordable"
        shortfall = 0 if won else max(0, project.cost - int(held))
        # What it would have needed: supporters holding its cost, i.e. this many more (at a full
        # share each) — a lower bound, since adding supporters changes the earlier rounds too.
        needed = None
        if not won and n and project.cost <= budget:
            needed = Fraction(len(supporters[number]) + -(-(project.cost - held) // Fraction(budget, n)))
        outcome.explanations[number] = Explanation(
            number,
            won,
            rank,
            rho_of.get(number, Fraction(len(supporters[number]))),
            int(held) if not won else 0,
            shortfall,
            needed,
            reason,
        )
    return outcome


def _rho(cost: int, money: list[Fraction]) -> Fraction | None:
    """The smallest ρ with Σ min(mᵢ, ρ·cost) = cost, or None when the supporters cannot pay."""
    if sum(money) < cost:
        return None
    paid, rest = Fraction(0), len(money)
    for m in sorted(money):
        rho = (cost - paid) / (rest * cost)
        if rho * cost <= m:
            return rho
        paid += m
        rest -= 1
    return None
