"""Legal pages: the overview (the year's statistics, the next deadlines), the regulation registry with
its phrase search and bulk revision, a revision with its pipeline and 신구조문대비표, council data
requests with their answers, and the cases with their next deadline first. Thin: reads through
``selectors``, writes through ``services`` (audited)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cityhall.core import clock, params
from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required
from cityhall.core.exports import XLSX, download, hwpx_response
from cityhall.core.permissions import VIEW, allowed
from cityhall.core.records import REGISTRY
from cityhall.core.services import RecordInvalid

from . import council, reports, selectors, services
from .models import Bill, CaseKind, DataRequest, DataRequestAttachment, RegulationKind, Stage

PAGE_SIZE = 50
YEAR = params.Year(label=gettext_lazy("연도"), default=None)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.query.page)


def _year(request) -> int:
    return request.query.year or 2024


@require_GET
@role_required
@params.page(year=YEAR)
def overview(request):
    year = _year(request)
    return render(
        request,
        "legal/overview.html",
        {
            "year": year,
            "stats": selectors.year_statistics(year),
            "counts": selectors.case_counts(year),
            "upcoming": selectors.upcoming_deadlines(user=request.user, today=clock.today(), limit=10),
            "legal_staff": services.is_legal_staff(request.user),
        },
    )


@require_GET
@role_required
@params.page(year=YEAR)
def statistics_xlsx(request):
    year = _year(request)
    content = reports.statistics_xlsx(selectors.year_statistics(year), selectors.case_counts(year))
    return download(content, f"자치법규·법무통계_{year}.xlsx", XLSX)


# -- regulations -----------------------------------------------------------------------------------


@require_GET
@role_required
@params.page(
    page=params.PAGE,
    kind=params.Choice(label=gettext_lazy("종류"), choices=RegulationKind.values),
    q=params.Text(label=gettext_lazy("찾을 문구"), max_length=200),
    regex=params.Bool(label=gettext_lazy("정규식")),
)
def regulation_list(request):
    q = request.query.q
    hits, search_error = None, ""
    if q:
        try:
            hits = selectors.regulations_containing(q, regex=bool(request.query.regex))
        except Exception as exc:  # a regular expression that does not compile
            search_error = _("정규식이 올바르지 않습니다: %(e)s") % {"e": exc}
    return render(
        request,
        "legal/regulation_list.html",
        {
            "regulations": _page(request, selectors.regulations(user=request.user, kind=request.query.kind)),
            "kinds": RegulationKind.choices,
            "kind": request.query.kind or "",
            "q": q or "",
            "regex": bool(request.query.regex),
            "hits": hits,
            "search_error": search_error,
            "legal_staff": services.is_legal_staff(request.user),
        },
    )


@require_GET
@role_required
def regulation_detail(request, code):
    regulation = selectors.regulation_with_versions(code)
    if regulation is None:
        raise Http404
    versions = list(regulation.versions.all())
    return render(
        request,
        "legal/regulation_detail.html",
        {"regulation": regulation, "current": versions[0] if versions else None, "versions": versions},
    )


@require_POST
@role_required
def bulk_new(request):
    data = request.POST
    try:
        bulk = services.bulk_revision_open(
            code=data.get("code", "").strip(),
            title=data.get("title", "").strip(),
            phrase=data.get("phrase", ""),
            replacement=data.get("replacement", ""),
            regex=data.get("regex") == "on",
            reason=data.get("reason", ""),
            actor=Actor.for_user(request.user),
        )
    except RecordInvalid as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("legal:regulations")
    messages.success(request, _("일괄개정 %(n)s건을 시작했습니다.") % {"n": bulk.revisions.count()})
    return redirect("legal:bulk", code=bulk.code)


@require_GET
@role_required
def bulk_detail(request, code):
    bulk = selectors.bulk_revision(code)
    if bulk is None:
        raise Http404
    return render(request, "legal/bulk_detail.html", {"bulk": bulk})


# -- revisions -------------------------------------------------------------------------------------


@require_GET
@role_required
@params.page(
    page=params.PAGE,
    year=YEAR,
    stage=params.Choice(label=gettext_lazy("단계"), choices=Stage.values),
)
def revision_list(request):
    return render(
        request,
        "legal/revision_list.html",
        {
            "revisions": _page(
                request,
                selectors.revisions(user=request.user, year=request.query.year, stage=request.query.stage),
            ),
            "stages": Stage.choices,
            "stage": request.query.stage or "",
            "year": request.query.year or "",
        },
    )


def _revision_or_404(code):
    revision = selectors.revision(code)
    if revision is None:
        raise Http404
    return revision


@require_http_methods(["GET", "POST"])
@role_required
def revision_detail(request, code):
    revision = _revision_or_404(code)
    errors: list[str] = []
    draft_text = services.articles_as_text(revision.draft)
    if request.method == "POST":
        actor = Actor.for_user(request.user)
        try:
            if request.POST.get("action") == "draft":
                draft_text = request.POST.get("draft", "")
                services.revision_update_draft(
                    revision=revision, draft=services.parse_articles_text(draft_text), actor=actor
                )
                messages.success(request, _("개정안을 저장했습니다."))
            elif request.POST.get("action") == "advance":
                on = params.Date(label="일자").parse(request.POST.get("on"))
                services.revision_advance(
                    revision=revision,
                    to_stage=request.POST.get("to_stage", ""),
                    on=on,
                    note=request.POST.get("note", ""),
                    actor=actor,
                )
                messages.success(request, _("단계를 옮겼습니다."))
            else:
                raise RecordInvalid(_("알 수 없는 요청입니다."))
            return redirect("legal:revision", code=revision.code)
        except params.Invalid as exc:
            errors = [_("일자: %(e)s") % {"e": exc}]
        except RecordInvalid as exc:
            errors = exc.messages
    rows = services.revision_comparison(revision)
    return render(
        request,
        "legal/revision_detail.html",
        {
            "revision": revision,
            "rows": rows,
            "errors": errors,
            "draft_text": draft_text,
            "next_stages": [(s, Stage(s).label) for s in services.next_stages(revision)],
            "can_edit": services.can_edit_revision(request.user, revision)
            and revision.stage in services.EDITABLE_STAGES,
            "legal_staff": services.is_legal_staff(request.user),
            "pipeline": [(s, s.label) for s in services.PIPELINE],
            "today": clock.today(),
        },
        status=422 if errors else 200,
    )


@require_GET
@role_required
def comparison_xlsx(request, code):
    revision = _revision_or_404(code)
    content = reports.comparison_xlsx(revision, services.revision_comparison(revision))
    return download(content, f"신구조문대비표_{revision.regulation.title}.xlsx", XLSX)


@require_GET
@role_required
def comparison_hwpx(request, code):
    revision = _revision_or_404(code)
    content = reports.comparison_hwpx(revision, services.revision_comparison(revision))
    return hwpx_response(f"신구조문대비표_{revision.regulation.title}.hwpx", content)


# -- council requests ------------------------------------------------------------------------------


@require_GET
@role_required
@params.page(
    page=params.PAGE,
    status=params.Choice(label=gettext_lazy("상태"), choices=DataRequest.Status.values),
    kind=params.Choice(label=gettext_lazy("구분"), choices=DataRequest.Kind.values),
)
def request_list(request):
    return render(
        request,
        "legal/request_list.html",
        {
            "requests": _page(
                request,
                selectors.data_requests(
                    user=request.user, status=request.query.status, kind=request.query.kind
                ),
            ),
            "today": clock.today(),
            "bills": selectors.bills(user=request.user)[:20],
        },
    )


def _visible_request(request, pk) -> DataRequest:
    found = selectors.data_requests(user=request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@require_http_methods(["GET", "POST"])
@role_required
def request_detail(request, pk):
    data_request = _visible_request(request, pk)
    errors: dict[str, list[str]] = {}
    answer = data_request.answer
    if request.method == "POST":
        answer = request.POST.get("answer", "")
        files = [(f.name, f.content_type or "", f.read()) for f in request.FILES.getlist("files")]
        try:
            services.data_request_answer(
                request=data_request, answer=answer, files=files, actor=Actor.for_user(request.user)
            )
            messages.success(request, _("제출했습니다."))
            return redirect("legal:request", pk=data_request.pk)
        except RecordInvalid as exc:
            errors = exc.errors
    can_answer = services.is_legal_staff(request.user) or allowed(
        request.user, "change", REGISTRY["data_requests"], data_request
    )
    return render(
        request,
        "legal/request_detail.html",
        {
            "item": data_request,
            "attachments": data_request.attachments.only("pk", "name", "size", "content_type"),
            "errors": errors,
            "answer": answer,
            "can_answer": can_answer,
            "today": clock.today(),
        },
        status=422 if errors else 200,
    )


@require_GET
@role_required
def attachment_download(request, pk, attachment_pk):
    data_request = _visible_request(request, pk)
    attachment = get_object_or_404(DataRequestAttachment, pk=attachment_pk, request=data_request)
    response = download(bytes(attachment.content), attachment.name, "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- cases -----------------------------------------------------------------------------------------


@require_GET
@role_required
@params.page(
    page=params.PAGE,
    kind=params.Choice(label=gettext_lazy("구분"), choices=CaseKind.values),
    year=YEAR,
)
def case_list(request):
    qs = selectors.cases(user=request.user, kind=request.query.kind, year=request.query.year)
    return render(
        request,
        "legal/case_list.html",
        {
            "cases": _page(request, qs),
            "kinds": CaseKind.choices,
            "kind": request.query.kind or "",
            "year": request.query.year or "",
        },
    )


@require_GET
@role_required
def case_detail(request, code):
    case = selectors.cases(user=request.user).filter(code=code).prefetch_related("events").first()
    if case is None:
        if selectors.cases().filter(code=code).exists():
            raise PermissionDenied(_("이 사건을 볼 권한이 없습니다."))
        raise Http404
    if not allowed(request.user, VIEW, REGISTRY["cases"], case):
        raise PermissionDenied(_("이 사건을 볼 권한이 없습니다."))
    today = clock.today()
    found = selectors.case_deadlines(case, today=today)
    return render(
        request,
        "legal/case_detail.html",
        {
            "case": case,
            "deadlines": found,
            "next": next((d for d in found if not d.overdue), None),
            "overdue": [d for d in found if d.overdue],
            "today": today,
        },
    )


@require_GET
@role_required
@params.page(kind=params.Choice(label=gettext_lazy("구분"), choices=CaseKind.values), year=YEAR)
def cases_xlsx(request) -> HttpResponse:
    qs = selectors.cases(user=request.user, kind=request.query.kind, year=request.query.year)
    return download(reports.cases_xlsx(qs), "법무사건.xlsx", XLSX)


# -- council calendar and bills ---------------------------------------------------------------------


MONTH = params.Month(label=gettext_lazy("월"))


@require_GET
@role_required
@params.page(month=MONTH)
def council_calendar(request):
    today = clock.today()
    year, month = request.query.month or (today.year, today.month)
    first = date(year, month, 1)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return render(
        request,
        "legal/council_calendar.html",
        {
            "first": first,
            "previous": previous,
            "following": following,
            "weeks": council.month_weeks(
                year=year, month=month, requests=selectors.data_requests(user=request.user)
            ),
            "sessions": council.sessions(year=year),
            "year": year,
            "today": today,
        },
    )


@require_GET
@role_required
def council_session(request, code):
    session = get_object_or_404(council.sessions(), code=code)
    return render(
        request,
        "legal/council_session.html",
        {
            "session": session,
            "requests": selectors.data_requests(user=request.user).filter(session=session),
            "bills": selectors.bills(user=request.user).filter(session=session),
            "today": clock.today(),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required
def bill_detail(request, code):
    bill = selectors.bills(user=request.user).filter(code=code).first()
    if bill is None:
        raise Http404
    errors: list[str] = []
    if request.method == "POST":
        try:
            on = params.Date(label="일자").parse(request.POST.get("on"))
            council.bill_advance(
                bill=bill,
                to_stage=request.POST.get("to_stage", ""),
                on=on,
                note=request.POST.get("note", ""),
                actor=Actor.for_user(request.user),
            )
            messages.success(request, _("단계를 옮겼습니다."))
            return redirect("legal:bill", code=bill.code)
        except params.Invalid as exc:
            errors = [_("일자: %(e)s") % {"e": exc}]
        except RecordInvalid as exc:
            errors = exc.messages
    return render(
        request,
        "legal/bill_detail.html",
        {
            "bill": bill,
            "transitions": bill.transitions.all(),
            "next_stages": [(s, Bill.Stage(s).label) for s in council.next_bill_stages(bill)],
            "legal_staff": services.is_legal_staff(request.user),
            "errors": errors,
            "today": clock.today(),
        },
        status=422 if errors else 200,
    )
