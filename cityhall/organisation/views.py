"""The office's organisation pages: the office, its departments and teams, the public page, and the
office summary exports. Views read through ``selectors`` and stay thin."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import models
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cityhall.core import params
from cityhall.core.audit import Actor
from cityhall.core.charts import CHART_LABEL, CHART_ROW, CHART_VALUE, CHART_WIDTH, bar_chart
from cityhall.core.decorators import role_required
from cityhall.core.htmx import render_page_or_fragment
from cityhall.core.permissions import ADD, CHANGE, allowed
from cityhall.core.records import record_type_for
from cityhall.core.services import RecordInvalid
from cityhall.jobs import runs

from . import filters, reports, selectors, tasks, workload
from .models import Position, WorkloadCategory, WorkloadTask

# -- helpers -------------------------------------------------------------------------------------


def _grades() -> list[tuple[str, str]]:
    """``selectors.GRADES`` with the labels in the request's language (GRADES keeps them as first read)."""
    return [(g.value, str(g.label)) for g in Position.Grade]


def _links(user, objects: Iterable[models.Model]) -> None:
    """Give each record its generic page (``record_url``) and, where the user may change it, ``edit_url``."""
    for obj in objects:
        rtype = record_type_for(obj)
        base = f"/records/{rtype.name.replace('_', '-')}/{obj.pk}/"
        obj.record_url = base
        obj.edit_url = f"{base}edit/" if allowed(user, CHANGE, rtype, obj) else ""


def _exports() -> list[dict]:
    return [
        {"url": "/reports/office-summary.xlsx", "label": _("일반현황 XLSX 내려받기")},
        {"url": "/reports/office-summary.hwpx", "label": _("일반현황 HWPX 내려받기")},
    ]


# -- pages ---------------------------------------------------------------------------------------


