"""Pages of the work plan: the task list, a task, the office calendar (and its iCalendar feed) and
a department's plan as XLSX/HWPX. Thin: reads go through ``selectors``, writes through
``cityhall.core.services`` (audited)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cityhall.core import clock, params
from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required
from cityhall.core.exports import XLSX, download, hwpx_response
from cityhall.core.htmx import render_page_or_fragment, wants_fragment
from cityhall.core.permissions import CHANGE, allowed
from cityhall.core.records import REGISTRY
from cityhall.core.services import RecordInvalid, record_update

from . import feeds, reports, selectors
from .models import Milestone


def _department_codes() -> list[str]:
    return [unit.code for unit in selectors.departments()]


# ``?department=``: one of the departments' codes.
DEPARTMENT = params.Choice(label=gettext_lazy("부서"), choices=_department_codes)


def _department_filter(request, units):
    """``(department, "")`` from the parsed ``?department=`` (a code ``DEPARTMENT`` accepted)."""
    return selectors.department_from_filter(request.query.department, units), ""


def _render_filtered(request, page: str, partial: str, context: dict, *, error: str):
    return render_page_or_fragment(request, page, partial, context, status=400 if error else 200)


def _annotate_permissions(user, milestones):
    rtype = REGISTRY["milestones"]
    for milestone in milestones:
        milestone.can_change = allowed(user, CHANGE, rtype, milestone)
    return milestones


def _bad_department(page: str, partial: str):
    """A department filter that does not parse, shown beside the filter form (400)."""

    def render_error(request, error: params.ParamError):
        context = {"units": selectors.departments(), "department": None, "error": " ".join(error.messages())}
        return _render_filtered(request, page, partial, context, error=context["error"])

    return render_error


@require_GET
@role_required
@params.page(
    on_error=_bad_department("plans/task_list.html", "plans/partials/task_results.html"),
    department=DEPARTMENT,
)
def task_list(request):
    today = clock.today()
    units = selectors.departments()
    department, error = _department_filter(request, units)
    groups = [] if error else selectors.task_list(department=department, units=units, today=today)
    context = {
        "units": units,
        "department": department,
        "error": error,
        "groups": groups,
        "today": today,
        "task_count": sum(len(g.tasks) for g in groups),
        "overdue_count": sum(g.overdue_count for g in groups),
    }
    return _render_filtered(
        request, "plans/task_list.html", "plans/partials/task_results.html", context, error=error
    )


@require_GET
@role_required
def task_detail(request, code):
    task = selectors.task_detail(code)
    if task is None:
        raise Http404(_("업무계획 과제를 찾을 수 없습니다."))
    today = clock.today()
    page = selectors.task_page(task, document=selectors.plan_document(), today=today)
    _annotate_permissions(request.user, page.milestones)
    rtype_programs = REGISTRY["programs"]
    for program in page.programs:
        program.can_change = allowed(request.user, CHANGE, rtype_programs, program)
    context = {
        "page": page,
        "task": task,
        "today": today,
        "can_change_task": allowed(request.user, CHANGE, REGISTRY["work_plan_tasks"], task),
    }
    return render(request, "plans/task_detail.html", context)


@require_POST
@role_required
def milestone_done(request, code, pk):
    """Mark a milestone done or not done (editors of the owning department); audited."""
    milestone = Milestone.objects.select_related("task__department").filter(pk=pk, task__code=code).first()
    if milestone is None:
        raise Http404(_("추진일정을 찾을 수 없습니다."))
    rtype = REGISTRY["milestones"]
    if not allowed(request.user, CHANGE, rtype, milestone):
        raise PermissionDenied(_("이 과제의 추진일정을 고칠 권한이 없습니다."))
    value = request.POST.get("done", "")
    if value not in {"0", "1"}:
        return HttpResponseBadRequest(_("완료 여부(done)는 0 또는 1이어야 합니다."))
    done = value == "1"
    today = clock.today()
    data = {"done": done, "done_on": (milestone.done_on or today) if done else None}
    try:
        milestone = record_update(rtype=rtype, obj=milestone, data=data, actor=Actor.for_user(request.user))
    except RecordInvalid as exc:
        return HttpResponseBadRequest("; ".join(m for ms in exc.errors.values() for m in ms))
    if not wants_fragment(request):
        return redirect(reverse("plans:task", args=[code]) + "#milestones")
    # The row keeps its number on the timeline: place the task's milestones on it again.
    document = selectors.plan_document()
    siblings = [
        selectors.annotate_milestone(m, today)
        for m in Milestone.objects.select_related("task__department")
        .filter(task_id=milestone.task_id)
        .order_by("period_start", "order")
    ]
    selectors.timeline(siblings, year=selectors.plan_year(document, today), today=today)
    row = next(m for m in siblings if m.pk == milestone.pk)
    row.can_change = True
    return render(request, "plans/partials/milestone_row.html", {"m": row, "task": row.task})


@require_GET
@role_required
@params.page(
    on_error=_bad_department("plans/calendar.html", "plans/partials/calendar_results.html"),
    department=DEPARTMENT,
)
def calendar(request):
    today = clock.today()
    units = selectors.departments()
    department, error = _department_filter(request, units)
    document = selectors.plan_document()
    year = selectors.plan_year(document, today)
    cal = None if error else selectors.office_calendar(department=department, year=year, today=today)
    feed_url = request.build_absolute_uri(
        reverse("plans:calendar_feed", args=[feeds.feed_token(request.user)])
    )
    if department is not None:
        feed_url += f"?department={department.code}"
    context = {
        "units": units,
        "department": department,
        "error": error,
        "cal": cal,
        "year": year,
        "today": today,
        "feed_url": feed_url,
    }
    return _render_filtered(
        request, "plans/calendar.html", "plans/partials/calendar_results.html", context, error=error
    )


@require_GET
@params.page(department=DEPARTMENT)
def calendar_feed(request, token):
    """The iCalendar feed behind a per-user secret URL (no session: calendar clients have none)."""
    user = feeds.user_for_token(token)
    if user is None:
        raise Http404(_("구독 주소가 올바르지 않습니다."))
    department = None
    if request.query.department:
        department = selectors.department_by_code(request.query.department)
    document = selectors.plan_document()
    body = feeds.calendar_feed(
        selectors.calendar_milestones(department=department),
        document_code=document.code if document else "",
        department_name=department.name if department else None,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="cityhall-milestones.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def _plan_for(code):
    department = selectors.department_by_code(code)
    if department is None:
        raise Http404(_("부서를 찾을 수 없습니다."))
    return selectors.department_plan(department, today=clock.today())


@require_GET
@role_required
def department_plan_xlsx(request, code):
    plan = _plan_for(code)
    return download(reports.plan_xlsx(plan), f"{reports.file_stem(plan)}.xlsx", XLSX)


@require_GET
@role_required
def department_plan_hwpx(request, code):
    plan = _plan_for(code)
    return hwpx_response(f"{reports.file_stem(plan)}.hwpx", reports.plan_hwpx(plan))
