"""Transfers and grants page: the yearly totals by kind (the seed's counts) and every application."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from cityhall.core import clock, params
from cityhall.core.decorators import role_required

from .. import filters
from . import selectors


@require_GET
@role_required
@params.page(**filters.YEAR)
def grants_page(request):
    years = selectors.years()
    year = request.query.year or (years[0] if years else clock.today().year)
    totals = selectors.totals(year)
    return render(
        request,
        "finance/grants.html",
        {
            "year": year,
            "years": years,
            "totals": totals,
            "grants": selectors.grants(year),
            "sum_amount": sum(t.amount for t in totals),
            "sum_matching": sum(t.matching for t in totals),
        },
    )
