"""유지보수 작업 목록: the orders every asset-owning app opens, in one queue for the departments that
answer for the assets — who is on each, what is late — and one page per order to assign and close it.
Thin: parses, calls ``services``, renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from cityhall.core import params
from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required
from cityhall.core.models import AuditEvent
from cityhall.core.permissions import CHANGE, allowed
from cityhall.core.records import record_type_for
from cityhall.core.services import RecordInvalid
from cityhall.organisation.models import Role
from cityhall.organisation.selectors import department_users

from . import selectors, services
from .choices import OrderStatus
from .models import MaintenanceOrder

QUEUE = {
    "view": params.Choice(label=gettext_lazy("보기"), choices=selectors.QUEUE_VIEWS, default="active"),
    "app": params.Choice(label=gettext_lazy("자산 앱"), choices=selectors.asset_apps),
    "page": params.PAGE,
}


@require_GET
@role_required
@params.page(**QUEUE)
def queue(request):
    now = timezone.now()
    q = request.query
    orders = selectors.work_queue(request.user, view=q.view, app=q.app, now=now)
    return render(
        request,
        "maintenance/queue.html",
        {
            "page": Paginator(orders, 50).get_page(q.page),
            "counts": selectors.queue_counts(request.user, now=now),
            "views": [(v, _view_label(v)) for v in selectors.QUEUE_VIEWS],
            "apps": selectors.asset_apps(),
            "view": q.view,
            "app": q.app or "",
            "now": now,
        },
    )


def _view_label(view: str) -> str:
    labels = {"active": _("처리 중"), "overdue": _("기한 지남"), "all": _("전체")}
    return labels.get(view) or str(OrderStatus(view).label)


def _assignees(order: MaintenanceOrder) -> list:
    return department_users(order.org_unit.code, (Role.EDITOR, Role.MANAGER))


@require_http_methods(["GET", "POST"])
@role_required
def order_detail(request, number: str):
    order = selectors.visible_orders(request.user).filter(number=number).first()
    if order is None:
        raise Http404(_("유지보수 요청을 찾을 수 없습니다."))
    rtype = record_type_for(MaintenanceOrder)
    can_change = allowed(request.user, CHANGE, rtype, order)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(_("담당 부서의 편집자·관리자만 처리할 수 있습니다."))
        actor = Actor.for_user(request.user)
        try:
            if request.POST.get("action") == "close":
                services.order_close(order=order, resolution=request.POST.get("resolution", ""), actor=actor)
                messages.success(request, _("완료 처리했습니다."))
            else:
                services.order_assign(
                    order=order,
                    assignee=_chosen_assignee(request.POST.get("assignee", "")),
                    contractor=request.POST.get("contractor", ""),
                    note=request.POST.get("note", ""),
                    actor=actor,
                )
                messages.success(request, _("담당을 배정했습니다."))
            return redirect("maintenance:order", number=order.number)
        except RecordInvalid as exc:
            errors = exc.errors
    history = AuditEvent.objects.filter(record_type=rtype.name, record_id=order.pk).order_by(
        "timestamp", "id"
    )
    return render(
        request,
        "maintenance/order.html",
        {
            "order": order,
            "can_change": can_change and order.status != OrderStatus.CLOSED,
            "assignees": _assignees(order) if can_change else [],
            "history": history,
            "errors": errors,
            "form": request.POST if errors else {},
            "now": timezone.now(),
        },
        status=422 if errors else 200,
    )


def _chosen_assignee(raw: str):
    """The user picked in the form (by id), or none; an id that is no user is a form error."""
    raw = raw.strip()
    if not raw:
        return None
    user = get_user_model().objects.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() else None
    if user is None:
        raise RecordInvalid({"assignee": [_("목록에 있는 담당자를 고르세요.")]})
    return user
