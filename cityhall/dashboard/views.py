"""The office dashboard (the landing page after login), the plan-check panel and the site search.

Thin views: the reads are in ``selectors``; permissions go through ``cityhall.core.permissions``.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cityhall.core import params
from cityhall.core.clock import today
from cityhall.core.decorators import role_required
from cityhall.core.htmx import render_page_or_fragment
from cityhall.core.permissions import CHANGE, allowed, scope_of
from cityhall.core.records import REGISTRY
from cityhall.plans.checks import check_plan, plan_notes

from . import selectors


def _mark_changeable(user, name: str, objs) -> None:
    """Set ``can_change`` on each record, for the "수정" links."""
    rtype = REGISTRY[name]
    for obj in objs:
        obj.can_change = allowed(user, CHANGE, rtype, obj)


@login_required
def dashboard(request):
    """Everything the office heads look at first. A user without a role sees only the notice (no
    role_required here: the landing page must explain the missing role instead of answering 403)."""
    user = request.user
    context = {"roles": selectors.roles_of(user), "has_role": scope_of(user).any_role}
    if context["has_role"]:
        units = selectors.departments(user)
        staffing = selectors.staffing(user, units)
        budgets = selectors.budgets(units)
        milestones = selectors.milestones(user, today())
        committees = selectors.committees(user, units)
        year, achievements = selectors.achievements(user, units)
        _mark_changeable(user, "org_units", budgets.units)
        _mark_changeable(user, "milestones", milestones.this_month + milestones.overdue)
        _mark_changeable(user, "committees", [c for g in committees for c in g.committees])
        context.update(
            units=units,
            staffing=staffing,
            budgets=budgets,
            funding=selectors.funding(user),
            milestones=milestones,
            committee_groups=committees,
            committee_total=sum(g.count for g in committees),
            achievement_year=year,
            achievement_groups=achievements,
        )
    return render(request, "dashboard/dashboard.html", context)


@role_required
def plan_check(request):
    """The plan-consistency findings. The dashboard loads this panel with htmx after the page (the
    check recomputes every stated figure, ~100 queries); opened directly it is a page of its own."""
    findings, notes = check_plan(), plan_notes()
    return render_page_or_fragment(
        request,
        "dashboard/plan_check.html",
        "dashboard/partials/plan_check.html",
        {"findings": findings, "notes": notes},
    )


@role_required
@params.page(q=params.Text(label=gettext_lazy("검색어"), max_length=1000))
def search(request):
    """Search every record type's text fields (partial match), grouped by type. Over
    ``SEARCH_MAX`` characters is a hint beside the search box; the parameter's own bound keeps
    pasted pages out."""
    q = selectors.clean_query(request.query.q)
    hint, groups = "", []
    if len(q) < selectors.SEARCH_MIN:
        hint = _("검색어를 두 글자 이상 입력하세요. 예: 가로등, 법률")
    elif len(q) > selectors.SEARCH_MAX:
        hint = _("검색어는 %(max)d자 이하로 입력하세요.") % {"max": selectors.SEARCH_MAX}
    else:
        groups = selectors.search(request.user, q)
    context = {
        "q": q,
        "hint": hint,
        "groups": groups,
        "total": sum(g.count for g in groups),
    }
    return render_page_or_fragment(
        request, "dashboard/search.html", "dashboard/partials/search_results.html", context
    )
