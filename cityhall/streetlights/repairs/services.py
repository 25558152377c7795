"""Repair orders (보수 요청) as people handle them: open by hand (a citizen's report), assign, close,
reopen; and the reads behind the pages and the API (the SLA clock, the list filters).

The rules (``faults``) open most orders; these services are the operator's side. Each checks
``allowed(user, CHANGE | ADD, repair_orders, order)`` (editors and managers of the site's department,
the director and administrators), validates before writing (``RecordInvalid`` with Korean messages
per field) and is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cityhall.core import audit
from cityhall.core.permissions import ADD, CHANGE, VIEW, allowed, owner_department_id, restrict
from cityhall.core.records import record_type_for
from cityhall.core.services import RecordInvalid, checked_text
from cityhall.organisation.models import Role, RoleAssignment

from ..choices import FaultKind, LightState, RepairStatus, StationState
from ..models import BaseStation, RepairOrder, Streetlight
from . import faults

CONTRACTOR_MAX = RepairOrder._meta.get_field("contractor").max_length
DETAIL_MAX = 2000
RESOLUTION_MAX = 2000
#: Who may be an order's assignee: someone who can also close it.
ASSIGNEE_ROLES = (Role.EDITOR, Role.MANAGER)


def _rtype():
    return record_type_for(RepairOrder)


def _check_change(actor: audit.Actor, order: RepairOrder) -> None:
    if actor.user is not None and not allowed(actor.user, CHANGE, _rtype(), order):
        raise PermissionDenied(_("이 보수 요청을 처리할 권한이 없습니다."))


def _locked(order: RepairOrder) -> RepairOrder:
    # ``of=self``: PostgreSQL cannot lock the nullable side of the outer joins (light, base station).
    qs = RepairOrder.objects.select_for_update(of=("self",)).select_related("site", "light", "base_station")
    return qs.get(pk=order.pk)


def eligible_assignees(order: RepairOrder) -> QuerySet:
    """Active users who hold an editor or manager role in the department that owns the order."""
    department = owner_department_id(_rtype(), order)
    ids = RoleAssignment.objects.filter(department_id=department, role__in=ASSIGNEE_ROLES).values("user_id")
    return get_user_model().objects.filter(is_active=True, pk__in=ids).order_by("username")


def _snapshot(order: RepairOrder) -> dict:
    return _rtype().to_data(order)


@transaction.atomic
def repair_order_assign(
    *,
    order: RepairOrder,
    actor: audit.Actor,
    assignee: str | None = None,
    contractor: str | None = "",
    now: datetime | None = None,
) -> RepairOrder:
    """배정: give the order to a person (by username; an editor or manager of the owning department)
    and/or a maintenance contractor. An assigned order can be reassigned; a closed one cannot."""
    _check_change(actor, order)
    order = _locked(order)
    errors: dict[str, list[str]] = {}
    if order.status == RepairStatus.CLOSED:
        raise RecordInvalid({"status": [_("완료된 보수 요청은 배정할 수 없습니다. 먼저 다시 열어 주세요.")]})
    contractor = checked_text(
        contractor, "contractor", _("유지보수 업체"), required=False, limit=CONTRACTOR_MAX, errors=errors
    )
    user = None
    if assignee not in (None, ""):
        if not isinstance(assignee, str):
            errors.setdefault("assignee", []).append(_("담당자는 사용자 아이디로 지정합니다."))
        else:
            user = eligible_assignees(order).filter(username=assignee.strip()).first()
            if user is None:
                errors.setdefault("assignee", []).append(
                    _("'%(name)s'은(는) %(dept)s의 편집자·관리자가 아니어서 담당자로 지정할 수 없습니다.")
                    % {"name": assignee.strip(), "dept": order.site.org_unit.name}
                )
    if user is None and not contractor and "assignee" not in errors and "contractor" not in errors:
        errors.setdefault("assignee", []).append(_("담당자나 유지보수 업체 중 하나는 지정해야 합니다."))
    if errors:
        raise RecordInvalid(errors)
    before = _snapshot(order)
    order.assignee = user
    order.contractor = contractor
    order.status = RepairStatus.ASSIGNED
    order.assigned_at = now or timezone.now()
    order.save(update_fields=["assignee", "contractor", "status", "assigned_at"])
    audit.record(actor, "update", _rtype(), order, before=before, after=_snapshot(order))
    return order


@transaction.atomic
def repair_order_close(
    *, order: RepairOrder, actor: audit.Actor, resolution: str, now: datetime | None = None
) -> RepairOrder:
    """완료: close with what was done (required). Closing the last open order of a light in state
    ``fault`` puts it back in service (``active``)."""
    _check_change(actor, order)
    order = _locked(order)
    errors: dict[str, list[str]] = {}
    if order.status == RepairStatus.CLOSED:
        raise RecordInvalid({"status": [_("이미 완료된 보수 요청입니다.")]})
    resolution = checked_text(
        resolution, "resolution", _("처리 내용"), required=True, limit=RESOLUTION_MAX, errors=errors
    )
    if errors:
        raise RecordInvalid(errors)
    before = _snapshot(order)
    order.status = RepairStatus.CLOSED
    order.closed_at = now or timezone.now()
    order.resolution = resolution
    order.save(update_fields=["status", "closed_at", "resolution"])
    audit.record(actor, "update", _rtype(), order, before=before, after=_snapshot(order))
    if order.light_id is not None:
        # Two of the light's orders closed at once must not each see the other still open: the
        # light's row lock makes the second close see the first.
        Streetlight.objects.select_for_update().filter(pk=order.light_id).first()
        others = RepairOrder.objects.filter(light_id=order.light_id).exclude(status=RepairStatus.CLOSED)
        if not others.exists():
            faults.light_state_set(order.light, LightState.ACTIVE, actor, only_from=LightState.FAULT)
    return order


@transaction.atomic
def repair_order_reopen(
    *, order: RepairOrder, actor: audit.Actor, reason: str, now: datetime | None = None
) -> RepairOrder:
    """다시 열기: a closed order whose repair did not hold. Back to ``assigned`` if it had someone,
    else ``open``; the SLA clock keeps its original due time (the fault was never fixed)."""
    _check_change(actor, order)
    order = _locked(order)
    errors: dict[str, list[str]] = {}
    if order.status != RepairStatus.CLOSED:
        raise RecordInvalid({"status": [_("완료된 보수 요청만 다시 열 수 있습니다.")]})
    label = _("다시 여는 사유")
    reason = checked_text(reason, "reason", label, required=True, limit=DETAIL_MAX, errors=errors)
    if errors:
        raise RecordInvalid(errors)
    before = _snapshot(order)
    stamp = timezone.localtime(now or timezone.now(), faults.operation.SEOUL).strftime("%Y-%m-%d %H:%M")
    order.status = RepairStatus.ASSIGNED if (order.assignee_id or order.contractor) else RepairStatus.OPEN
    order.closed_at = None
    order.recovered_at = None
    order.detail = (order.detail + "\n" if order.detail else "") + _("[%(at)s 다시 엶] %(reason)s") % {
        "at": stamp,
        "reason": reason,
    }
    try:
        with transaction.atomic():
            order.save(update_fields=["status", "closed_at", "recovered_at", "detail"])
    except IntegrityError:
        current = faults.open_order_for(order.kind, light=order.light, station=order.base_station)
        raise RecordInvalid(
            {
                "status": [
                    _("같은 대상·유형의 보수 요청 %(number)s이(가) 진행 중이라 다시 열 수 없습니다.")
                    % {"number": current.number if current else "?"}
                ]
            }
        ) from None
    audit.record(actor, "update", _rtype(), order, before=before, after=_snapshot(order))
    if order.kind == FaultKind.LAMP_FAILURE and order.light_id is not None:
        faults.light_state_set(order.light, LightState.FAULT, actor, only_from=LightState.ACTIVE)
    return order


@transaction.atomic
def repair_order_open(
    *,
    actor: audit.Actor,
    kind: str,
    detail: str,
    light: str | None = None,
    base_station: str | None = None,
    now: datetime | None = None,
) -> RepairOrder:
    """접수: open an order by hand (a citizen's report, a patrol) for one light or one base station,
    given by code. Refused when one of the same kind is already open for the target."""
    errors: dict[str, list[str]] = {}
    if kind not in FaultKind.values:
        errors["kind"] = [
            _("유형은 %(kinds)s 중 하나여야 합니다.") % {"kinds": ", ".join(str(k.label) for k in FaultKind)}
        ]
    detail = checked_text(detail, "detail", _("내용"), required=True, limit=DETAIL_MAX, errors=errors)
    target_light = target_station = None
    light = light.strip() if isinstance(light, str) else light
    base_station = base_station.strip() if isinstance(base_station, str) else base_station
    if bool(light) == bool(base_station):
        errors.setdefault("light", []).append(_("가로등이나 기지국 중 하나만 코드로 지정해 주세요."))
    elif light:
        target_light = (
            Streetlight.objects.select_related("site__org_unit", "base_station").filter(code=light).first()
        )
        if target_light is None:
            errors.setdefault("light", []).append(
                _("가로등 '%(code)s'이(가) 대장에 없습니다.") % {"code": light}
            )
        elif target_light.state == LightState.RETIRED:
            errors.setdefault("light", []).append(
                _("가로등 %(code)s은(는) 철거되었습니다.") % {"code": light}
            )
    else:
        target_station = (
            BaseStation.objects.select_related("site__org_unit").filter(code=base_station).first()
        )
        if target_station is None:
            errors.setdefault("base_station", []).append(
                _("기지국 '%(code)s'이(가) 대장에 없습니다.") % {"code": base_station}
            )
        elif target_station.state != StationState.ACTIVE:
            errors.setdefault("base_station", []).append(
                _("기지국 %(code)s은(는) 철거되었습니다.") % {"code": base_station}
            )
    target = target_light or target_station
    if target is not None and actor.user is not None:
        probe = RepairOrder(site=target.site)
        if not allowed(actor.user, ADD, _rtype(), probe):
            raise PermissionDenied(_("이 지역의 보수 요청을 접수할 권한이 없습니다."))
    elif actor.user is not None and not allowed(actor.user, ADD, _rtype()):
        raise PermissionDenied(_("보수 요청을 접수할 권한이 없습니다."))
    if errors:
        raise RecordInvalid(errors)
    now = now or timezone.now()
    created = faults.order_insert(
        kind=kind,
        light=target_light,
        station=target_station,
        detail=detail,
        simulated=False,
        now=now,
        actor=actor,
    )
    if created is None:
        current = faults.open_order_for(kind, light=target_light, station=target_station)
        field = "light" if target_light else "base_station"
        raise RecordInvalid(
            {
                field: [
                    _("%(code)s에는 같은 유형의 보수 요청 %(number)s이(가) 이미 진행 중입니다.")
                    % {"code": target.code, "number": current.number if current else "?"}
                ]
            }
        )
    return created


# -- reads ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlaClock:
    """처리 기한 at a glance: ``state`` running / overdue (not closed) or met / missed (closed)."""

    state: str
    remaining: timedelta  # negative when over
    text: str

    @property
    def late(self) -> bool:
        return self.state in ("overdue", "missed")


def _span(delta: timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)d일 %(h)d시간") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d시간 %(m)d분") % {"h": hours, "m": mins}
    return _("%(m)d분") % {"m": mins}


def sla_clock(order: RepairOrder, now: datetime | None = None) -> SlaClock:
    now = now or timezone.now()
    if order.status == RepairStatus.CLOSED and order.closed_at is not None:
        delta = order.due_at - order.closed_at
        if delta >= timedelta(0):
            return SlaClock("met", delta, _("기한 내 완료"))
        return SlaClock("missed", delta, _("기한 %(span)s 초과 완료") % {"span": _span(delta)})
    delta = order.due_at - now
    if delta >= timedelta(0):
        return SlaClock("running", delta, _("%(span)s 남음") % {"span": _span(delta)})
    return SlaClock("overdue", delta, _("%(span)s 초과") % {"span": _span(delta)})


STATUS_FILTERS = ("active", RepairStatus.OPEN, RepairStatus.ASSIGNED, RepairStatus.CLOSED, "all")


def repair_orders(
    user,
    *,
    status: str = "active",
    kind: str = "",
    site: str = "",
    overdue: bool = False,
    now: datetime | None = None,
) -> QuerySet[RepairOrder]:
    """Orders ``user`` may see, filtered: ``status`` active (open + assigned) / open / assigned /
    closed / all, ``kind``, ``site`` (code), ``overdue`` (not closed and past due). Overdue first,
    then by due time. Unknown filter values raise ``RecordInvalid`` (per field)."""
    errors: dict[str, list[str]] = {}
    if status not in STATUS_FILTERS:
        errors["status"] = [_("알 수 없는 상태입니다: %(v)s") % {"v": status}]
    if kind and kind not in FaultKind.values:
        errors["kind"] = [_("알 수 없는 유형입니다: %(v)s") % {"v": kind}]
    if errors:
        raise RecordInvalid(errors)
    qs = RepairOrder.objects.select_related("site", "light", "base_station", "assignee")
    if status == "active":
        qs = qs.exclude(status=RepairStatus.CLOSED)
    elif status != "all":
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if site:
        qs = qs.filter(site__code=site)
    if overdue:
        qs = qs.exclude(status=RepairStatus.CLOSED).filter(due_at__lt=now or timezone.now())
    return restrict(qs, user, VIEW, _rtype()).order_by("due_at", "number")


def repair_order_get(user, number: str) -> RepairOrder | None:
    qs = RepairOrder.objects.select_related("site__org_unit", "light", "base_station", "assignee")
    return restrict(qs.filter(number=number), user, VIEW, _rtype()).first()


def repair_order_counts(user, now: datetime | None = None) -> dict[str, int]:
    """Open, assigned and overdue counts for the list's heading."""
    qs = restrict(RepairOrder.objects.exclude(status=RepairStatus.CLOSED), user, VIEW, _rtype())
    now = now or timezone.now()
    return {
        "open": qs.filter(status=RepairStatus.OPEN).count(),
        "assigned": qs.filter(status=RepairStatus.ASSIGNED).count(),
        "overdue": qs.filter(Q(due_at__lt=now)).count(),
    }


def repair_order_history(order: RepairOrder):
    return audit.history(_rtype(), order.pk)


@dataclass(frozen=True)
class SlaSummaryRow:
    kind: str
    label: str
    total: int
    closed: int
    met: int  # closed by the due time
    missed: int  # closed after it
    overdue: int  # not closed and past it

    @property
    def met_rate(self) -> float | None:
        """Share of closed orders closed in time (None when none is closed)."""
        return self.met / self.closed if self.closed else None


def sla_summary(orders, now: datetime | None = None) -> list[SlaSummaryRow]:
    """SLA compliance per kind over ``orders`` (an iterable, e.g. a filtered ``repair_orders``)."""
    now = now or timezone.now()
    counts = {kind: [0, 0, 0, 0, 0] for kind in FaultKind.values}
    for order in orders:
        row = counts[order.kind]
        clock = sla_clock(order, now)
        row[0] += 1
        row[1] += order.status == RepairStatus.CLOSED
        row[2] += clock.state == "met"
        row[3] += clock.state == "missed"
        row[4] += clock.state == "overdue"
    return [SlaSummaryRow(kind, str(FaultKind(kind).label), *values) for kind, values in counts.items()]
