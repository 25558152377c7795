"""Provenance: every value of a plan document checked against the source lines its record cites.

A record cites its own ``line``; a value that stands elsewhere is cited per field in ``lines``
(``{budget: 37, duties: [37]}``); a value the dataset infers is declared in ``derived`` with its
rule and checked against the rule instead (docs/dataset-format.md, "Provenance").

The check works on the exchange document (a bundled dataset as read, or what ``cityhall export``
writes), so a wrong line fails before anything is loaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils import translation

from .models import DERIVED_RULES
from .money import MoneyError, parse_money
from .records import REGISTRY, FieldSpec, RecordType

# Fields that say where a record came from, or how the dataset names and files it — not values of
# the source. Everything else of a record type is a value and is checked.
PROVENANCE_FIELDS = frozenset({"section", "line", "lines", "derived"})
NAMING_FIELDS = frozenset({"code", "key", "order", "level", "precision"})
# The dataset's own words, per record type: labels it writes for a stated number, the slug of the
# table a program sits in, the unit it gives a count.
DESCRIPTIVE: dict[str, frozenset[str]] = {
    "figures": frozenset({"label", "unit", "rule"}),
    "programs": frozenset({"group"}),
    "equipment": frozenset({"unit"}),
}
# Choice fields whose label the source writes (요일): checked by their Korean label.
LABELLED_CHOICES: dict[str, frozenset[str]] = {"services": frozenset({"weekday"})}
# References whose target's name stands on the citing record's line (an owner row names the person).
REFERENCE_NAMES: dict[str, dict[str, tuple[str, str]]] = {"task_owners": {"person": ("people", "name")}}
# The year a section speaks of when a record states none on its lines: section II is the 2024
# achievements (line 192, "II. 2024년도 주요성과"), the rest the plan's own year.
SECTION_YEARS = (("II", 2024),)


@dataclass(frozen=True)
class Finding:
    type_name: str
    index: int
    field: str
    value: Any
    lines: tuple[int, ...]
    message: str

    def __str__(self) -> str:
        where = ",".join(map(str, self.lines))
        return f"{self.type_name}[{self.index}].{self.field} = {self.value!r} (행 {where}): {self.message}"


# -- what a value looks like on a line ---------------------------------------------------------


def squash(text: str) -> str:
    """A flattened table's line without its layout: no whitespace, markup or bold markers."""
    text = re.sub(r"<[^>]+>", "", text).replace("**", "")
    return re.sub(r"\s+", "", text)


def spaced(text: str) -> str:
    """A line with tags gone and whitespace collapsed, so numbers keep their boundaries."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))


def _decimal_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def number_renderings(value: Any) -> list[str]:
    """How a count or a measure is written: ``1195`` → ``1,195`` or ``1195``; ``5.0`` as written."""
    if isinstance(value, str):
        value = value.strip()
        try:
            number = Decimal(value.replace(",", ""))
        except InvalidOperation:
            return [value]
        out = [value]
    else:
        number = Decimal(str(value))
        out = []
    plain = _decimal_text(number)
    out.append(plain)
    if number == number.to_integral_value():
        out.append(f"{int(number):,}")
    else:
        whole, frac = plain.split(".")
        out.append(f"{int(whole):,}.{frac}")
    return list(dict.fromkeys(out))


def money_renderings(won: int) -> list[str]:
    """How won are written: 천원 with separators (``750,548``), 백만원 (``102``), 억 (``40.2``)."""
    out = []
    if won % 1000 == 0:
        out.append(f"{won // 1000:,}")
    if won % 1_000_000 == 0:
        out.append(f"{won // 1_000_000:,}")
    if won % 1_000_000 == 0 and won >= 10_000_000:
        eok = Decimal(won) / Decimal(100_000_000)
        out.append(_decimal_text(eok))
        if eok == eok.to_integral_value():
            out.append(f"{int(eok):,}")
    if won % 10_000 == 0:
        out.append(f"{won // 10_000:,}")  # 만원 (540만원)
    return list(dict.fromkeys(out)) or [str(won)]


def year_renderings(year: int) -> list[str]:
    return [
        str(year),
        f"'{year % 100:02d}",
        f"‘{year % 100:02d}",
        f"’{year % 100:02d}",
        f"{year % 100:02d}년",
    ]


def has_number(line: str, renderings: Iterable[str]) -> bool:
    text = spaced(line)
    for r in renderings:
        if re.search(r"(?<![\d.,])" + re.escape(r) + r"(?![\d]|[.,]\d)", text):
            return True
    return False


def has_text(line: str, value: str) -> bool:
    return squash(value) in squash(line)


def text_found(lines: Sequence[str], value: str, *, header_and_cell: bool = False) -> bool:
    """A text stands whole on one cited line; parts joined with " / " (cells of one row the dataset
    keeps in one field) each on a cited line; with ``header_and_cell`` (a field citing a table's
    header line and its value line) every word on one of them."""
    if any(has_text(line, value) for line in lines):
        return True
    if " / " in value and all(any(has_text(line, part) for line in lines) for part in value.split(" / ")):
        return True
    return header_and_cell and all(any(has_text(line, word) for line in lines) for word in value.split())


# -- the document's citations ------------------------------------------------------------------


def cited_lines(record: dict, field: str) -> tuple[int, ...]:
    """The lines a record cites for ``field``: its entry in ``lines``, else the record's own line."""
    per_field = record.get("lines") or {}
    value = per_field.get(field)
    if value is None:
        return (record["line"],) if record.get("line") else ()
    if isinstance(value, int):
        return (value,)
    return tuple(value)


