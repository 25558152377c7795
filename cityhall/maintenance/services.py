"""Writes of maintenance orders. Every write takes an actor and is audited.

``order_open`` is idempotent: while an order of the kind is open for the asset, it returns that one.
Two processes noticing the same fault at once both try to insert; the database's partial unique
constraint lets one in, the other's insert fails inside a savepoint and it returns the winner's order.
A number taken meanwhile by another asset's order is retried with the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cityhall.core import audit
from cityhall.core.audit import Actor
from cityhall.core.permissions import CHANGE, allowed
from cityhall.core.records import record_type_for
from cityhall.core.services import RecordInvalid, checked_text
from cityhall.organisation.models import OrgUnit

from .choices import NUMBER_PREFIX, OrderStatus
from .models import MaintenanceOrder

SEOUL = ZoneInfo("Asia/Seoul")
NUMBER_ATTEMPTS = 8


@dataclass(frozen=True)
class AssetRef:
    """What an owning app says about its asset: its own label (``"bus"``), the asset's key in that app
    (``"bit:BIT-B1C1"``), a label and a location to show, and the department that answers for it."""

    app: str
    key: str
    label: str
    org_unit: OrgUnit
    location: str = ""
    lat: float | None = None
    lon: float | None = None
    simulated: bool = False


def _next_number(moment: datetime) -> str:
    """The next free ``MO-YYYY-NNNNN`` of the (Seoul) year of ``moment``."""
    prefix = f"{NUMBER_PREFIX}-{timezone.localtime(moment, SEOUL).year}-"
    last = (
        MaintenanceOrder.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    n = int(last[len(prefix) :]) + 1 if last and last[len(prefix) :].isdigit() else 1
    return f"{prefix}{n:05d}"


def open_order(app: str, key: str, kind: str) -> MaintenanceOrder | None:
    return (
        MaintenanceOrder.objects.filter(asset_app=app, asset_key=key, kind=kind)
        .exclude(status=OrderStatus.CLOSED)
        .first()
    )


def order_open(
    *,
    asset: AssetRef,
    kind: str,
    kind_label: str,
    due_hours: int,
    actor: Actor,
    detail: str = "",
    now: datetime | None = None,
) -> tuple[MaintenanceOrder, bool]:
    """Open an order for ``asset`` (or return the one already open for it and ``kind``): ``(order,
    created)``. Audited (``create``) when created."""
    if not asset.app or not asset.key or not kind:
        raise RecordInvalid(_("자산 앱, 자산 키와 유형이 모두 있어야 합니다."))
    if due_hours < 1:
        raise RecordInvalid({"due_hours": [_("처리 기한은 1시간 이상이어야 합니다.")]})
    now = now or timezone.now()
    existing = open_order(asset.app, asset.key, kind)
    if existing is not None:
        return existing, False
    rtype = record_type_for(MaintenanceOrder)
    for _attempt in range(NUMBER_ATTEMPTS):
        order = MaintenanceOrder(
            number=_next_number(now),
            asset_app=asset.app,
            asset_key=asset.key,
            asset_label=asset.label,
            location=asset.location,
            lat=asset.lat,
            lon=asset.lon,
            org_unit=asset.org_unit,
            kind=kind,
            kind_label=kind_label,
            detail=detail,
            simulated=asset.simulated,
            opened_at=now,
            due_at=now + timedelta(hours=due_hours),
        )
        try:
            with transaction.atomic():
                order.save()
                audit.record(actor, "create", rtype, order, after=rtype.to_data(order))
        except IntegrityError:
            existing = open_order(asset.app, asset.key, kind)
            if existing is not None:
                return existing, False  # another process opened it meanwhile
            continue  # the number was taken by a concurrent insert for another asset
        return order, True
    raise IntegrityError("유지보수 요청 번호를 배정하지 못했습니다(동시 등록이 계속 충돌합니다).")


def order_close(
    *, order: MaintenanceOrder | int, resolution: str, actor: Actor, now: datetime | None = None
) -> MaintenanceOrder:
    """Close an order (idempotent: a closed order stays as it was). Audited (``close``)."""
    resolution = (resolution or "").strip()
    if not resolution:
        raise RecordInvalid({"resolution": [_("처리 내용을 입력하세요.")]})
    now = now or timezone.now()
    pk = order if isinstance(order, int) else order.pk
    with transaction.atomic():
        locked = MaintenanceOrder.objects.select_for_update().get(pk=pk)
        require_department_staff(actor, locked, _("유지보수 요청 완료 처리"))
        if locked.status == OrderStatus.CLOSED:
            return locked
        before = {"status": locked.status}
        locked.status = OrderStatus.CLOSED
        locked.closed_at = now
        locked.closed_by = actor.user
        locked.resolution = resolution
        if locked.recovered_at is None and actor.user is None:
            locked.recovered_at = now  # the rule that opened it saw the fault go away
        locked.save(update_fields=["status", "closed_at", "closed_by", "resolution", "recovered_at"])
        audit.record(
            actor,
            "close",
            record_type_for(MaintenanceOrder),
            locked,
            before=before,
            after={"status": locked.status, "resolution": resolution},
        )
    return locked


def order_close_for_asset(
    *, app: str, key: str, kind: str, resolution: str, actor: Actor, now: datetime | None = None
) -> MaintenanceOrder | None:
    """Close the open order of ``kind`` for the asset, if there is one (the fault went away)."""
    order = open_order(app, key, kind)
    if order is None:
        return None
    return order_close(order=order, resolution=resolution, actor=actor, now=now)


def require_department_staff(actor: Actor, order: MaintenanceOrder, what: str) -> None:
    """People act on an order only as editors or managers of the department that answers for the
    asset (or office-wide); the rules and jobs that open and close orders act as themselves."""
    if actor.user is not None and not allowed(actor.user, CHANGE, record_type_for(MaintenanceOrder), order):
        raise PermissionDenied(
            _("%(what)s은(는) 담당 부서(%(unit)s)의 편집자·관리자만 할 수 있습니다.")
            % {"what": what, "unit": order.org_unit.name}
        )


def order_assign(
    *,
    order: MaintenanceOrder | int,
    actor: Actor,
    assignee=None,
    contractor: str = "",
    note: str = "",
    now: datetime | None = None,
) -> MaintenanceOrder:
    """배정: send someone to fix it — a member of the department (who may then close the order), a
    contractor, or both. Assigning again hands the order over; each assignment is audited
    (``assign``, before and after)."""
    errors: dict[str, list[str]] = {}
    field = MaintenanceOrder._meta.get_field
    contractor = checked_text(
        contractor,
        "contractor",
        _("유지보수 업체"),
        required=False,
        limit=field("contractor").max_length,
        errors=errors,
    )
    note = checked_text(
        note, "note", _("배정 메모"), required=False, limit=field("assignment_note").max_length, errors=errors
    )
    if errors:
        raise RecordInvalid(errors)
    pk = order if isinstance(order, int) else order.pk
    with transaction.atomic():
        locked = MaintenanceOrder.objects.select_for_update().select_related("org_unit").get(pk=pk)
        require_department_staff(actor, locked, _("유지보수 담당 배정"))
        if locked.status == OrderStatus.CLOSED:
            raise RecordInvalid(_("완료된 유지보수 요청은 배정할 수 없습니다."))
        if assignee is None and not contractor:
            raise RecordInvalid({"assignee": [_("담당자나 유지보수 업체 중 하나는 정해야 합니다.")]})
        rtype = record_type_for(MaintenanceOrder)
        if assignee is not None and not allowed(assignee, CHANGE, rtype, locked):
            raise RecordInvalid(
                {
                    "assignee": [
                        _("담당자는 담당 부서(%(unit)s)의 편집자·관리자여야 합니다.")
                        % {"unit": locked.org_unit.name}
                    ]
                }
            )
        before = _assignment(locked)
        locked.status = OrderStatus.ASSIGNED
        locked.assignee = assignee
        locked.contractor = contractor
        locked.assignment_note = note
        locked.assigned_at = now or timezone.now()
        after = _assignment(locked)
        if {k: v for k, v in after.items() if k != "assigned_at"} == {
            k: v for k, v in before.items() if k != "assigned_at"
        }:
            return MaintenanceOrder.objects.get(pk=pk)  # the same assignment again changes nothing
        locked.save(update_fields=["status", "assignee", "contractor", "assignment_note", "assigned_at"])
        audit.record(actor, "assign", rtype, locked, before=before, after=after)
    return locked


def _assignment(order: MaintenanceOrder) -> dict:
    return {
        "status": order.status,
        "assignee": order.assignee.get_username() if order.assignee_id else None,
        "contractor": order.contractor,
        "assignment_note": order.assignment_note,
        "assigned_at": order.assigned_at.isoformat() if order.assigned_at else None,
    }
