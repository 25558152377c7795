"""사용전검사 pages: the case list with the year's statistics and the application form, and one case
with its legal clock and the next step. Thin: reads through ``selectors``, writes through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cityhall.core import clock, params
from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required
from cityhall.core.permissions import has_permission
from cityhall.core.services import RecordInvalid

from ..forms import InspectionReceiveForm, InspectionStepForm
from ..models import InspectionStatus, TelecomInspection
from ..writes import IT_STAFF
from . import selectors, services

LIST_PARAMS = {
    "year": params.Int(label=gettext_lazy("연도"), default=None, min=2000, max=2100),
    "status": params.Choice(label=gettext_lazy("상태"), choices=InspectionStatus.values, default=""),
    "page": params.PAGE,
}
PAGE_SIZE = 50

#: The step each open status takes next: (service, its date argument, button label).
STEPS = {
    InspectionStatus.RECEIVED: (
        services.inspection_check_documents,
        "checked_on",
        gettext_lazy("서류 검토 완료"),
    ),
    InspectionStatus.DOCUMENTS_CHECKED: (
        services.inspection_inspect,
        "inspected_on",
        gettext_lazy("현장 검사 완료"),
    ),
    InspectionStatus.INSPECTED: (services.inspection_decide, "decided_on", gettext_lazy("처리 결과 기록")),
}


@require_http_methods(["GET", "POST"])
@role_required
@params.page(**LIST_PARAMS)
def inspection_list(request):
    staff = has_permission(request.user, IT_STAFF)
    form = InspectionReceiveForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if not staff:
            raise PermissionDenied(_("사용전검사는 정보통신과만 접수할 수 있습니다."))
        if form.is_valid():
            try:
                case = services.inspection_receive(**form.cleaned_data, actor=Actor.for_user(request.user))
            except RecordInvalid as exc:
                error = str(exc)
            else:
                messages.success(request, _("%(code)s을(를) 접수했습니다.") % {"code": case.code})
                return redirect("it:inspection", code=case.code)
    today = clock.today()
    year = request.query.year or today.year - 1
    page = Paginator(
        selectors.inspections(status=request.query.status or None, year=request.query.year), PAGE_SIZE
    )
    cases = page.get_page(request.query.page)
    return render(
        request,
        "it/inspection_list.html",
        {
            "stats": selectors.statistics(year),
            "cases": [(c, selectors.needs_warning(c, today)) for c in cases],
            "page": cases,
            "statuses": selectors.status_choices(),
            "status": request.query.status,
            "year": request.query.year,
            "staff": staff,
            "form": form,
            "error": error,
            "rule": services.processing_deadline(today),
            "today": today,
        },
        status=400 if error or form.errors else 200,
    )


def _case_page(request, case: TelecomInspection, *, form=None, error="", status=200):
    step = STEPS.get(case.status)
    return render(
        request,
        "it/inspection_detail.html",
        {
            "case": case,
            "deadline": selectors.deadline_of(case),
            "warning": selectors.needs_warning(case, clock.today()),
            "staff": has_permission(request.user, IT_STAFF),
            "step_label": step[2] if step else "",
            "deciding": case.status == InspectionStatus.INSPECTED,
            "form": form or InspectionStepForm(),
            "error": error,
        },
        status=status,
    )


@require_http_methods(["GET"])
@role_required
def inspection_detail(request, code):
    return _case_page(request, get_object_or_404(TelecomInspection, code=code))


@require_POST
@role_required
def inspection_step(request, code):
    case = get_object_or_404(TelecomInspection, code=code)
    step = STEPS.get(case.status)
    form = InspectionStepForm(request.POST)
    if step is None:
        return _case_page(request, case, error=_("처리가 끝난 사건입니다."), status=400)
    if not form.is_valid():
        return _case_page(request, case, form=form, status=400)
    service, day_argument, _label = step
    kwargs = {day_argument: form.cleaned_data["day"]}
    if case.status == InspectionStatus.INSPECTED:
        if form.cleaned_data["passed"] in (None, ""):
            return _case_page(
                request, case, form=form, error=_("결과(합격·불합격)를 골라 주세요."), status=400
            )
        kwargs.update(passed=form.cleaned_data["passed"], findings=form.cleaned_data["findings"])
    try:
        case = service(inspection=case, actor=Actor.for_user(request.user), **kwargs)
    except RecordInvalid as exc:
        case.refresh_from_db()
        return _case_page(request, case, form=form, error=str(exc), status=400)
    messages.success(request, _("%(status)s(으)로 기록했습니다.") % {"status": case.get_status_display()})
    return redirect("it:inspection", code=case.code)


@require_POST
@role_required
def inspection_reinspect(request, code):
    failed = get_object_or_404(TelecomInspection, code=code)
    try:
        case = services.inspection_receive(
            building=failed.building,
            address=failed.address,
            applicant=failed.applicant,
            applicant_contact=failed.applicant_contact,
            reinspection_of=failed,
            actor=Actor.for_user(request.user),
        )
    except RecordInvalid as exc:
        return _case_page(request, failed, error=str(exc), status=400)
    messages.success(request, _("재검사 %(code)s을(를) 접수했습니다.") % {"code": case.code})
    return redirect("it:inspection", code=case.code)
