"""Live operations pages: the overview (counters, offline map, sites), a site (its lights, commands,
dimming schedule) and one light (state, 24 h power chart, commands, repair orders).

The live parts are htmx partials polled every few seconds; the full pages render the same partials
once, so a page without JavaScript still shows the state at load time. Reads through
``operations.selectors``, writes through ``commands.command_issue`` and ``schedules.schedule_save``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cityhall.core import audit, params
from cityhall.core.decorators import role_required
from cityhall.core.htmx import wants_fragment
from cityhall.core.permissions import CHANGE, VIEW, allowed, restrict
from cityhall.core.records import record_type_for
from cityhall.core.services import RecordInvalid

from .. import filters
from ..choices import CommandAction, LightState, RepairStatus
from ..models import BaseStation, Command, RepairOrder, Streetlight, StreetlightSite
from . import schedules
from . import selectors as live
from .commands import CommandTargetError, command_issue, command_lights

LIGHTS_PER_PAGE = 50
SCHEDULE_SPARE_ROWS = 2
POLL_SECONDS = 5


def _site(user, code: str) -> StreetlightSite:
    site = live.sites_visible(user).filter(code=code).first()
    if site is None:
        raise Http404(_("가로등 설치 지역 %(code)s을(를) 찾을 수 없습니다.") % {"code": code})
    return site


def can_command(user, site: StreetlightSite) -> bool:
    """Who may change the site's lights may command them (the same rule ``command_issue`` applies)."""
    return allowed(user, CHANGE, record_type_for(Streetlight), Streetlight(site=site))


# -- overview ------------------------------------------------------------------------------------------


def _overview_context(request) -> dict:
    fleet = live.fleet_live(request.user)
    return {"fleet": fleet, "poll": POLL_SECONDS}


@require_GET
@role_required
def overview(request):
    return render(request, "streetlights/live.html", _overview_context(request))


@require_GET
@role_required
def overview_panel(request):
    return render(request, "streetlights/_live_panel.html", _overview_context(request))


@require_GET
@role_required
def live_map(request):
    """The overview map's live overlay (cityhall.gis.live): every visible light in its state now."""
    from cityhall.gis.live import live_response

    states, points = live.live_map(request.user)
    return live_response(states, points)


# -- site ----------------------------------------------------------------------------------------------


def _lights_context(request, site: StreetlightSite) -> dict:
    state = request.query.state or ""
    station = request.query.station or ""
    summary, lights = live.site_live(request.user, site, state=state or None, base_station=station)
    page = Paginator(lights, LIGHTS_PER_PAGE).get_page(request.query.page)
    return {
        "summary": summary,
        "page": page,
        "state": state,
        "station": station,
        "states": live.STATE_FILTERS,
        "stations": list(BaseStation.objects.filter(site=site).values_list("code", flat=True)),
        "can_command": can_command(request.user, site),
        "at": timezone.now(),
    }


def _schedule_context(site: StreetlightSite, *, rows=None, problems=None, name=None) -> dict:
    stored, schedule = live.schedule_of(site)
    night = timezone.localdate()
    sunset, sunrise, segments = live.tonight(site, schedule, night)
    if rows is None:
        rows = (
            [list(p) for p in stored.periods]
            if stored
            else [[_boundary(p.start), _boundary(p.end), p.level] for p in schedule.periods]
        )
        rows = rows + [["", "", ""]] * SCHEDULE_SPARE_ROWS
    problems = problems or []
    by_row = [
        {
            "number": number,
            "start": row[0],
            "end": row[1],
            "level": row[2],
            "problems": [p for p in problems if p.row == number],
            "bad": {p.part for p in problems if p.row == number},
        }
        for number, row in enumerate(rows, start=1)
    ]
    return {
        "stored_schedule": stored,
        "schedule": schedule,
        "night": night,
        "sunset": sunset,
        "sunrise": sunrise,
        "segments": segments,
        "schedule_rows": by_row,
        "schedule_name": name if name is not None else (stored.name if stored else ""),
        "schedule_problems": [p for p in problems if p.row == 0],
        "schedule_invalid": bool(problems),
    }


