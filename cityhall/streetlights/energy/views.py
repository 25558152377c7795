"""The energy report page and its XLSX (``reports.energy_report``): any role may view; both show
the same figures."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from cityhall.core import clock, params
from cityhall.core.decorators import role_required
from cityhall.core.exports import xlsx_response

from . import reports

YEAR = params.Year(label=gettext_lazy("연도"), min=reports.YEAR_MIN, max=reports.YEAR_MAX)


def _bad_year(request, error: params.ParamError):
    """The report page with the year form and what is wrong with the year (400)."""
    context = {
        "error": " ".join(error.messages()),
        "value": params.typed(request, "year", 20),
        "year": clock.today().year,
    }
    return render(request, "streetlights/energy.html", context, status=400)


def _year(request):
    """The report year: blank means this year."""
    today = clock.today()
    return request.query.year or today.year, today


@require_GET
@role_required
@params.page(on_error=_bad_year, year=YEAR)
def energy_report(request):
    year, today = _year(request)
    report = reports.energy_report(year=year, user=request.user, today=today)
    context = {
        "report": report,
        "year": year,
        "value": str(year),
        "month_chart": reports.month_chart(report),
        "site_chart": reports.site_chart(report),
        "month_rows": list(zip(report.month_labels, report.months, strict=True)),
    }
    return render(request, "streetlights/energy.html", context)


@require_GET
@role_required
@params.page(on_error=_bad_year, year=YEAR)
def energy_xlsx(request):
    year, today = _year(request)
    report = reports.energy_report(year=year, user=request.user, today=today)
    return xlsx_response(f"스마트가로등_전력절감_{year}.xlsx", reports.xlsx_sheets(report))
