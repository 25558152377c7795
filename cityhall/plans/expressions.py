"""The check expression a stated figure carries (docs/dataset-format.md): its vocabulary and its
validation. Kept apart from the plan check, which reads the records, so that the figure model can
validate its expression without importing the check."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from cityhall.core.records import REGISTRY, RecordType

RECORD_OPS = {"count", "sum", "value"}
FIGURE_OPS = {"sum_of", "difference", "percent", "product"}
# A rule marked ``severity: note`` compares two statements that may differ for a reason the plan does
# not give; a difference is a note for the reader (plan_notes), not an inconsistency.
NOTE = "note"


class CheckError(ValueError):
    pass


def lookup_of(rtype: RecordType, name: str) -> str:
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


def where_lookups(rtype: RecordType, where: Any) -> dict[str, Any]:
    if where is None:
        return {}
    if not isinstance(where, dict):
        raise CheckError("where는 객체여야 합니다.")
    lookups = {}
    for name, value in where.items():
        base, in_list = (name[:-4], True) if name.endswith("__in") else (name, False)
        if in_list and not isinstance(value, list):
            raise CheckError(f"'{name}'에는 목록을 씁니다.")
        lookups[lookup_of(rtype, base) + ("__in" if in_list else "")] = value
    return lookups


def record_target(expr: str, op: str) -> tuple[RecordType, str | None]:
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
    return rtype, lookup_of(rtype, field)


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
    extra = set(check) - {op, "where", "severity"}
    if check.get("severity", NOTE) != NOTE:
        raise CheckError(f"severity에는 '{NOTE}'만 씁니다.")
    if extra or ("where" in check and op not in RECORD_OPS):
        raise CheckError(f"검증식에 쓸 수 없는 항목: {', '.join(sorted(extra or {'where'}))}")
    arg = check[op]
    if op in RECORD_OPS:
        rtype, _ = record_target(arg, op)
        where_lookups(rtype, check.get("where"))
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
        decimal_of(arg[1])


def decimal_of(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CheckError("숫자가 아닙니다.")
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise CheckError(f"'{value}'은(는) 숫자가 아닙니다.") from exc
