"""Participation pages. Public (no login): processes, proposals with filters, a proposal, results
with the explanation, statistics, the Pabulib file. Citizens (login): sign-up, verification, the
ballot, a new proposal. Staff: the review queue, the conflicts queue, the tally as XLSX. Thin:
reads through ``selectors``, writes through ``services``."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cityhall.core import params, sessions
from cityhall.core.audit import Actor
from cityhall.core.exports import Sheet, hwpx_response, xlsx_response
from cityhall.core.money import MoneyError, parse_money
from cityhall.core.services import RecordInvalid
from cityhall.gis.area import CITY_BOUNDS
from cityhall.gis.live import live_response

from . import identity, samples, selectors, services, uploads
from .choices import ProcessKind, ProposalStatus, SuggestionGrade

PAGE_SIZE = 50


def _process(code: str):
    process = selectors.process(code)
    if process is None:
        raise Http404(_("참여 절차를 찾을 수 없습니다."))
    return process


@require_GET
def process_list(request):
    return render(request, "participation/process_list.html", {"processes": selectors.processes()})


@require_GET
def process_detail(request, code):
    process = _process(code)
    return render(
        request,
        "participation/process.html",
        {
            "process": process,
            "phase": selectors.open_phase(process),
            "summary": selectors.process_summary(process),
            "staff": services.is_staff(request.user, process),
        },
    )


# The proposals' filters, the same for the list and its map.
FILTERS = {
    "status": params.Choice(label=gettext_lazy("상태"), choices=selectors.PUBLIC_STATUSES),
    "category": params.Int(label=gettext_lazy("분야"), min=1),
    "district": params.Choice(label=gettext_lazy("지역"), choices=samples.DISTRICTS),
    "q": params.Text(label=gettext_lazy("검색"), max_length=50),
}


def _filtered(process, query):
    return selectors.proposals(
        process,
        status=query.status or "",
        category=query.category,
        district=query.district or "",
        text=query.q or "",
    )


def _filter_query(query) -> str:
    """The filters in force, as a query string (for the map's feed and the pager)."""
    pairs = [(name, getattr(query, name)) for name in FILTERS]
    return urlencode([(name, value) for name, value in pairs if value not in (None, "")])


@require_GET
@params.page(page=params.PAGE, **FILTERS)
def proposal_list(request, code):
    process = _process(code)
    query = request.query
    found = _filtered(process, query)
    filters = _filter_query(query)
    feed = reverse("participation:proposals_map", args=[process.code])
    return render(
        request,
        "participation/proposal_list.html",
        {
            "process": process,
            "proposals": Paginator(found, PAGE_SIZE).get_page(query.page),
            "statuses": [(s, ProposalStatus(s).label) for s in selectors.PUBLIC_STATUSES],
            "districts": samples.DISTRICTS,
            "query": query,
            "filters": filters,
            "map_feed": f"{feed}?{filters}" if filters else feed,
        },
    )


@require_GET
@params.page(**FILTERS)
def proposal_map(request, code):
    """The filtered proposals with a location, as the shared map's point feed (public facts only:
    number, title, status, field, district, cost; nothing of the proposer)."""
    process = _process(code)
    points = selectors.proposal_points(process, _filtered(process, request.query))
    return live_response(selectors.proposal_map_states(), points)


@require_GET
def proposal_detail(request, code, number):
    process = _process(code)
    proposal = selectors.proposal(process, number)
    if proposal is None or proposal.status == ProposalStatus.WITHDRAWN:
        raise Http404(_("제안을 찾을 수 없습니다."))
    scores = [s.score for s in proposal.scores.all() if not s.recused and s.score is not None]
    return render(
        request,
        "participation/proposal.html",
        {
            "process": process,
            "proposal": proposal,
            "history": proposal.history.all(),
            "stages": proposal.stages.all(),
            "progress": proposal.progress_reports.all(),
            "can_report": proposal.status == ProposalStatus.SELECTED
            and request.user.is_authenticated
            and services.can_review(request.user, proposal),
            "mean_score": round(sum(scores) / len(scores), 1) if scores else None,
            "recusals": sum(1 for s in proposal.scores.all() if s.recused),
            "can_review": request.user.is_authenticated and services.can_review(request.user, proposal),
            "can_edit": services.can_edit(request.user, proposal),
            "can_withdraw": services.can_withdraw(request.user, proposal),
            "budget_links": services.result_links(process.code, [proposal.number]).get(proposal.number, [])
            if proposal.status == ProposalStatus.SELECTED
            else [],
        },
    )


@require_POST
@login_required
def progress_report(request, code, number):
    """The responsible department reports a funded project's progress (shown on its public page)."""
    process = _process(code)
    proposal = selectors.proposal(process, number)
    if proposal is None:
        raise Http404(_("제안을 찾을 수 없습니다."))
    raw = request.POST.get("percent", "").strip().rstrip("%")
    try:
        services.progress_report(
            proposal=proposal,
            percent=int(raw) if raw.isdigit() and len(raw) < 4 else -1,
            note=request.POST.get("note", ""),
            actor=Actor.for_user(request.user),
        )
    except RecordInvalid as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("추진 상황을 보고했습니다."))
    return redirect("participation:proposal", code=process.code, number=proposal.number)


