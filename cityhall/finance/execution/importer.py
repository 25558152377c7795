"""Monthly execution read from the ledger's export (e-호조 집행현황), XLSX or CSV.

One file is one month of one fiscal year: a header row, then one budget line (예산과목) a row.
Columns (header text as written; order free; all required):

| 열 | 값 |
| --- | --- |
| 과목코드 | the line's code in the ledger, unique in the file |
| 회계 | 일반회계, or the name of a 특별회계 (ends in 특별회계) |
| 분야, 부문 | the functional classification |
| 정책사업, 단위사업, 세부사업 | the program structure |
| 부서 | the department's name (an office unit is linked; any other name is kept as written) |
| 재원 | 국비 / 도비 / 시비 / 특별교부세 / 특별조정교부금 |
| 성질 | 소비 / 투자 / 기타 |
| 예산현액 | won, as of the month (integer; thousands separators allowed) |
| 집행액 | won executed in the month (not the running total) |

A last row whose 과목코드 is ``합계`` is the file's own total: its 예산현액 and 집행액 must equal the
sums of the rows. All or nothing: every row is checked first and the errors are listed by row; nothing
is written if any row is wrong. A re-import of a month replaces that month's rows only; a closed
month is refused. The import is audited as one event on the month (rows, totals, file, who).
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cityhall.core import audit
from cityhall.core.audit import Actor
from cityhall.core.records import REGISTRY
from cityhall.core.services import RecordInvalid
from cityhall.organisation.models import OrgUnit

from ..choices import AccountKind, Level, MonthState, Nature, Source
from ..models import Account, BudgetLine, BudgetProgram, Execution, ExecutionMonth, Sector
from ..services import require_budget_staff

COLUMNS = (
    "과목코드",
    "회계",
    "분야",
    "부문",
    "정책사업",
    "단위사업",
    "세부사업",
    "부서",
    "재원",
    "성질",
    "예산현액",
    "집행액",
)
TOTAL_CODE = "합계"
SOURCES = {str(label): value for value, label in Source.choices}
NATURES = {str(label): value for value, label in Nature.choices}
MAX_ERRORS = 200  # a wholly wrong file lists its first problems, not thousands


class ExecutionImportError(RecordInvalid):
    """The file was refused; ``rows`` lists Korean messages, each naming its row."""

    def __init__(self, rows: list[str]):
        super().__init__({"file": rows})
        self.rows = rows


@dataclass
class Row:
    line: int
    code: str
    account: str
    field: str
    sector: str
    policy: str
    unit: str
    detail: str
    department: str
    source: str
    nature: str
    budget: int
    executed: int


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _won(value: Any) -> int | None:
    """A non-negative integer amount in won; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    text = _text(value).replace(",", "")
    return int(text) if text.isdigit() else None