def _value_fields(rtype: RecordType) -> list[FieldSpec]:
    skip = PROVENANCE_FIELDS | NAMING_FIELDS | DESCRIPTIVE.get(rtype.name, frozenset())
    out = []
    for spec in rtype.fields:
        f = spec.field
        labelled = spec.name in LABELLED_CHOICES.get(rtype.name, frozenset())
        if spec.name in skip or spec.is_ref or not spec.editable or (f.choices and not labelled):
            continue
        if isinstance(f, models.BooleanField):
            continue
        out.append(spec)
    return out


def value_fields(type_name: str) -> list[str]:
    """The fields of a record type that hold values of the source (what the check looks at)."""
    return [s.name for s in _value_fields(REGISTRY[type_name])] + list(REFERENCE_NAMES.get(type_name, {}))


def _stated_won(value: Any) -> int | None:
    try:
        return parse_money(value)[0]
    except MoneyError:
        return None


def _found(rtype: RecordType, spec: FieldSpec, value: Any, lines: Sequence[str], record: dict) -> bool:
    if rtype.name == "positions" and spec.name in {"quota", "current"}:
        pair = f"{record.get('quota')}/{record.get('current')}"
        return any(pair in spaced(line).split() for line in lines)
    if spec.field.choices:
        with translation.override("ko"):
            label = str(dict(spec.field.flatchoices).get(value, value))
        return text_found(lines, label)
    if isinstance(spec.field, models.TimeField):
        hours, minutes = str(value).split(":")[:2]
        return text_found(lines, f"{int(hours):02d}:{minutes}")
    if spec.name == "year":
        return any(has_number(line, year_renderings(int(value))) for line in lines)
    if spec.is_money:
        won = _stated_won(value)
        return won is not None and any(has_number(line, money_renderings(won)) for line in lines)
    if rtype.name == "figures" and spec.name == "value":
        won = _stated_won(value) if (isinstance(value, str) and re.search(r"[원억]$", value)) else None
        if record.get("unit") == "원" and won is None:
            won = int(Decimal(str(value)))
        if won is not None:
            return any(has_number(line, money_renderings(won)) for line in lines)
        renderings = number_renderings(value)
        precision = Decimal(str(record.get("precision") or 1))
        if precision < 1 and not isinstance(value, str):  # 5.0 as exported keeps its written decimals
            renderings.append(format(Decimal(str(value)).quantize(precision), "f"))
        if record.get("unit") == "%":
            return any(any(squash(r + "%") in squash(line) for r in renderings) for line in lines)
        return any(has_number(line, renderings) for line in lines)
    if isinstance(spec.field, (models.IntegerField, models.DecimalField)):
        renderings = number_renderings(value)
        if spec.name == "percent":
            return any(any(squash(r + "%") in squash(line) for r in renderings) for line in lines)
        return any(has_number(line, renderings) for line in lines)
    header_and_cell = isinstance((record.get("lines") or {}).get(spec.name), list) and len(lines) > 1
    if isinstance(spec.field, models.JSONField):
        items = value if isinstance(value, list) else [value]
        return all(text_found(lines, str(item)) for item in items)
    return text_found(lines, str(value), header_and_cell=header_and_cell)


def _default_year(record: dict, document_year: int | None) -> int | None:
    section = str(record.get("section") or "")
    for prefix, year in SECTION_YEARS:
        if section == prefix or section.startswith(prefix + "."):
            return year
    return document_year