def _own_proposal(request, process, number):
    proposal = selectors.proposal(process, number)
    if proposal is None or proposal.status == ProposalStatus.WITHDRAWN:
        raise Http404(_("제안을 찾을 수 없습니다."))
    if proposal.author_id != request.user.pk:
        raise PermissionDenied(_("제안한 사람만 고치거나 철회할 수 있습니다."))
    return proposal


@require_http_methods(["GET", "POST"])
@login_required
def proposal_edit(request, code, number):
    """The author's own proposal, until the accepting phase ends and while nobody has reviewed it."""
    process = _process(code)
    proposal = _own_proposal(request, process, number)
    errors: dict[str, list[str]] = {}
    values = {
        "title": proposal.title,
        "description": proposal.description,
        "estimated_cost": f"{proposal.estimated_cost:,}원",
        "district": proposal.district,
        "category": str(proposal.category_id or ""),
        "latitude": "" if proposal.latitude is None else str(proposal.latitude),
        "longitude": "" if proposal.longitude is None else str(proposal.longitude),
    }
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in values}
        category = (
            process.categories.filter(pk=values["category"]).first() if values["category"].isdigit() else None
        )
        cost = _money(values["estimated_cost"])
        try:
            services.proposal_edit(
                proposal=proposal,
                title=values["title"],
                description=values["description"],
                estimated_cost=cost if cost is not None else -1,
                category=category,
                district=values["district"] if values["district"] in samples.DISTRICTS else "",
                latitude=values["latitude"],
                longitude=values["longitude"],
                actor=Actor.for_user(request.user),
            )
        except RecordInvalid as exc:
            errors = exc.errors
        else:
            messages.success(request, _("제안을 고쳤습니다."))
            return redirect("participation:proposal", code=process.code, number=proposal.number)
    elif not services.can_edit(request.user, proposal):
        errors = {"__all__": [_("제안 접수 기간이 끝났거나 검토가 시작되어 고칠 수 없습니다.")]}
    return render(
        request,
        "participation/proposal_new.html",
        {
            "process": process,
            "proposal": proposal,
            "errors": errors,
            "general_errors": errors.get("__all__", []),
            "values": values,
            "districts": samples.DISTRICTS,
            "picker": _location_picker(),
        },
        status=422 if errors else 200,
    )


@require_POST
@login_required
def proposal_withdraw(request, code, number):
    """The author withdraws the proposal (with an optional reason shown in its history)."""
    process = _process(code)
    proposal = _own_proposal(request, process, number)
    try:
        services.proposal_withdraw(
            proposal=proposal, reason=request.POST.get("reason", "")[:500], actor=Actor.for_user(request.user)
        )
    except RecordInvalid as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("participation:proposal", code=process.code, number=proposal.number)
    messages.success(request, _("제안을 철회했습니다."))
    return redirect("participation:proposals", code=process.code)


def _location_picker() -> dict:
    """What the proposal form's map draws: the city's bounds and the districts' centres (a reference
    for the eye; citizens have no base layers)."""
    bounds = CITY_BOUNDS
    return {
        "bounds": [[float(bounds.south), float(bounds.west)], [float(bounds.north), float(bounds.east)]],
        "places": [[name, lat, lon] for name, (lat, lon) in samples.DISTRICT_CENTRES.items()],
    }


