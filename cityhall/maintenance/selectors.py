"""Reads of maintenance orders, for the apps that own the assets."""

from __future__ import annotations

from collections.abc import Iterable

from .choices import OrderStatus
from .models import MaintenanceOrder


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