@role_required
@require_GET
def index(request):
    overview = selectors.office_overview()
    units = [d.unit for d in overview.departments]
    _links(request.user, units)
    _links(request.user, overview.visions)
    budget_chart = bar_chart(
        [(d.unit.name, [(d.unit.budget or 0) // 1000]) for d in overview.departments],
        title=_("부서별 2025년 예산 (단위: 천원)"),
        series=[_("예산")],
    )
    staffing_chart = bar_chart(
        [(d.unit.name, [d.staffing.current, max(d.staffing.vacancies, 0)]) for d in overview.departments],
        title=_("부서별 정원 대비 현원 (단위: 명)"),
        series=[_("현원"), _("결원")],
        display=lambda v: f"{sum(v)}/{v[0]}",  # 정원/현원, as the tables write it
    )
    return render(
        request,
        "organisation/index.html",
        {
            "overview": overview,
            "grades": _grades(),
            "budget_chart": budget_chart,
            "staffing_chart": staffing_chart,
            "exports": _exports(),
        },
    )


GROUP = params.Text(label=gettext_lazy("사업 구분"), max_length=50)


def _program_filter(request, page: selectors.DepartmentPage) -> tuple[str, str]:
    """The ``group`` filter of the programs section: (value, error message); the groups are the
    department's own, so they are checked here rather than in the parameter's definition."""
    group = request.query.group or ""
    if group and group not in page.group_codes:
        problem = _("'%(group)s'은(는) 이 부서에 없습니다. 목록에서 고르세요.") % {"group": group[:50]}
        return "", params.ParamError({"group": problem}, {"group": str(GROUP.label)}).messages()[0]
    return group, ""


@role_required
@require_GET
@params.page(group=GROUP)
def department(request, code: str):
    unit = selectors.department(code)
    if unit is None:
        raise Http404(_("그런 부서가 없습니다."))
    page = selectors.department_page(unit)
    group, problem = _program_filter(request, page)
    groups = [g for g in page.program_groups if not group or g.code == group]
    programs = [p for g in page.program_groups for p in g.programs]
    parts = [part for p in programs for part in p.parts.all()]
    shares = [s for p in programs + parts for s in p.shares.all()]
    _links(request.user, [unit, *unit.teams, *page.staffing.positions, *programs, *parts, *shares])
    _links(request.user, [*page.tasks, *page.core_tasks, *page.committees, *page.facilities, *page.people])
    _links(request.user, [e for g in page.equipment for e in g.items])
    _links(request.user, [*page.achievements, *(i for a in page.achievements for i in a.items.all())])
    context = {
        "unit": unit,
        "page": page,
        "grades": _grades(),
        "groups": groups,
        "group": group,
        "problem": problem,
        "exports": _exports(),
        "program_chart": bar_chart(
            [(p.name, [(p.budget or 0) // 1000]) for p in page.main_programs],
            title=_("%(name)s 주요사업 예산 (단위: 천원)") % {"name": unit.name},
            series=[_("사업비")],
        )
        if page.main_programs
        else None,
    }
    status = 400 if problem else 200
    return render_page_or_fragment(
        request,
        "organisation/department.html",
        "organisation/partials/programs.html",
        context,
        status=status,
        target="programs",
    )


@role_required
@require_GET
def team(request, code: str):
    unit = selectors.team(code)
    if unit is None:
        raise Http404(_("그런 팀이 없습니다."))
    page = selectors.team_page(unit)
    shares = [s for p in page.programs for s in p.shares.all()]
    _links(request.user, [unit, *page.people, *(t.task for t in page.tasks), *page.programs, *shares])
    if unit.parent_id:
        _links(request.user, [unit.parent])
    return render(request, "organisation/team.html", {"unit": unit, "page": page})


@require_GET
def public(request):
    """What the city publishes anyway; no login, no internal data, no edit links."""
    return render(request, "organisation/public.html", {"directory": selectors.public_directory()})


@role_required
@require_GET
def summary_xlsx(request):
    return reports.summary_xlsx(selectors.office_summary())


@role_required
@require_GET
def summary_hwpx(request):
    return reports.summary_hwpx(selectors.office_summary())


@role_required
@require_POST
def summary_generate(request, fmt: str):
    """보고서 만들기: the office summary made on the task queue; the run's page shows it when done."""
    if fmt not in tasks.FORMATS:
        raise Http404(_("알 수 없는 보고서 형식입니다."))
    run = runs.run_start(
        task=tasks.summary_report_run,
        kind="organisation.summary_report",
        label=_("기획조정실 일반현황 보고서 (%(fmt)s)") % {"fmt": fmt.upper()},
        actor=Actor.for_user(request.user),
        params={"format": fmt, "back": reverse("organisation:index")},
    )
    return redirect("jobs:run", pk=run.pk)


# -- 조직진단 (organisation diagnosis) -------------------------------------------------------------


def workload_report_for(request, problem: str = "") -> tuple[workload.WorkloadReport, str]:
    """The analysis with the parsed settings; with a problem (the settings' own or ``problem``) the
    analysis with the defaults, beside the message."""
    values = {} if problem else request.query.given()
    over = values.get("over", workload.DEFAULT_OVER)
    under = values.get("under", workload.DEFAULT_UNDER)
    try:
        workload.check_workload_settings(values.get("hours", 1), over, under)
    except RecordInvalid as exc:
        values, problem = {}, str(exc)
    report = workload.workload_report(
        hours_per_person_year=values.get("hours"),
        over=values.get("over", workload.DEFAULT_OVER),
        under=values.get("under", workload.DEFAULT_UNDER),
    )
    return report, problem


def workload_chart(report: workload.WorkloadReport) -> dict:
    """Required person-years (소요인력) per team beside its current staff, as a two-series chart."""
    rows = [
        (
            t.team.name,
            [t.required_shown, Decimal(t.current or 0)],
        )
        for t in report.teams
        if t.tasks or t.current
    ]
    plot = CHART_WIDTH - CHART_LABEL - CHART_VALUE
    peak = max((max(v) for _label, v in rows), default=0) or 1
    out = []
    for index, (label, (required, current)) in enumerate(rows):
        y = 8 + index * CHART_ROW
        out.append(
            {
                "label": label,
                "y": y,
                "y2": y + 11,
                "text_y": y + 15,
                "required_width": round(plot * float(required) / float(peak), 1),
                "current_width": round(plot * float(current) / float(peak), 1),
                "value_x": CHART_LABEL + round(plot * float(max(required, current)) / float(peak), 1) + 6,
                "display": f"{required} / {int(current)}",
                "required": required,
                "current": int(current),
            }
        )
    title = _("팀별 소요인력 대비 현원 (단위: 명)")
    summary = "; ".join(
        _("%(team)s 소요 %(required)s명, 현원 %(current)s명")
        % {"team": r["label"], "required": r["required"], "current": r["current"]}
        for r in out
    )
    return {
        "title": title,
        "summary": f"{title}: {summary}",
        "width": CHART_WIDTH,
        "height": 16 + len(out) * CHART_ROW,
        "label_x": CHART_LABEL - 8,
        "x": CHART_LABEL,
        "rows": out,
    }


def _diagnosis_page(request, problem: str = ""):
    report, problem = workload_report_for(request, problem)
    units = selectors.departments()
    rows = [selectors.staffing_row(u) for u in units]
    staffing = [{"unit": u, "staffing": r} for u, r in zip(units, rows, strict=True)]
    tasks = [x.task for t in report.teams for x in t.tasks]
    _links(request.user, tasks)
    task_type = record_type_for(WorkloadTask)
    context = {
        "report": report,
        "problem": problem,
        "grades": _grades(),
        "departments": staffing,
        "total": selectors.staffing_total(rows),
        "chart": workload_chart(report),
        "can_add": allowed(request.user, ADD, task_type),
        "settings": {
            "hours": params.typed(request, "hours", 12),
            "over": params.typed(request, "over", 12),
            "under": params.typed(request, "under", 12),
        },
        "query": request.GET.urlencode() if not problem else "",
        "categories": WorkloadCategory.choices,
    }
    return render(request, "organisation/diagnosis.html", context, status=400 if problem else 200)


@role_required
@require_GET
@params.page(
    on_error=lambda request, error: _diagnosis_page(request, " ".join(error.messages())),
    **filters.WORKLOAD_PARAMS,
)
def diagnosis(request):
    return _diagnosis_page(request)


@role_required
@require_GET
@params.page(**filters.WORKLOAD_PARAMS)
def diagnosis_xlsx(request):
    report, problem = workload_report_for(request)
    if problem:
        return HttpResponseBadRequest(problem, content_type="text/plain; charset=utf-8")
    return reports.workload_xlsx(report)
