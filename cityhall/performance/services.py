"""성과관리 rules: achievement rates, department scores, the incentive-pay allocation, recording
actuals, advancing the evaluation cycle and loading the sample dataset.

Computations (``achievement``, ``department_scores``, ``incentive_allocation``) only read; the writes
(``indicator_actual_record``, ``evaluation_cycle_advance``, ``incentive_allocate``,
``performance_load_sample``) validate everything first, run in one transaction and audit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from cityhall.core import audit
from cityhall.core.permissions import has_permission
from cityhall.core.records import REGISTRY
from cityhall.core.services import NON_FIELD, RecordInvalid, record_create, record_update
from cityhall.organisation import selectors as org_selectors
from cityhall.organisation.models import OrgUnit
from cityhall.organisation.selectors import PLANNING_STAFF

from .models import (
    DepartmentScore,
    EvaluationCycle,
    Grade,
    IncentiveRule,
    Indicator,
    IndicatorActual,
    IndicatorGrade,
)

DEFAULT_GRADE_POINTS = {"S": 100, "A": 90, "B": 80, "C": 70, "D": 60, "E": 50}
DEFAULT_ACHIEVEMENT_CAP = Decimal("120")
DEFAULT_TIERS = [
    {"min_score": 95, "rate": 1.2},
    {"min_score": 85, "rate": 1.0},
    {"min_score": 0, "rate": 0.8},
]
HUNDRED = Decimal("100")
CENT = Decimal("0.01")
SAMPLE_EXTRAS = {"actuals", "grade", "grade_note"}  # an indicator's rows in the sample file
SAMPLE_FILE = Path(__file__).parent / "samples" / "performance-sample.yaml"


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _fmt(value: Decimal | int) -> str:
    """A number as shown in explanations: thousands separators, no trailing zeros."""
    if isinstance(value, int):
        return f"{value:,}"
    normal = value.normalize()
    if normal == normal.to_integral_value():
        return f"{int(normal):,}"
    return f"{normal:,f}"


# -- achievement ------------------------------------------------------------------------------------


def latest_actual(indicator: Indicator) -> IndicatorActual | None:
    """The actual of the latest quarter recorded (actuals are cumulative; 4분기 = the year)."""
    actuals = sorted(indicator.actuals.all(), key=lambda a: a.quarter)
    return actuals[-1] if actuals else None


def achievement(indicator: Indicator, value: Decimal) -> Decimal:
    """달성률 (%) of ``value`` against the indicator's target, rounded to 0.01.

    higher is better: 실적 ÷ 목표 × 100. lower is better: 목표 ÷ 실적 × 100 (실적 0 → 100 or more:
    the target is met in full; reported as the cap by the score). A target of 0 is meaningful only
    when lower is better (e.g. zero incidents): 실적 0 → 100, otherwise 0.
    """
    if indicator.target is None:
        raise RecordInvalid(
            _("지표 '%(name)s'(%(code)s)에 목표값이 없어 달성률을 계산할 수 없습니다.")
            % {"name": indicator.name, "code": indicator.code}
        )
    target = Decimal(indicator.target)
    value = Decimal(value)
    if target < 0 or value < 0:
        raise RecordInvalid(
            _("지표 '%(name)s'(%(code)s)의 목표와 실적은 음수일 수 없습니다.")
            % {"name": indicator.name, "code": indicator.code}
        )
    if indicator.direction == Indicator.Direction.HIGHER:
        if target == 0:
            raise RecordInvalid(
                _("지표 '%(name)s'(%(code)s)의 목표가 0이라 '높을수록 좋음' 달성률을 계산할 수 없습니다.")
                % {"name": indicator.name, "code": indicator.code}
            )
        return _round(value / target * HUNDRED)
    if target == 0:
        return HUNDRED if value == 0 else Decimal("0.00")
    if value == 0:
        return DEFAULT_ACHIEVEMENT_CAP  # better than any finite ratio; the score caps it anyway
    return _round(target / value * HUNDRED)


# -- department scores --------------------------------------------------------------------------------


@dataclass
class IndicatorPoints:
    indicator: Indicator
    points: Decimal  # what the indicator contributes (achievement capped, or grade points)
    basis: str  # how, in Korean


@dataclass
class DepartmentResult:
    department: OrgUnit
    staff: int
    items: list[IndicatorPoints]
    score: Decimal = Decimal("0")
    factor: Decimal = Decimal("0")  # score × staff (proportional) or rate × staff (tiered)
    amount: int = 0
    remainder_bonus: int = 0  # the extra won given by the largest-remainder rule
    explanation: str = ""


@dataclass
class Allocation:
    year: int
    rule: IncentiveRule
    results: list[DepartmentResult]
    formula: str

    @property
    def total(self) -> int:
        return sum(r.amount for r in self.results)


@dataclass
class _Problems:
    messages: list[str] = field(default_factory=list)

    def add(self, message: str) -> None:
        self.messages.append(message)

    def raise_if_any(self) -> None:
        if self.messages:
            raise RecordInvalid({NON_FIELD: self.messages})


def _grade_points(rule: IncentiveRule) -> dict[str, Decimal]:
    points = {**DEFAULT_GRADE_POINTS, **(rule.parameters or {}).get("grade_points", {})}
    return {k: Decimal(str(v)) for k, v in points.items()}


def _cap(rule: IncentiveRule) -> Decimal:
    return Decimal(str((rule.parameters or {}).get("achievement_cap", DEFAULT_ACHIEVEMENT_CAP)))


def indicator_points(
    indicator: Indicator, *, grade_points: dict[str, Decimal], cap: Decimal, problems: _Problems
) -> IndicatorPoints | None:
    """Qualitative: the grade's points. Quantitative: the latest actual's achievement, capped."""
    if indicator.kind == Indicator.Kind.QUALITATIVE:
        grade = getattr(indicator, "grade", None)
        if grade is None:
            problems.add(
                _("정성지표 '%(name)s'(%(code)s)에 등급이 없습니다.")
                % {"name": indicator.name, "code": indicator.code}
            )
            return None
        if grade.grade not in grade_points:
            problems.add(_("등급 '%(grade)s'의 점수가 배분 기준에 없습니다.") % {"grade": grade.grade})
            return None
        points = grade_points[grade.grade]
        basis = _("%(grade)s등급 %(points)s점") % {"grade": grade.grade, "points": _fmt(points)}
        return IndicatorPoints(indicator, points, basis)
    actual = latest_actual(indicator)
    if indicator.target is None:
        problems.add(
            _("지표 '%(name)s'(%(code)s)에 목표값이 없습니다.")
            % {"name": indicator.name, "code": indicator.code}
        )
        return None
    if actual is None:
        problems.add(
            _("지표 '%(name)s'(%(code)s)에 실적이 없습니다.")
            % {"name": indicator.name, "code": indicator.code}
        )
        return None
    try:
        rate = achievement(indicator, actual.value)
    except RecordInvalid as exc:
        problems.messages.extend(exc.messages)
        return None
    points = min(rate, cap)
    capped = _(", 상한 %(cap)s%% 적용") % {"cap": _fmt(cap)} if rate > cap else ""
    basis = _("실적 %(actual)s%(unit)s / 목표 %(target)s%(unit)s → 달성률 %(rate)s%%%(capped)s") % {
        "actual": _fmt(actual.value),
        "target": _fmt(indicator.target),
        "unit": indicator.unit,
        "rate": _fmt(rate),
        "capped": capped,
    }
    return IndicatorPoints(indicator, points, basis)


def department_results(year: int, rule: IncentiveRule, problems: _Problems) -> list[DepartmentResult]:
    """Each department with indicators in ``year``: its staff (현원), its indicators' points and its
    score = Σ(가중치 × 점수) ÷ Σ가중치, rounded to 0.01."""
    grade_points, cap = _grade_points(rule), _cap(rule)
    indicators = list(
        Indicator.objects.filter(year=year)
        .select_related("department", "grade")
        .prefetch_related("actuals")
        .order_by("department__order", "code")
    )
    by_department: dict[int, list[Indicator]] = {}
    for indicator in indicators:
        by_department.setdefault(indicator.department_id, []).append(indicator)
    results = []
    for unit in org_selectors.departments():
        mine = by_department.get(unit.pk)
        if not mine:
            continue
        staff = org_selectors.staffing_row(unit).current
        if staff <= 0:
            problems.add(
                _("%(department)s의 현원이 0명이라 성과급을 배분할 수 없습니다.") % {"department": unit.name}
            )
        items = [
            p
            for i in mine
            if (p := indicator_points(i, grade_points=grade_points, cap=cap, problems=problems))
        ]
        result = DepartmentResult(department=unit, staff=staff, items=items)
        weights = sum((p.indicator.weight for p in items), Decimal("0"))
        if items and weights > 0:
            result.score = _round(sum((p.indicator.weight * p.points for p in items), Decimal("0")) / weights)
        results.append(result)
    return results


def _tier_rate(rule: IncentiveRule, score: Decimal) -> tuple[Decimal, Decimal]:
    tiers = (rule.parameters or {}).get("tiers", DEFAULT_TIERS)
    for tier in sorted(tiers, key=lambda t: Decimal(str(t["min_score"])), reverse=True):
        if score >= Decimal(str(tier["min_score"])):
            return Decimal(str(tier["rate"])), Decimal(str(tier["min_score"]))
    return Decimal("0"), Decimal("0")


def split_largest_remainder(pool: int, factors: list[Decimal]) -> tuple[list[int], list[int]]:
    """Split ``pool`` won in proportion to ``factors``: each part floored, then the won left over go
    one each to the largest remainders (ties: the earlier department). Returns (amounts, bonuses);
    the amounts sum exactly to ``pool``."""
    total = sum(factors, Decimal("0"))
    if total <= 0:
        raise RecordInvalid(_("배분 기준값의 합이 0이라 배분할 수 없습니다."))
    exact = [Decimal(pool) * f / total for f in factors]
    floors = [int(e) for e in exact]  # exact >= 0, so int() floors
    left = pool - sum(floors)
    order = sorted(range(len(factors)), key=lambda i: (-(exact[i] - floors[i]), i))
    bonuses = [0] * len(factors)
    for i in order[:left]:
        bonuses[i] = 1
    return [f + b for f, b in zip(floors, bonuses, strict=True)], bonuses


def incentive_allocation(*, year: int) -> Allocation:
    """성과급 배분 (read-only): the year's rule applied to the department scores, with an explanation
    per department in Korean. Raises RecordInvalid listing every problem (no rule, missing
    target or actual, zero staff, …)."""
    rule = IncentiveRule.objects.filter(year=year).first()
    if rule is None:
        raise RecordInvalid(_("%(year)s년 성과급 배분 기준이 없습니다.") % {"year": year})
    problems = _Problems()
    if rule.pool is None or rule.pool < 0:
        problems.add(_("배분 총액은 0원 이상이어야 합니다."))
    if rule.kind not in IncentiveRule.Kind.values:
        problems.add(_("알 수 없는 배분 방식입니다: %(kind)s") % {"kind": rule.kind})
    results = department_results(year, rule, problems)
    if not results:
        problems.add(_("%(year)s년 성과지표가 없습니다.") % {"year": year})
    problems.raise_if_any()

    tiered = rule.kind == IncentiveRule.Kind.TIERED
    for r in results:
        if tiered:
            rate, floor = _tier_rate(rule, r.score)
            r.factor = rate * r.staff
            r._tier = (rate, floor)  # type: ignore[attr-defined]
        else:
            r.factor = r.score * r.staff
    amounts, bonuses = split_largest_remainder(rule.pool, [r.factor for r in results])
    total_factor = sum((r.factor for r in results), Decimal("0"))
    for r, amount, bonus in zip(results, amounts, bonuses, strict=True):
        r.amount, r.remainder_bonus = amount, bonus
        lines = [
            _("%(indicator)s (가중치 %(weight)s): %(basis)s → %(points)s점")
            % {
                "indicator": p.indicator.name,
                "weight": _fmt(p.indicator.weight),
                "basis": p.basis,
                "points": _fmt(p.points),
            }
            for p in r.items
        ]
        weighted = " + ".join(f"{_fmt(p.indicator.weight)}×{_fmt(p.points)}" for p in r.items)
        weights = sum((p.indicator.weight for p in r.items), Decimal("0"))
        lines.append(
            _("성과점수 = (%(weighted)s) ÷ %(weights)s = %(score)s점")
            % {"weighted": weighted, "weights": _fmt(weights), "score": _fmt(r.score)}
        )
        if tiered:
            rate, floor = r._tier  # type: ignore[attr-defined]
            lines.append(
                _("구간: %(floor)s점 이상 → 배분률 %(rate)s") % {"floor": _fmt(floor), "rate": _fmt(rate)}
            )
            lines.append(
                _("배분 기준값 = 배분률 %(rate)s × 현원 %(staff)s명 = %(factor)s")
                % {"rate": _fmt(rate), "staff": r.staff, "factor": _fmt(r.factor)}
            )
        else:
            lines.append(
                _("배분 기준값 = 성과점수 %(score)s × 현원 %(staff)s명 = %(factor)s")
                % {"score": _fmt(r.score), "staff": r.staff, "factor": _fmt(r.factor)}
            )
        exact = Decimal(rule.pool) * r.factor / total_factor
        lines.append(
            _("배분액 = 총액 %(pool)s원 × %(factor)s ÷ %(total)s = %(exact)s원 → %(amount)s원")
            % {
                "pool": _fmt(rule.pool),
                "factor": _fmt(r.factor),
                "total": _fmt(total_factor),
                "exact": _fmt(_round(exact)),
                "amount": _fmt(amount),
            }
            + (_(" (끝수 처리: 나머지가 큰 순서로 1원 추가)") if bonus else "")
        )
        r.explanation = "\n".join(lines)
    if tiered:
        formula = _("부서 배분액 = 총액 × (구간 배분률 × 현원) ÷ Σ(구간 배분률 × 현원)")
    else:
        formula = _("부서 배분액 = 총액 × (성과점수 × 현원) ÷ Σ(성과점수 × 현원)")
    formula += _("; 원 미만은 버리고 남은 원은 나머지가 큰 부서부터 1원씩 더합니다.")
    return Allocation(year=year, rule=rule, results=results, formula=formula)


# -- writes ---------------------------------------------------------------------------------------


@transaction.atomic
def incentive_allocate(*, year: int, actor: audit.Actor) -> list[DepartmentScore]:
    """Compute the allocation and store it as the cycle's department scores (replacing earlier ones),
    audited. Planning side only. Nothing is written when the computation fails."""
    if actor.user is not None and not has_permission(actor.user, PLANNING_STAFF):
        raise PermissionDenied(_("성과급 배분은 정책기획과 또는 실장만 확정할 수 있습니다."))
    cycle = EvaluationCycle.objects.select_for_update().filter(year=year).first()
    if cycle is None:
        raise RecordInvalid(_("%(year)s년 평가 주기가 없습니다.") % {"year": year})
    allocation = incentive_allocation(year=year)
    rtype = REGISTRY["department_scores"]
    events = []
    for old in DepartmentScore.objects.filter(cycle=cycle):
        events.append(audit.event(actor, "delete", rtype, old, before=rtype.to_data(old)))
        old.delete()
    audit.record_many(events)
    saved = []
    for r in allocation.results:
        score = DepartmentScore.objects.create(
            cycle=cycle,
            department=r.department,
            score=r.score,
            staff=r.staff,
            amount=r.amount,
            explanation=r.explanation,
        )
        audit.record(actor, "create", rtype, score, after=rtype.to_data(score))
        saved.append(score)
    return saved


NEXT_STAGE = {
    EvaluationCycle.Stage.PLAN: EvaluationCycle.Stage.EXECUTE,
    EvaluationCycle.Stage.EXECUTE: EvaluationCycle.Stage.EVALUATE,
    EvaluationCycle.Stage.EVALUATE: EvaluationCycle.Stage.FEEDBACK,
}


@transaction.atomic
def evaluation_cycle_advance(*, cycle: EvaluationCycle, actor: audit.Actor) -> EvaluationCycle:
    """Move the cycle to its next stage (계획 → 실행 → 평가 → 환류); planning side only; audited."""
    if actor.user is not None and not has_permission(actor.user, PLANNING_STAFF):
        raise PermissionDenied(_("평가 단계는 정책기획과 또는 실장만 넘길 수 있습니다."))
    cycle = EvaluationCycle.objects.select_for_update().get(pk=cycle.pk)
    following = NEXT_STAGE.get(cycle.stage)
    if following is None:
        raise RecordInvalid(_("환류 단계가 마지막 단계입니다."))
    rtype = REGISTRY["evaluation_cycles"]
    before = rtype.to_data(cycle)
    cycle.stage = following
    cycle.save(update_fields=["stage"])
    audit.record(actor, "update", rtype, cycle, before=before, after=rtype.to_data(cycle))
    return cycle


@transaction.atomic
@transaction.atomic
def indicator_actual_record(
    *,
    indicator: Indicator,
    quarter: int,
    value: Any,
    evidence: str = "",
    actor: audit.Actor,
) -> IndicatorActual:
    """Record (or correct) an indicator's actual for a quarter — editors of the owning department
    (through the permission choke point), audited. Bad values raise RecordInvalid (Korean)."""
    rtype = REGISTRY["indicator_actuals"]
    # Two people recording the same quarter at once: the indicator's row lock makes the second a
    # correction of the first rather than a second insert the unique constraint would refuse.
    Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
    existing = IndicatorActual.objects.filter(indicator=indicator, quarter=quarter).first()
    data = {"value": value, "evidence": evidence, "recorded_by": actor.name}
    if existing is not None:
        return record_update(rtype=rtype, obj=existing, data=data, actor=actor)
    return record_create(
        rtype=rtype, data={"indicator": indicator.code, "quarter": quarter, **data}, actor=actor
    )


@transaction.atomic
def indicator_grade_set(
    *, indicator: Indicator, grade: str, note: str = "", actor: audit.Actor
) -> IndicatorGrade:
    """Record the province's grade (S/A/B/…) for an indicator: planning side only; audited."""
    if actor.user is not None and not has_permission(actor.user, PLANNING_STAFF):
        raise PermissionDenied(_("시군종합평가 등급은 정책기획과 또는 실장만 입력할 수 있습니다."))
    if grade not in Grade.values:
        raise RecordInvalid(
            _("등급 '%(grade)s'은(는) 없는 등급입니다. (%(grades)s)")
            % {"grade": grade, "grades": ", ".join(Grade.values)}
        )
    rtype = REGISTRY["indicator_grades"]
    # Lock the indicator, not the grade: with no grade yet, locking it would lock nothing and two
    # first grades would both insert (the one-to-one would refuse the second with an error).
    Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
    existing = IndicatorGrade.objects.filter(indicator=indicator).first()
    if existing is None:
        saved = IndicatorGrade.objects.create(indicator=indicator, grade=grade, note=note)
        audit.record(actor, "create", rtype, saved, after=rtype.to_data(saved))
        return saved
    before = rtype.to_data(existing)
    existing.grade, existing.note = grade, note
    existing.save(update_fields=["grade", "note"])
    after = rtype.to_data(existing)
    if after != before:
        audit.record(actor, "update", rtype, existing, before=before, after=after)
    return existing


