"""성과관리 reads: the overview by department, an indicator's page and the years on record."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from cityhall.core.services import RecordInvalid
from cityhall.organisation.models import OrgUnit

from .models import EvaluationCycle, Indicator, IndicatorActual
from .services import achievement, latest_actual


@dataclass
class IndicatorRow:
    indicator: Indicator
    latest: IndicatorActual | None
    rate: Decimal | None
    problem: str
    grade: str

    @property
    def not_s(self) -> bool:
        """A provincial indicator short of the office's goal (every indicator S), or not graded yet."""
        return self.indicator.source == Indicator.Source.PROVINCIAL and self.grade != "S"


@dataclass
class DepartmentIndicators:
    department: OrgUnit
    rows: list[IndicatorRow] = field(default_factory=list)


def years() -> list[int]:
    return sorted(
        set(Indicator.objects.values_list("year", flat=True))
        | set(EvaluationCycle.objects.values_list("year", flat=True))
    )


def indicator_row(indicator: Indicator) -> IndicatorRow:
    latest = latest_actual(indicator)
    rate, problem = None, ""
    if indicator.kind == Indicator.Kind.QUANTITATIVE and latest is not None:
        try:
            rate = achievement(indicator, latest.value)
        except RecordInvalid as exc:
            problem = " ".join(exc.messages)
    elif indicator.kind == Indicator.Kind.QUANTITATIVE and indicator.target is None:
        problem = _("목표값 없음")
    grade = getattr(indicator, "grade", None)
    return IndicatorRow(indicator, latest, rate, problem, grade.grade if grade else "")


def overview(year: int) -> list[DepartmentIndicators]:
    indicators = (
        Indicator.objects.filter(year=year)
        .select_related("department", "grade")
        .prefetch_related("actuals")
        .order_by("code")
    )
    groups: dict[int, DepartmentIndicators] = {}
    for indicator in indicators:
        group = groups.setdefault(indicator.department_id, DepartmentIndicators(indicator.department))
        group.rows.append(indicator_row(indicator))
    # The plan's department order (OrgUnit.objects.departments()), read from the indicators' own
    # departments: not every unit with its teams and positions, most of which have no indicator.
    return sorted(groups.values(), key=lambda g: (g.department.order, g.department.pk))


def indicator(code: str) -> Indicator | None:
    return (
        Indicator.objects.select_related("department", "grade")
        .prefetch_related("actuals")
        .filter(code=code)
        .first()
    )


def cycle(year: int) -> EvaluationCycle | None:
    return EvaluationCycle.objects.filter(year=year).first()


@dataclass
class ChartPoint:
    x: float
    y: float
    label: str
    value: Decimal


def chart(indicator: Indicator, *, width: int = 480, height: int = 200, pad: int = 36) -> dict:
    """An SVG line chart of the quarterly actuals with the target as a dashed line."""
    actuals = sorted(indicator.actuals.all(), key=lambda a: a.quarter)
    values = [a.value for a in actuals] + ([indicator.target] if indicator.target is not None else [])
    top = max(values, default=Decimal("1")) or Decimal("1")
    top = top * Decimal("1.1")

    def y(v: Decimal) -> float:
        return round(float(height - pad - (v / top) * (height - 2 * pad)), 1)

    def x(q: int) -> float:
        return round(pad + (q - 1) * (width - 2 * pad) / 3, 1)

    points = [ChartPoint(x(a.quarter), y(a.value), a.get_quarter_display(), a.value) for a in actuals]
    return {
        "width": width,
        "height": height,
        "points": points,
        "polyline": " ".join(f"{p.x},{p.y}" for p in points),
        "target_y": y(indicator.target) if indicator.target is not None else None,
        "axis": [{"x": x(q), "label": _("%(quarter)s분기") % {"quarter": q}} for q in range(1, 5)],
        "baseline": height - pad,
        "left": pad,
        "right": width - pad,
    }
