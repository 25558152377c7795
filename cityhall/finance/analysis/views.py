"""Fiscal analysis (14 indicators against the peer group, weak ones with their actions) and the
public institutions (reviews, disclosure completeness) — read-only pages over the records."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from cityhall.core.decorators import role_required

from . import selectors
from .services import is_weak


@require_GET
@role_required
def analysis_page(request):
    indicators = list(selectors.indicators())
    return render(
        request,
        "finance/analysis.html",
        {
            "indicators": [(i, is_weak(i)) for i in indicators],
            "weak": sum(1 for i in indicators if is_weak(i)),
            "institutions": selectors.institutions(),
            "reviews": selectors.reviews(),
        },
    )