def _money(raw: str) -> int | None:
    try:
        return parse_money(raw)[0]
    except MoneyError:
        return None


@require_http_methods(["GET", "POST"])
@login_required
def proposal_new(request, code):
    process = _process(code)
    errors: dict[str, list[str]] = {}
    values = {
        "title": "",
        "description": "",
        "estimated_cost": "",
        "district": "",
        "category": "",
        "latitude": "",
        "longitude": "",
    }
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in values}
        category = (
            process.categories.filter(pk=values["category"]).first() if values["category"].isdigit() else None
        )
        cost = _money(values["estimated_cost"])
        files = [(f.name, f.read(uploads.MAX_BYTES + 1)) for f in request.FILES.getlist("files")]
        try:
            with transaction.atomic():  # the proposal and its files, or nothing
                proposal = services.proposal_submit(
                    process=process,
                    title=values["title"],
                    description=values["description"],
                    estimated_cost=cost if cost is not None else -1,
                    category=category,
                    district=values["district"] if values["district"] in samples.DISTRICTS else "",
                    latitude=values["latitude"],
                    longitude=values["longitude"],
                    actor=Actor.for_user(request.user),
                )
                if files:
                    services.proposal_attach(
                        proposal=proposal, files=files, actor=Actor.for_user(request.user)
                    )
        except RecordInvalid as exc:
            errors = exc.errors
        else:
            messages.success(request, _("제안을 접수했습니다."))
            return redirect("participation:proposal", code=process.code, number=proposal.number)
    return render(
        request,
        "participation/proposal_new.html",
        {
            "process": process,
            "errors": errors,
            "general_errors": errors.get("__all__", []),
            "values": values,
            "districts": samples.DISTRICTS,
            "picker": _location_picker(),
        },
        status=422 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
def vote(request, code):
    process = selectors.ballot_process(code)  # the hot path of voting day: no query it does not need
    if process is None:
        raise Http404(_("참여 절차를 찾을 수 없습니다."))
    if not request.user.is_authenticated:
        return render(request, "participation/vote.html", {"process": process, "anonymous": True})
    verification = selectors.verification(request.user)
    heading = selectors.first_heading(process)
    if request.method == "GET":
        chosen = selectors.my_ballot(process, verification) or []
        return _vote_page(request, process, heading, verification, chosen=chosen, had_ballot=bool(chosen))
    if verification is None:
        raise PermissionDenied(_("먼저 주민 확인을 하세요."))
    raw = request.POST.getlist("projects")
    chosen = [int(n) for n in raw if n.isdigit() and len(n) < 7]
    try:
        replaced = services.ballot_cast(
            process=process,
            heading=heading,
            projects=chosen if len(chosen) == len(raw) else [-1],
            actor=Actor.for_user(request.user),
            verification=verification,
        )
    except RecordInvalid as exc:  # the earlier ballot, if any, still stands
        had_ballot = selectors.my_ballot(process, verification) is not None
        return _vote_page(
            request, process, heading, verification, chosen=chosen, had_ballot=had_ballot, errors=exc.messages
        )
    messages.success(request, _("투표를 바꿨습니다.") if replaced else _("투표했습니다."))
    return redirect("participation:vote", code=process.code)


def _vote_page(
    request,
    process,
    heading,
    verification,
    *,
    chosen: Sequence[int] = (),
    had_ballot: bool = False,
    errors: Sequence[str] = (),
    entered: dict[str, str] | None = None,
):
    """The vote page: the verification forms (with what was ``entered`` when one was rejected) or,
    to a verified voter, the ballot paper with ``chosen`` ticked; 422 with ``errors``."""
    # the paper is only shown to a verified voter
    paper = selectors.ballot_paper_items(process, heading) if heading and verification else []
    ticked = set(chosen)
    return render(
        request,
        "participation/vote.html",
        {
            "process": process,
            "heading": heading,
            "phase": selectors.open_phase(process),
            "verification": verification,
            "providers": identity.providers(),
            "paper": selectors.paper_lines(paper, ticked),
            "had_ballot": had_ballot,
            "errors": errors,
            "entered": entered or {},
            "total": f"{sum(p.cost for p in paper if p.number in ticked):,}",
        },
        status=422 if errors else 200,
    )


@require_POST
@login_required
def verify(request, code):
    process = selectors.ballot_process(code)  # kept in memory for the ballot path
    if process is None:
        raise Http404(_("참여 절차를 찾을 수 없습니다."))
    method = request.POST.get("method", "")
    year = request.POST.get("birth_year", "")
    try:
        if method == "census":
            services.verify_census(
                user=request.user,
                identifier=request.POST.get("identifier", ""),
                birth_year=int(year) if year.isdigit() else 0,
                actor=Actor.for_user(request.user),
            )
        else:
            services.verify_with_provider(
                user=request.user,
                provider=method,
                data={k: request.POST.get(k, "") for k in ("phone", "birth_year", "district")},
                actor=Actor.for_user(request.user),
            )
    except RecordInvalid as exc:
        # The form again with what was typed, but the resident registration number: it is not
        # written back into a page.
        entered = {"method": method, "phone": request.POST.get("phone", "")[:20], "birth_year": year[:4]}
        return _vote_page(
            request,
            process,
            selectors.first_heading(process),
            selectors.verification(request.user),
            errors=exc.messages,
            entered=entered,
        )
    messages.success(request, _("주민 확인을 마쳤습니다. 이제 투표할 수 있습니다."))
    return redirect("participation:vote", code=code)


@require_GET
def results(request, code):
    process = _process(code)
    return render(
        request, "participation/results.html", {"process": process, "parts": selectors.results(process)}
    )


@require_GET
def statistics(request, code):
    process = _process(code)
    return render(
        request, "participation/statistics.html", {"process": process, "stats": selectors.statistics(process)}
    )


@require_GET
def export_pb(request, code):
    process = _process(code)
    response = HttpResponse(selectors.pabulib_export(process), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{process.code}.pb"'
    return response


@require_GET
def results_hwpx(request, code):
    """The result report (HWPX): public, as the results page is."""
    from .reports import results_hwpx as build

    process = _process(code)
    return hwpx_response(f"{process.code}-results.hwpx", build(process))


@require_http_methods(["GET", "POST"])
def signup(request):
    form = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend=sessions.BACKEND)
        messages.success(request, _("계정을 만들었습니다. 주민 확인 후 투표할 수 있습니다."))
        target = request.POST.get("next", "")
        return redirect(target if target.startswith("/participation/") else reverse("participation:index"))
    return render(request, "participation/signup.html", {"form": form}, status=422 if form.errors else 200)


# -- staff --------------------------------------------------------------------------------------


def _require_reviewer(request, process):
    if not request.user.is_authenticated:
        raise PermissionDenied(_("로그인하세요."))
    if (
        not services.is_staff(request.user, process)
        and not selectors.review_queue(request.user, process).exists()
    ):
        raise PermissionDenied(_("검토할 권한이 없습니다."))


@require_GET
@login_required
def review_queue(request, code):
    process = _process(code)
    _require_reviewer(request, process)
    return render(
        request,
        "participation/review.html",
        {"process": process, "queue": selectors.review_queue(request.user, process)},
    )


@require_POST
@login_required
def review_submit(request, code, number):
    process = _process(code)
    proposal = selectors.proposal(process, number)
    if proposal is None:
        raise Http404(_("제안을 찾을 수 없습니다."))
    revised = request.POST.get("revised_cost", "").strip()
    revised_cost = _money(revised) if revised else None
    try:
        if revised and revised_cost is None:
            raise RecordInvalid(_("검토 사업비를 금액으로 적으세요 (예: 12,000천원)."), field="revised_cost")
        services.proposal_review(
            proposal=proposal,
            eligible=request.POST.get("decision") == "eligible",
            reason=request.POST.get("reason", ""),
            revised_cost=revised_cost,
            internal_note=request.POST.get("internal_note", ""),
            actor=Actor.for_user(request.user),
        )
    except RecordInvalid as exc:
        for message in exc.messages:
            messages.error(request, f"{proposal.number}번: {message}")
    else:
        messages.success(
            request, _("%(number)s번 제안의 검토 의견을 저장했습니다.") % {"number": proposal.number}
        )
    return redirect("participation:review", code=process.code)


@require_GET
@login_required
def conflict_list(request):
    if not services.is_staff(request.user):
        raise PermissionDenied(_("관리자 확인 대기열은 예산법무과만 볼 수 있습니다."))
    return render(request, "participation/conflicts.html", {"conflicts": selectors.conflicts()})


@require_GET
@login_required
def tally_xlsx(request, code):
    process = _process(code)
    if not services.is_staff(request.user, process):
        raise PermissionDenied(_("집계표는 담당 부서만 내려받을 수 있습니다."))
    sheets = []
    for part in selectors.results(process):
        sheets.append(
            Sheet(
                title=part["heading"].name[:31],
                headers=[_("순위"), _("번호"), _("사업명"), _("사업비(원)"), _("득표"), _("선정"), _("설명")],
                rows=[
                    [r.rank, r.number, r.title, r.cost, r.votes, _("선정") if r.won else "", r.explanation]
                    for r in part["rows"]
                ],
            )
        )
    return xlsx_response(f"{process.code}-tally.xlsx", sheets)


@require_GET
@login_required
def scoring(request, code):
    """A committee member's score sheet: every eligible proposal, with their own line."""
    process = _process(code)
    if not process.scorers.filter(pk=request.user.pk).exists():
        raise PermissionDenied(_("이 절차의 심사 위원만 채점표를 볼 수 있습니다."))
    return render(
        request,
        "participation/scoring.html",
        {"process": process, "sheet": selectors.score_sheet(process, request.user)},
    )


@require_POST
@login_required
def scoring_submit(request, code, number):
    process = _process(code)
    proposal = selectors.proposal(process, number)
    if proposal is None:
        raise Http404(_("제안을 찾을 수 없습니다."))
    raw = request.POST.get("score", "").strip()
    recused = request.POST.get("recused") == "on"
    try:
        if not recused and not raw.isdigit():
            raise RecordInvalid(_("점수는 0에서 100 사이의 정수여야 합니다."), field="score")
        services.score_submit(
            proposal=proposal,
            score=None if recused else int(raw),
            recused=recused,
            reason=request.POST.get("reason", ""),
            actor=Actor.for_user(request.user),
        )
    except RecordInvalid as exc:
        for message in exc.messages:
            messages.error(request, f"{proposal.number}번: {message}")
    else:
        messages.success(request, _("%(number)s번 제안의 점수를 저장했습니다.") % {"number": proposal.number})
    return redirect("participation:scoring", code=process.code)


@require_http_methods(["GET", "POST"])
@login_required
def paper_entry(request, code):
    """Staff type a paper ballot sheet; a second staff member types it again (double entry)."""
    process = _process(code)
    if not services.is_staff(request.user, process):
        raise PermissionDenied(_("종이 투표지는 담당 부서 직원만 입력할 수 있습니다."))
    heading = process.headings.order_by("code").first()
    errors: list[str] = []
    if request.method == "POST":
        raw = request.POST.getlist("projects")
        numbers = [int(n) for n in raw if n.isdigit() and len(n) < 7]
        entry = request.POST.get("entry", "")
        try:
            outcome = services.paper_enter(
                heading=heading,
                sheet=request.POST.get("sheet", "").strip()[:40],
                entry=int(entry) if entry in ("1", "2") else 0,
                identifier=request.POST.get("identifier", ""),
                projects=numbers if len(numbers) == len(raw) else [-1],
                actor=Actor.for_user(request.user),
            )
        except RecordInvalid as exc:
            errors = exc.messages
        else:
            messages.success(
                request,
                {
                    "waiting": _("입력했습니다. 다른 직원의 두 번째 입력을 기다립니다."),
                    "cast": _("두 입력이 같아 투표로 반영했습니다."),
                    "conflict": _("두 입력이 다르거나 이미 투표한 사람이라 관리자 확인 대기열로 보냈습니다."),
                }[outcome],
            )
            return redirect("participation:paper", code=process.code)
    return render(
        request,
        "participation/paper.html",
        {"process": process, "paper": selectors.ballot_paper(heading) if heading else [], "errors": errors},
        status=422 if errors else 200,
    )


@require_POST
@login_required
def conflict_resolve(request, pk):
    from .models import Conflict

    conflict = Conflict.objects.filter(pk=pk).first()
    if conflict is None:
        raise Http404(_("확인할 건을 찾을 수 없습니다."))
    try:
        services.conflict_resolve(
            conflict=conflict,
            resolution=request.POST.get("resolution", ""),
            revoke_verification=request.POST.get("revoke") == "on",
            actor=Actor.for_user(request.user),
        )
    except RecordInvalid as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("처리했습니다."))
    return redirect("participation:conflicts")