def _boundary(value) -> str:
    """A parsed boundary as the form shows it (the Korean words ``parse_schedule`` reads back)."""
    if hasattr(value, "strftime"):
        return value.strftime("%H:%M")
    return {"sunset": "일몰", "sunrise": "일출"}.get(value, str(value))


def _site_page(request, site: StreetlightSite, *, command=None, schedule=None, status=200):
    context = {
        "site": site,
        "poll": POLL_SECONDS,
        "can_command": can_command(request.user, site),
        "can_edit_schedule": schedules.can_edit(request.user, site),
        "actions": CommandAction.choices,
        "command": command or {},
        "batches": live.command_batches(site=site),
        **_lights_context(request, site),
        **(schedule or _schedule_context(site)),
    }
    return render(request, "streetlights/site.html", context, status=status)


@require_GET
@role_required
@params.page(**filters.SITE_LIGHTS)
def site_detail(request, code: str):
    return _site_page(request, _site(request.user, code))


@require_GET
@role_required
@params.page(**filters.SITE_LIGHTS)
def site_panel(request, code: str):
    site = _site(request.user, code)
    return render(request, "streetlights/_site_panel.html", {"site": site, **_lights_context(request, site)})


@require_GET
@role_required
def site_commands_panel(request, code: str):
    site = _site(request.user, code)
    return render(
        request,
        "streetlights/_site_commands.html",
        {"site": site, "batches": live.command_batches(site=site)},
    )


def _parse_command(request, site: StreetlightSite) -> tuple[dict, dict[str, str], list[Streetlight]]:
    """The command form's values, its errors by field, and the lights it names."""
    data = {
        "scope": request.POST.get("scope", "site"),
        "action": request.POST.get("action", ""),
        "level": request.POST.get("level", "").strip(),
        "lights": request.POST.getlist("lights"),
    }
    errors: dict[str, str] = {}
    if data["action"] not in CommandAction.values:
        errors["action"] = _("명령을 고르세요 (점등, 소등, 밝기 조절, 스케줄 복귀).")
    if data["action"] == CommandAction.DIM:
        text = data["level"].removesuffix("%").strip()
        if not text.isdigit() or not 0 <= int(text) <= 100:
            errors["level"] = _("밝기 '%(value)s'은(는) 0~100 사이의 정수(%%)여야 합니다.") % {
                "value": data["level"]
            }
    lights: list[Streetlight] = []
    if data["scope"] == "selected":
        try:
            lights = command_lights(
                user=request.user, site=site, codes=[c.strip() for c in data["lights"] if c.strip()]
            )
        except CommandTargetError as exc:
            if exc.kind == CommandTargetError.EMPTY:
                errors["lights"] = _("명령을 보낼 가로등을 표에서 하나 이상 고르세요.")
            elif exc.kind == CommandTargetError.UNKNOWN:
                errors["lights"] = _("이 지역에서 운영 중인 가로등이 아닙니다: %(codes)s") % {
                    "codes": ", ".join(exc.codes[:5])
                }
            else:
                errors["lights"] = str(exc)
    elif data["scope"] == "site":
        lights = command_lights(user=request.user, site=site)
    else:
        errors["scope"] = _("대상은 '지역 전체' 또는 '선택한 가로등'이어야 합니다.")
    return data, errors, lights


