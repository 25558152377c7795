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

from . import samples, selectors, services, stream
from .choices import DismissReason, EventStatus
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
