"""Downloads in the formats a Korean city hall exchanges: XLSX (openpyxl)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="E8EEF7")


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    note: str = ""  # a line above the table, e.g. "(단위 : 천원)"
    widths: dict[int, int] = field(default_factory=dict)


def workbook(sheets: Iterable[Sheet]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(title=sheet.title[:31])
        row = 1
        if sheet.note:
            ws.cell(row=1, column=1, value=sheet.note).font = Font(italic=True)
            row = 2
        for col, header in enumerate(sheet.headers, start=1):
            cell = ws.cell(row=row, column=col, value=header)
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.freeze_panes = ws.cell(row=row + 1, column=1)
        for values in sheet.rows:
            row += 1
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=row, column=col, value=value)
                if isinstance(value, int) and not isinstance(value, bool):
                    cell.number_format = "#,##0"
                elif isinstance(value, str) and len(value) > 40:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        for col, header in enumerate(sheet.headers, start=1):
            ws.column_dimensions[get_column_letter(col)].width = sheet.widths.get(
                col, max(10, min(60, 2 * len(str(header)) + 4))
            )
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def download(content: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # RFC 6266/5987: Korean file names survive every browser.
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(filename: str, sheets: Iterable[Sheet]) -> HttpResponse:
    return download(workbook(sheets), filename)
