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


@pytest.mark.parametrize("slug", ["streetlight-sites", "base-stations", "streetlights"])
def test_record_pages_list_and_detail(registry, roles, slug):
    client = client_for(roles["viewer"])
    assert client.get(f"/records/{slug}/").status_code == 200
    obj = {"streetlight-sites": "site", "base-stations": "base_station"}.get(slug)
    light = Streetlight.objects.get(code="SL-PUNGMU-001")
    pk = getattr(light, obj).pk if obj else light.pk
    assert client.get(f"/records/{slug}/{pk}/").status_code == 200


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
