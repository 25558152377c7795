"""XLSX import of the real pledge list (공약 목록), replacing the sample portfolio.

The first sheet, a header row, then one pledge a row. Columns (header text as written; order free):

| 열 | 필수 | 값 |
| --- | --- | --- |
| 번호 | 예 | 1 이상의 정수, 파일 안에서 겹치지 않음 |
| 코드 | 아니오 | 영문 소문자·숫자·하이픈; 비우면 ``pledge-<번호>`` |
| 공약명 | 예 | 200자 이내 |
| 구분 | 예 | 시 선도사업 / 부서 중점사업 |
| 주관부서 | 예 | 부서 코드 또는 이름 (예: smart-city, 스마트도시과) |
| 협조부서 | 아니오 | 부서 코드나 이름을 쉼표로 |
| 목표 | 아니오 | 글 |
| 사업비 | 아니오 | 원 단위 정수 또는 '50,000천원' |
| 추진상황 | 예 | 이행완료 / 올해 완료목표 / 정상추진 / 부진 / 보류 / 폐기 |
| 사유 | 부진·보류·폐기면 예 | 글 |
| 진척률 | 예 | 0–100 정수 (이행완료면 100) |
| 공개 | 아니오 | Y/N (기본 Y) |

All or nothing: every row is checked first and the errors are listed by row; nothing is written if
any row is wrong. A pledge with the same code is updated; the sample pledges are removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, BinaryIO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from openpyxl import load_workbook

from cityhall.core import audit
from cityhall.core.audit import Actor
from cityhall.core.money import MoneyError, parse_money
from cityhall.core.permissions import has_permission
from cityhall.core.records import REGISTRY
from cityhall.organisation.models import OrgUnit
from cityhall.organisation.selectors import PLANNING_STAFF

from . import services
from .models import STATUSES_NEEDING_REASON, Pledge, Status

COLUMNS = (
    "번호",
    "코드",
    "공약명",
    "구분",
    "주관부서",
    "협조부서",
    "목표",
    "사업비",
    "추진상황",
    "사유",
    "진척률",
    "공개",
)
REQUIRED = ("번호", "공약명", "구분", "주관부서", "추진상황", "진척률")


class PledgeImportError(Exception):
    """The workbook was refused; ``errors`` lists Korean messages, each naming its row."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class Row:
    line: int
    data: dict[str, Any]
    cooperating: list[OrgUnit]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value)
    return int(text) if text.lstrip("-").isdigit() else None


def _read(file: BinaryIO) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise PledgeImportError([f"XLSX 파일을 읽을 수 없습니다: {type(exc).__name__}"]) from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_text(h) for h in next(rows, ())]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise PledgeImportError([f"1행: 필수 열이 없습니다: {', '.join(missing)}"])
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise PledgeImportError([f"1행: 알 수 없는 열입니다: {', '.join(unknown)}"])
    records = []
    for line, values in enumerate(rows, start=2):
        if all(v is None or _text(v) == "" for v in values):
            continue
        records.append((line, {h: v for h, v in zip(header, values, strict=False) if h}))
    book.close()
    return header, records


