"""The energy report page and its XLSX (``reports.energy_report``): any role may view; both show
the same figures."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from cityhall.core import clock
from cityhall.core.decorators import role_required
from cityhall.core.exports import xlsx_response

from . import reports


def _year_or_error(request):
    today = clock.today()
    try:
        return reports.parse_year(request.GET.get("year"), today=today), today, None
    except reports.YearError as exc:
        return None, today, str(exc)


def _bad_year(request, today, error):
    context = {"error": error, "value": request.GET.get("year", "")[:20], "year": today.year}
    return render(request, "streetlights/energy.html", context, status=400)


@require_GET
@role_required
def energy_report(request):
    year, today, error = _year_or_error(request)
    if error:
        return _bad_year(request, today, error)
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
def energy_xlsx(request):
    year, today, error = _year_or_error(request)
    if error:
        return _bad_year(request, today, error)
    report = reports.energy_report(year=year, user=request.user, today=today)
    return xlsx_response(f"스마트가로등_전력절감_{year}.xlsx", reports.xlsx_sheets(report))