def _rows_of_xlsx(content: bytes) -> list[tuple[Any, ...]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ExecutionImportError(
            [_("XLSX 파일을 읽을 수 없습니다: %(kind)s") % {"kind": type(exc).__name__}]
        ) from exc
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return rows


def _rows_of_csv(content: bytes) -> list[tuple[Any, ...]]:
    for encoding in ("utf-8-sig", "cp949"):  # the ledger writes CP949; spreadsheets save UTF-8
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return [tuple(r) for r in csv.reader(io.StringIO(text))]
    raise ExecutionImportError([_("CSV 파일의 글자 인코딩을 알 수 없습니다 (UTF-8 또는 CP949).")])


def read_table(content: bytes) -> list[tuple[Any, ...]]:
    """The rows of an XLSX (first sheet) or CSV (UTF-8 or CP949) file, as cells; a file that cannot be
    read raises ``ExecutionImportError`` with the reason. Also read by the peer-data import."""
    return _rows_of_xlsx(content) if content[:2] == b"PK" else _rows_of_csv(content)


def cell_text(value: Any) -> str:
    return _text(value)


def read_rows(content: bytes) -> tuple[list[Row], list[str]]:
    """Parse and check every row; returns the rows and the errors (by row)."""
    raw = read_table(content)
    if not raw:
        return [], [_("파일이 비어 있습니다.")]
    header = [_text(h) for h in raw[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [_("1행: 필수 열이 없습니다: %(columns)s") % {"columns": ", ".join(missing)}]
    index = {name: header.index(name) for name in COLUMNS}
    errors: list[str] = []
    rows: list[Row] = []
    seen: dict[str, int] = {}
    total: tuple[int, Any, Any] | None = None
    for number, values in enumerate(raw[1:], start=2):
        if all(_text(v) == "" for v in values):
            continue
        cell = {name: (values[i] if i < len(values) else None) for name, i in index.items()}
        code = _text(cell["과목코드"])
        if code == TOTAL_CODE:
            total = (number, cell["예산현액"], cell["집행액"])
            continue
        if total is not None:
            errors.append(_("%(row)d행: 합계 행 다음에는 행이 없어야 합니다.") % {"row": number})
        problems: list[str] = []
        if not code:
            problems.append(_("과목코드가 비어 있습니다."))
        elif code in seen:
            problems.append(
                _("과목코드 '%(code)s'이(가) %(other)d행과 겹칩니다.") % {"code": code, "other": seen[code]}
            )
        else:
            seen[code] = number
        texts = {
            name: _text(cell[name])[:200]
            for name in ("회계", "분야", "부문", "정책사업", "단위사업", "세부사업", "부서")
        }
        for name, value in texts.items():
            if not value:
                problems.append(_("%(column)s이(가) 비어 있습니다.") % {"column": name})
        source = SOURCES.get(_text(cell["재원"]))
        if source is None:
            problems.append(
                _("재원 '%(value)s'은(는) 쓸 수 없습니다 (%(choices)s).")
                % {"value": _text(cell["재원"]), "choices": ", ".join(SOURCES)}
            )
        nature = NATURES.get(_text(cell["성질"]))
        if nature is None:
            problems.append(
                _("성질 '%(value)s'은(는) 소비·투자·기타 중 하나여야 합니다.")
                % {"value": _text(cell["성질"])}
            )
        budget, executed = _won(cell["예산현액"]), _won(cell["집행액"])
        if budget is None:
            problems.append(
                _("예산현액 '%(value)s'은(는) 0 이상의 원 단위 정수여야 합니다.")
                % {"value": _text(cell["예산현액"])}
            )
        if executed is None:
            problems.append(
                _("집행액 '%(value)s'은(는) 0 이상의 원 단위 정수여야 합니다.")
                % {"value": _text(cell["집행액"])}
            )
        if problems:
            errors.extend(f"{number}행: {p}" for p in problems)
            if len(errors) >= MAX_ERRORS:
                errors.append(_("오류가 많아 %(count)d건까지만 보입니다.") % {"count": MAX_ERRORS})
                return rows, errors
            continue
        rows.append(
            Row(
                number,
                code,
                texts["회계"],
                texts["분야"],
                texts["부문"],
                texts["정책사업"],
                texts["단위사업"],
                texts["세부사업"],
                texts["부서"],
                source,
                nature,
                budget,
                executed,
            )
        )
    if not rows and not errors:
        errors.append(_("2행부터 예산과목이 한 건도 없습니다."))
    if total is not None and not errors:
        number, budget, executed = total
        sums = (sum(r.budget for r in rows), sum(r.executed for r in rows))
        for label, stated, summed in ((_("예산현액"), budget, sums[0]), (_("집행액"), executed, sums[1])):
            if _won(stated) != summed:
                errors.append(
                    _("%(row)d행: 합계의 %(column)s %(stated)s원이 행의 합 %(summed)s원과 다릅니다.")
                    % {"row": number, "column": label, "stated": _text(stated), "summed": f"{summed:,}"}
                )
    return rows, errors


def _key(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()[:16]  # a name


@dataclass
class ImportResult:
    month: ExecutionMonth
    rows: int
    replaced: int
    new_lines: int


def _structure(rows: list[Row], *, sample: bool) -> dict[str, BudgetProgram]:
    """Accounts, 분야·부문 and the program tree the rows name, created when new; detail code -> 세부사업."""
    accounts = {r.account: f"acct-{_key(r.account)}" for r in rows}
    existing = {a.code: a for a in Account.objects.filter(code__in=accounts.values())}
    new = [
        Account(
            code=code,
            name=name,
            kind=AccountKind.SPECIAL if name.endswith("특별회계") else AccountKind.GENERAL,
        )
        for name, code in accounts.items()
        if code not in existing
    ]
    Account.objects.bulk_create(new, ignore_conflicts=True)
    account_by_code = {a.code: a for a in Account.objects.filter(code__in=accounts.values())}

    fields = {r.field: f"sec-{_key(r.field)}" for r in rows}
    sectors = {(r.field, r.sector): f"sec-{_key(r.field, r.sector)}" for r in rows}
    have = set(
        Sector.objects.filter(code__in=[*fields.values(), *sectors.values()]).values_list("code", flat=True)
    )
    Sector.objects.bulk_create(
        [Sector(code=c, name=n) for n, c in fields.items() if c not in have], ignore_conflicts=True
    )
    field_by_code = {s.code: s for s in Sector.objects.filter(code__in=fields.values())}
    Sector.objects.bulk_create(
        [
            Sector(code=c, name=s, parent=field_by_code[fields[f]])
            for (f, s), c in sectors.items()
            if c not in have
        ],
        ignore_conflicts=True,
    )
    sector_by_code = {s.code: s for s in Sector.objects.filter(code__in=sectors.values())}

    units = OrgUnit.objects.filter(kind__in=[OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.TEAM])
    unit_by_name = {u.name: u for u in units}

    levels = (
        (Level.POLICY, lambda r: (r.account, r.policy), lambda r: None),
        (Level.UNIT, lambda r: (r.account, r.policy, r.unit), lambda r: (r.account, r.policy)),
        (
            Level.DETAIL,
            lambda r: (r.account, r.policy, r.unit, r.detail),
            lambda r: (r.account, r.policy, r.unit),
        ),
    )
    by_path: dict[tuple[str, ...], BudgetProgram] = {}
    for level, path_of, parent_of in levels:
        wanted: dict[str, Row] = {}
        for r in rows:
            wanted.setdefault(f"{level[0]}-{_key(*path_of(r))}", r)
        found = {p.code: p for p in BudgetProgram.objects.filter(code__in=wanted)}
        new_programs = []
        for code, r in wanted.items():
            if code in found:
                continue
            parent_path = parent_of(r)
            unit = unit_by_name.get(r.department)
            new_programs.append(
                BudgetProgram(
                    code=code,
                    name=path_of(r)[-1],
                    level=level,
                    parent=by_path[parent_path] if parent_path else None,
                    department=unit,
                    department_name=r.department,
                    account=account_by_code[accounts[r.account]],
                    sector=sector_by_code[sectors[(r.field, r.sector)]],
                    sample=sample,
                )
            )
        BudgetProgram.objects.bulk_create(new_programs, batch_size=500, ignore_conflicts=True)
        for p in BudgetProgram.objects.filter(code__in=wanted):
            r = wanted[p.code]
            by_path[path_of(r)] = p
    return {r.code: by_path[(r.account, r.policy, r.unit, r.detail)] for r in rows}


@transaction.atomic
def execution_import(
    *, year: int, month: int, content: bytes, file_name: str, actor: Actor, sample: bool = False
) -> ImportResult:
    """Import one month of execution (see the module's column table). All or nothing."""
    require_budget_staff(actor, _("집행 자료 가져오기"))
    if not 2000 <= year <= 2100 or not 1 <= month <= 12:
        raise ExecutionImportError([_("회계연도와 월이 올바르지 않습니다 (월은 1–12).")])
    # Lock the month first: two imports of one month queue up here (the unique constraint makes the
    # row exist once; select_for_update orders the writers).
    ExecutionMonth.objects.get_or_create(
        year=year, month=month, defaults={"sample": sample, "code": f"{year}-{month:02d}"}
    )
    batch = ExecutionMonth.objects.select_for_update().get(year=year, month=month)
    if batch.state == MonthState.CLOSED:
        raise ExecutionImportError(
            [_("%(year)d년 %(month)d월은 마감되어 다시 가져올 수 없습니다.") % {"year": year, "month": month}]
        )
    rows, errors = read_rows(content)
    if not errors:
        # The running total may not pass the current budget: the earlier months as stored, this file's month.
        earlier = dict(
            Execution.objects.filter(
                month__year=year, month__month__lt=month, line__ledger_code__in=[r.code for r in rows]
            )
            .values("line__ledger_code")
            .annotate(total=Sum("executed"))
            .values_list("line__ledger_code", "total")
        )
        for r in rows:
            before = earlier.get(r.code, 0)
            if before + r.executed > r.budget:
                errors.append(
                    _(
                        "%(row)d행: 집행액 누계 %(total)s원(전월까지 %(before)s원)이 "
                        "예산현액 %(budget)s원을 넘습니다."
                    )
                    % {
                        "row": r.line,
                        "total": f"{before + r.executed:,}",
                        "before": f"{before:,}",
                        "budget": f"{r.budget:,}",
                    }
                )
    if errors:
        raise ExecutionImportError(errors)

    rtype = REGISTRY["execution_months"]
    before = rtype.to_data(batch) if batch.rows else None
    details = _structure(rows, sample=sample)
    codes = [r.code for r in rows]
    lines = {line.ledger_code: line for line in BudgetLine.objects.filter(year=year, ledger_code__in=codes)}
    new_lines, changed = [], []
    latest = _latest_month(year)
    for r in rows:
        line = lines.get(r.code)
        values = {"program_id": details[r.code].pk, "source": r.source, "nature": r.nature}
        if line is None:
            new_lines.append(
                BudgetLine(
                    code=f"{year}-{r.code}",
                    year=year,
                    ledger_code=r.code,
                    current_budget=r.budget,
                    sample=sample,
                    **values,
                )
            )
            continue
        wanted = dict(values, current_budget=r.budget if month >= latest else line.current_budget)
        # Only lines whose values move are written (a month usually changes few: bulk_update's CASE
        # per line is what costs).
        if any(getattr(line, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(line, name, value)  # the line's budget is the latest month's
            changed.append(line)
    # A concurrent import of another month may create the same lines: the first one's stand.
    BudgetLine.objects.bulk_create(new_lines, batch_size=500, ignore_conflicts=True)
    BudgetLine.objects.bulk_update(changed, ["program", "source", "nature", "current_budget"], batch_size=500)
    line_ids = dict(
        BudgetLine.objects.filter(year=year, ledger_code__in=codes).values_list("ledger_code", "pk")
    )
    replaced, _deleted = Execution.objects.filter(month=batch).delete()
    Execution.objects.bulk_create(
        [
            Execution(
                month=batch,
                line_id=line_ids[r.code],
                current_budget=r.budget,
                executed=r.executed,
                row=r.line,
            )
            for r in rows
        ],
        batch_size=1000,
    )
    batch.rows = len(rows)
    batch.current_budget = sum(r.budget for r in rows)
    batch.executed = sum(r.executed for r in rows)
    batch.file_name = file_name[:200]
    batch.imported_at = timezone.now()
    batch.imported_by = actor.name[:150]
    batch.sample = sample
    batch.save()
    audit.record(
        actor, "update" if before else "create", rtype, batch, before=before, after=rtype.to_data(batch)
    )
    return ImportResult(month=batch, rows=len(rows), replaced=replaced, new_lines=len(new_lines))


def _latest_month(year: int) -> int:
    return max(
        ExecutionMonth.objects.filter(year=year, rows__gt=0).values_list("month", flat=True), default=0
    )


@transaction.atomic
def execution_month_close(*, year: int, month: int, actor: Actor) -> ExecutionMonth:
    """Close a month: its execution is final and imports are refused from now on."""
    require_budget_staff(actor, _("월 마감"))
    batch = ExecutionMonth.objects.select_for_update().filter(year=year, month=month).first()
    if batch is None or not batch.rows:
        raise RecordInvalid(
            _("%(year)d년 %(month)d월에는 가져온 집행 자료가 없습니다.") % {"year": year, "month": month}
        )
    if batch.state == MonthState.CLOSED:
        raise RecordInvalid(_("이미 마감된 달입니다."))
    rtype = REGISTRY["execution_months"]
    before = rtype.to_data(batch)
    batch.state = MonthState.CLOSED
    batch.save(update_fields=["state"])
    audit.record(actor, "update", rtype, batch, before=before, after=rtype.to_data(batch))
    return batch
