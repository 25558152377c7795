"""Execution reports (XLSX, HWPX) of what ``selectors.overview`` returns, amounts in 천원."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cityhall.core.exports import HwpxReport, Sheet
from cityhall.core.money import thousand_won

NOTE = "(단위 : 천원, %)"


def _headers() -> list[str]:
    return [_("구분"), _("예산현액"), _("집행액"), _("집행률"), _("목표"), _("부족액")]


def _row(g) -> list:
    s = g.standing
    return [
        g.label,
        thousand_won(s.budget),
        thousand_won(s.executed),
        s.rate,
        s.expected,
        thousand_won(s.shortfall),
    ]


def _tables(o) -> list[tuple[str, list[list]]]:
    return [
        (_("총괄"), [_row(o.total)]),
        (_("부서별"), [_row(g) for g in o.by_department]),
        (_("재원별"), [_row(g) for g in o.by_source]),
        (_("성질별"), [_row(g) for g in o.by_nature]),
        (_("부진 세부사업"), [_row(g) for g in o.behind]),
    ]


def sheets(o) -> list[Sheet]:
    title = _("%(year)d년 %(month)d월말 집행 현황") % {"year": o.year, "month": o.month}
    out = [Sheet(name, _headers(), rows, note=f"{title} {NOTE}") for name, rows in _tables(o)]
    months = [
        [f"{p.month}월", thousand_won(p.budget), thousand_won(p.executed), p.rate, p.expected, ""]
        for p in o.by_month
    ]
    out.append(Sheet(_("월별 누계"), _headers(), months, note=f"{title} {NOTE}"))
    return out


def hwpx(o) -> bytes:
    report = HwpxReport()
    report.title(_("%(year)d년 %(month)d월말 예산 집행 현황") % {"year": o.year, "month": o.month})
    report.paragraph(NOTE)
    for name, rows in _tables(o):
        report.heading(name)
        report.table(_headers(), rows)
    return report.to_bytes()
