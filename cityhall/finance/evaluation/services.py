"""재정사업 평가 writes: the sample year (예시) with the configured rule, and the amount reflected."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from cityhall.core.audit import Actor
from cityhall.organisation import departments
from cityhall.organisation.models import OrgUnit

from ..models import GradeRule, ProgramEvaluation
from ..selectors import BUDGET_DEPARTMENT
from ..services import save_audited
from . import samples
from .rules import bands_of, outcome

DEPARTMENTS = departments.OFFICE


@transaction.atomic
def evaluations_load_sample(*, actor: Actor) -> int:
    keeper = OrgUnit.objects.get(code=BUDGET_DEPARTMENT)
    for grade, min_score, consequence, cut in samples.RULES:
        if not GradeRule.objects.filter(grade=grade).exists():
            rule = GradeRule(grade=grade, min_score=min_score, consequence=consequence, cut_percent=cut)
            rule.keeper, rule.sample = keeper, True
            save_audited(actor, "grade_rules", rule, None)
    bands = bands_of(GradeRule.objects.all())
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=DEPARTMENTS)}
    written = 0
    for i, row in enumerate(samples.evaluations()):
        if ProgramEvaluation.objects.filter(code=row["code"]).exists():
            continue
        result = outcome(row["score"], row["budget"], bands)
        e = ProgramEvaluation(
            year=samples.YEAR,
            department=units[DEPARTMENTS[i % 4]],
            sample=True,
            section="II.2",
            line=samples.SEED_LINE,
            # The seed: the results were reflected in the 2025 budget; the sample reflects the ceiling.
            next_budget=result.ceiling if result and result.ceiling is not None else row["budget"],
            **row,
        )
        save_audited(actor, "program_evaluations", e, None)
        written += 1
    return written


def score_decimal(value) -> Decimal:
    return Decimal(str(value))
