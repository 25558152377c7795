"""Test data built for the hand-worked examples (year 2030, so the sample dataset never interferes)."""

from decimal import Decimal

from cityhall.organisation.models import OrgUnit
from cityhall.performance.models import (
    EvaluationCycle,
    IncentiveRule,
    Indicator,
    IndicatorActual,
    IndicatorGrade,
)

YEAR = 2030


def indicator(code, department, *, kind="quantitative", target=None, direction="higher", weight=1, **extra):
    return Indicator.objects.create(
        code=code,
        name=f"지표 {code}",
        year=YEAR,
        kind=kind,
        department=OrgUnit.objects.get(code=department),
        target=None if target is None else Decimal(str(target)),
        direction=direction,
        weight=Decimal(str(weight)),
        **extra,
    )


def actual(ind, quarter, value):
    return IndicatorActual.objects.create(indicator=ind, quarter=quarter, value=Decimal(str(value)))


def example(*, kind="proportional", parameters=None, pool=1_000_000):
    """정책기획과 (현원 17) and 스마트도시과 (현원 15), as in the seed's staffing table.

    정책기획과: pp-a 정량 목표 50, 3분기 30 then 4분기 40 → 40/50 = 80%, weight 1
                pp-b 정성 A등급 → 90점, weight 1                 score (80 + 90) / 2 = 85.00
    스마트도시과: sc-c 낮을수록 좋음 목표 10, 실적 8 → 10/8 = 125% → cap 120, weight 2
                sc-d 정량 목표 200, 실적 190 → 95%, weight 1     score (2×120 + 95) / 3 = 111.666… → 111.67
    """
    a = indicator("pp-a", "policy-planning", target=50)
    actual(a, 3, 30)
    actual(a, 4, 40)
    b = indicator("pp-b", "policy-planning", kind="qualitative", source="provincial")
    IndicatorGrade.objects.create(indicator=b, grade="A")
    c = indicator("sc-c", "smart-city", target=10, direction="lower", weight=2)
    actual(c, 4, 8)
    d = indicator("sc-d", "smart-city", target=200)
    actual(d, 4, 190)
    EvaluationCycle.objects.create(code="eval-2030", year=YEAR, stage="evaluate")
    return IncentiveRule.objects.create(
        code="incentive-2030", year=YEAR, pool=pool, kind=kind, parameters=parameters or {}
    )
