"""The budget proposal page: a year's items that came from outside the ledger, with their source and
what the council decided; the budget staff record the decision here."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cityhall.core import clock, params
from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required
from cityhall.core.services import RecordInvalid

from .. import filters
from ..forms import CouncilDecisionForm
from ..services import is_budget_staff
from . import selectors, services


@require_http_methods(["GET", "POST"])
@role_required
@params.page(**filters.YEAR)
def budget_proposal_page(request):
    years = selectors.years()
    year = request.query.year or (years[0] if years else clock.today().year + 1)
    items = list(selectors.items(year))
    staff = is_budget_staff(request.user)
    form = CouncilDecisionForm(request.POST or None, items=items) if staff else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("의회 의결은 예산법무과(편집자·관리자)나 실장·관리자만 기록합니다."))
        if form.is_valid():
            data = form.cleaned_data
            thousand = data["decided_thousand"]
            try:
                item = services.council_decision_record(
                    item_id=data["item"],
                    decision=data["council_decision"],
                    decided_amount=None if thousand is None else thousand * 1000,
                    decided_on=data["decided_on"],
                    note=data["council_note"],
                    actor=Actor.for_user(request.user),
                )
            except RecordInvalid as exc:
                for field, problems in exc.errors.items():
                    target = "decided_thousand" if field == "decided_amount" else field
                    for problem in problems:
                        form.add_error(target if target in form.fields else None, problem)
            else:
                messages.success(request, _("'%(name)s'의 의회 의결을 기록했습니다.") % {"name": item.name})
                return redirect(f"{request.path}?year={item.year}#item-{item.pk}")
    totals = selectors.totals(year)
    return render(
        request,
        "finance/budget_proposal.html",
        {
            "year": year,
            "years": years,
            "totals": totals,
            "items": items,
            "form": form,
            "sum_count": sum(t.count for t in totals),
            "sum_amount": sum(t.amount for t in totals),
            "sum_pending": sum(t.pending for t in totals),
            "sum_decided": sum(t.decided for t in totals),
        },
        status=422 if form is not None and form.errors else 200,
    )
