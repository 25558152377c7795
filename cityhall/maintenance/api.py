"""Maintenance orders under ``/api/v1/maintenance/``: the work queue, and assigning and closing an
order — the same services and permission rules as the pages."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from cityhall.core import params
from cityhall.core.api import Problems
from cityhall.core.audit import Actor
from cityhall.core.permissions import require_role
from cityhall.core.services import RecordInvalid

from . import selectors, services
from .models import MaintenanceOrder

router = Router(tags=["유지보수"])
QUEUE_API = {
    "view": params.Choice(choices=selectors.QUEUE_VIEWS, default="active"),
    "app": params.Choice(choices=selectors.asset_apps),
    "limit": params.Int(default=100, min=1, max=500),
    "offset": params.Int(default=0, min=0, max=10**6),
}


class OrderOut(Schema):
    number: str
    asset_app: str
    asset_key: str
    asset_label: str
    location: str
    department: str
    kind: str
    kind_label: str
    status: str
    assignee: str | None
    contractor: str
    opened_at: datetime
    due_at: datetime
    overdue: bool
    closed_at: datetime | None
    resolution: str


class AssignIn(Schema):
    assignee: str | None = None  # a username of the department's editors or managers
    contractor: str = ""
    note: str = ""


class CloseIn(Schema):
    resolution: str


def _out(o: MaintenanceOrder, now: datetime) -> dict:
    return {
        "number": o.number,
        "asset_app": o.asset_app,
        "asset_key": o.asset_key,
        "asset_label": o.asset_label,
        "location": o.location,
        "department": o.org_unit.code,
        "kind": o.kind,
        "kind_label": o.kind_label,
        "status": o.status,
        "assignee": o.assignee.get_username() if o.assignee_id else None,
        "contractor": o.contractor,
        "opened_at": o.opened_at,
        "due_at": o.due_at,
        "overdue": o.status != "closed" and o.due_at < now,
        "closed_at": o.closed_at,
        "resolution": o.resolution,
    }


def _order(request, number: str) -> MaintenanceOrder:
    require_role(request.user)
    order = selectors.visible_orders(request.user).filter(number=number).first()
    if order is None:
        raise Http404("유지보수 요청을 찾을 수 없습니다.")
    return order


@router.get("/orders", response=list[OrderOut], summary="유지보수 작업 목록")
@params.api(**QUEUE_API)
def orders(request):
    require_role(request.user)
    q, now = request.query, timezone.now()
    found = selectors.work_queue(request.user, view=q.view, app=q.app, now=now)
    return [_out(o, now) for o in found[q.offset : q.offset + q.limit]]


@router.get("/orders/{number}", response=OrderOut, summary="유지보수 요청")
def order(request, number: str):
    return _out(_order(request, number), timezone.now())


@router.post("/orders/{number}/assign", response={200: OrderOut, 422: Problems}, summary="담당 배정")
def order_assign(request, number: str, body: AssignIn):
    found = _order(request, number)
    actor = Actor.for_user(request.user)
    # Who asks first: the name lookup below must not tell a stranger which accounts exist.
    services.require_department_staff(actor, found, _("유지보수 담당 배정"))
    assignee = None
    if body.assignee:
        assignee = get_user_model().objects.filter(username=body.assignee).first()
        if assignee is None:
            raise RecordInvalid({"assignee": ["없는 사용자입니다."]})
    done = services.order_assign(
        order=found,
        assignee=assignee,
        contractor=body.contractor,
        note=body.note,
        actor=actor,
    )
    return _out(done, timezone.now())


@router.post("/orders/{number}/close", response={200: OrderOut, 422: Problems}, summary="완료 처리")
def order_close(request, number: str, body: CloseIn):
    found = _order(request, number)
    done = services.order_close(order=found, resolution=body.resolution, actor=Actor.for_user(request.user))
    return _out(done, timezone.now())
