"""The shared report helpers: XLSX sheets, the HWPX builder, the downloads and the 천원 conversion."""

from decimal import Decimal
from io import BytesIO

from hwpx import HwpxDocument
from openpyxl import load_workbook

from cityhall.core.exports import (
    HWPX,
    XLSX,
    HwpxReport,
    Sheet,
    hwpx_cell_text,
    hwpx_response,
    workbook,
    xlsx_response,
)
from cityhall.core.money import format_thousand_won, thousand_won

# "기획조정실 일반현황" as RFC 5987 writes it: percent-encoded UTF-8
KOREAN_NAME = "%EA%B8%B0%ED%9A%8D%EC%A1%B0%EC%A0%95%EC%8B%A4%20%EC%9D%BC%EB%B0%98%ED%98%84%ED%99%A9"

# -- 천원 -----------------------------------------------------------------------------------------


def test_thousand_won_is_an_int_when_it_divides_evenly():
    assert thousand_won(1_475_000_000) == 1_475_000
    assert type(thousand_won(1_475_000_000)) is int
    assert thousand_won(0) == 0 and type(thousand_won(0)) is int
    assert thousand_won(-2_000) == -2 and type(thousand_won(-2_000)) is int


def test_thousand_won_keeps_a_remainder_exactly():
    assert thousand_won(1_500) == Decimal("1.5")
    assert thousand_won(1) == Decimal("0.001")
    assert thousand_won(1_234_567_891) == Decimal("1234567.891")
    assert thousand_won(-1_500) == Decimal("-1.5")


def test_thousand_won_of_none_is_none():
    assert thousand_won(None) is None


def test_format_thousand_won():
    assert format_thousand_won(750_548_000) == "750,548"
    assert format_thousand_won(1_234_567_500) == "1,234,567.5"
    assert format_thousand_won(1) == "0.001"
    assert format_thousand_won(0) == "0"
    assert format_thousand_won(None) == "-"


def test_the_hwpx_text_of_a_thousand_won_number_is_the_formatted_text():
    for won in (750_548_000, 1_234_567_500, 1_500, 1):
        assert hwpx_cell_text(thousand_won(won)) == format_thousand_won(won)


def test_hwpx_cell_text():
    assert hwpx_cell_text(None) == ""
    assert hwpx_cell_text("") == ""
    assert hwpx_cell_text(True) == "True"
    assert hwpx_cell_text(1_475_000) == "1,475,000"
    assert hwpx_cell_text(1.5) == "1.5"
    assert hwpx_cell_text(Decimal("1234.5")) == "1,234.5"
    assert hwpx_cell_text("82/71") == "82/71"


# -- XLSX -----------------------------------------------------------------------------------------


def sheet_of(*sheets: Sheet):
    return load_workbook(BytesIO(workbook(sheets)))


def test_xlsx_header_row_is_styled_and_frozen():
    ws = sheet_of(Sheet("사업", ["사업명", "사업비"], [["가로등", 18_054]], note="(단위 : 천원)"))["사업"]
    assert ws["A1"].value == "(단위 : 천원)" and ws["A1"].font.i
    for cell in ws[2]:
        assert cell.font.b
        assert cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb.endswith("E8EEF7")
        assert cell.alignment.horizontal == "center" and cell.alignment.wrap_text
    assert ws.freeze_panes == "A3"
    assert [c.value for c in ws[3]] == ["가로등", 18_054]
    assert not ws["A3"].font.b


def test_xlsx_number_format_and_widths():
    ws = sheet_of(
        Sheet(
            "표",
            ["금액", "소수", "예", "글"],
            [[1_475_000, thousand_won(1_500), True, "가" * 41]],
            widths={4: 50},
        )
    )["표"]
    amount, fraction, flag, text = ws[2]
    assert amount.number_format == "#,##0"
    assert fraction.value == 1.5 and fraction.number_format == "General"
    assert flag.value is True and flag.number_format == "General"
    assert text.alignment.wrap_text and text.alignment.vertical == "top"
    assert ws.freeze_panes == "A2"  # no note: the header is the first row
    assert ws.column_dimensions["D"].width == 50
    assert ws.column_dimensions["A"].width == 10  # the floor for a short header


def test_xlsx_sheet_title_is_cut_to_excels_limit():
    assert sheet_of(Sheet("가" * 40, ["a"], []))[("가" * 31)].max_row == 1


def test_xlsx_response_names_the_file_in_korean():
    response = xlsx_response("기획조정실 일반현황.xlsx", [Sheet("기구", ["부서"], [["정책기획과"]])])
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{KOREAN_NAME}.xlsx"
    assert load_workbook(BytesIO(response.content)).sheetnames == ["기구"]


# -- HWPX -----------------------------------------------------------------------------------------


def fill_colour(document: HwpxDocument, cell) -> str | None:
    border_fill = document.styles.border_fill(cell.element.get("borderFillIDRef"))
    for child in border_fill.children:
        if child.name == "fillBrush":
            return child.children[0].attributes.get("faceColor")
    return None


def is_bold(document: HwpxDocument, paragraph) -> bool:
    return "bold" in document.styles.char_property(paragraph.char_pr_id_ref).child_attributes


def sample_report() -> HwpxDocument:
    report = HwpxReport()
    report.title("2025년 주요업무계획", size=18)
    report.heading("기구 및 인력")
    report.paragraph("□ 기구 : 4과 18팀", bold=True)
    report.paragraph("(단위 : 천원)")
    report.table(
        ["사업명", "사업비", "비고"],
        [
            ["통합관제시스템 운영유지", thousand_won(1_475_000_000), None],
            ["시범사업", thousand_won(1_500), "• 첫째\n• 둘째"],
        ],
        [4, 2, 3],
    )
    return HwpxDocument.open(report.to_bytes())


def test_hwpx_round_trip_keeps_paragraphs_and_styles():
    document = sample_report()
    assert not document.validate().issues
    texts = [p.text for p in document.paragraphs]
    assert texts[:4] == ["2025년 주요업무계획", "기구 및 인력", "□ 기구 : 4과 18팀", "(단위 : 천원)"]
    title, _heading, bold, plain = document.paragraphs[:4]
    assert is_bold(document, title) and is_bold(document, bold) and not is_bold(document, plain)
    assert document.styles.char_property(title.char_pr_id_ref).attributes["height"] == "1800"


def test_hwpx_round_trip_keeps_a_tables_cells():
    document = sample_report()
    (table,) = document.tables.all
    assert (table.row_count, table.column_count) == (3, 3)
    cells = [[table.cell(r, c).text for c in range(3)] for r in range(3)]
    assert cells == [
        ["사업명", "사업비", "비고"],
        ["통합관제시스템 운영유지", "1,475,000", ""],
        ["시범사업", "1.5", "• 첫째\n• 둘째"],
    ]
    assert len(table.cell(2, 2).paragraphs) == 2  # a value's lines are the cell's paragraphs
    assert [fill_colour(document, table.cell(0, c)) for c in range(3)] == ["#E8EEF7"] * 3
    assert fill_colour(document, table.cell(1, 0)) is None
    widths = [table.cell(0, c).width for c in range(3)]
    assert widths[0] > widths[2] > widths[1]


def test_hwpx_response_names_the_file_in_korean():
    response = hwpx_response("기획조정실 일반현황.hwpx", HwpxReport().to_bytes())
    assert response["Content-Type"] == HWPX == "application/hwp+zip"
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{KOREAN_NAME}.hwpx"
    assert HwpxDocument.open(response.content).paragraphs
