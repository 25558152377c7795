"""The reform dashboard: cases against the plan's targets, proposals awaiting an answer, contests and
what each evaluation asks for. The cases themselves are edited on the generic record pages."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from cityhall.core import clock, params
from cityhall.core.decorators import role_required

from . import selectors


@require_GET
@role_required
@params.page(year=params.Year(label=_("연도")))
def dashboard(request):
    year = request.query.year or clock.today().year
    return render(
        request,
        "reform/dashboard.html",
        {
            "year": year,
            "board": selectors.dashboard(year),
            "contests": selectors.contests(year),
            "evaluations": selectors.EVALUATIONS,
            "target": selectors.TARGET_CASES,
            "target_line": selectors.TARGET_CASES_LINE,
        },
    )
