"""Repair orders (보수 요청) in the API, under ``/api/v1/streetlights/repairs/``: list (filters as on the
page), get, open by hand, assign, close, reopen. Thin: each handler calls ``streetlights.repairs``,
which checks the same permissions as the pages and audits. Errors follow the API's conventions
(422 ``{"detail": [{"loc": ["body", field], "msg": ...}]}``, 403, 404)."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from cityhall.core import params
from cityhall.core.audit import Actor
from cityhall.core.permissions import require_role

from .. import filters
from ..models import RepairOrder
from . import services as repairs

router = Router(tags=["스마트가로등 보수 요청"])


class Body(Schema):
    model_config = ConfigDict(extra="forbid")


class SlaOut(Schema):
    state: str = Field(description="running(기한 내) / overdue(초과) / met(기한 내 완료) / missed(초과 완료)")
    seconds_left: int = Field(description="처리 기한까지 남은 초 (음수면 초과; 완료 건은 완료 시각 기준)")
    text: str


class RepairOrderOut(Schema):
    number: str
    kind: str
    kind_label: str
    site: str
    light: str | None
    base_station: str | None
    status: str
    status_label: str
    detail: str
    simulated: bool
    opened_at: datetime
    due_at: datetime
    recovered_at: datetime | None
    assignee: str | None
    contractor: str
    assigned_at: datetime | None
    closed_at: datetime | None
    resolution: str
    sla: SlaOut


LIST_PARAMS = {
    **filters.REPAIR_LIST,
    "limit": params.Int(label="개수", default=100, min=1, max=1000),
    "offset": params.Int(label="건너뛸 개수", default=0, min=0, max=10**9),
}


class OpenIn(Body):
    kind: str
    detail: str
    light: str | None = Field(None, description="가로등 코드 (또는 base_station)")
    base_station: str | None = Field(None, description="기지국 코드 (기지국 장애)")


class AssignIn(Body):
    assignee: str | None = Field(None, description="담당자 아이디 (부서 편집자·관리자)")
    contractor: str = Field("", description="유지보수 업체")


class CloseIn(Body):
    resolution: str


class ReopenIn(Body):
    reason: str


def _out(order: RepairOrder, now: datetime | None = None) -> dict:
    clock = repairs.sla_clock(order, now)
    return {
        "number": order.number,
        "kind": order.kind,
        "kind_label": order.get_kind_display(),
        "site": order.site.code,
        "light": order.light.code if order.light_id else None,
        "base_station": order.base_station.code if order.base_station_id else None,
        "status": order.status,
        "status_label": order.get_status_display(),
        "detail": order.detail,
        "simulated": order.simulated,
        "opened_at": order.opened_at,
        "due_at": order.due_at,
        "recovered_at": order.recovered_at,
        "assignee": order.assignee.get_username() if order.assignee_id else None,
        "contractor": order.contractor,
        "assigned_at": order.assigned_at,
        "closed_at": order.closed_at,
        "resolution": order.resolution,
        "sla": {
            "state": clock.state,
            "seconds_left": int(clock.remaining.total_seconds()),
            "text": clock.text,
        },
    }


def _get(request, number: str) -> RepairOrder:
    require_role(request.user)
    order = repairs.repair_order_get(request.user, number)
    if order is None:
        raise Http404(f"보수 요청 {number}을(를) 찾을 수 없습니다.")
    return order


@router.get(
    "/",
    response={200: list[RepairOrderOut], 422: dict},
    summary="보수 요청 목록 (처리 기한 순)",
    openapi_extra={"parameters": params.openapi_parameters(LIST_PARAMS)},
)
@params.api(**LIST_PARAMS)
def repair_list(request):
    require_role(request.user)
    now = timezone.now()
    query = request.query
    qs = repairs.repair_orders(
        request.user,
        status=query.status,
        kind=query.kind,
        site=query.site,
        overdue=query.overdue,
        now=now,
    )
    return [_out(o, now) for o in qs[query.offset : query.offset + query.limit]]


@router.post("/", response={201: RepairOrderOut}, summary="보수 요청 접수 (신고)")
def repair_open(request, body: OpenIn):
    require_role(request.user)
    order = repairs.repair_order_open(actor=Actor.for_user(request.user), **body.dict())
    return Status(201, _out(order))


@router.get("/{number}", response=RepairOrderOut, summary="보수 요청 하나")
def repair_get(request, number: str):
    return _out(_get(request, number))


@router.post("/{number}/assign", response=RepairOrderOut, summary="배정 (담당자·업체)")
def repair_assign(request, number: str, body: AssignIn):
    order = repairs.repair_order_assign(
        order=_get(request, number), actor=Actor.for_user(request.user), **body.dict()
    )
    return _out(order)


@router.post("/{number}/close", response=RepairOrderOut, summary="완료 처리")
def repair_close(request, number: str, body: CloseIn):
    order = repairs.repair_order_close(
        order=_get(request, number), actor=Actor.for_user(request.user), **body.dict()
    )
    return _out(order)


@router.post("/{number}/reopen", response=RepairOrderOut, summary="다시 열기")
def repair_reopen(request, number: str, body: ReopenIn):
    order = repairs.repair_order_reopen(
        order=_get(request, number), actor=Actor.for_user(request.user), **body.dict()
    )
    return _out(order)
