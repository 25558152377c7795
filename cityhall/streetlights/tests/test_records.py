"""The three record types through the shared machinery: record pages, the generic API, query counts."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cityhall.streetlights.models import Streetlight


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "slug, heading, count, record, title",
    [
        ("streetlight-sites", "가로등 설치 지역", "6건", "site", "풍무동 도시숲"),
        ("base-stations", "기지국", "25건", "base_station", "BS-PUNGMU-01"),
        ("streetlights", "스마트가로등", "638건", None, "SL-PUNGMU-001"),
    ],
)
def test_record_pages_list_and_detail(registry, roles, slug, heading, count, record, title):
    """The seed's six sites, 25 base stations and 638 lights, listed and shown by the shared pages."""
    client = client_for(roles["viewer"])
    listing = client.get(f"/records/{slug}/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert f'<h1 id="page-h">{heading}</h1>' in html
    assert f'<p class="muted" aria-live="polite">{count}</p>' in html
    light = Streetlight.objects.get(code="SL-PUNGMU-001")
    pk = getattr(light, record).pk if record else light.pk
    detail = client.get(f"/records/{slug}/{pk}/")
    assert detail.status_code == 200
    assert f'<h1 id="page-h">{title}</h1>' in detail.content.decode()


def test_generic_api_lists_and_filters_lights(registry, roles):
    client = client_for(roles["viewer"])
    response = client.get("/api/v1/streetlights/", {"site": "PUNGMU", "limit": 100})
    data = response.json()
    assert data["count"] == 64
    first = data["items"][0]
    del first["id"]
    assert first == {
        "code": "SL-PUNGMU-001",
        "site": "PUNGMU",
        "base_station": "BS-PUNGMU-01",
        "model": "",
        "rated_power_w": 100,
        "state": "active",
        "installed": "2020-12-01",
    }


def test_generic_api_patch_permissions(registry, roles):
    pk = Streetlight.objects.get(code="SL-PUNGMU-001").pk
    url = f"/api/v1/streetlights/{pk}"
    body = json.dumps({"state": "fault"})
    for who in ("other_editor", "viewer"):
        assert client_for(roles[who]).patch(url, body, content_type="application/json").status_code == 403
    assert Streetlight.objects.get(pk=pk).state == "active"
    response = client_for(roles["editor"]).patch(url, body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["state"] == "fault"


def test_ngsi_list_queries_do_not_grow_with_the_page(registry, roles):
    client = client_for(roles["viewer"])
    url = "/api/v1/streetlights/ngsi-ld/v1/entities"
    counts = []
    for limit in (5, 500):
        with CaptureQueriesContext(connection) as context:
            response = client.get(url, {"type": "Streetlight,StreetlightControlCabinet", "limit": limit})
        assert response.status_code == 200
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]


def test_repair_orders_change_only_through_their_own_services(registry, roles):
    """The generic record pages and API only read repair orders: assigning and closing move the SLA
    clock and the light's state, which the generic services know nothing of."""
    from cityhall.core import services
    from cityhall.core.audit import Actor
    from cityhall.core.records import record_type_for
    from cityhall.streetlights.models import RepairOrder
    from cityhall.streetlights.repairs import services as repairs

    order = repairs.repair_order_open(
        actor=Actor.system("test"), kind="lamp_failure", light="SL-HAGUN6-012", detail="민원"
    )
    rtype = record_type_for(RepairOrder)
    with pytest.raises(services.PermissionDenied, match="전용 화면"):
        services.record_update(
            rtype=rtype, obj=order, data={"status": "closed"}, actor=Actor.for_user(roles["admin"])
        )

    client = client_for(roles["admin"])
    page = client.get(f"/records/repair-orders/{order.pk}/")
    assert page.status_code == 200 and f"/records/repair-orders/{order.pk}/edit/" not in page.content.decode()
    edit = client.get(f"/records/repair-orders/{order.pk}/edit/")
    assert (edit.status_code, edit["Location"]) == (302, "/streetlights/repairs/")
    api = "/api/v1/repair-orders/"
    assert client.get(api).json()["count"] == 1
    assert client.post(api, data="{}", content_type="application/json").status_code == 405
    patched = client.patch(
        f"{api}{order.pk}", data=json.dumps({"status": "closed"}), content_type="application/json"
    )
    assert patched.status_code == 405
    assert RepairOrder.objects.get(pk=order.pk).status == "open"
