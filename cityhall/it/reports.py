"""정보통신과 연간 실적 보고 (XLSX and 한글 HWPX): the year's figures computed from the records beside
the figures the plan states, with their source lines — project reviews, PCs and public Wi-Fi,
pre-use inspections, digital-skills education — and the open security findings."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from cityhall.core.exports import HwpxReport, Sheet, workbook

from . import selectors
from .education import selectors as education
from .inspections import selectors as inspections

HEADERS = ["항목", "기록", "업무계획", "출처", "일치"]


@dataclass(frozen=True)
class Line:
    label: str
    count: object
    stated: object
    source: str
    matches: str


def _line(label: str, count, figure) -> Line:
    if figure is None:
        return Line(label, count, "", "", "")
    stated = figure.value.normalize()
    same = str(count) == str(stated) or float(count or 0) == float(stated)
    return Line(label, count, str(stated), figure.source_label, _("일치") if same else _("불일치"))


def year_lines(year: int) -> list[tuple[str, list[Line]]]:
    """Sections of the report, each a list of lines."""
    reviews = [_line(r.label, r.count, r.stated) for r in selectors.review_statistics(year)]
    assets = [
        _line(r.label, r.count, r.stated)
        for r in [selectors.pcs_acquired(year), *selectors.wifi_summary(year)]
    ]
    s = inspections.statistics(year)
    checks = [
        _line(_("처리 건수"), s.cases, s.stated_cases),
        _line(_("평균 처리일(근무일, 첫날 산입)"), s.average_days, s.stated_average),
        _line(_("기한 내 처리"), s.within_limit, None),
    ]
    e = education.statistics(year)
    classes = [
        _line(_("주요 교육장"), e.venues_used, education.stated(e, "venues")),
        _line(_("주요 교육장 수료 인원"), e.graduates, education.stated(e, "graduates")),
        _line(_("체험존"), e.zones, education.stated(e, "zones")),
        _line(_("체험존 방문 인원"), e.visitors, education.stated(e, "visitors")),
    ]
    return [
        (_("정보화사업 검토"), reviews),
        (_("정보자산·공공와이파이"), assets),
        (_("정보통신공사 사용전검사"), checks),
        (_("디지털 역량강화교육"), classes),
    ]


def _rows(lines: list[Line]) -> list[list]:
    return [[x.label, x.count, x.stated, x.source, x.matches] for x in lines]


def year_xlsx(year: int) -> bytes:
    return workbook(
        Sheet(title=title, headers=HEADERS, rows=_rows(lines), note=_("%(year)s년 실적") % {"year": year})
        for title, lines in year_lines(year)
    )


def year_hwpx(year: int) -> bytes:
    report = HwpxReport()
    report.title(_("%(year)s년 정보통신과 주요 실적") % {"year": year})
    report.paragraph(_("기록에서 센 수치와 업무계획이 적은 수치(출처 행)를 나란히 적습니다."))
    for number, (title, lines) in enumerate(year_lines(year), start=1):
        report.heading(f"{number}. {title}")
        report.table(HEADERS, _rows(lines), widths=[4, 2, 2, 2, 1])
    return report.to_bytes()