@require_GET
def attachment(request, code, number, pk):
    """An attachment, always as a download (never rendered inline), with its checked type."""
    process = _process(code)
    proposal = selectors.proposal(process, number)
    if proposal is None or proposal.status == ProposalStatus.WITHDRAWN:
        raise Http404(_("제안을 찾을 수 없습니다."))
    found = proposal.attachments.filter(pk=pk).first()
    if found is None:
        raise Http404(_("파일을 찾을 수 없습니다."))
    response = HttpResponse(bytes(found.content), content_type=found.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(found.name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def grading(request, code):
    """제안심사위원회's decisions: a 창안등급 and award for each eligible suggestion (정책기획과)."""
    process = _process(code)
    if process.kind != ProcessKind.SUGGESTION or not services.is_staff(request.user, process):
        raise PermissionDenied(_("창안등급은 제안제도 담당(정책기획과)만 정할 수 있습니다."))
    if request.method == "POST":
        number = request.POST.get("number", "")
        proposal = selectors.proposal(process, int(number)) if number.isdigit() and len(number) < 7 else None
        award = _money(request.POST.get("award", "").strip() or "0")
        try:
            if proposal is None:
                raise RecordInvalid(_("제안을 찾을 수 없습니다."))
            if request.POST.get("stage") == "working":  # 실무심의회: refer (with a grade) or not
                referred = request.POST.get("referred", "")
                if referred not in ("yes", "no"):
                    raise RecordInvalid(_("상정 여부를 고르세요."), field="referred")
                services.suggestion_refer(
                    proposal=proposal,
                    referred=referred == "yes",
                    grade=request.POST.get("grade", ""),
                    reason=request.POST.get("reason", "")[:1000],
                    actor=Actor.for_user(request.user),
                )
                messages.success(
                    request,
                    _("%(number)s번 제안의 실무심의회 결정을 기록했습니다.") % {"number": proposal.number},
                )
                return redirect("participation:grading", code=process.code)
            if award is None:
                raise RecordInvalid(_("부상금을 금액으로 적으세요 (예: 500,000원, 50만원)."), field="award")
            services.suggestion_grade(
                proposal=proposal,
                grade=request.POST.get("grade", ""),
                award=award,
                reason=request.POST.get("reason", ""),
                actor=Actor.for_user(request.user),
            )
        except RecordInvalid as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("%(number)s번 제안의 창안등급을 정했습니다.") % {"number": proposal.number}
            )
        return redirect("participation:grading", code=process.code)
    return render(
        request,
        "participation/grading.html",
        {
            "process": process,
            "board": selectors.grading_board(process),
            "citizen_vote": services.has_citizen_vote(process),
            "grades": SuggestionGrade.choices,
            "adopted_grades": [
                (v, label) for v, label in SuggestionGrade.choices if v in services.ADOPTED_GRADES
            ],
            "stats": selectors.statistics(process),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def verify_in_person(request):
    """A desk: staff check an ID card and verify a citizen's account (audited with their name)."""
    if not services.is_staff(request.user):
        raise PermissionDenied(_("방문 확인은 예산법무과 직원만 할 수 있습니다."))
    errors: list[str] = []
    if request.method == "POST":
        from django.contrib.auth import get_user_model

        account = get_user_model().objects.filter(username=request.POST.get("username", "")[:150]).first()
        year = request.POST.get("birth_year", "")
        try:
            if account is None:
                raise RecordInvalid(_("그런 계정이 없습니다."), field="username")
            services.verify_in_person(
                user=account,
                identifier=request.POST.get("identifier", ""),
                birth_year=int(year) if year.isdigit() and len(year) == 4 else 0,
                district=request.POST.get("district", "")
                if request.POST.get("district") in samples.DISTRICTS
                else "",
                actor=Actor.for_user(request.user),
            )
        except RecordInvalid as exc:
            errors = exc.messages
        else:
            messages.success(
                request, _("%(name)s 계정의 주민 확인을 마쳤습니다.") % {"name": account.get_username()}
            )
            return redirect("participation:verify_in_person")
    return render(
        request,
        "participation/verify_in_person.html",
        {"errors": errors, "districts": samples.DISTRICTS},
        status=422 if errors else 200,
    )
