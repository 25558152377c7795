"""Traffic twin pages: overview with the network map, emergency runs (request, list, the run page
with its timeline and the vehicle on the map), the signal plan editor and the benchmark report.
Thin: reads through ``selectors``, writes through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET, require_http_methods

from cityhall.core import params
from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required
from cityhall.core.permissions import has_permission
from cityhall.core.services import RecordInvalid

from . import selectors, services, twin_text
from . import vms as vms_rules
from .forms import PlanForm, RunForm, VmsMessageForm, VmsOverrideForm
from .selectors import TRAFFIC_STAFF

COMMAND_LABELS = {
    "truncate": _l("녹색 조기 종료 (최소녹색 뒤)"),
    "skip_to": _l("현시 건너뛰어 우선 현시로"),
    "hold": _l("우선 현시 녹색 유지"),
    "release": _l("우선 해제, 연동 복귀"),
    "max_hold": _l("최대 유지시간 도달"),
}


def _network(request):
    return services.network_ensure_default(actor=Actor.for_user(request.user))


@require_GET
@role_required
def overview(request):
    network = _network(request)
    return render(
        request,
        "traffic/overview.html",
        {
            "network": network,
            "controllers": selectors.controllers(network),
            "drawing": selectors.drawing(network),
            "runs": selectors.runs()[:5],
            "staff": has_permission(request.user, TRAFFIC_STAFF),
        },
    )


@require_GET
@role_required
def live_map(request):
    """The live overlay of the traffic map (cityhall.gis.live): the signs by what they show, the
    emergency vehicles on their way."""
    from cityhall.gis.live import live_response

    network = _network(request)
    services.vms_ensure_default(actor=VMS_PLACEMENT)
    states, points = selectors.live_map(network)
    return live_response(states, points)


def _add_errors(form, exc: RecordInvalid) -> None:
    for field, msgs in exc.errors.items():
        target = field if field in form.fields else None
        if field == "route":
            target = "origin"
        for m in msgs:
            form.add_error(target, m)


@require_http_methods(["GET", "POST"])
@role_required
@params.page(page=params.PAGE)
def runs(request):
    network = _network(request)
    staff = has_permission(request.user, TRAFFIC_STAFF)
    form = RunForm(initial={"origin": "left2A2", "destination": "F2right2", "strategy": "predictive"})
    if request.method == "POST":
        if not staff:
            raise PermissionDenied(_("스마트도시과 편집자만 우선신호를 요청할 수 있습니다."))
        form = RunForm(request.POST)
        if form.is_valid():
            actor = Actor.for_user(request.user)
            try:
                run = services.emergency_run_request(actor=actor, **form.cleaned_data)
                run = services.emergency_run_simulate(run=run, actor=actor)
            except RecordInvalid as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("우선신호 운행을 모의했습니다."))
                return redirect("traffic:run", pk=run.pk)
    page = Paginator(selectors.runs(), 50).get_page(request.query.page)
    return render(
        request,
        "traffic/runs.html",
        {"network": network, "form": form, "runs": page, "staff": staff},
        status=422 if form.errors else 200,
    )


@require_GET
@role_required
def run(request, pk: int):
    obj = selectors.run(pk)
    if obj is None:
        raise Http404(_("우선신호 운행을 찾을 수 없습니다."))
    return render(
        request,
        "traffic/run.html",
        {
            "run": obj,
            "network": obj.network,
            "drawing": selectors.drawing(obj.network, obj),
            "junctions": list(obj.junctions.all()),
            "warnings": twin_text.run_warnings(obj.warnings),
            "commands": [
                {"t": t, "tls": tls, "event": COMMAND_LABELS.get(event, event), "phase": phase + 1}
                for t, tls, event, phase in obj.commands
            ],
        },
    )


@require_http_methods(["GET", "POST"])
@role_required
def plan(request, tls_id: str):
    network = _network(request)
    record = selectors.plan_for(network, tls_id)
    if record is None:
        raise Http404(_("신호 운영계획을 찾을 수 없습니다."))
    staff = has_permission(request.user, TRAFFIC_STAFF)
    initial = {"cycle_s": record.cycle_s, "offset_s": record.offset_s}
    form = PlanForm(initial=initial, phases=record.phases)
    status = 200
    if request.method == "POST":
        if not staff:
            raise PermissionDenied(_("스마트도시과 편집자만 신호계획을 고칠 수 있습니다."))
        form = PlanForm(request.POST, phases=record.phases)
        if form.is_valid():
            try:
                services.signal_plan_update(
                    plan=record,
                    cycle_s=form.cleaned_data["cycle_s"],
                    offset_s=form.cleaned_data["offset_s"],
                    phases=form.phases(),
                    actor=Actor.for_user(request.user),
                )
            except RecordInvalid as exc:
                for field, msgs in exc.errors.items():
                    for m in msgs:
                        form.add_error(field if field in form.fields else None, m)
            else:
                messages.success(request, _("신호 운영계획을 저장했습니다."))
                return redirect("traffic:plan", tls_id=tls_id)
        status = 422
    return render(
        request,
        "traffic/plan.html",
        {"network": network, "plan": record, "form": form, "staff": staff},
        status=status,
    )


@require_GET
@role_required
def benchmark(request):
    report = selectors.latest_benchmark()
    return render(request, "traffic/benchmark.html", {"report": report, "rows": _bench_rows(report)})


def _bench_rows(report) -> list[dict]:
    if report is None:
        return []
    rows = []
    for level, data in report.result.get("summary", {}).items():
        for strategy in ("naive", "predictive"):
            s = data.get(strategy)
            if not s:
                continue
            change = s["ev_travel_time_change"]["median"]
            rows.append(
                {
                    "level": level,
                    "strategy": strategy,
                    "ev": s["ev_travel_time_change"],
                    "others": s["others_delay_change"],
                    "stops": s["ev_stops"],
                    "p99": s["decision_p99_ms"],
                    "bar": round(min(abs(change), 1.0) * 300),
                }
            )
    return rows


# The sample signs are placed by the system on the first visit, not by whoever opened the page.
VMS_PLACEMENT = Actor.system("traffic:vms-placement")

VMS_KINDS = {
    vms_rules.INCIDENT: _l("사고"),
    vms_rules.CONGESTION: _l("소통"),
    vms_rules.TRAVEL_TIME: _l("소요시간"),
    vms_rules.NOTICE: _l("안내"),
    vms_rules.OVERRIDE: _l("수동"),
}


def _source_label(source: str) -> str:
    if source == "rules":
        return _("자동")
    if source == "override":
        return _("수동")
    return _("승인 문안 #%(id)s") % {"id": source.split(":", 1)[1]}


def _board_rows(board) -> list[dict]:
    return [
        {
            "sign": b.sign,
            "lines": b.message.lines,
            "kind": (
                VMS_KINDS[b.message.kind]
                if b.source == "override"
                else f"{_source_label(b.source)} · {VMS_KINDS[b.message.kind]}"
            ),
            "overridden": b.message.kind == vms_rules.OVERRIDE,
            "composed": b.composed.lines,
            "acked": b.sign.acked_text.splitlines(),
            "in_step": b.sign.acked_text == b.message.text,
        }
        for b in board
    ]


@require_GET
@role_required
def vms(request):
    """What every sign shows now, and the links' congestion from the detectors."""
    network = _network(request)
    services.vms_ensure_default(actor=VMS_PLACEMENT)
    states = selectors.link_states_now(network)
    levels = {"free": 0, "slow": 0, "jammed": 0}
    for state in states.values():
        levels[state.level] += 1
    congested = sorted(
        ((edge, s) for edge, s in states.items() if s.level != "free"), key=lambda item: item[1].speed_kmh
    )
    return render(
        request,
        "traffic/vms.html",
        {
            "network": network,
            "rows": _board_rows(selectors.vms_board(network)),
            "levels": levels,
            "links_with_data": len(states),
            "congested": congested[:20],
            "staff": has_permission(request.user, TRAFFIC_STAFF),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required
def vms_sign(request, code: str):
    """One sign: what it shows and why; staff override it (with a reason) or clear the override."""
    network = _network(request)
    services.vms_ensure_default(actor=VMS_PLACEMENT)
    sign = selectors.vms_sign(code)
    if sign is None:
        raise Http404(_("도로전광표지를 찾을 수 없습니다."))
    staff = has_permission(request.user, TRAFFIC_STAFF)
    form = VmsOverrideForm(initial={"text": sign.override_text, "reason": sign.override_reason})
    status = 200
    if request.method == "POST":
        if not staff:
            raise PermissionDenied(_("스마트도시과 편집자만 도로전광표지 문안을 바꿀 수 있습니다."))
        actor = Actor.for_user(request.user)
        if request.POST.get("action") == "clear":
            services.vms_override_clear(sign=sign, actor=actor)
            messages.success(request, _("수동 문안을 해제했습니다. 자동 문안으로 돌아갑니다."))
            return redirect("traffic:vms_sign", code=code)
        form = VmsOverrideForm(request.POST)
        if form.is_valid():
            try:
                services.vms_override_set(
                    sign=sign, text=form.cleaned_data["text"], reason=form.cleaned_data["reason"], actor=actor
                )
            except RecordInvalid as exc:
                for field, msgs in exc.errors.items():
                    for m in msgs:
                        form.add_error(field if field in form.fields else None, m)
            else:
                messages.success(request, _("수동 문안을 표출했습니다."))
                return redirect("traffic:vms_sign", code=code)
        status = 422
    board = next((b for b in selectors.vms_board(network) if b.sign.pk == sign.pk), None)
    return render(
        request,
        "traffic/vms_sign.html",
        {
            "network": network,
            "sign": sign,
            "row": _board_rows([board])[0] if board else None,
            "form": form,
            "staff": staff,
            "sends": selectors.vms_sends(sign),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@role_required
def vms_messages(request):
    """Message templates: staff write one (waiting for approval); another staff member approves it
    (the author cannot); staff withdraw one. Every change is audited by the services."""
    services.vms_ensure_default(actor=VMS_PLACEMENT)
    staff = has_permission(request.user, TRAFFIC_STAFF)
    form = VmsMessageForm()
    status = 200
    if request.method == "POST":
        if not staff:
            raise PermissionDenied(_("스마트도시과 편집자만 도로전광표지 문안을 다룰 수 있습니다."))
        actor = Actor.for_user(request.user)
        action = request.POST.get("action", "create")
        if action in ("approve", "withdraw"):
            try:
                chosen = params.parse(
                    request.POST, {"message": params.Int(label=_("문안"), min=1, required=True)}
                )
            except params.ParamError as exc:
                return params.bad_request(request, exc)
            message = selectors.vms_message(chosen["message"])
            if message is None:
                raise Http404(_("문안을 찾을 수 없습니다."))
            try:
                if action == "approve":
                    services.vms_message_approve(message=message, actor=actor)
                    messages.success(request, _("문안 #%(id)s을(를) 승인했습니다.") % {"id": message.pk})
                else:
                    services.vms_message_withdraw(message=message, actor=actor)
                    messages.success(request, _("문안 #%(id)s을(를) 철회했습니다.") % {"id": message.pk})
            except RecordInvalid as exc:
                for msgs in exc.errors.values():
                    for m in msgs:
                        messages.error(request, m)
            return redirect("traffic:vms_messages")
        form = VmsMessageForm(request.POST)
        if form.is_valid():
            try:
                message = services.vms_message_create(
                    kind=form.cleaned_data["kind"],
                    text=form.cleaned_data["text"],
                    destinations=form.destinations(),
                    signs=form.sign_codes(),
                    starts_at=form.cleaned_data["starts_at"],
                    ends_at=form.cleaned_data["ends_at"],
                    actor=actor,
                )
            except RecordInvalid as exc:
                for field, msgs in exc.errors.items():
                    target = {"destinations": "destination"}.get(field, field)
                    for m in msgs:
                        form.add_error(target if target in form.fields else None, m)
            else:
                messages.success(
                    request,
                    _("문안 #%(id)s을(를) 등록했습니다. 다른 담당자가 승인하면 표출됩니다.")
                    % {"id": message.pk},
                )
                return redirect("traffic:vms_messages")
        status = 422
    return render(
        request,
        "traffic/vms_messages.html",
        {
            "messages_list": selectors.vms_messages()[:100],
            "form": form,
            "staff": staff,
            "kinds": VMS_KINDS,
            "user_id": request.user.pk,
        },
        status=status,
    )
