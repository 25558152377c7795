"""정책가계부 page: published criteria and weights, the ranking with the cut explained per project,
the what-if (other weights, GET), the phased plan within the yearly room; and its XLSX."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cityhall.core import params
from cityhall.core.decorators import role_required
from cityhall.core.exports import Sheet, xlsx_response
from cityhall.core.money import thousand_won

from .. import filters
from ..models import PriorityPlan
from . import selectors


def _plan(code: str | None) -> PriorityPlan | None:
    plans = selectors.plans()
    return plans.filter(code=code).first() if code else plans.first()


@require_GET
@role_required
@params.page(**filters.PRIORITIES)
def priorities_page(request):
    plan = _plan(request.query.plan)
    if plan is None:
        return render(request, "finance/priorities.html", {"board": None})
    criteria = list(plan.criteria.order_by("order", "id"))
    weights = {
        c.code: request.query[f"w{i}"]
        for i, c in enumerate(criteria[: filters.MAX_CRITERIA], start=1)
        if request.query[f"w{i}"] is not None
    }
    board = selectors.board(plan, weights)
    years = sorted(board.rooms)
    phases = [
        {"phase": p, "cells": [p.by_year.get(y) for y in years], "name": p.candidate.name}
        for p in board.phases
    ]
    return render(
        request,
        "finance/priorities.html",
        {
            "board": board,
            "plans": selectors.plans(),
            "inputs": [
                {"name": f"w{i}", "criterion": c, "value": weights.get(c.code, c.weight)}
                for i, c in enumerate(board.criteria, start=1)
            ],
            "what_if_total": sum(weights.get(c.code, c.weight) for c in board.criteria),
            "years": years,
            "phases": phases,
            "rooms": [(y, board.rooms[y], board.left.get(y, 0)) for y in years],
        },
    )


@require_GET
@role_required
def priorities_xlsx(request, code):
    plan = _plan(code)
    if plan is None or plan.code != code:
        raise Http404(_("정책가계부를 찾을 수 없습니다."))
    board = selectors.board(plan)
    headers = [_("순위"), _("연번"), _("사업명"), _("점수"), _("선정"), _("시 부담(천원)"), _("설명")]
    rows = [
        [
            r.rank,
            r.candidate.number,
            r.candidate.name,
            r.score,
            _("선정") if r.selected else "",
            thousand_won(r.candidate.city_cost),
            r.explanation,
        ]
        for r in board.ranked
    ]
    criteria = [[c.name, c.weight] for c in board.criteria]
    return xlsx_response(
        f"priorities-{plan.code}.xlsx",
        [
            Sheet(_("순위"), headers, rows, note=plan.title),
            Sheet(_("기준과 가중치"), [_("기준"), _("가중치")], criteria),
        ],
    )