@require_POST
@role_required
@params.page(**filters.SITE_LIGHTS)  # the re-rendered page lists the lights as filtered
def site_command(request, code: str):
    site = _site(request.user, code)
    if not can_command(request.user, site):
        raise PermissionDenied(_("이 지역의 가로등을 제어할 권한이 없습니다."))
    data, errors, lights = _parse_command(request, site)
    # The light page's panel commands its one light; its answer keeps that shape.
    single = request.POST.get("single", "")
    panel = {"site": site, "can_command": True, "actions": CommandAction.choices, "single": single}
    issued: list[Command] = []
    if not errors:
        level = int(data["level"].removesuffix("%").strip()) if data["action"] == CommandAction.DIM else None
        try:
            issued = command_issue(
                lights=lights, action=data["action"], level=level, actor=audit.Actor.for_user(request.user)
            )
        except RecordInvalid as exc:
            errors = {f: " ".join(m) for f, m in exc.errors.items()}
    if issued:
        label = dict(CommandAction.choices)[data["action"]]
        text = _(
            "%(action)s 명령을 가로등 %(n)s대에 요청했습니다. 전송과 응답은 아래 '최근 명령'에서 확인하세요."
        ) % {
            "action": label,
            "n": len(issued),
        }
        if wants_fragment(request):
            response = render(
                request,
                "streetlights/_command_panel.html",
                {**panel, "command": {"scope": data["scope"]}, "done": text},
            )
            response["HX-Trigger"] = "commands-changed"
            return response
        messages.success(request, text)
        return redirect("streetlights:site", code=site.code)
    command = {**data, "errors": errors}
    if wants_fragment(request):
        # 200, not 422: htmx does not swap error responses by default, and the form must show them.
        return render(request, "streetlights/_command_panel.html", {**panel, "command": command})
    return _site_page(request, site, command=command, status=422)


@require_POST
@role_required
@params.page(**filters.SITE_LIGHTS)  # the re-rendered page lists the lights as filtered
def site_schedule(request, code: str):
    site = _site(request.user, code)
    if not schedules.can_edit(request.user, site):
        raise PermissionDenied(_("이 지역의 디밍 스케줄을 바꿀 권한이 없습니다."))
    try:
        count = min(int(request.POST.get("rows", "0")), 48)
    except ValueError:
        count = 0
    rows = [
        [request.POST.get(f"{part}_{n}", "") for part in ("start", "end", "level")]
        for n in range(1, count + 1)
    ]
    name = request.POST.get("name", "")
    try:
        schedules.schedule_save(site=site, rows=rows, name=name, actor=audit.Actor.for_user(request.user))
    except schedules.ScheduleInvalid as exc:
        context = _schedule_context(site, rows=rows, problems=exc.problems, name=name)
        return _site_page(request, site, schedule=context, status=422)
    messages.success(request, _("%(site)s의 디밍 스케줄을 저장했습니다.") % {"site": site.name})
    return redirect(f"{reverse('streetlights:site', kwargs={'code': site.code})}#schedule")


# -- light ---------------------------------------------------------------------------------------------


@require_GET
@role_required
def light_detail(request, code: str):
    qs = Streetlight.objects.select_related("site", "base_station")
    light = restrict(qs, request.user, VIEW, record_type_for(Streetlight)).filter(code=code).first()
    if light is None:
        raise Http404(_("가로등 %(code)s을(를) 찾을 수 없습니다.") % {"code": code})
    from cityhall.telemetry.models import DeviceState

    state = DeviceState.objects.filter(device_id=light.code).first()
    now = timezone.now()
    series, simulated = live.power_series(light.code, now=now)
    return render(
        request,
        "streetlights/light.html",
        {
            "light": light,
            "state": state,
            "offline": state is not None and now - state.last_seen > live.OFFLINE_AFTER,
            "chart": live.power_chart(series, rated_w=light.rated_power_w),
            "chart_simulated": simulated,
            "commands": Command.objects.filter(light=light).select_related("issued_by")[:20],
            "repairs": RepairOrder.objects.filter(light=light)[:20],
            "open_repairs": RepairOrder.objects.filter(light=light)
            .exclude(status=RepairStatus.CLOSED)
            .count(),
            "can_command": can_command(request.user, light.site) and light.state != LightState.RETIRED,
            "at": now,
        },
    )
