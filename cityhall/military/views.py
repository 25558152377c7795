"""Pages of the military module: the noise-compensation years (applications masked, the cycle's
actions, exports), one application with its computation and objections, the calculator, the support
projects and the cooperation councils. Thin: reads through ``selectors``, writes through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cityhall.core import clock, params
from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required
from cityhall.core.exports import XLSX, download, hwpx_response
from cityhall.core.permissions import has_permission
from cityhall.core.services import RecordInvalid
from cityhall.organisation.selectors import PLANNING_STAFF

from . import reports, schedule, selectors, services
from .compensation import CompensationError, Facts, compute
from .forms import (
    ApplicationForm,
    ComputeForm,
    DateForm,
    FollowUpForm,
    MeetingForm,
    ObjectionDecideForm,
    ObjectionForm,
)
from .models import (
    CompensationYear,
    CooperationCouncil,
    CooperationTask,
    NoiseApplication,
    NoiseRuleVersion,
    Zone,
)


def _planning(request) -> bool:
    return has_permission(request.user, PLANNING_STAFF)


def _require_planning(request) -> None:
    if not _planning(request):
        raise PermissionDenied(_("군소음 보상 신청자 정보는 정책기획과만 볼 수 있습니다."))


def _year(year: int) -> CompensationYear:
    obj = selectors.year_of(year)
    if obj is None:
        raise Http404(_("보상 연도를 찾을 수 없습니다."))
    return obj


def _application(year: CompensationYear, number: int) -> NoiseApplication:
    app = selectors.application_of(year, number)
    if app is None:
        raise Http404(_("신청을 찾을 수 없습니다."))
    return app


@require_GET
@role_required
def overview(request):
    today = clock.today()
    return render(
        request,
        "military/overview.html",
        {
            "years": selectors.years(),
            "councils": selectors.councils(),
            "due": services.councils_due(today),
            "agreements": selectors.agreements(),
            "today": today,
        },
    )


@require_GET
@role_required
def years(request):
    return render(
        request,
        "military/years.html",
        {
            "years": selectors.years(),
            "versions": selectors.rule_versions(),
            "planning": _planning(request),
        },
    )


@never_cache
@require_GET
@role_required
@params.page(
    status=params.Choice(choices=NoiseApplication.Status.values, label=_("상태")),
    zone=params.Choice(choices=Zone.values, label=_("구역")),
)
def year_detail(request, year):
    obj = _year(year)
    planning = _planning(request)
    return render(
        request,
        "military/year.html",
        {
            "year": obj,
            "planning": planning,
            "steps": selectors.cycle(obj),
            "zones": selectors.zone_totals(obj),
            "rows": selectors.application_rows(
                obj, status=request.query.status or "", zone=request.query.zone or ""
            )
            if planning
            else [],
            "statuses": NoiseApplication.Status.choices,
            "zone_choices": Zone.choices,
            "status": request.query.status or "",
            "zone": request.query.zone or "",
            "pending": selectors.pending_objections(obj) if planning else [],
            "form": DateForm(initial={"on": clock.today()}),
        },
    )


STEPS = {"decide": services.year_decide, "notify": services.year_notify, "pay": services.year_pay}
STEP_ARGS = {"decide": "decided_on", "notify": "notified_on", "pay": "paid_on"}


@require_POST
@role_required
def year_step(request, year, step):
    if step not in STEPS:
        raise Http404(_("알 수 없는 단계입니다."))
    _require_planning(request)
    obj = _year(year)
    form = DateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("일자를 YYYY-MM-DD로 입력해 주세요."))
        return redirect("military:year", year=year)
    try:
        result = STEPS[step](
            year=obj, actor=Actor.for_user(request.user), **{STEP_ARGS[step]: form.cleaned_data["on"]}
        )
    except RecordInvalid as exc:
        messages.error(request, str(exc))
    else:
        if step == "pay":
            messages.success(request, _("%(count)d건을 지급 처리했습니다.") % {"count": result})
        else:
            messages.success(request, _("처리했습니다."))
    return redirect("military:year", year=year)


@never_cache
@require_http_methods(["GET", "POST"])
@role_required
def apply(request, year):
    _require_planning(request)
    obj = _year(year)
    form = ApplicationForm(request.POST or None)
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and form.is_valid():
        try:
            app = services.application_submit(
                year=obj, data=form.cleaned_data, actor=Actor.for_user(request.user)
            )
        except RecordInvalid as exc:
            errors = exc.errors
            for field, msgs in exc.errors.items():
                for m in msgs:
                    form.add_error(field if field in form.fields else None, m)
        else:
            messages.success(request, _("접수번호 %(number)d번으로 접수했습니다.") % {"number": app.number})
            return redirect("military:application", year=year, number=app.number)
    invalid = request.method == "POST" and (errors or form.errors)
    return render(
        request,
        "military/apply.html",
        {"year": obj, "form": form, "invalid": invalid},
        status=400 if invalid else 200,
    )


@never_cache
@require_GET
@role_required
def application_detail(request, year, number):
    _require_planning(request)
    obj = _year(year)
    app = _application(obj, number)
    due = schedule.objection_due(obj.notified_on) if obj.notified_on else None
    return render(
        request,
        "military/application.html",
        {
            "year": obj,
            "app": app,
            "row": selectors.masked(app),
            "due": due,
            "objection_form": ObjectionForm(initial={"filed_on": clock.today()}),
            "decide_form": ObjectionDecideForm(initial={"decided_on": clock.today()}),
            "revealed": None,
        },
    )


@never_cache
@require_POST
@role_required
def application_reveal(request, year, number):
    _require_planning(request)
    obj = _year(year)
    app = _application(obj, number)
    try:
        revealed = services.application_reveal(application=app, actor=Actor.for_user(request.user))
    except RecordInvalid as exc:
        messages.error(request, str(exc))
        return redirect("military:application", year=year, number=number)
    due = schedule.objection_due(obj.notified_on) if obj.notified_on else None
    return render(
        request,
        "military/application.html",
        {
            "year": obj,
            "app": app,
            "row": selectors.masked(app),
            "due": due,
            "revealed": revealed,
            "objection_form": ObjectionForm(initial={"filed_on": clock.today()}),
            "decide_form": ObjectionDecideForm(initial={"decided_on": clock.today()}),
        },
    )


@require_POST
@role_required
def objection_file(request, year, number):
    _require_planning(request)
    obj = _year(year)
    app = _application(obj, number)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        corrections = {k: data[k] for k in ("zone", "moved_in_on", "workplace_outside_months") if data.get(k)}
        try:
            services.objection_file(
                application=app,
                filed_on=data["filed_on"],
                reason=data["reason"],
                corrections=corrections,
                actor=Actor.for_user(request.user),
            )
        except RecordInvalid as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("이의신청을 접수했습니다."))
            return redirect("military:application", year=year, number=number)
    due = schedule.objection_due(obj.notified_on) if obj.notified_on else None
    return render(
        request,
        "military/application.html",
        {
            "year": obj,
            "app": app,
            "row": selectors.masked(app),
            "due": due,
            "revealed": None,
            "objection_form": form,
            "decide_form": ObjectionDecideForm(initial={"decided_on": clock.today()}),
        },
        status=400,
    )


@require_POST
@role_required
def objection_decide(request, year, number, pk):
    _require_planning(request)
    obj = _year(year)
    app = _application(obj, number)
    objection = get_object_or_404(app.objections, pk=pk)
    form = ObjectionDecideForm(request.POST)
    if form.is_valid():
        try:
            result = services.objection_decide(
                objection=objection, actor=Actor.for_user(request.user), **form.cleaned_data
            )
        except RecordInvalid as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("재심의 결과를 기록했습니다: %(amount)s원") % {"amount": f"{result.amount_after or 0:,}"},
            )
    else:
        messages.error(request, _("재심의 결과와 일자를 입력해 주세요."))
    return redirect("military:application", year=year, number=number)


@never_cache
@require_GET
@role_required
def decisions_hwpx(request, year):
    _require_planning(request)
    obj = _year(year)
    return hwpx_response(f"군소음보상_심의결정_{obj.year}.hwpx", reports.decisions_hwpx(obj))


@never_cache
@require_GET
@role_required
def decisions_xlsx(request, year):
    _require_planning(request)
    obj = _year(year)
    return download(reports.decisions_xlsx(obj), f"군소음보상_심의결정_{obj.year}.xlsx", XLSX)


@never_cache
@require_GET
@role_required
def payments_csv(request, year):
    _require_planning(request)
    obj = _year(year)
    content, count, total = reports.payments_csv(obj)
    services.payment_file_record(year=obj, rows=count, total=total, actor=Actor.for_user(request.user))
    return download(content, f"군소음보상_지급_{obj.year}.csv", "text/csv; charset=cp949")


@require_http_methods(["GET", "POST"])
@role_required
def compute_page(request):
    form = ComputeForm(request.POST or None)
    result, error = None, ""
    version = NoiseRuleVersion.objects.order_by("-effective_from").first()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            months = services.parse_months(data["workplace_outside_months"])
            if version is None:
                raise RecordInvalid(_("규칙표가 없습니다."))
            result = compute(
                Facts(
                    year=data["residence_year"],
                    zone=data["zone"],
                    moved_in_on=data["moved_in_on"],
                    moved_out_on=data["moved_out_on"],
                    workplace_outside_months=tuple(months),
                    base_established_on=data["base_established_on"],
                ),
                services.rule_table_of(version),
            )
        except (RecordInvalid, CompensationError) as exc:
            error = str(exc)
    invalid = request.method == "POST" and (error or form.errors)
    return render(
        request,
        "military/compute.html",
        {"form": form, "result": result, "error": error, "version": version},
        status=400 if invalid else 200,
    )


@require_GET
@role_required
def support(request):
    return render(request, "military/support.html", {"groups": selectors.support_groups()})


@require_GET
@role_required
def cooperation(request):
    today = clock.today()
    return render(
        request,
        "military/cooperation.html",
        {
            "councils": selectors.councils(),
            "tasks": selectors.tasks(),
            "agreements": selectors.agreements(),
            "due": services.councils_due(today),
            "planning": _planning(request),
            "meeting_form": MeetingForm(initial={"held_on": today}),
            "follow_form": FollowUpForm(initial={"on": today}),
        },
    )


@require_POST
@role_required
def meeting_record(request, code):
    _require_planning(request)
    council = get_object_or_404(CooperationCouncil, code=code)
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            meeting = services.council_meeting_record(
                council=council, actor=Actor.for_user(request.user), **form.cleaned_data
            )
        except RecordInvalid as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("회의를 기록했습니다: %(code)s") % {"code": meeting.code})
    else:
        messages.error(request, _("회의일과 안건을 입력해 주세요."))
    return redirect("military:cooperation")


@require_POST
@role_required
def task_follow_up(request, code):
    _require_planning(request)
    task = get_object_or_404(CooperationTask, code=code)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.task_follow_up(task=task, actor=Actor.for_user(request.user), **form.cleaned_data)
        except RecordInvalid as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("경과를 기록했습니다."))
    else:
        messages.error(request, _("일자와 경과를 입력해 주세요."))
    return redirect("military:cooperation")
