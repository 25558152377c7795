"""지방공공기관 pages: the 경영공시 calendar with completeness, the 위수탁 evaluations with their results
explained, and the scoring screen. Thin: selectors read, services write (audited)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cityhall.core import clock, params
from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required
from cityhall.core.services import RecordInvalid

from ..models import DisclosureItem, EntrustedEvaluation
from ..services import is_budget_staff
from . import scoring, selectors, services


@require_GET
@role_required
@params.page(year=params.Year(label=gettext_lazy("연도"), default=None))
def institutions_page(request):
    today = clock.today()
    years = selectors.disclosure_years()
    year = request.query.year or (years[0] if years else today.year)
    rows, completeness = selectors.disclosure_calendar(year, today)
    criteria = services.criteria()
    return render(
        request,
        "finance/institutions.html",
        {
            "year": year,
            "years": years,
            "today": today,
            "rows": rows,
            "states": selectors.STATES,
            "completeness": completeness,
            "criteria": criteria,
            "points": sum(c.points for c in criteria),
            "evaluations": selectors.entrusted_results(selectors.entrusted_evaluations(), criteria),
            "threshold": scoring.IMPROVEMENT_BELOW,
            "budget_staff": is_budget_staff(request.user),
        },
    )


@require_POST
@role_required
def disclosure_record(request, code):
    item = get_object_or_404(DisclosureItem, code=code)
    try:
        on = params.Date(label="공시일", required=True).parse(request.POST.get("disclosed_on"))
        services.disclosure_record(item=item, disclosed_on=on, actor=Actor.for_user(request.user))
        messages.success(request, _("%(item)s 공시를 기록했습니다.") % {"item": item})
    except params.Invalid as exc:
        messages.error(request, _("공시일: %(e)s") % {"e": exc})
    except RecordInvalid as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"/finance/institutions/?year={item.year}")


@require_http_methods(["GET", "POST"])
@role_required
@params.page(evaluator=params.Text(label=gettext_lazy("평가위원"), max_length=50))
def entrusted_score(request, code):
    evaluation = get_object_or_404(
        EntrustedEvaluation.objects.select_related("task", "task__institution"), code=code
    )
    if not is_budget_staff(request.user):
        raise PermissionDenied(_("위수탁 평가는 예산법무과(공공기관팀)만 채점할 수 있습니다."))
    criteria = services.criteria()
    errors: dict[str, list[str]] = {}
    evaluator = request.query.evaluator or ""
    typed = (
        {
            s.criterion.code: str(s.score)
            for s in evaluation.scores.filter(evaluator=evaluator).select_related("criterion")
        }
        if evaluator
        else {}
    )
    if request.method == "POST":
        evaluator = request.POST.get("evaluator", "")
        typed = {c.code: request.POST.get(f"score-{c.code}", "") for c in criteria}
        try:
            services.entrusted_scores_submit(
                evaluation=evaluation, evaluator=evaluator, scores=typed, actor=Actor.for_user(request.user)
            )
            messages.success(request, _("%(who)s의 채점을 저장했습니다.") % {"who": evaluator.strip()})
            return redirect("finance:entrusted_score", code=evaluation.code)
        except RecordInvalid as exc:
            errors = exc.errors
    sheets: dict[str, dict[str, str]] = {}
    for s in evaluation.scores.select_related("criterion").order_by("evaluator", "criterion__order"):
        sheets.setdefault(s.evaluator, {})[s.criterion.code] = s.score
    return render(
        request,
        "finance/entrusted_score.html",
        {
            "evaluation": evaluation,
            "criteria": [(c, typed.get(c.code, "")) for c in criteria],
            "all_criteria": criteria,
            "points": sum(c.points for c in criteria),
            "evaluator": evaluator,
            "errors": errors,
            "sheets": [
                (
                    name,
                    [scores.get(c.code, "-") for c in criteria],
                    scoring.evaluator_total(criteria, scores)
                    if all(c.code in scores for c in criteria)
                    else None,
                )
                for name, scores in sheets.items()
            ],
            "result": services.entrusted_result(evaluation),
        },
        status=422 if errors else 200,
    )
