"""정보통신과 pages: the overview (the year's review statistics beside the plan's figures, projects by
phase, the replacement plan, public Wi-Fi and fibre) and a project's page with its gate, where
정보통신과 records reviews and the department moves the project on. Thin: reads through
``selectors``, writes through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cityhall.core import clock, params
from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required
from cityhall.core.exports import download, hwpx_response
from cityhall.core.permissions import CHANGE, VIEW, allowed, has_permission
from cityhall.core.records import record_type_for
from cityhall.core.services import RecordInvalid

from . import reports, selectors, services
from .forms import ReviewDecideForm, ReviewRequestForm
from .models import InformatizationProject, ProjectReview, ReviewResult
from .writes import IT_STAFF

YEAR = params.Int(label=gettext_lazy("연도"), default=None, min=2000, max=2100)


@require_GET
@role_required
@params.page(year=YEAR)
def overview(request):
    today = clock.today()
    year = request.query.year or today.year - 1
    return render(
        request,
        "it/overview.html",
        {
            "year": year,
            "years": selectors.review_years(),
            "reviews": selectors.review_statistics(year),
            "diagnosis": selectors.e_government_diagnosis(year),
            "phases": selectors.projects_by_phase(),
            "pcs": [selectors.pcs_acquired(year)],
            "replacement": selectors.replacement_plan(today.year + 1),
            "wifi": selectors.wifi_summary(year),
            "wifi_districts": selectors.wifi_by_district(),
            "fibre": selectors.fibre_routes(),
            "rooms": selectors.machine_rooms(),
        },
    )


@require_GET
@role_required
@params.page(year=YEAR)
def report_xlsx(request):
    year = request.query.year or clock.today().year - 1
    return download(reports.year_xlsx(year), f"정보통신과-{year}-실적.xlsx")


@require_GET
@role_required
@params.page(year=YEAR)
def report_hwpx(request):
    year = request.query.year or clock.today().year - 1
    return hwpx_response(f"정보통신과-{year}-실적.hwpx", reports.year_hwpx(year))


def _project(request, code: str) -> InformatizationProject:
    project = get_object_or_404(InformatizationProject.objects.select_related("department"), code=code)
    if not allowed(request.user, VIEW, record_type_for(InformatizationProject), project):
        raise Http404(_("정보화사업을 찾을 수 없습니다."))
    return project


def _project_page(request, project, *, request_form=None, decide_forms=None, error="", status=200):
    it_staff = has_permission(request.user, IT_STAFF)
    reviews = list(selectors.project_reviews(project))
    decide_forms = decide_forms or {}
    return render(
        request,
        "it/project_detail.html",
        {
            "project": project,
            "gate": selectors.project_gate(project),
            "reviews": [(r, decide_forms.get(r.pk) or ReviewDecideForm(prefix=f"r{r.pk}")) for r in reviews],
            "it_staff": it_staff,
            "can_advance": allowed(request.user, CHANGE, record_type_for(InformatizationProject), project),
            "request_form": request_form or ReviewRequestForm(),
            "error": error,
        },
        status=status,
    )


@require_GET
@role_required
def project_detail(request, code):
    return _project_page(request, _project(request, code))


@require_POST
@role_required
def project_advance(request, code):
    project = _project(request, code)
    try:
        project = services.project_advance(project=project, actor=Actor.for_user(request.user))
    except RecordInvalid as exc:
        return _project_page(request, project, error=str(exc), status=400)
    messages.success(request, _("%(phase)s 단계로 옮겼습니다.") % {"phase": project.get_phase_display()})
    return redirect("it:project", code=project.code)


@require_POST
@role_required
def review_request(request, code):
    project = _project(request, code)
    form = ReviewRequestForm(request.POST)
    if not form.is_valid():
        return _project_page(request, project, request_form=form, status=400)
    try:
        services.review_request(project=project, actor=Actor.for_user(request.user), **form.cleaned_data)
    except RecordInvalid as exc:
        return _project_page(request, project, request_form=form, error=str(exc), status=400)
    messages.success(request, _("검토 요청을 기록했습니다."))
    return redirect("it:project", code=project.code)


@require_POST
@role_required
def review_decide(request, code, review_id):
    project = _project(request, code)
    review = get_object_or_404(ProjectReview, pk=review_id, project=project, result=ReviewResult.PENDING)
    form = ReviewDecideForm(request.POST, prefix=f"r{review.pk}")
    if not form.is_valid():
        return _project_page(request, project, decide_forms={review.pk: form}, status=400)
    try:
        services.review_decide(review=review, actor=Actor.for_user(request.user), **form.cleaned_data)
    except RecordInvalid as exc:
        return _project_page(request, project, decide_forms={review.pk: form}, error=str(exc), status=400)
    messages.success(request, _("검토 결과를 기록했습니다."))
    return redirect("it:project", code=project.code)
