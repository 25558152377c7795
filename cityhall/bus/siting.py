"""Where to put the next BIT units (BIT 설치 우선순위): an explained weighted score over candidate stops.

Each criterion is normalised over the candidates to 0–1 (min–max; for cost, the cheapest scores 1),
then weighted; the score is the weighted mean, and ``parts`` says how much of it each criterion brought
(the parts add up to the score). A criterion on which all candidates are equal separates none of them
and brings 0 to each. Weights are relative (they need not add up to 1) and editable by the bus app.
Pure: the bus app builds the candidates from its stops and keeps the weights (audited).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class SiteCandidate:
    """A stop without a BIT, with what the ranking weighs."""

    stop_id: str
    name: str
    boardings_per_day: float
    transfers_per_day: float
    facilities_nearby: int  # elderly/disabled facilities within the radius
    distance_to_nearest_bit_m: float
    cost_won: int


# criterion -> (how it is read from a candidate, whether more is better)
CRITERIA: Mapping[str, tuple[str, bool]] = MappingProxyType(
    {
        "boardings": ("boardings_per_day", True),
        "transfers": ("transfers_per_day", True),
        "facilities": ("facilities_nearby", True),
        "distance_to_bit": ("distance_to_nearest_bit_m", True),  # far from any BIT: more people newly served
        "cost": ("cost_won", False),
    }
)

# Riders first (boardings), then those who need the display most (transfers, facilities for the
# elderly and disabled), coverage, and cost last: a unit costs about the same everywhere.
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {"boardings": 0.35, "transfers": 0.15, "facilities": 0.20, "distance_to_bit": 0.20, "cost": 0.10}
)


@dataclass(frozen=True)
class SiteScore:
    candidate: SiteCandidate
    score: float  # 0–1
    parts: dict[str, float] = field(default_factory=dict)  # criterion -> its share of the score
    rank: int = 0  # 1 = first place


def check_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """The weights of every criterion (a missing one counts 0); ValueError names what is wrong."""
    unknown = sorted(set(weights) - set(CRITERIA))
    if unknown:
        raise ValueError(f"unknown criteria {unknown}; known: {sorted(CRITERIA)}")
    checked = {name: float(weights.get(name, 0.0)) for name in CRITERIA}
    for name, value in checked.items():
        if not value >= 0:  # also rejects NaN
            raise ValueError(f"weight of {name!r} must be zero or more, not {value}")
    if sum(checked.values()) <= 0:
        raise ValueError("at least one weight must be more than zero")
    return checked


def rank_sites(
    candidates: Sequence[SiteCandidate], weights: Mapping[str, float] = DEFAULT_WEIGHTS
) -> list[SiteScore]:
    """Candidates best first (ties by stop id), each with its score explained."""
    checked = check_weights(weights)
    total_weight = sum(checked.values())
    for c in candidates:
        for attr, _ in CRITERIA.values():
            value = getattr(c, attr)
            if not value >= 0:
                raise ValueError(f"stop {c.stop_id}: {attr} must be zero or more, not {value}")
    normalised: dict[str, list[float]] = {}
    for name, (attr, more_is_better) in CRITERIA.items():
        values = [float(getattr(c, attr)) for c in candidates]
        lo, hi = (min(values), max(values)) if values else (0.0, 0.0)
        if hi == lo:
            normalised[name] = [0.0] * len(values)
        elif more_is_better:
            normalised[name] = [(v - lo) / (hi - lo) for v in values]
        else:
            normalised[name] = [(hi - v) / (hi - lo) for v in values]
    scored = []
    for i, c in enumerate(candidates):
        parts = {name: checked[name] * normalised[name][i] / total_weight for name in CRITERIA}
        scored.append(SiteScore(candidate=c, score=sum(parts.values()), parts=parts))
    scored.sort(key=lambda s: (-s.score, s.candidate.stop_id))
    return [SiteScore(s.candidate, s.score, s.parts, rank=i + 1) for i, s in enumerate(scored)]