# -- sample dataset ---------------------------------------------------------------------------------


@transaction.atomic
def performance_load_sample(*, actor: audit.Actor | None = None, path: Path = SAMPLE_FILE) -> dict[str, int]:
    """Load the labelled sample dataset (every record ``sample=True``); idempotent: records that exist
    (by code, or indicator+quarter) are left alone. Returns how many records of each type were added."""
    actor = actor or audit.Actor.system("performance:load-sample")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    counts: dict[str, int] = {}
    plan = [
        (
            "evaluation_cycles",
            "cycles",
            lambda row: EvaluationCycle.objects.filter(code=row["code"]).exists(),
        ),
        ("incentive_rules", "rules", lambda row: IncentiveRule.objects.filter(code=row["code"]).exists()),
        ("indicators", "indicators", lambda row: Indicator.objects.filter(code=row["code"]).exists()),
    ]
    for name, key, exists in plan:
        counts[name] = 0
        for row in data.get(key, []):
            if exists(row):
                continue
            fields = {k: v for k, v in row.items() if k not in SAMPLE_EXTRAS}
            record_create(rtype=REGISTRY[name], data={**fields, "sample": True}, actor=actor)
            counts[name] += 1
    counts["indicator_actuals"] = counts["indicator_grades"] = 0
    for row in data.get("indicators", []):
        indicator = Indicator.objects.get(code=row["code"])
        for quarter, value in (row.get("actuals") or {}).items():
            if indicator.actuals.filter(quarter=quarter).exists():
                continue
            record_create(
                rtype=REGISTRY["indicator_actuals"],
                data={
                    "indicator": indicator.code,
                    "quarter": int(quarter),
                    "value": value,
                    "sample": True,
                    "recorded_by": actor.name,
                    "evidence": "예시 자료",
                },
                actor=actor,
            )
            counts["indicator_actuals"] += 1
        grade = row.get("grade")
        if grade and not hasattr(indicator, "grade"):
            record_create(
                rtype=REGISTRY["indicator_grades"],
                data={
                    "indicator": indicator.code,
                    "grade": grade,
                    "sample": True,
                    "note": row.get("grade_note", ""),
                },
                actor=actor,
            )
            counts["indicator_grades"] += 1
    return counts
