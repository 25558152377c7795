"""The quarterly pledge report (공약 추진현황 분기 보고): status counts, changes since the previous
round, one sheet per lead department and a bar chart (XLSX); the same content as a 한글 document (HWPX)."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
from openpyxl.chart import BarChart, Reference

from cityhall.core.exports import HwpxReport, Sheet, workbook

from . import selectors
from .models import CheckinRound, PledgeCheckin, Status

STATUS_LABELS = {s.value: str(s.label) for s in Status}
REVIEW_LABELS = {r.value: str(r.label) for r in PledgeCheckin.Review}


def _summary_rows(summary: selectors.PortfolioSummary) -> list[list]:
    rows = [[s.label, s.count, float(s.share)] for s in summary.statuses]
    rows.append(["합계", summary.total, 100.0 if summary.total else 0.0])
    return rows


def _change_rows(round_: CheckinRound) -> list[list]:
    return [
        [
            c.pledge.number,
            c.pledge.title,
            c.pledge.lead_department.name,
            STATUS_LABELS.get(c.before_status, "—"),
            c.before_progress,
            STATUS_LABELS[c.after_status],
            c.after_progress,
        ]
        for c in selectors.changes_since_previous(round_)
    ]


def _department_rows(group: selectors.DepartmentProgress) -> list[list]:
    rows = []
    for pledge, checkin in group.rows:
        rows.append(
            [
                pledge.number,
                pledge.title,
                pledge.get_category_display(),
                STATUS_LABELS[checkin.status] if checkin else "미제출",
                checkin.progress if checkin else None,
                REVIEW_LABELS[checkin.review] if checkin else "미제출",
                STATUS_LABELS[pledge.status],
                pledge.progress,
            ]
        )
    return rows


SUMMARY_HEADERS = ["추진상황", "건수", "비율(%)"]
CHANGE_HEADERS = ["번호", "공약명", "주관부서", "이전 상황", "이전 진척률", "이번 상황", "이번 진척률"]
DEPARTMENT_HEADERS = [
    "번호",
    "공약명",
    "구분",
    "제출 상황",
    "제출 진척률",
    "검토",
    "현재 상황",
    "현재 진척률",
]


def round_xlsx(round_: CheckinRound) -> bytes:
    summary = selectors.portfolio_summary()
    groups = selectors.round_progress(round_)
    sheets = [
        Sheet("현황", SUMMARY_HEADERS, _summary_rows(summary), note=f"{round_} · 공약 {summary.total}건"),
        Sheet("이전 회차 대비 변동", CHANGE_HEADERS, _change_rows(round_), widths={2: 40}),
    ]
    for group in groups:
        sheets.append(
            Sheet(group.department.name, DEPARTMENT_HEADERS, _department_rows(group), widths={2: 40})
        )
    book = load_workbook(BytesIO(workbook(sheets)))
    ws = book["현황"]
    chart = BarChart()
    chart.title = "추진상황별 공약 수"
    chart.y_axis.title = "건수"
    count = len(summary.statuses)
    # The note is row 1, headers row 2, the statuses rows 3.. (the total row left out of the chart).
    chart.add_data(Reference(ws, min_col=2, min_row=2, max_row=2 + count), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=3, max_row=2 + count))
    chart.legend = None
    ws.add_chart(chart, "E2")
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def round_hwpx(round_: CheckinRound) -> bytes:
    summary = selectors.portfolio_summary()
    report = HwpxReport()
    report.title(f"{round_} 결과 보고")
    report.paragraph(
        f"제출기한 {round_.closes_on:%Y-%m-%d} · 상태 {round_.get_state_display()} · 공약 {summary.total}건 "
        f"(시 선도사업 {summary.by_category['flagship']}, 부서 중점사업 {summary.by_category['department']})"
    )
    report.heading("1. 추진상황")
    report.table(SUMMARY_HEADERS, _summary_rows(summary), widths=[3, 1, 1])
    report.heading("2. 이전 회차 대비 변동")
    changes = _change_rows(round_)
    if changes:
        report.table(CHANGE_HEADERS, changes, widths=[1, 5, 2, 2, 1, 2, 1])
    else:
        report.paragraph("변동 없음")
    report.heading("3. 부서별 제출 현황")
    rows = [
        [g.department.name, g.total, g.submitted, g.accepted, g.returned, len(g.missing)]
        for g in selectors.round_progress(round_)
    ]
    report.table(
        ["주관부서", "공약", "제출", "확인", "보완요청", "미제출·보완"], rows, widths=[3, 1, 1, 1, 1, 1]
    )
    return report.to_bytes()