def _check(records: list[tuple[int, dict[str, Any]]]) -> tuple[list[Row], list[str]]:
    units = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT))
    by_key = {u.code: u for u in units} | {u.name: u for u in units}
    errors: list[str] = []
    rows: list[Row] = []
    numbers: dict[int, int] = {}
    codes: dict[str, int] = {}
    for line, raw in records:
        problems: list[str] = []
        number = _int(raw.get("번호"))
        if number is None or number < 1:
            problems.append(f"번호 '{_text(raw.get('번호'))}'은(는) 1 이상의 정수여야 합니다.")
        elif number in numbers:
            problems.append(f"번호 {number}이(가) {numbers[number]}행과 겹칩니다.")
        else:
            numbers[number] = line
        code = _text(raw.get("코드")) or (f"pledge-{number:02d}" if number else "")
        if code and code in codes:
            problems.append(f"코드 '{code}'이(가) {codes[code]}행과 겹칩니다.")
        elif code:
            codes[code] = line
        title = _text(raw.get("공약명"))
        if not title:
            problems.append("공약명이 비어 있습니다.")
        category = services.CATEGORY_BY_LABEL.get(_text(raw.get("구분")))
        if category is None:
            problems.append(
                f"구분 '{_text(raw.get('구분'))}'은(는) 시 선도사업 또는 부서 중점사업이어야 합니다."
            )
        lead = by_key.get(_text(raw.get("주관부서")))
        if lead is None:
            problems.append(f"주관부서 '{_text(raw.get('주관부서'))}'을(를) 찾을 수 없습니다.")
        cooperating = []
        for name in filter(None, (n.strip() for n in _text(raw.get("협조부서")).split(","))):
            if name in by_key:
                cooperating.append(by_key[name])
            else:
                problems.append(f"협조부서 '{name}'을(를) 찾을 수 없습니다.")
        budget = None
        if _text(raw.get("사업비")):
            value = raw.get("사업비")
            try:
                budget = parse_money(_int(value) if _int(value) is not None else _text(value))[0]
                if budget < 0:
                    problems.append("사업비는 0 이상이어야 합니다.")
            except MoneyError as exc:
                problems.append(f"사업비: {exc}")
        status = services.STATUS_BY_LABEL.get(_text(raw.get("추진상황")))
        reason = _text(raw.get("사유"))
        progress = _int(raw.get("진척률"))
        if status is None:
            problems.append(
                f"추진상황 '{_text(raw.get('추진상황'))}'은(는) 쓸 수 없습니다. "
                f"({', '.join(str(s.label) for s in Status)})"
            )
        if progress is None or not 0 <= progress <= 100:
            problems.append("진척률은 0에서 100 사이의 정수여야 합니다.")
        elif status == Status.COMPLETED and progress != 100:
            problems.append("이행완료인 공약의 진척률은 100이어야 합니다.")
        if status in STATUSES_NEEDING_REASON and not reason:
            problems.append("부진·보류·폐기에는 사유를 적어야 합니다.")
        public_text = _text(raw.get("공개")).upper() or "Y"
        if public_text not in ("Y", "N"):
            problems.append("공개는 Y 또는 N이어야 합니다.")
        if problems:
            errors.extend(f"{line}행: {p}" for p in problems)
            continue
        rows.append(
            Row(
                line,
                {
                    "code": code,
                    "number": number,
                    "title": title,
                    "category": category,
                    "lead_department": lead,
                    "goal": _text(raw.get("목표")),
                    "budget": budget,
                    "status": status,
                    "status_reason": reason,
                    "progress": progress,
                    "public": public_text == "Y",
                    "sample": False,
                },
                cooperating,
            )
        )
    if not records:
        errors.append("2행부터 공약이 한 건도 없습니다.")
    return rows, errors


@transaction.atomic
def pledge_import_xlsx(file: BinaryIO, actor: Actor) -> int:
    """Import the real pledge list (see the module's column table); returns how many were written."""
    if actor.user is not None and not has_permission(actor.user, PLANNING_STAFF):
        raise PermissionDenied("공약 목록은 정책기획과(편집자·관리자)나 실장·관리자만 가져올 수 있습니다.")
    _, records = _read(file)
    rows, errors = _check(records)
    if not errors:
        # A number already used by a real pledge of another code would collide.
        taken = dict(Pledge.objects.filter(sample=False).values_list("number", "code"))
        for row in rows:
            other = taken.get(row.data["number"])
            if other is not None and other != row.data["code"]:
                errors.append(
                    f"{row.line}행: 번호 {row.data['number']}은(는) 이미 공약 '{other}'의 번호입니다."
                )
    if errors:
        raise PledgeImportError(errors)
    rtype = REGISTRY["pledges"]
    samples = list(Pledge.objects.filter(sample=True))
    audit.record_many(audit.event(actor, "delete", rtype, p, before=rtype.to_data(p)) for p in samples)
    Pledge.objects.filter(pk__in=[p.pk for p in samples]).delete()
    for row in rows:
        obj = Pledge.objects.filter(code=row.data["code"]).first()
        before = rtype.to_data(obj) if obj else None
        obj = obj or Pledge()
        for name, value in row.data.items():
            setattr(obj, name, value)
        services._save_audited(actor, "pledges", obj, before)
        obj.cooperating_departments.set(row.cooperating)
    return len(rows)
