"""Small ledger files for the import tests (year 2030, so the sample year 2024 never interferes)."""

import csv
import io

from cityhall.finance.execution.importer import COLUMNS

YEAR = 2030


def line(code, budget, executed, *, nature="소비", source="시비", detail="세부 A", department="예산법무과"):
    return {
        "과목코드": code,
        "회계": "일반회계",
        "분야": "일반공공행정",
        "부문": "일반행정",
        "정책사업": "정책 가",
        "단위사업": "단위 가",
        "세부사업": detail,
        "부서": department,
        "재원": source,
        "성질": nature,
        "예산현액": budget,
        "집행액": executed,
    }


def csv_bytes(rows, *, total=None, columns=COLUMNS, encoding="utf-8"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for r in rows:
        writer.writerow([r.get(c, "") for c in columns])
    if total is not None:
        writer.writerow(["합계", *[""] * 9, *total])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for r in rows:
        sheet.append([r[c] for c in COLUMNS])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def two_lines(month_executed=(300_000, 100_000)):
    """A 1,000,000-won consumption line and a 3,000,000-won investment line."""
    return [
        line("A-1", 1_000_000, month_executed[0]),
        line(
            "B-1",
            3_000_000,
            month_executed[1],
            nature="투자",
            source="국비",
            detail="세부 B",
            department="스마트도시과",
        ),
    ]
