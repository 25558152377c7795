"""Pages of the control centre: the operators' wall (polled by htmx), an event with its score's
reasons and the acknowledge / dismiss / escalate forms, and the registry beside the seed's counts.
Thin: ``services`` checks the operator's right, validates and audits."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required
from cityhall.core.permissions import has_permission
from cityhall.core.services import RecordInvalid

from . import samples, selectors, services, siting, stream
from .choices import DismissReason, EventStatus, HandoverMethod, LegalBasis, Requester, VideoStatus
from .models import CameraSite

POLL_S = 2


class DismissForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("종결 사유"), choices=[("", "—"), *DismissReason.choices], required=False
    )
    note = forms.CharField(label=gettext_lazy("메모"), required=False, max_length=services.NOTE_MAX)


class EscalateForm(forms.Form):
    station = forms.CharField(
        label=gettext_lazy("관할 경찰서·지구대"), required=False, max_length=services.STATION_MAX
    )
    detail = forms.CharField(
        label=gettext_lazy("요청 내용"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


def _operator(request) -> None:
    if not has_permission(request.user, selectors.CCTV_OPERATIONS):
        raise PermissionDenied(_("관제 화면은 스마트도시과 관제 요원(편집자·관리자)만 볼 수 있습니다."))


def _wall_context(request) -> dict:
    now = timezone.now()
    config = selectors.wall_settings()
    return {
        "tiles": selectors.wall(now, config),
        "stats": selectors.wall_stats(now),
        "config": config,
        "now": now,
        "poll": POLL_S,
        "queued": bool(stream.nats_url()),
    }


@require_GET
@role_required
def wall(request):
    _operator(request)
    return render(request, "cctv/wall.html", _wall_context(request))


@require_GET
@role_required
def wall_panel(request):
    _operator(request)
    return render(request, "cctv/partials/wall_panel.html", _wall_context(request))


def _event(event_id: str):
    event = selectors.event(event_id)
    if event is None:
        raise Http404(_("이벤트를 찾을 수 없습니다."))
    return event


def _add_errors(form: forms.Form, exc: RecordInvalid) -> None:
    for field, msgs in exc.errors.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


def _event_page(request, event, *, dismiss_form=None, escalate_form=None, status=200):
    return render(
        request,
        "cctv/event.html",
        {
            "event": event,
            "waiting": event.status == EventStatus.NEW,
            "dismiss_form": dismiss_form or DismissForm(),
            "escalate_form": escalate_form or EscalateForm(),
            "police": getattr(event, "police_request", None)
            if event.status == EventStatus.ESCALATED
            else None,
        },
        status=status,
    )


@require_GET
@role_required
def event_detail(request, event_id: str):
    _operator(request)
    return _event_page(request, _event(event_id))


@require_POST
@role_required
def event_acknowledge(request, event_id: str):
    _operator(request)
    event = _event(event_id)
    try:
        services.event_acknowledge(event=event, actor=Actor.for_user(request.user))
    except RecordInvalid as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(camera)s 이벤트를 확인했습니다.") % {"camera": event.camera.code})
    if request.htmx:
        return render(request, "cctv/partials/wall_panel.html", _wall_context(request))
    return redirect("cctv:wall")


@require_POST
@role_required
def event_dismiss(request, event_id: str):
    _operator(request)
    event = _event(event_id)
    form = DismissForm(request.POST)
    form.is_valid()
    try:
        services.event_dismiss(
            event=event,
            actor=Actor.for_user(request.user),
            reason=form.cleaned_data.get("reason", ""),
            note=form.cleaned_data.get("note", ""),
        )
    except RecordInvalid as exc:
        _add_errors(form, exc)
        return _event_page(request, event, dismiss_form=form, status=422)
    messages.success(request, _("이벤트를 종결했습니다."))
    return redirect("cctv:wall")


@require_POST
@role_required
def event_escalate(request, event_id: str):
    _operator(request)
    event = _event(event_id)
    form = EscalateForm(request.POST)
    form.is_valid()
    try:
        police = services.event_escalate(
            event=event,
            actor=Actor.for_user(request.user),
            station=form.cleaned_data.get("station", ""),
            detail=form.cleaned_data.get("detail", ""),
        )
    except RecordInvalid as exc:
        _add_errors(form, exc)
        return _event_page(request, event, escalate_form=form, status=422)
    messages.success(request, _("경찰 협조 요청 %(n)s을(를) 기록했습니다.") % {"n": police.number})
    return redirect("cctv:wall")


# -- the registry -----------------------------------------------------------------------------------------

MAP_W, MAP_H = 640, 480


def _project(lat: float, lon: float) -> tuple[float, float]:
    x = (lon - samples.WEST) / (samples.EAST - samples.WEST) * MAP_W
    y = (samples.NORTH - lat) / (samples.NORTH - samples.SOUTH) * MAP_H
    return round(x, 1), round(y, 1)


@require_GET
@role_required
def registry(request):
    sites = CameraSite.objects.values_list("code", "lat", "lon", "program")
    points = [(code, *_project(float(lat), float(lon)), bool(program)) for code, lat, lon, program in sites]
    return render(
        request,
        "cctv/registry.html",
        {
            "figures": selectors.registry_figures(),
            "budget": samples.MONITORING_BUDGET_WON,
            "points": points,
            "map_w": MAP_W,
            "map_h": MAP_H,
            "police": selectors.police_requests(20),
            "can_operate": has_permission(request.user, selectors.CCTV_OPERATIONS),
        },
    )


# -- video-information requests ---------------------------------------------------------------------------


class VideoRequestForm(forms.Form):
    camera = forms.CharField(label=gettext_lazy("카메라 코드"), required=False, max_length=32)
    requester_kind = forms.ChoiceField(
        label=gettext_lazy("요청자 구분"), choices=[("", "—"), *Requester.choices], required=False
    )
    requester_name = forms.CharField(label=gettext_lazy("요청자"), required=False, max_length=100)
    requester_org = forms.CharField(label=gettext_lazy("소속 기관"), required=False, max_length=100)
    period_start = forms.DateTimeField(
        label=gettext_lazy("영상 시작 시각"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    period_end = forms.DateTimeField(
        label=gettext_lazy("영상 끝 시각"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    legal_basis = forms.ChoiceField(
        label=gettext_lazy("법적 근거"), choices=[("", "—"), *LegalBasis.choices], required=False
    )
    purpose = forms.CharField(
        label=gettext_lazy("요청 목적"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("결정"),
        choices=[("approve", gettext_lazy("승인")), ("reject", gettext_lazy("거부"))],
    )
    masking_required = forms.BooleanField(
        label=gettext_lazy("제3자 마스킹 필요"), required=False, initial=True
    )
    retention_until = forms.DateField(
        label=gettext_lazy("보관 기한"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    decision_note = forms.CharField(
        label=gettext_lazy("결정 사유"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class HandoverForm(forms.Form):
    method = forms.ChoiceField(
        label=gettext_lazy("제공 방법"), choices=[("", "—"), *HandoverMethod.choices], required=False
    )
    recipient = forms.CharField(label=gettext_lazy("받은 사람"), required=False, max_length=100)
    masked = forms.BooleanField(label=gettext_lazy("마스킹 처리함"), required=False)
    note = forms.CharField(label=gettext_lazy("메모"), required=False, max_length=services.NOTE_MAX)


def _video_officer(request) -> None:
    if not has_permission(request.user, selectors.CCTV_OPERATIONS):
        raise PermissionDenied(_("영상정보 요청은 스마트도시과 관제 담당(편집자·관리자)만 볼 수 있습니다."))


def _video_list(request, form, status=200):
    return render(
        request,
        "cctv/video_requests.html",
        {"requests": selectors.video_requests(), "form": form},
        status=status,
    )


@role_required
def video_requests(request):
    _video_officer(request)
    if request.method != "POST":
        return _video_list(request, VideoRequestForm())
    form = VideoRequestForm(request.POST)
    if not form.is_valid():
        return _video_list(request, form, status=422)
    data = form.cleaned_data
    try:
        created = services.video_request_create(
            camera=data["camera"],
            requester_kind=data["requester_kind"],
            requester_name=data["requester_name"],
            requester_org=data["requester_org"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            purpose=data["purpose"],
            legal_basis=data["legal_basis"],
            actor=Actor.for_user(request.user),
        )
    except RecordInvalid as exc:
        _add_errors(form, exc)
        return _video_list(request, form, status=422)
    messages.success(request, _("영상정보 요청 %(n)s을(를) 접수했습니다.") % {"n": created.number})
    return redirect("cctv:video_request", number=created.number)


def _video(number: str):
    found = selectors.video_request(number)
    if found is None:
        raise Http404(_("영상정보 요청을 찾을 수 없습니다."))
    return found


def _video_page(request, item, *, decide_form=None, handover_form=None, status=200):
    return render(
        request,
        "cctv/video_request.html",
        {
            "item": item,
            "handovers": list(item.handovers.all()),
            "decide_form": decide_form or DecideForm(initial={"masking_required": True}),
            "handover_form": handover_form or HandoverForm(),
            "can_decide": item.status == VideoStatus.RECEIVED,
            "can_hand_over": item.status in (VideoStatus.APPROVED, VideoStatus.HANDED_OVER),
        },
        status=status,
    )


@require_GET
@role_required
def video_request(request, number: str):
    _video_officer(request)
    return _video_page(request, _video(number))


@require_POST
@role_required
def video_request_decide(request, number: str):
    _video_officer(request)
    item = _video(number)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _video_page(request, item, decide_form=form, status=422)
    data = form.cleaned_data
    try:
        services.video_request_decide(
            request=item,
            approve=data["decision"] == "approve",
            masking_required=data["masking_required"],
            note=data["decision_note"],
            retention_until=data["retention_until"],
            actor=Actor.for_user(request.user),
        )
    except RecordInvalid as exc:
        _add_errors(form, exc)
        return _video_page(request, item, decide_form=form, status=422)
    messages.success(request, _("결정을 기록했습니다."))
    return redirect("cctv:video_request", number=number)


@require_POST
@role_required
def video_request_hand_over(request, number: str):
    _video_officer(request)
    item = _video(number)
    form = HandoverForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        services.video_request_hand_over(
            request=item,
            method=data.get("method", ""),
            recipient=data.get("recipient", ""),
            masked=data.get("masked", False),
            note=data.get("note", ""),
            actor=Actor.for_user(request.user),
        )
    except RecordInvalid as exc:
        _add_errors(form, exc)
        return _video_page(request, item, handover_form=form, status=422)
    messages.success(request, _("제공 기록을 남겼습니다."))
    return redirect("cctv:video_request", number=number)


@require_GET
@role_required
def site_ranking(request):
    return render(
        request,
        "cctv/site_ranking.html",
        {"ranking": selectors.site_ranking(), "weights": siting.WEIGHTS, "radius": siting.RADIUS_M},
    )
