"""The budget proposal page: a year's items that came from outside the ledger, with their source."""

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
def budget_proposal_page(request):
    years = selectors.years()
    year = request.query.year or (years[0] if years else clock.today().year + 1)
    totals = selectors.totals(year)
    return render(
        request,
        "finance/budget_proposal.html",
        {
            "year": year,
            "years": years,
            "totals": totals,
            "items": selectors.items(year),
            "sum_count": sum(t.count for t in totals),
            "sum_amount": sum(t.amount for t in totals),
        },
    )
