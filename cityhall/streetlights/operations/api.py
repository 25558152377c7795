"""Live state and commands over the API, under ``/api/v1/streetlights/``:

- ``GET live/sites``: per-site counters (the overview's table); ``GET live/lights?site=&state=``;
- ``POST commands`` (``{"lights": [codes]} | {"site": code}`` with ``action`` and ``level``) → 201 with
  the pending commands; ``GET commands/{batch}``: what became of them.

Thin: reads through ``operations.selectors``, writes through ``commands.command_issue`` (which checks the
same permission as the pages and audits). Errors follow the API's shape: 422
``{"detail": [{"loc": ["body", field], "msg": ...}]}``, 403 ``{"detail": ...}``.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field as NinjaField
from ninja import Router, Schema, Status
from pydantic import ConfigDict, StrictInt

from cityhall.core import params
from cityhall.core.api import Problems
from cityhall.core.audit import Actor
from cityhall.core.permissions import VIEW, require_role, restrict
from cityhall.core.records import record_type_for
from cityhall.core.services import RecordInvalid

from .. import filters
from ..models import Command, Streetlight
from . import selectors as live
from .commands import command_issue, command_lights

router = Router(tags=["스마트가로등 실시간"])


class Message(Schema):
    detail: str


class SiteLiveOut(Schema):
    code: str
    name: str
    lights: int
    reporting: int
    on: int
    off: int
    faults: int
    offline: int
    never: int
    power_kw: float
    last_seen: datetime | None
    simulated: bool
    open_repairs: int
    sunrise: datetime | None
    sunset: datetime | None


class LightLiveOut(Schema):
    code: str
    site: str
    base_station: str
    state: str = NinjaField(description="on | off | offline (5분 이상 수신 없음) | never (보고한 적 없음)")
    fault: bool
    faults: list[str]
    dim: int | None
    power_w: float | None
    last_seen: datetime | None
    simulated: bool


class CommandIn(Schema):
    model_config = ConfigDict(extra="forbid")

    lights: list[str] | None = NinjaField(None, description="가로등 코드 목록 (site와 둘 중 하나)")
    site: str | None = NinjaField(None, description="지역 코드: 그 지역의 운영 중인 가로등 전체")
    action: str = NinjaField(description="on | off | dim | auto")
    level: StrictInt | None = NinjaField(None, description="dim일 때 0~100 (%)")


class CommandOut(Schema):
    cmd_id: uuid.UUID
    batch: uuid.UUID
    light: str
    action: str
    level: int | None
    status: str
    issued_at: datetime
    sent_at: datetime | None
    acked_at: datetime | None
    result: str


def _command_out(command: Command, code: str) -> dict:
    return {
        "cmd_id": command.cmd_id,
        "batch": command.batch,
        "light": code,
        "action": command.action,
        "level": command.level,
        "status": command.status,
        "issued_at": command.issued_at,
        "sent_at": command.sent_at,
        "acked_at": command.acked_at,
        "result": command.result,
    }


@router.get("/live/sites", response=list[SiteLiveOut], summary="지역별 실시간 현황")
def live_sites(request):
    require_role(request.user)
    return [
        {
            "code": row.site.code,
            "name": row.site.name,
            "lights": row.lights,
            "reporting": row.reporting,
            "on": row.on,
            "off": row.off,
            "faults": row.faults,
            "offline": row.offline,
            "never": row.never,
            "power_kw": round(row.power_kw, 4),
            "last_seen": row.last_seen,
            "simulated": row.simulated,
            "open_repairs": row.open_repairs,
            "sunrise": row.sun.rise if row.sun else None,
            "sunset": row.sun.set if row.sun else None,
        }
        for row in live.fleet_live(request.user).sites
    ]


@router.get(
    "/live/lights",
    response={200: list[LightLiveOut], 422: Problems},
    summary="가로등 실시간 상태 (지역·상태로 거르기)",
    openapi_extra={"parameters": params.openapi_parameters(filters.LIVE_LIGHTS)},
)
@params.api(**filters.LIVE_LIGHTS)
def live_lights(request):
    require_role(request.user)
    site, state = request.query.site, request.query.state
    site_obj = None
    if site:
        site_obj = live.sites_visible(request.user).filter(code=site).first()
        if site_obj is None:  # a site this user may not see: as if it did not exist
            visible = ", ".join(live.sites_visible(request.user).values_list("code", flat=True))
            message = _("'%(value)s'은(는) 고를 수 있는 값이 아닙니다. 가능한 값: %(choices)s")
            raise params.ParamError({"site": message % {"value": site, "choices": visible}})
    lights = live.lights_live(request.user, site=site_obj, state=state)
    codes = dict(live.sites_visible(request.user).values_list("pk", "code"))
    return [
        {
            "code": light.code,
            "site": codes.get(light.site_id, ""),
            "base_station": light.base_station,
            "state": light.state,
            "fault": light.fault,
            "faults": light.faults,
            "dim": light.dim,
            "power_w": light.power_w,
            "last_seen": light.last_seen,
            "simulated": light.simulated,
        }
        for light in lights
    ]


@router.post(
    "/commands",
    response={201: list[CommandOut], 403: Message, 422: Problems},
    summary="가로등 제어 명령 (점등·소등·밝기 조절·스케줄 복귀)",
)
def commands_create(request, body: CommandIn):
    require_role(request.user)
    if (body.lights is None) == (body.site is None):
        raise RecordInvalid(
            _("lights(가로등 코드 목록)와 site(지역 코드) 중 하나만 보내야 합니다."), field="lights"
        )
    if body.site is not None:
        site = live.sites_visible(request.user).filter(code=body.site).first()
        if site is None:
            raise RecordInvalid(_("지역 코드 '%(code)s'이(가) 없습니다.") % {"code": body.site}, field="site")
        lights = command_lights(user=request.user, site=site)
    else:
        lights = command_lights(user=request.user, codes=body.lights or [])
    issued = command_issue(
        lights=lights, action=body.action, level=body.level, actor=Actor.for_user(request.user)
    )
    codes_by_id = {light.pk: light.code for light in lights}
    return Status(201, [_command_out(c, codes_by_id[c.light_id]) for c in issued])


@router.get(
    "/commands/{batch}", response={200: list[CommandOut], 404: Message}, summary="일괄 명령의 전송·응답 상태"
)
def commands_batch(request, batch: uuid.UUID):
    require_role(request.user)
    visible = restrict(Streetlight.objects.all(), request.user, VIEW, record_type_for(Streetlight))
    commands = list(
        Command.objects.filter(batch=batch, light__in=visible).select_related("light").order_by("light__code")
    )
    if not commands:
        return Status(404, {"detail": f"일괄 명령 {batch}이(가) 없습니다."})
    return [_command_out(c, c.light.code) for c in commands]
