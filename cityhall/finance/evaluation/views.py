"""재정사업 평가 page: each program with its grade, the rule's consequence explained, and whether
next year's budget keeps to it; and its XLSX."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cityhall.core import clock, params
from cityhall.core.decorators import role_required
from cityhall.core.exports import Sheet, xlsx_response
from cityhall.core.money import thousand_won

from .. import filters
from . import selectors


def _year(request) -> int:
    years = selectors.years()
    return request.query.year or (years[0] if years else clock.today().year)


@require_GET
@role_required
@params.page(**filters.EVALUATIONS)
def evaluations_page(request):
    year = _year(request)
    report = selectors.report(year, only_cut=bool(request.query.cut))
    return render(
        request,
        "finance/evaluations.html",
        {"report": report, "years": selectors.years(), "only_cut": bool(request.query.cut)},
    )


@require_GET
@role_required
def evaluations_xlsx(request, year):
    report = selectors.report(year)
    headers = [
        _("코드"),
        _("사업명"),
        _("부서"),
        _("구분"),
        _("예산액(천원)"),
        _("점수"),
        _("등급"),
        _("환류"),
        _("차년도 반영(천원)"),
        _("설명"),
    ]
    rows = [
        [
            r.evaluation.code,
            r.evaluation.name,
            r.evaluation.department.name,
            r.evaluation.get_category_display(),
            thousand_won(r.evaluation.budget),
            r.evaluation.score,
            r.outcome.grade if r.outcome else "",
            r.outcome.consequence if r.outcome else "",
            thousand_won(r.evaluation.next_budget),
            r.outcome.explanation if r.outcome else "",
        ]
        for r in report.rows
    ]
    return xlsx_response(f"evaluations-{year}.xlsx", [Sheet(_("재정사업 평가"), headers, rows)])
