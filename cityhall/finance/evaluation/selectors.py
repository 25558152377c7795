"""Reads of program evaluation: each program with its grade, consequence and why (from the rule)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from ..choices import Consequence, Grade
from ..models import GradeRule, ProgramEvaluation
from .rules import Band, Outcome, bands_of, outcome


@dataclass
class Row:
    evaluation: ProgramEvaluation
    outcome: Outcome | None

    @property
    def reflected(self) -> bool:
        return self.evaluation.next_budget is not None

    @property
    def keeps_rule(self) -> bool:
        o, nb = self.outcome, self.evaluation.next_budget
        return nb is None or o is None or o.ceiling is None or nb <= o.ceiling


@dataclass
class Report:
    year: int
    rows: list[Row]
    bands: list[Band]
    grades: list[tuple[str, int]]  # grade label, count
    cut_total: int  # won taken out of next year's proposal by the rule

    @property
    def band_rows(self) -> list[tuple[Decimal, str, str, int]]:
        """(minimum score, grade label, consequence label, cut %) for the page."""
        return [
            (b.min_score, str(Grade(b.grade).label), str(Consequence(b.consequence).label), b.cut_percent)
            for b in self.bands
        ]


def years() -> list[int]:
    return sorted(set(ProgramEvaluation.objects.values_list("year", flat=True)), reverse=True)


def report(year: int, *, only_cut: bool = False) -> Report:
    bands = bands_of(GradeRule.objects.all())
    rows = [
        Row(e, outcome(Decimal(e.score), e.budget, bands))
        for e in ProgramEvaluation.objects.filter(year=year)
        .select_related("department")
        .order_by("score", "code")
    ]
    counts = Counter(r.outcome.grade for r in rows if r.outcome)
    cut_total = sum(
        r.evaluation.budget - r.outcome.ceiling for r in rows if r.outcome and r.outcome.ceiling is not None
    )
    if only_cut:
        rows = [r for r in rows if r.outcome and r.outcome.ceiling is not None]
    return Report(
        year=year,
        rows=rows,
        bands=bands,
        grades=[(str(label), counts.get(value, 0)) for value, label in Grade.choices],
        cut_total=cut_total,
    )
