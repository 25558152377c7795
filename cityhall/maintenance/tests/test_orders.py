"""Maintenance orders: one open per asset and kind, numbered per year, audited, closed with a
resolution; bad input writes nothing."""

from datetime import UTC, datetime

import pytest

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.maintenance import selectors, services
from cityhall.maintenance.models import MaintenanceOrder
from cityhall.organisation.models import OrgUnit

RULES = Actor.system("rules:test")
AT = datetime(2025, 3, 4, 0, 0, tzinfo=UTC)  # 09:00 KST


@pytest.fixture
def asset(db):
    unit = OrgUnit.objects.get(code="smart-city")
    return services.AssetRef(
        app="bus", key="bit:BIT-X1", label="BIT BIT-X1", org_unit=unit, location="정류소 X1"
    )


def test_open_is_idempotent_and_audited(asset):
    order, created = services.order_open(
        asset=asset, kind="bit_offline", kind_label="BIT 통신 두절", due_hours=24, actor=RULES, now=AT
    )
    assert created and order.number == "MO-2025-00001"
    assert order.due_at == datetime(2025, 3, 5, 0, 0, tzinfo=UTC)
    again, created_again = services.order_open(
        asset=asset, kind="bit_offline", kind_label="BIT 통신 두절", due_hours=24, actor=RULES, now=AT
    )
    assert (again.pk, created_again) == (order.pk, False)
    # another kind of fault of the same asset is another order
    other, _created = services.order_open(
        asset=asset, kind="screen_fault", kind_label="화면 고장", due_hours=48, actor=RULES, now=AT
    )
    assert other.number == "MO-2025-00002"
    assert AuditEvent.objects.filter(record_type="maintenance_orders", action="create").count() == 2
    assert set(selectors.open_orders_by_asset("bus")) == {"bit:BIT-X1"}


def test_close_needs_a_resolution_and_frees_the_asset(asset):
    order, _ = services.order_open(asset=asset, kind="k", kind_label="K", due_hours=1, actor=RULES, now=AT)
    with pytest.raises(RecordInvalid):
        services.order_close(order=order, resolution="  ", actor=RULES)
    assert MaintenanceOrder.objects.get(pk=order.pk).status == "open"
    closed = services.order_close(order=order, resolution="교체", actor=RULES, now=AT)
    assert (closed.status, closed.closed_at, closed.recovered_at) == ("closed", AT, AT)
    assert AuditEvent.objects.filter(record_type="maintenance_orders", action="close").count() == 1
    # closing twice changes nothing; a new fault opens a new order
    services.order_close(order=order.pk, resolution="다시", actor=RULES)
    assert MaintenanceOrder.objects.get(pk=order.pk).resolution == "교체"
    fresh, created = services.order_open(asset=asset, kind="k", kind_label="K", due_hours=1, actor=RULES)
    assert created and fresh.pk != order.pk


def test_bad_input_writes_nothing(asset):
    with pytest.raises(RecordInvalid):
        services.order_open(asset=asset, kind="", kind_label="", due_hours=1, actor=RULES)
    with pytest.raises(RecordInvalid):
        services.order_open(asset=asset, kind="k", kind_label="K", due_hours=0, actor=RULES)
    assert not MaintenanceOrder.objects.exists()
    assert not AuditEvent.objects.filter(record_type="maintenance_orders").exists()


def test_numbers_count_per_seoul_year(asset):
    new_year_kst = datetime(2025, 12, 31, 15, 30, tzinfo=UTC)  # 2026-01-01 00:30 KST
    order, _ = services.order_open(
        asset=asset, kind="k", kind_label="K", due_hours=1, actor=RULES, now=new_year_kst
    )
    assert order.number == "MO-2026-00001"
