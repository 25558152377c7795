"""Downloads: the 신구조문대비표 of a revision (XLSX and HWPX, changed phrases underlined as the tables
underline them), the year's revision statistics and case lists (XLSX)."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment

from cityhall.core.exports import HEADER_COLOUR, HwpxReport, Sheet, workbook

from .comparison import Row

OLD_HEADER, NEW_HEADER = "현    행", "개  정  안"


def _title(revision) -> str:
    return f"「{revision.regulation.title}」 신·구조문대비표"


def comparison_xlsx(revision, rows: list[Row]) -> bytes:
    """Two columns (현행 | 개정안) with the changed phrases underlined (rich text)."""
    content = workbook(
        [
            Sheet(
                title="신구조문대비표",
                headers=[OLD_HEADER, NEW_HEADER],
                rows=[(row.old_text, row.new_text) for row in rows],
                note=_title(revision),
                widths={1: 60, 2: 60},
            )
        ]
    )
    # The shared writer puts plain text; the changed phrases are underlined here, cell by cell.
    book = load_workbook(BytesIO(content), rich_text=True)
    sheet = book.active
    underline = InlineFont(u="single", b=True)
    for r, row in enumerate(rows, start=3):
        for col, segments in ((1, row.old), (2, row.new)):
            cell = sheet.cell(row=r, column=col)
            if any(s.marked for s in segments):
                cell.value = CellRichText(
                    [TextBlock(underline, s.text) if s.marked else s.text for s in segments if s.text]
                )
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def comparison_hwpx(revision, rows: list[Row]) -> bytes:
    """The table as 한글 writes it: a title, then 현행 | 개정안 with the changed phrases underlined."""
    report = HwpxReport()
    report.title(_title(revision))
    report.paragraph(f"{revision.title} ({revision.get_kind_display()})")
    table = report.doc.add_table(len(rows) + 1, 2)
    table.set_column_widths([1, 1])
    grid = [r.cells for r in table.rows]
    for col, header in enumerate((OLD_HEADER, NEW_HEADER)):
        grid[0][col].set_text(header)
        table.set_cell_shading(0, col, f"#{HEADER_COLOUR}")
    for r, row in enumerate(rows, start=1):
        for col, segments in enumerate((row.old, row.new)):
            cell = grid[r][col]
            lines: list[list] = [[]]
            for segment in segments:
                pieces = segment.text.split("\n")
                for i, piece in enumerate(pieces):
                    if i:
                        lines.append([])
                    if piece:
                        lines[-1].append((piece, segment.marked))
            for i, line in enumerate(lines):
                paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph("")
                for text, marked in line:
                    paragraph.add_run(text, underline=marked, bold=marked)
    return report.to_bytes()


def statistics_xlsx(stats, counts) -> bytes:
    label = " (예시)" if stats.sample else ""
    return workbook(
        [
            Sheet(
                title="자치법규 제·개정",
                headers=["구분", "제정", "개정", "폐지", "계"],
                rows=[(name, *values, sum(values)) for name, values in stats.cross]
                + [("계", *[v for _, v in stats.by_kind], stats.total)],
                note=f"{stats.year}년 자치법규 제·개정{label} — 조례규칙심의회 {stats.meetings}회",
            ),
            Sheet(
                title="법무 사건",
                headers=["구분", "건수"],
                rows=counts.rows,
                note=f"{counts.year}년 법무 사건{' (예시)' if counts.sample else ''}",
            ),
        ]
    )


def cases_xlsx(cases) -> bytes:
    return workbook(
        [
            Sheet(
                title="법무 사건",
                headers=["코드", "구분", "사건명", "사건번호", "관련부서", "접수일", "상태"],
                rows=[
                    (
                        c.code,
                        c.get_kind_display(),
                        c.title,
                        c.case_number,
                        c.department.name,
                        c.received_on.isoformat(),
                        c.get_status_display(),
                    )
                    for c in cases
                ],
            )
        ]
    )
