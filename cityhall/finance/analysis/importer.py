"""Peer-data import (재정분석 유형 자치단체 비교): the peer cities' values of the year's indicators, from
an XLSX or CSV file (UTF-8 or CP949), read like the ledger import.

| 열 | 값 |
| --- | --- |
| 지표코드 | the code of one of the year's 재정분석 indicators |
| 자치단체 | the peer city's name (not the city itself), once per indicator |
| 값 | a number (up to two decimals; thousands commas allowed) |

All or nothing: every row is checked first and every error is listed by its row; nothing is written
if any row is wrong. An import replaces the year's peer values of the indicators it names, and is
audited on each of those indicators (rows, file, who)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from cityhall.core import audit
from cityhall.core.audit import Actor
from cityhall.core.records import REGISTRY
from cityhall.core.services import RecordInvalid

from ..execution.importer import ExecutionImportError, cell_text, read_table
from ..models import FiscalIndicator, PeerValue
from ..services import require_budget_staff

COLUMNS = ("지표코드", "자치단체", "값")
OWN_CITY = "김포시"
MAX_ERRORS = 200


class PeerImportError(RecordInvalid):
    """The file was refused; ``rows`` lists Korean messages, each naming its row."""

    def __init__(self, rows: list[str]):
        super().__init__({"file": rows})
        self.rows = rows


@dataclass
class PeerImportResult:
    year: int
    rows: int
    indicators: int
    replaced: int


def _value(raw) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    text = cell_text(raw).replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")) or abs(value) >= Decimal(10) ** 8:
        return None
    return value


@transaction.atomic
def peer_import(*, year: int, content: bytes, file_name: str, actor: Actor) -> PeerImportResult:
    require_budget_staff(actor, _("비교 자치단체 자료 가져오기"))
    indicators = {i.code: i for i in FiscalIndicator.objects.filter(year=year)}
    if not indicators:
        raise PeerImportError(
            [_("%(year)d년 재정분석 지표가 없습니다. 먼저 지표를 등록하세요.") % {"year": year}]
        )
    try:
        raw = read_table(content)
    except ExecutionImportError as exc:
        raise PeerImportError(exc.rows) from exc
    if not raw:
        raise PeerImportError([_("파일이 비어 있습니다.")])
    header = [cell_text(h) for h in raw[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise PeerImportError([_("1행: 필수 열이 없습니다: %(columns)s") % {"columns": ", ".join(missing)}])
    index = {name: header.index(name) for name in COLUMNS}
    errors: list[str] = []
    rows: list[PeerValue] = []
    seen: dict[tuple[str, str], int] = {}
    for number, values in enumerate(raw[1:], start=2):
        if all(cell_text(v) == "" for v in values):
            continue
        cell = {name: (values[i] if i < len(values) else None) for name, i in index.items()}
        code, city = cell_text(cell["지표코드"]), cell_text(cell["자치단체"])
        problems = []
        indicator = indicators.get(code)
        if not code:
            problems.append(_("지표코드가 비어 있습니다"))
        elif indicator is None:
            problems.append(
                _("%(year)d년 지표에 '%(code)s'이(가) 없습니다") % {"year": year, "code": code[:30]}
            )
        if not city:
            problems.append(_("자치단체가 비어 있습니다"))
        elif len(city) > 50:
            problems.append(_("자치단체 이름은 50자 이하입니다"))
        elif city == OWN_CITY:
            problems.append(_("우리 시의 값은 지표에 있습니다 (비교 자치단체만 넣으세요)"))
        value = _value(cell["값"])
        if value is None:
            problems.append(
                _("값 '%(raw)s'이(가) 숫자가 아닙니다 (소수 둘째 자리까지)")
                % {"raw": cell_text(cell["값"])[:20]}
            )
        if code and city and (code, city) in seen:
            problems.append(_("%(first)d행과 같은 지표·자치단체입니다") % {"first": seen[(code, city)]})
        seen.setdefault((code, city), number)
        if problems:
            errors.append(_("%(row)d행: %(problems)s") % {"row": number, "problems": "; ".join(problems)})
            if len(errors) >= MAX_ERRORS:
                errors.append(_("오류가 많아 %(n)d개까지만 보입니다.") % {"n": MAX_ERRORS})
                break
            continue
        rows.append(
            PeerValue(indicator=indicator, city=city, value=value, source_file=file_name[:200], row=number)
        )
    if not rows and not errors:
        errors.append(_("자료 행이 없습니다."))
    if errors:
        raise PeerImportError(errors)
    touched = {r.indicator_id for r in rows}
    # Two imports naming the same indicators queue up here (in id order), so neither half-replaces.
    list(FiscalIndicator.objects.select_for_update().filter(pk__in=touched).order_by("pk"))
    replaced, _detail = PeerValue.objects.filter(indicator_id__in=touched).delete()
    PeerValue.objects.bulk_create(rows)
    rtype = REGISTRY["fiscal_indicators"]
    for indicator in indicators.values():
        if indicator.pk in touched:
            count = sum(1 for r in rows if r.indicator_id == indicator.pk)
            audit.record(
                actor, "update", rtype, indicator, after={"peer_values": count, "file": file_name[:200]}
            )
    return PeerImportResult(year, len(rows), len(touched), replaced)
