"""성과관리 pages: overview by department, an indicator (chart + actual form), the incentive
allocation (with XLSX) and the cycle's stage. Thin: reads via ``selectors``, writes via ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cityhall.core import clock, params
from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required
from cityhall.core.exports import Sheet, xlsx_response
from cityhall.core.money import format_thousand_won
from cityhall.core.permissions import ADD, allowed, has_permission
from cityhall.core.records import REGISTRY
from cityhall.core.services import RecordInvalid
from cityhall.organisation.selectors import PLANNING_STAFF

from . import selectors, services
from .forms import ActualForm
from .models import DepartmentScore, Grade, IndicatorActual


def _year(request) -> int:
    if request.query.year is not None:
        return request.query.year
    known = selectors.years()
    return known[-1] if known else clock.today().year


@require_GET
@role_required
@params.page(year=params.Year(label=gettext_lazy("연도")))
def overview(request):
    year = _year(request)
    groups = selectors.overview(year)
    rows = [r for g in groups for r in g.rows]
    context = {
        "year": year,
        "years": selectors.years(),
        "groups": groups,
        "cycle": selectors.cycle(year),
        "can_advance": has_permission(request.user, PLANNING_STAFF),
        "indicator_count": len(rows),
        "provincial_count": sum(1 for r in rows if r.indicator.source == "provincial"),
        "not_s_count": sum(1 for r in rows if r.not_s),
    }
    return render(request, "performance/overview.html", context)


def _indicator_or_404(code: str):
    indicator = selectors.indicator(code)
    if indicator is None:
        raise Http404(_("성과지표를 찾을 수 없습니다."))
    return indicator


def _can_record(user, indicator) -> bool:
    probe = IndicatorActual(indicator=indicator)
    return allowed(user, ADD, REGISTRY["indicator_actuals"], probe)


def _detail(request, indicator, form, status=200):
    context = {
        "indicator": indicator,
        "row": selectors.indicator_row(indicator),
        "actuals": sorted(indicator.actuals.all(), key=lambda a: a.quarter),
        "chart": selectors.chart(indicator),
        "form": form,
        "can_record": _can_record(request.user, indicator),
        "can_grade": has_permission(request.user, PLANNING_STAFF),
        "grades": Grade.values,
    }
    return render(request, "performance/indicator_detail.html", context, status=status)


@require_GET
@role_required
def indicator_detail(request, code):
    return _detail(request, _indicator_or_404(code), ActualForm())


@require_POST
@role_required
def actual_record(request, code):
    indicator = _indicator_or_404(code)
    if not _can_record(request.user, indicator):
        raise PermissionDenied(_("이 지표의 실적을 입력할 권한이 없습니다."))
    form = ActualForm(request.POST)
    if not form.is_valid():
        return _detail(request, indicator, form, status=400)
    try:
        services.indicator_actual_record(
            indicator=indicator,
            quarter=form.cleaned_data["quarter"],
            value=str(form.cleaned_data["value"]),
            evidence=form.cleaned_data["evidence"],
            actor=Actor.for_user(request.user),
        )
    except RecordInvalid as exc:
        for messages_ in exc.errors.values():
            for message in messages_:
                form.add_error(None, message)
        return _detail(request, _indicator_or_404(code), form, status=400)
    messages.success(request, _("실적을 저장했습니다."))
    return redirect("performance:indicator", code=code)


@require_POST
@role_required
def grade_set(request, code):
    indicator = _indicator_or_404(code)
    try:
        services.indicator_grade_set(
            indicator=indicator,
            grade=request.POST.get("grade", ""),
            note=request.POST.get("note", "")[:200],
            actor=Actor.for_user(request.user),
        )
    except RecordInvalid as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("등급을 저장했습니다."))
    return redirect("performance:indicator", code=code)


@require_POST
@role_required
def cycle_advance(request, year):
    cycle = selectors.cycle(year)
    if cycle is None:
        raise Http404(_("평가 주기가 없습니다."))
    try:
        services.evaluation_cycle_advance(cycle=cycle, actor=Actor.for_user(request.user))
    except RecordInvalid as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("평가 단계를 넘겼습니다."))
    return redirect(reverse("performance:overview") + f"?year={year}")


def _allocation(year: int):
    try:
        return services.incentive_allocation(year=year), []
    except RecordInvalid as exc:
        return None, exc.messages


@require_GET
@role_required
def incentives(request, year):
    allocation, errors = _allocation(year)
    stored = list(DepartmentScore.objects.filter(cycle__year=year).select_related("department"))
    context = {
        "year": year,
        "allocation": allocation,
        "errors": errors,
        "stored": stored,
        "cycle": selectors.cycle(year),
        "can_allocate": has_permission(request.user, PLANNING_STAFF),
    }
    return render(request, "performance/incentives.html", context, status=200)


@require_POST
@role_required
def incentives_allocate(request, year):
    try:
        services.incentive_allocate(year=year, actor=Actor.for_user(request.user))
    except RecordInvalid as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("성과급 배분 결과를 확정해 저장했습니다."))
    return redirect("performance:incentives", year=year)


@require_GET
@role_required
def incentives_xlsx(request, year):
    allocation, errors = _allocation(year)
    if allocation is None:
        raise Http404(" ".join(errors))
    rows = [
        [r.department.name, r.score, r.staff, r.factor, r.amount, r.explanation] for r in allocation.results
    ]
    rows.append(
        [
            _("합계"),
            None,
            sum(r.staff for r in allocation.results),
            None,
            allocation.total,
            allocation.formula,
        ]
    )
    note = _("%(year)d년 성과급 배분 · 총액 %(pool)s천원 · %(kind)s") % {
        "year": year,
        "pool": format_thousand_won(allocation.rule.pool),
        "kind": allocation.rule.get_kind_display(),
    }
    if allocation.rule.sample:
        note += " · " + _("예시 자료")
    sheet = Sheet(
        title=_("%(year)d 성과급 배분") % {"year": year},
        headers=[_("부서"), _("성과점수"), _("현원"), _("배분 기준값"), _("배분액(원)"), _("산출 근거")],
        rows=rows,
        note=note,
        widths={1: 14, 6: 90},
    )
    return xlsx_response(_("성과급배분-%(year)d.xlsx") % {"year": year}, [sheet])