def check_document(doc: dict, source: Sequence[str]) -> list[Finding]:
    """Every value of every record against its cited lines (or its declared rule)."""
    findings: list[Finding] = []
    document_year = (doc.get("document") or {}).get("year")
    for name, rtype in REGISTRY.items():
        records = doc.get(name) or []
        fields = _value_fields(rtype)
        field_names = {s.name for s in rtype.fields}
        for index, record in enumerate(records):
            if not isinstance(record, dict) or not record.get("line"):
                continue
            for key in list(record.get("lines") or {}) + list(record.get("derived") or {}):
                if key not in field_names:
                    findings.append(Finding(name, index, key, None, (), "알 수 없는 필드를 인용합니다."))
            derived = record.get("derived") or {}
            for spec in fields:
                value = record.get(spec.name)
                if value in (None, "", []):
                    continue
                lines = cited_lines(record, spec.name)
                if spec.name in derived:
                    problem = check_rule(doc, source, name, record, spec.name, derived[spec.name])
                    if problem:
                        findings.append(Finding(name, index, spec.name, value, lines, problem))
                    continue
                texts = [source[n - 1] for n in lines if 0 < n <= len(source)]
                if len(texts) != len(lines):
                    findings.append(Finding(name, index, spec.name, value, lines, "원문에 없는 행입니다."))
                    continue
                if spec.name == "year" and "year" not in (record.get("lines") or {}):
                    if value == _default_year(record, document_year):
                        continue
                if not _found(rtype, spec, value, texts, record):
                    findings.append(
                        Finding(name, index, spec.name, value, lines, "인용한 행에 이 값이 없습니다.")
                    )
            for field_name, (target, name_field) in REFERENCE_NAMES.get(name, {}).items():
                names = [
                    r.get(name_field)
                    for r in doc.get(target) or []
                    if r.get("code") == record.get(field_name)
                ]
                lines = cited_lines(record, field_name)
                texts = [source[n - 1] for n in lines if 0 < n <= len(source)]
                if len(names) != 1 or not text_found(texts, str(names[0])):
                    findings.append(
                        Finding(
                            name,
                            index,
                            field_name,
                            record.get(field_name),
                            lines,
                            "인용한 행에 이 이름이 없습니다.",
                        )
                    )
            for field_name, rule in derived.items():
                if field_name in {s.name for s in fields} or field_name not in field_names:
                    continue
                # A derived reference or descriptive field (a parent, a label): checked by its rule.
                problem = check_rule(doc, source, name, record, field_name, rule)
                if problem:
                    findings.append(
                        Finding(
                            name,
                            index,
                            field_name,
                            record.get(field_name),
                            cited_lines(record, field_name),
                            problem,
                        )
                    )
    return findings


# -- derived values ----------------------------------------------------------------------------


def _term_value(term: Any) -> Decimal:
    won = _stated_won(term) if isinstance(term, str) and re.search(r"[원억]$", term) else None
    if won is not None:
        return Decimal(won)
    return Decimal(str(term).replace(",", ""))


def _term_renderings(term: Any) -> list[str]:
    if isinstance(term, str) and re.search(r"[원억]$", term):
        return money_renderings(parse_money(term)[0])
    return number_renderings(term)


def check_rule(doc: dict, source: Sequence[str], type_name: str, record: dict, field: str, rule: Any) -> str:
    """'' when the derived value follows from its rule, else what is wrong."""
    if not isinstance(rule, dict) or rule.get("rule") not in DERIVED_RULES:
        return f"규칙은 {', '.join(DERIVED_RULES)} 중 하나여야 합니다."
    kind = rule["rule"]
    value = record.get(field)
    if not str(rule.get("reason") or "").strip():
        return "추론 근거(reason)가 없습니다."
    if kind == "merged_cell":
        line = rule.get("line")
        if not isinstance(line, int) or not 0 < line <= len(source):
            return "병합 셀의 행(line)이 없습니다."
        rtype = REGISTRY[type_name]
        spec = rtype.spec(field)
        if not _found(rtype, spec, value, [source[line - 1]], record):
            return f"병합 셀 {line}행에 이 값이 없습니다."
        return ""
    if kind in {"sum", "difference"}:
        terms = rule.get("terms")
        if not isinstance(terms, list) or len(terms) < 2:
            return "항(terms)이 둘 이상 있어야 합니다."
        lines = rule.get("lines") or list(cited_lines(record, field))
        texts = [source[n - 1] for n in lines if 0 < n <= len(source)]
        for term in terms:
            if not any(has_number(t, _term_renderings(term)) for t in texts):
                return f"항 {term}이(가) {', '.join(map(str, lines))}행에 없습니다."
        numbers = [_term_value(t) for t in terms]
        result = sum(numbers) if kind == "sum" else numbers[0] - sum(numbers[1:])
        if _term_value(value) != result:
            return f"규칙의 결과 {result}이(가) 값과 다릅니다."
        return ""
    if kind == "children_sum":
        of = rule.get("of")
        parent_code = value
        parents = [r for r in doc.get(type_name, []) if r.get("code") == parent_code]
        if len(parents) != 1 or not of:
            return "상위 기록이나 합산할 필드(of)가 없습니다."
        children = [r for r in doc.get(type_name, []) if r.get(field) == parent_code]
        total = sum(_term_value(c.get(of)) for c in children if c.get(of) not in (None, ""))
        if total != _term_value(parents[0].get(of)):
            return f"하위 기록의 {of} 합계 {total}이(가) 상위 기록의 값과 다릅니다."
        return ""
    return ""  # inferred: declared with its reason, nothing to recompute
