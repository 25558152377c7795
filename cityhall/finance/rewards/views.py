"""예산성과금 page: the claims with each reward's reckoning; departments submit, the budget staff
record the committee's decision and the payment."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cityhall.core import clock, params
from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required
from cityhall.core.permissions import scope_of
from cityhall.core.services import RecordInvalid
from cityhall.organisation.models import OrgUnit

from .. import filters
from ..forms import ClaimForm, PayForm, ReviewForm
from ..models import SavingsClaim
from ..services import is_budget_staff
from . import selectors, services


def _departments(user) -> list[OrgUnit]:
    """The departments the user may submit for (office-wide roles: all)."""
    scope = scope_of(user)
    units = OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT).order_by("order", "id")
    return list(units if scope.office_wide else units.filter(pk__in=scope.departments["add"]))


@require_http_methods(["GET", "POST"])
@role_required
@params.page(**filters.YEAR)
def rewards_page(request):
    years = selectors.years()
    year = request.query.year or (years[0] if years else clock.today().year)
    departments = _departments(request.user)
    form = ClaimForm(request.POST or None, initial={"fiscal_year": year})
    form.fields["department"].choices = [(u.code, u.name) for u in departments]
    error = ""
    if request.method == "POST":
        if not departments:
            raise PermissionDenied(_("예산성과금을 신청할 수 있는 부서가 없습니다."))
        if form.is_valid():
            data = dict(form.cleaned_data)
            department = next(u for u in departments if u.code == data.pop("department"))
            try:
                claim = services.claim_submit(
                    department=department, actor=Actor.for_user(request.user), **data
                )
            except RecordInvalid as exc:
                error = str(exc)
            else:
                messages.success(request, _("'%(title)s'을(를) 신청했습니다.") % {"title": claim.title})
                return redirect(f"/finance/rewards/?year={claim.fiscal_year}")
    staff = is_budget_staff(request.user)
    return render(
        request,
        "finance/rewards.html",
        {
            "report": selectors.report(year),
            "years": years,
            "form": form,
            "can_submit": bool(departments),
            "budget_staff": staff,
            "review_form": ReviewForm(initial={"reviewed_on": clock.today()}) if staff else None,
            "pay_form": PayForm(initial={"paid_on": clock.today()}) if staff else None,
            "error": error,
        },
        status=400 if error or form.errors else 200,
    )


@require_POST
@role_required
def claim_review(request, code):
    claim = get_object_or_404(SavingsClaim, code=code)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("심사 결과와 심사일을 입력하세요."))
    else:
        try:
            services.claim_review(
                claim=claim,
                approve=form.cleaned_data["decision"] == "approve",
                reviewed_on=form.cleaned_data["reviewed_on"],
                note=form.cleaned_data["note"],
                actor=Actor.for_user(request.user),
            )
        except RecordInvalid as exc:
            messages.error(request, str(exc))
    return redirect(f"/finance/rewards/?year={claim.fiscal_year}")


@require_POST
@role_required
def claim_pay(request, code):
    claim = get_object_or_404(SavingsClaim, code=code)
    form = PayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("지급일을 입력하세요."))
    else:
        try:
            services.claim_pay(
                claim=claim, paid_on=form.cleaned_data["paid_on"], actor=Actor.for_user(request.user)
            )
        except RecordInvalid as exc:
            messages.error(request, str(exc))
    return redirect(f"/finance/rewards/?year={claim.fiscal_year}")
