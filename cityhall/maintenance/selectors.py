"""Reads of maintenance orders, for the apps that own the assets."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from cityhall.core.permissions import VIEW, restrict
from cityhall.core.records import record_type_for

from .choices import OrderStatus
from .models import MaintenanceOrder

# The work queue's views: every order not done, the late ones, each status, everything.
QUEUE_VIEWS = ("active", "overdue", *OrderStatus.values, "all")


def open_orders_by_asset(app: str, keys: Iterable[str] | None = None) -> dict[str, list[MaintenanceOrder]]:
    """The orders not closed of ``app``'s assets (all, or those of ``keys``), by asset key."""
    qs = MaintenanceOrder.objects.filter(asset_app=app).exclude(status=OrderStatus.CLOSED)
    if keys is not None:
        qs = qs.filter(asset_key__in=list(keys))
    out: dict[str, list[MaintenanceOrder]] = {}
    for order in qs.order_by("opened_at", "id"):
        out.setdefault(order.asset_key, []).append(order)
    return out


def orders_of_asset(app: str, key: str, *, limit: int = 20) -> list[MaintenanceOrder]:
    return list(MaintenanceOrder.objects.filter(asset_app=app, asset_key=key)[:limit])


def visible_orders(user) -> QuerySet[MaintenanceOrder]:
    """The orders ``user`` may read: every order for anyone with a role (the record rule), none
    without one."""
    qs = MaintenanceOrder.objects.select_related("org_unit", "assignee", "closed_by")
    return restrict(qs, user, VIEW, record_type_for(MaintenanceOrder))


def work_queue(user, *, view: str, app: str | None, now: datetime) -> QuerySet[MaintenanceOrder]:
    """유지보수 작업 목록: the orders of ``view`` (see ``QUEUE_VIEWS``), the oldest due first while they
    are still to do, the latest first otherwise."""
    qs = visible_orders(user)
    if app:
        qs = qs.filter(asset_app=app)
    if view == "active":
        return qs.exclude(status=OrderStatus.CLOSED).order_by("due_at", "id")
    if view == "overdue":
        return qs.exclude(status=OrderStatus.CLOSED).filter(due_at__lt=now).order_by("due_at", "id")
    if view in OrderStatus.values:
        qs = qs.filter(status=view)
    return qs.order_by("-opened_at", "-id")


def queue_counts(user, *, now: datetime) -> dict[str, int]:
    """How many orders are open, assigned, not done and late, over what ``user`` may read."""
    active = ~Q(status=OrderStatus.CLOSED)
    return visible_orders(user).aggregate(
        open=Count("pk", filter=Q(status=OrderStatus.OPEN)),
        assigned=Count("pk", filter=Q(status=OrderStatus.ASSIGNED)),
        active=Count("pk", filter=active),
        overdue=Count("pk", filter=active & Q(due_at__lt=now)),
    )


def asset_apps() -> list[str]:
    """The apps that have opened orders (the filter's choices)."""
    return list(MaintenanceOrder.objects.order_by("asset_app").values_list("asset_app", flat=True).distinct())
