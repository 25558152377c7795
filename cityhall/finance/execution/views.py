"""Execution pages: the dashboard (what is behind, by how much, with charts), a 세부사업's import rows,
the ledger import, month closing, and the reports. Thin: selectors read, the importer writes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cityhall.core import clock, params
from cityhall.core.audit import Actor
from cityhall.core.charts import bar_chart
from cityhall.core.decorators import role_required
from cityhall.core.exports import hwpx_response, xlsx_response
from cityhall.core.services import RecordInvalid

from .. import filters
from ..forms import ExecutionImportForm, MonthCloseForm
from ..services import is_budget_staff
from . import reports, selectors
from .importer import COLUMNS, ExecutionImportError, execution_import, execution_month_close

MAX_UPLOAD = 20 * 1024 * 1024


def _basis_points(value) -> int:
    return int(value * 100) if value is not None else 0


def _rate_chart(groups, title: str) -> dict:
    """Rates as bars (in hundredths of a percent, so the helper's integers keep 0.01 %p)."""
    return bar_chart(
        [(g.label, [_basis_points(g.standing.rate)]) for g in groups],
        title=title,
        series=[_("집행률")],
        display=lambda v: f"{v[0] / 100:.2f}%",
    )


def charts(overview) -> dict:
    return {
        "departments": _rate_chart(overview.by_department, _("부서별 집행률 (%)")),
        "months": bar_chart(
            [(f"{p.month}월", [_basis_points(p.rate)]) for p in overview.by_month],
            title=_("월별 누계 집행률 (%)"),
            series=[_("집행률")],
            display=lambda v: f"{v[0] / 100:.2f}%",
        ),
        "behind": bar_chart(
            [(g.label, [g.standing.shortfall // 1000]) for g in overview.behind[:10]],
            title=_("목표 대비 부족액 상위 10개 세부사업 (단위: 천원)"),
            series=[_("부족액")],
        )
        if overview.behind
        else None,
    }


@require_GET
@role_required
@params.page(**filters.EXECUTION)
def execution_dashboard(request):
    years = selectors.years()
    year = request.query.year or (years[0] if years else clock.today().year)
    overview = selectors.overview(year, request.query.month)
    return render(
        request,
        "finance/execution.html",
        {
            "year": year,
            "years": years,
            "overview": overview,
            "charts": charts(overview) if overview else None,
            "budget_staff": is_budget_staff(request.user),
        },
    )


@require_GET
@role_required
def program_detail(request, year, code):
    lines = selectors.program_lines(year, code)
    if not lines:
        raise Http404(_("이 세부사업의 집행 자료가 없습니다."))
    return render(
        request, "finance/program.html", {"year": year, "program": lines[0]["line"].program, "lines": lines}
    )


@require_http_methods(["GET", "POST"])
@role_required
def execution_import_page(request):
    if not is_budget_staff(request.user):
        raise PermissionDenied(_("집행 자료는 예산법무과만 가져올 수 있습니다."))
    today = clock.today()
    form = ExecutionImportForm(
        request.POST or None, request.FILES or None, initial={"year": today.year, "month": today.month}
    )
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            errors = [_("파일이 20MB를 넘습니다.")]
        else:
            try:
                result = execution_import(
                    year=form.cleaned_data["year"],
                    month=form.cleaned_data["month"],
                    content=upload.read(),
                    file_name=upload.name,
                    actor=Actor.for_user(request.user),
                )
            except ExecutionImportError as exc:
                errors = exc.rows
            else:
                messages.success(
                    request,
                    _("%(month)s 집행 자료 %(rows)d행을 가져왔습니다 (바뀐 이전 행 %(replaced)d).")
                    % {"month": result.month, "rows": result.rows, "replaced": result.replaced},
                )
                return redirect(f"/finance/?year={result.month.year}&month={result.month.month}")
    return render(
        request,
        "finance/import.html",
        {
            "form": form,
            "errors": errors,
            "columns": COLUMNS,
            "close_form": MonthCloseForm(initial=form.initial, prefix="close"),
        },
        status=400 if errors or form.errors else 200,
    )


@require_POST
@role_required
def execution_close(request):
    form = MonthCloseForm(request.POST, prefix="close")
    if not form.is_valid():
        messages.error(request, _("회계연도와 월을 확인하세요."))
        return redirect("finance:execution_import")
    try:
        batch = execution_month_close(**form.cleaned_data, actor=Actor.for_user(request.user))
    except RecordInvalid as exc:
        messages.error(request, str(exc))
        return redirect("finance:execution_import")
    messages.success(request, _("%(month)s을(를) 마감했습니다.") % {"month": batch})
    return redirect(f"/finance/?year={batch.year}&month={batch.month}")


def _overview_or_404(request, year):
    overview = selectors.overview(year, request.query.month)
    if overview is None:
        raise Http404(_("집행 자료가 없습니다."))
    return overview


@require_GET
@role_required
@params.page(month=filters.MONTH)
def execution_xlsx(request, year):
    overview = _overview_or_404(request, year)
    return xlsx_response(f"execution-{year}-{overview.month:02d}.xlsx", reports.sheets(overview))


@require_GET
@role_required
@params.page(month=filters.MONTH)
def execution_hwpx(request, year):
    overview = _overview_or_404(request, year)
    return hwpx_response(f"execution-{year}-{overview.month:02d}.hwpx", reports.hwpx(overview))
