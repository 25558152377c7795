"""Downloads in the formats a Korean city hall exchanges: XLSX (openpyxl) and HWPX (python-hwpx, the 한글
format)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HWPX = "application/hwp+zip"
HEADER_COLOUR = "E8EEF7"  # header rows, in both formats
HEADER_FILL = PatternFill("solid", fgColor=HEADER_COLOUR)


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


def hwpx_cell_text(value: Any) -> str:
    """A table cell's text: numbers with thousands separators (``1475000`` → ``"1,475,000"``), None blank."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        return f"{value:,}"
    return str(value)


class HwpxReport:
    """A 한글 document written top to bottom on python-hwpx's blank document: a title, headings,
    paragraphs and tables with shaded header rows."""

    def __init__(self) -> None:
        from hwpx import HwpxDocument  # imported on first use: the library is large and only exports need it

        self.doc = HwpxDocument.new()
        self._runs: dict[tuple[bool, int | None], str] = {}

    def _run(self, bold: bool, size: int | None) -> str | None:
        """The ``charPr`` id of a character style, minted once per document; ``None`` for plain text."""
        if not bold and size is None:
            return None
        key = (bold, size)
        if key not in self._runs:
            self._runs[key] = self.doc.styles.ensure_run(bold=bold, size=size)
        return self._runs[key]

    def title(self, text: str, *, size: int = 16) -> None:
        paragraph = self.doc.paragraphs[0]  # the blank document's first paragraph carries the page setup
        paragraph.text = text
        paragraph.char_pr_id_ref = self._run(True, size)

    def heading(self, text: str, level: int = 1) -> None:
        """A heading in 한글's outline style (numbered by 한글)."""
        self.doc.add_heading(text, level=level)

    def paragraph(self, text: str, *, bold: bool = False, size: int | None = None) -> None:
        self.doc.add_paragraph(text, char_pr_id_ref=self._run(bold, size), inherit_style=False)

    def table(
        self, headers: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[int] | None = None
    ) -> None:
        """A table: the header row shaded, then one row per value list (see ``hwpx_cell_text``; a value's
        lines become the cell's paragraphs). ``widths`` are relative column weights."""
        table = self.doc.add_table(len(rows) + 1, len(headers))
        if widths:
            table.set_column_widths(widths)
        # A new table has no merged cells, so its rows' cells are its grid. (``table.set_cell_text``
        # rebuilds the whole grid on every call, which makes a table quadratic to fill.)
        grid = [row.cells for row in table.rows]
        for col, header in enumerate(headers):
            grid[0][col].set_text(header)
            table.set_cell_shading(0, col, f"#{HEADER_COLOUR}")
        for r, values in enumerate(rows, start=1):
            for col, value in enumerate(values):
                grid[r][col].set_text(hwpx_cell_text(value), split_paragraphs=True)

    def to_bytes(self) -> bytes:
        return self.doc.to_bytes()


def hwpx_response(filename: str, content: bytes) -> HttpResponse:
    return download(content, filename, content_type=HWPX)
