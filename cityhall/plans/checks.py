"""The plan consistency check: every figure the plan states twice — totals against their rows, splits
against their totals, percentages against their counts, counts against the lists they count, and
restatements of one fact — is recomputed and compared (``cityhall check-plan``).

Figures carry a small check expression (docs/dataset-format.md); records are checked by the rules their
apps register (``register_rule``), e.g. the budget app's funding splits and program parts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Sum

from cityhall.core.money import format_thousand_won
from cityhall.core.records import REGISTRY

from .expressions import (
    FIGURE_OPS,
    NOTE,
    RECORD_OPS,
    CheckError,
    decimal_of,
    record_target,
    validate_check,
    where_lookups,
)
from .models import Figure


@dataclass(frozen=True)
class Mismatch:
    rule: str
    key: str
    label: str
    section: str
    line: int | None
    stated: str
    expected: str
    message: str
    severity: str = "error"  # or "note": reported for a reader, never a failure of the check

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = f"{self.line}행" if self.line else "-"
        values = f"기재 {self.stated}, 계산 {self.expected}"
        return f"[{where} {self.section}] {self.label}: {values} — {self.message}"


class _Evaluator:
    def __init__(self) -> None:
        self.by_key: dict[str, list[Figure]] = defaultdict(list)
        for figure in Figure.objects.order_by("line", "id"):
            self.by_key[figure.key].append(figure)

    def figure_value(self, key: str) -> Decimal:
        statements = self.by_key.get(key)
        if not statements:
            raise CheckError(f"수치 키 '{key}'가 없습니다.")
        # The most precise statement stands for the fact.
        return min(statements, key=lambda f: f.precision).value

    def evaluate(self, check: dict[str, Any]) -> Decimal:
        validate_check(check)
        op = next(iter(set(check) & (RECORD_OPS | FIGURE_OPS)))
        arg = check[op]
        if op in RECORD_OPS:
            rtype, field = record_target(arg, op)
            qs = rtype.model._default_manager.filter(**where_lookups(rtype, check.get("where")))
            if op == "count":
                return Decimal(qs.count())
            if op == "sum":
                return Decimal(qs.aggregate(total=Sum(field))["total"] or 0)
            values = list(qs.values_list(field, flat=True)[:2])
            if len(values) != 1:
                raise CheckError(f"value: 조건에 맞는 기록이 {'없습니다' if not values else '여럿입니다'}.")
            return Decimal(values[0] if values[0] is not None else 0)
        if op == "sum_of":
            return sum((self.figure_value(k) for k in arg), Decimal(0))
        if op == "difference":
            return self.figure_value(arg[0]) - self.figure_value(arg[1])
        if op == "percent":
            whole = self.figure_value(arg[1])
            if whole == 0:
                raise CheckError("percent: 전체가 0입니다.")
            return Decimal(100) * self.figure_value(arg[0]) / whole
        return self.figure_value(arg[0]) * decimal_of(arg[1])


def agrees(stated: Decimal, computed: Decimal, precision: Decimal, *, approximate: bool = False) -> bool:
    """Does a value written to ``precision`` state ``computed``? Rounded or truncated both count,
    as documents do either (39.4% for 39.498%)."""
    if stated == computed:
        return True
    if approximate:
        return abs(stated - computed) <= max(precision, abs(computed) * Decimal("0.05"))
    if precision <= 0:
        return False
    steps = computed / precision
    candidates = {
        steps.quantize(Decimal(1), rounding=ROUND_HALF_UP) * precision,
        steps.quantize(Decimal(1), rounding=ROUND_DOWN) * precision,
    }
    return stated in candidates


def _show(value: Decimal, unit: str) -> str:
    if unit == "원":
        return f"{format_thousand_won(int(value))}천원"
    if value == value.to_integral_value():
        return f"{int(value):,}{unit}"
    text = f"{value.quantize(Decimal('0.001')):,f}".rstrip("0").rstrip(".")
    return f"{text}{unit}"


def _figure_mismatch(rule: str, figure: Figure, expected: str, message: str) -> Mismatch:
    return Mismatch(
        rule=rule,
        key=figure.key,
        label=figure.label,
        section=figure.section,
        line=figure.line,
        stated=_show(figure.value, figure.unit),
        expected=expected,
        message=message,
    )


def check_figures() -> list[Mismatch]:
    evaluator = _Evaluator()
    found: list[Mismatch] = []
    for statements in evaluator.by_key.values():
        reference = min(statements, key=lambda f: f.precision)
        for figure in statements:
            if figure is not reference and not agrees(
                figure.value, reference.value, figure.precision, approximate=figure.approximate
            ):
                found.append(
                    _figure_mismatch(
                        "restatement",
                        figure,
                        _show(reference.value, reference.unit),
                        f"{reference.line}행에 같은 수치가 다르게 적혀 있습니다.",
                    )
                )
            if figure.rule is None or is_note(figure.rule):
                continue
            try:
                computed = evaluator.evaluate(figure.rule)
            except (CheckError, ValidationError) as exc:
                found.append(_figure_mismatch("invalid-check", figure, "-", f"검증식 오류: {exc}"))
                continue
            if not agrees(figure.value, computed, figure.precision, approximate=figure.approximate):
                found.append(
                    _figure_mismatch(
                        "figure", figure, _show(computed, figure.unit), _describe(figure.rule, evaluator)
                    )
                )
    return found


def _describe(rule: dict[str, Any], evaluator: _Evaluator) -> str:
    """Say in words what the stated figure was compared with (for the people reading the report)."""
    op = next(iter(set(rule) & (RECORD_OPS | FIGURE_OPS)))
    arg = rule[op]
    if op in RECORD_OPS:
        type_name, _, field = arg.partition(".")
        rtype = REGISTRY[type_name]
        head = field.split("__")[0]
        name = str(rtype.spec(head).field.verbose_name) if field else ""
        counted = rtype.model._default_manager.filter(**where_lookups(rtype, rule.get("where"))).count()
        what = {"count": "건수", "sum": f"'{name}' 합계", "value": f"'{name}' 값"}[op]
        return f"해당 {rtype.label} {counted}건의 {what}와(과) 다릅니다."

    def label(key: str) -> str:
        statements = evaluator.by_key.get(key)
        return statements[0].label if statements else key

    keys = arg if op != "product" else arg[:1]
    names = ", ".join(label(k) for k in keys)
    what = {
        "sum_of": "의 합",
        "difference": "의 차",
        "percent": "로 계산한 비율",
        "product": f" × {arg[-1]}",
    }[op]
    return f"{names}{what}와(과) 다릅니다."


# -- record rules -----------------------------------------------------------------------------

# Checks of records beyond the figures (e.g. a program's funding split against its budget): the app that
# owns the records registers its rule in AppConfig.ready; each returns its mismatches.
RecordRule = Callable[[], list[Mismatch]]
RULES: list[RecordRule] = []


def register_rule(rule: RecordRule) -> None:
    if rule not in RULES:
        RULES.append(rule)


def check_plan() -> list[Mismatch]:
    """Every inconsistency of the loaded plan, in source order."""
    found = check_figures()
    for rule in RULES:
        found += rule()
    return sorted(found, key=lambda m: (m.line or 0, m.rule, m.key))


# -- notes ----------------------------------------------------------------------------------------


def is_note(rule: Any) -> bool:
    return isinstance(rule, dict) and rule.get("severity") == NOTE


def plan_notes() -> list[Mismatch]:
    """Statements the plan makes that differ for a reason it does not give (주민참여예산 위원회's 45
    members beside the 42 of its 3rd term): reported beside the check, never making it fail."""
    evaluator = _Evaluator()
    found: list[Mismatch] = []
    for statements in evaluator.by_key.values():
        for figure in statements:
            if not is_note(figure.rule):
                continue
            try:
                computed = evaluator.evaluate(figure.rule)
            except (CheckError, ValidationError) as exc:
                found.append(_figure_mismatch("invalid-check", figure, "-", f"검증식 오류: {exc}"))
                continue
            if not agrees(figure.value, computed, figure.precision, approximate=figure.approximate):
                mismatch = _figure_mismatch(
                    NOTE,
                    figure,
                    _show(computed, figure.unit),
                    _describe(figure.rule, evaluator) + " 오류가 아니라 참고로 알립니다.",
                )
                found.append(replace(mismatch, severity=NOTE))
    return sorted(found, key=lambda m: (m.line or 0, m.rule, m.key))
