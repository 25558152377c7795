"""The plan consistency check: every figure the plan states twice — totals against their rows, splits
against their totals, percentages against their counts, counts against the lists they count, and
restatements of one fact — is recomputed and compared (``cityhall check-plan``).

Figures carry a small check expression (docs/dataset-format.md); records are checked by the rules their
apps register (``register_rule``), e.g. the budget app's funding splits and program parts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Sum

from cityhall.core.money import format_thousand_won
from cityhall.core.records import REGISTRY, RecordType

from .models import Figure

RECORD_OPS = {"count", "sum", "value"}
FIGURE_OPS = {"sum_of", "difference", "percent", "product"}


class CheckError(ValueError):
    pass


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

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = f"{self.line}행" if self.line else "-"
        values = f"기재 {self.stated}, 계산 {self.expected}"
        return f"[{where} {self.section}] {self.label}: {values} — {self.message}"


# -- the check expression ------------------------------------------------------------------------


def _lookup(rtype: RecordType, name: str) -> str:
    """Translate a format-level field name (refs by code, ``ref__field``) to an ORM lookup."""
    head, _, rest = name.partition("__")
    try:
        spec = rtype.spec(head)
    except KeyError as exc:
        raise CheckError(f"{rtype.name}에 '{head}' 필드가 없습니다.") from exc
    if not spec.is_ref:
        if rest:
            raise CheckError(f"'{name}': 참조가 아닌 필드 '{head}' 뒤에는 __를 쓸 수 없습니다.")
        return head
    target = REGISTRY[spec.target]
    inner = rest or target.key
    if inner is None:
        raise CheckError(f"'{name}': {target.name}에는 코드가 없습니다.")
    try:
        inner_spec = target.spec(inner)
    except KeyError as exc:
        raise CheckError(f"{target.name}에 '{inner}' 필드가 없습니다.") from exc
    if inner_spec.is_ref:
        raise CheckError(f"'{name}': 참조는 한 단계만 따라갈 수 있습니다.")
    return f"{head}__{inner}"


def _where(rtype: RecordType, where: Any) -> dict[str, Any]:
    if where is None:
        return {}
    if not isinstance(where, dict):
        raise CheckError("where는 객체여야 합니다.")
    lookups = {}
    for name, value in where.items():
        base, in_list = (name[:-4], True) if name.endswith("__in") else (name, False)
        if in_list and not isinstance(value, list):
            raise CheckError(f"'{name}'에는 목록을 씁니다.")
        lookups[_lookup(rtype, base) + ("__in" if in_list else "")] = value
    return lookups


def _record_target(expr: str, op: str) -> tuple[RecordType, str | None]:
    if not isinstance(expr, str):
        raise CheckError(f"{op}: 기록 유형 이름이 필요합니다.")
    type_name, _, field = expr.partition(".")
    rtype = REGISTRY.get(type_name)
    if rtype is None:
        raise CheckError(f"{op}: 알 수 없는 기록 유형 '{type_name}'")
    if op == "count":
        if field:
            raise CheckError("count에는 필드를 쓰지 않습니다.")
        return rtype, None
    if not field:
        raise CheckError(f"{op}: '<기록 유형>.<필드>' 형식이어야 합니다.")
    return rtype, _lookup(rtype, field)


def validate_check(check: Any) -> None:
    """Raise CheckError unless ``check`` is a well-formed expression (figure keys are checked later)."""
    if check is None:
        return
    if not isinstance(check, dict):
        raise CheckError("검증식은 객체여야 합니다.")
    ops = set(check) & (RECORD_OPS | FIGURE_OPS)
    if len(ops) != 1:
        raise CheckError(f"검증식에는 {', '.join(sorted(RECORD_OPS | FIGURE_OPS))} 중 하나만 씁니다.")
    op = ops.pop()
    extra = set(check) - {op, "where"}
    if extra or ("where" in check and op not in RECORD_OPS):
        raise CheckError(f"검증식에 쓸 수 없는 항목: {', '.join(sorted(extra or {'where'}))}")
    arg = check[op]
    if op in RECORD_OPS:
        rtype, _ = _record_target(arg, op)
        _where(rtype, check.get("where"))
        return
    if op == "sum_of":
        if not (isinstance(arg, list) and arg and all(isinstance(k, str) for k in arg)):
            raise CheckError("sum_of에는 수치 키의 목록을 씁니다.")
    elif op in {"difference", "percent"}:
        if not (isinstance(arg, list) and len(arg) == 2 and all(isinstance(k, str) for k in arg)):
            raise CheckError(f"{op}에는 수치 키 두 개를 씁니다.")
    elif op == "product":
        if not (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str)):
            raise CheckError("product에는 [수치 키, 곱할 수]를 씁니다.")
        _decimal(arg[1])


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CheckError("숫자가 아닙니다.")
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise CheckError(f"'{value}'은(는) 숫자가 아닙니다.") from exc


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
            rtype, field = _record_target(arg, op)
            qs = rtype.model._default_manager.filter(**_where(rtype, check.get("where")))
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
        return self.figure_value(arg[0]) * _decimal(arg[1])


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
            if figure.rule is None:
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
        counted = rtype.model._default_manager.filter(**_where(rtype, rule.get("where"))).count()
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
