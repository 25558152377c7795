"""Pledge pages: the portfolio, the XLSX import, check-in rounds (list, detail, a department's
submission form, the planning team's review), the round report and the public page. Thin: reads go
through ``selectors``, writes through ``services`` (audited)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cityhall.core import clock, params
from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required
from cityhall.core.exports import XLSX, download, hwpx_response
from cityhall.core.htmx import wants_fragment
from cityhall.core.permissions import has_permission
from cityhall.core.services import RecordInvalid
from cityhall.organisation.models import OrgUnit
from cityhall.organisation.selectors import PLANNING_STAFF

from . import reports, selectors, services
from .forms import CheckinForm, ImportForm, ReviewForm, RoundOpenForm
from .importer import PledgeImportError, pledge_import_xlsx
from .models import CheckinRound, PledgeCheckin

PAGE_SIZE = 100  # pledges or check-ins per page (a term's pledges fit on one)


def _page(request, queryset):
    """One page of ``queryset``, read with LIMIT/OFFSET: the page costs the same however long the list."""
    return Paginator(queryset, PAGE_SIZE).get_page(request.query.page)


def _round(pk: int) -> CheckinRound:
    return get_object_or_404(CheckinRound, pk=pk)


@require_GET
@role_required
@params.page(page=params.PAGE)
def pledge_list(request):
    return render(
        request,
        "pledges/pledge_list.html",
        {
            "summary": selectors.portfolio_summary(),
            "pledges": _page(request, selectors.pledges()),
            "planning": has_permission(request.user, PLANNING_STAFF),
            "open_round": selectors.open_round(),
        },
    )


@require_GET
@role_required
def pledge_detail(request, code):
    pledge = selectors.pledge_detail(code)
    if pledge is None:
        raise Http404(_("공약을 찾을 수 없습니다."))
    return render(
        request,
        "pledges/pledge_detail.html",
        {"pledge": pledge, "history": selectors.checkin_history(pledge)},
    )


@require_http_methods(["GET", "POST"])
@role_required
def pledge_import(request):
    if not has_permission(request.user, PLANNING_STAFF):
        raise PermissionDenied(_("공약 목록은 정책기획과만 가져올 수 있습니다."))
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            count = pledge_import_xlsx(form.cleaned_data["file"], Actor.for_user(request.user))
        except PledgeImportError as exc:
            errors = exc.errors
        else:
            messages.success(request, _("공약 %(count)d건을 가져왔습니다.") % {"count": count})
            return redirect("pledges:list")
    return render(
        request, "pledges/import.html", {"form": form, "errors": errors}, status=400 if errors else 200
    )


@require_http_methods(["GET", "POST"])
@role_required
def round_list(request):
    planning = has_permission(request.user, PLANNING_STAFF)
    today = clock.today()
    form = RoundOpenForm(
        request.POST or None, initial={"year": today.year, "quarter": (today.month - 1) // 3 + 1}
    )
    error = ""
    if request.method == "POST":
        if not planning:
            raise PermissionDenied(_("점검 회차는 정책기획과만 열 수 있습니다."))
        if form.is_valid():
            try:
                round_ = services.round_open(**form.cleaned_data, actor=Actor.for_user(request.user))
            except RecordInvalid as exc:
                error = str(exc)
            else:
                messages.success(request, _("%(round)s을(를) 열었습니다.") % {"round": round_})
                return redirect("pledges:round", pk=round_.pk)
    return render(
        request,
        "pledges/round_list.html",
        {"rounds": selectors.rounds(), "form": form, "planning": planning, "error": error},
        status=400 if error or form.errors else 200,
    )


@require_GET
@role_required
def round_detail(request, pk):
    round_ = _round(pk)
    groups = selectors.round_progress(round_)
    return render(
        request,
        "pledges/round_detail.html",
        {
            "round": round_,
            "groups": groups,
            "missing": [(g.department, g.missing) for g in groups if g.missing],
            "planning": has_permission(request.user, PLANNING_STAFF),
            "my_departments": {
                g.department.pk
                for g in groups
                if g.pledges and services.can_submit(request.user, g.pledges[0])
            },
            "to_review": sum(g.submitted for g in groups),
        },
    )


def _department(code: str) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code, kind=OrgUnit.Kind.DEPARTMENT).first()
    if unit is None:
        raise Http404(_("부서를 찾을 수 없습니다."))
    return unit


@require_GET
@role_required
def department_checkins(request, pk, code):
    round_ = _round(pk)
    unit = _department(code)
    groups = selectors.round_progress(round_, department=unit)
    rows = groups[0].rows if groups else []
    can = bool(rows) and services.can_submit(request.user, rows[0][0])
    items = [_row_context(round_, pledge, checkin, can) for pledge, checkin in rows]
    return render(
        request,
        "pledges/department_checkins.html",
        {"round": round_, "department": unit, "items": items, "can_submit": can},
    )


def _row_context(round_, pledge, checkin, can, form=None, error=""):
    initial = {
        "status": checkin.status if checkin else pledge.status,
        "progress": checkin.progress if checkin else pledge.progress,
        "evidence": checkin.evidence if checkin else "",
        "status_reason": checkin.status_reason if checkin else pledge.status_reason,
    }
    editable = (
        can
        and round_.state == CheckinRound.State.OPEN
        and not (checkin and checkin.review == PledgeCheckin.Review.ACCEPTED)
    )
    return {
        "round": round_,
        "pledge": pledge,
        "checkin": checkin,
        "editable": editable,
        "form": form or CheckinForm(initial=initial, prefix=f"p{pledge.pk}"),
        "error": error,
    }


@require_POST
@role_required
def checkin_submit(request, pk, pledge_pk):
    round_ = _round(pk)
    pledge = get_object_or_404(selectors.pledges(), pk=pledge_pk)
    if not services.can_submit(request.user, pledge):
        raise PermissionDenied(_("이 공약의 주관부서만 제출할 수 있습니다."))
    form = CheckinForm(request.POST, prefix=f"p{pledge.pk}")
    error = ""
    if form.is_valid():
        try:
            services.checkin_submit(
                round_=round_, pledge=pledge, actor=Actor.for_user(request.user), **form.cleaned_data
            )
        except RecordInvalid as exc:
            error = str(exc)
    else:
        error = " ".join(m for ms in form.errors.values() for m in ms)
    checkin = PledgeCheckin.objects.filter(round=round_, pledge=pledge).first()
    if wants_fragment(request):
        context = _row_context(round_, pledge, checkin, True, form=form if error else None, error=error)
        # 200 even with an error: htmx swaps only 2xx answers, and the card shows the error (role=alert).
        return render(request, "pledges/partials/checkin_row.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("제출했습니다: %(pledge)s") % {"pledge": pledge})
    return redirect("pledges:department", pk=round_.pk, code=pledge.lead_department.code)


@require_GET
@role_required
@params.page(page=params.PAGE)
def review(request, pk):
    if not has_permission(request.user, PLANNING_STAFF):
        raise PermissionDenied(_("검토는 정책기획과만 할 수 있습니다."))
    round_ = _round(pk)
    checkins = (
        PledgeCheckin.objects.filter(round=round_)
        .select_related("pledge__lead_department", "submitted_by", "reviewed_by")
        .order_by("review", "pledge__number")
    )
    return render(request, "pledges/review.html", {"round": round_, "checkins": _page(request, checkins)})


@require_POST
@role_required
def checkin_review(request, pk, checkin_pk):
    if not has_permission(request.user, PLANNING_STAFF):
        raise PermissionDenied(_("검토는 정책기획과만 할 수 있습니다."))
    checkin = get_object_or_404(
        PledgeCheckin.objects.select_related("round", "pledge"), pk=checkin_pk, round_id=pk
    )
    form = ReviewForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            checkin = services.checkin_review(
                checkin=checkin, actor=Actor.for_user(request.user), **form.cleaned_data
            )
        except RecordInvalid as exc:
            error = str(exc)
    else:
        error = _("검토 결과를 고르세요.")
    if wants_fragment(request):
        checkin.refresh_from_db()
        return render(
            request,
            "pledges/partials/review_row.html",
            {"checkin": checkin, "round": checkin.round, "error": error},
        )  # 200 with the error in the row: htmx swaps only 2xx answers
    if error:
        messages.error(request, error)
    return redirect("pledges:review", pk=pk)


@require_POST
@role_required
def round_close(request, pk):
    round_ = _round(pk)
    try:
        count = services.round_close(round_=round_, actor=Actor.for_user(request.user))
    except RecordInvalid as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("점검을 마감했습니다. 공약 %(count)d건의 추진상황을 반영했습니다.") % {"count": count}
        )
    return redirect("pledges:round", pk=round_.pk)


def _report_name(round_: CheckinRound, ext: str) -> str:
    return _("공약점검_%(year)d년_%(quarter)d분기.%(ext)s") % {
        "year": round_.year,
        "quarter": round_.quarter,
        "ext": ext,
    }


@require_GET
@role_required
def report_xlsx(request, pk):
    round_ = _round(pk)
    return download(reports.round_xlsx(round_), _report_name(round_, "xlsx"), XLSX)


@require_GET
@role_required
def report_hwpx(request, pk):
    round_ = _round(pk)
    return hwpx_response(_report_name(round_, "hwpx"), reports.round_hwpx(round_))


@require_GET
@params.page(page=params.PAGE)
def public_pledges(request):
    """Citizens' page: no login; only public pledges, their status and progress (no comments or evidence)."""
    pledges = selectors.pledges(public_only=True)
    return render(
        request,
        "pledges/public.html",
        {"summary": selectors.portfolio_summary(pledges), "pledges": _page(request, pledges)},
    )
