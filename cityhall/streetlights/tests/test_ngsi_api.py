"""NGSI-LD read access to the registry (FIWARE Smart Data Models Streetlight / control cabinet)."""

import json
from datetime import UTC, datetime

import pytest
from django.test import Client

from cityhall.core.audit import Actor
from cityhall.core.models import ApiToken
from cityhall.streetlights.models import Streetlight
from cityhall.streetlights.registry.ngsi import CONTEXT, parse_entity_id
from cityhall.streetlights.registry.services import streetlight_retire
from cityhall.telemetry.models import DeviceState

BASE = "/api/v1/streetlights/ngsi-ld/v1/entities"
LIGHT_ID = "urn:ngsi-ld:Streetlight:SL-HAGUN41-002"
CABINET_ID = "urn:ngsi-ld:StreetlightControlCabinet:BS-HAGUN41-02"


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def body(response):
    return json.loads(response.content)


@pytest.fixture
def viewer(registry, roles):
    return client_for(roles["viewer"])


class TestRetrieve:
    def test_a_light_without_telemetry(self, viewer):
        response = viewer.get(f"{BASE}/{LIGHT_ID}")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/ld+json"
        assert body(response) == {
            "id": LIGHT_ID,
            "type": "Streetlight",
            "name": {"type": "Property", "value": "SL-HAGUN41-002"},
            "areaServed": {"type": "Property", "value": "학운 4-1"},
            "status": {"type": "Property", "value": "ok"},
            "refStreetlightControlCabinet": {"type": "Relationship", "object": CABINET_ID},
            "ratedPower": {"type": "Property", "value": 100, "unitCode": "WTT"},
            "dateServiceStarted": {"type": "Property", "value": {"@type": "Date", "@value": "2021-09-01"}},
            "@context": CONTEXT,
        }
        assert CONTEXT == (
            "https://raw.githubusercontent.com/smart-data-models/dataModel.Streetlighting/master/context.jsonld"
        )

    def test_a_light_with_telemetry_state(self, viewer):
        ts = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
        DeviceState.objects.create(
            device_id="SL-HAGUN41-002",
            last_ts=ts,
            last_message_id="m-1",
            last_seen=ts,
            lamp_on=True,
            dim=50,
            power_w=50.5,
            energy_wh=1234,
            voltage_v=220.0,
            current_a=0.23,
            temperature_c=3.5,
            faults=[],
        )
        entity = body(viewer.get(f"{BASE}/{LIGHT_ID}"))
        observed = "2025-01-15T12:00:00Z"
        assert entity["powerState"] == {"type": "Property", "value": "on", "observedAt": observed}
        assert entity["illuminanceLevel"] == {"type": "Property", "value": 0.5, "observedAt": observed}
        assert entity["activePower"] == {
            "type": "Property",
            "value": 50.5,
            "observedAt": observed,
            "unitCode": "WTT",
        }
        assert entity["status"] == {"type": "Property", "value": "ok"}
        DeviceState.objects.filter(device_id="SL-HAGUN41-002").update(faults=["LAMP_FAILURE"], lamp_on=False)
        entity = body(viewer.get(f"{BASE}/{LIGHT_ID}"))
        assert entity["status"]["value"] == "defectiveLamp"
        assert entity["powerState"]["value"] == "off"

    def test_a_base_station(self, viewer):
        response = viewer.get(f"{BASE}/{CABINET_ID}")
        assert response.status_code == 200
        assert body(response) == {
            "id": CABINET_ID,
            "type": "StreetlightControlCabinet",
            "name": {"type": "Property", "value": "BS-HAGUN41-02"},
            "areaServed": {"type": "Property", "value": "학운 4-1"},
            "workingMode": {"type": "Property", "value": "automatic"},
            "numberOfStreetlights": {"type": "Property", "value": 29},
            "dateServiceStarted": {"type": "Property", "value": {"@type": "Date", "@value": "2021-09-01"}},
            "@context": CONTEXT,
        }

    @pytest.mark.parametrize(
        "entity_id",
        [
            "urn:ngsi-ld:Streetlight:SL-NOWHERE-001",
            "urn:ngsi-ld:StreetlightControlCabinet:SL-HAGUN41-002",
            "urn:ngsi-ld:Device:SL-HAGUN41-002",
            "SL-HAGUN41-002",
        ],
    )
    def test_unknown_id_is_404(self, viewer, entity_id):
        response = viewer.get(f"{BASE}/{entity_id}")
        assert response.status_code == 404
        assert body(response) == {
            "type": "https://uri.etsi.org/ngsi-ld/errors/ResourceNotFound",
            "title": "엔티티가 없습니다",
            "detail": f"엔티티 {entity_id}이(가) 없습니다.",
        }

    def test_a_retired_light_is_not_served(self, viewer):
        streetlight_retire(light=Streetlight.objects.get(code="SL-HAGUN41-002"), actor=Actor.system("t"))
        assert viewer.get(f"{BASE}/{LIGHT_ID}").status_code == 404
        assert body(viewer.get(f"{BASE}/{CABINET_ID}"))["numberOfStreetlights"]["value"] == 28


class TestQuery:
    def test_lights_by_type_paged(self, viewer):
        response = viewer.get(BASE, {"type": "Streetlight", "limit": 1000, "count": "true"})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/ld+json"
        assert response["NGSILD-Results-Count"] == "638"
        entities = body(response)
        assert len(entities) == 638
        assert {e["type"] for e in entities} == {"Streetlight"}
        assert entities[0]["id"] == "urn:ngsi-ld:Streetlight:SL-HAGUN41-001"  # by code
        assert len(body(viewer.get(BASE, {"type": "Streetlight"}))) == 20  # the NGSI-LD default page

    def test_cabinets_and_both_types(self, viewer):
        cabinets = body(viewer.get(BASE, {"type": "StreetlightControlCabinet", "limit": 100}))
        assert len(cabinets) == 25
        assert sum(c["numberOfStreetlights"]["value"] for c in cabinets) == 638
        both = viewer.get(
            BASE,
            {"type": "Streetlight,StreetlightControlCabinet", "limit": 5, "offset": 636, "count": "true"},
        )
        assert [e["id"] for e in body(both)] == [
            "urn:ngsi-ld:Streetlight:SL-YANGCHON-147",
            "urn:ngsi-ld:Streetlight:SL-YANGCHON-148",
            "urn:ngsi-ld:StreetlightControlCabinet:BS-DAEGOT-01",
            "urn:ngsi-ld:StreetlightControlCabinet:BS-DAEGOT-02",
            "urn:ngsi-ld:StreetlightControlCabinet:BS-DAEGOT-03",
        ]
        assert both["NGSILD-Results-Count"] == "663"

    def test_type_is_required_and_unknown_types_are_empty(self, viewer):
        response = viewer.get(BASE)
        assert response.status_code == 400
        assert body(response)["type"] == "https://uri.etsi.org/ngsi-ld/errors/BadRequestData"
        assert body(viewer.get(BASE, {"type": "Device"})) == []

    def test_limit_is_bounded(self, viewer):
        response = viewer.get(BASE, {"type": "Streetlight", "limit": 1001})
        assert response.status_code == 400
        assert response.json() == {
            "type": "https://uri.etsi.org/ngsi-ld/errors/BadRequestData",
            "title": "잘못된 매개변수",
            "detail": "최대 개수(limit): 1001은(는) 범위를 벗어납니다. 0~1000 사이로 입력하세요.",
        }


class TestAuth:
    def test_anonymous_gets_401(self, registry):
        for url in (f"{BASE}?type=Streetlight", f"{BASE}/{LIGHT_ID}"):
            response = Client().get(url)
            assert response.status_code == 401, url
            assert response.json() == {"detail": "로그인하거나 API 토큰을 보내야 합니다."}

    def test_user_without_role_gets_403(self, registry, roles):
        client = client_for(roles["norole"])
        assert client.get(BASE, {"type": "Streetlight"}).status_code == 403
        assert client.get(f"{BASE}/{LIGHT_ID}").status_code == 403

    @pytest.mark.parametrize("role", ["viewer", "editor", "other_editor", "director"])
    def test_every_role_may_read(self, registry, roles, role):
        assert client_for(roles[role]).get(f"{BASE}/{LIGHT_ID}").status_code == 200

    def test_a_machine_reads_with_a_token(self, registry, roles):
        _, token = ApiToken.issue(user=roles["viewer"], name="ngsi")
        response = Client().get(f"{BASE}/{LIGHT_ID}", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200


def test_parse_entity_id():
    assert parse_entity_id(LIGHT_ID) == ("Streetlight", "SL-HAGUN41-002")
    assert parse_entity_id("urn:ngsi-ld:Streetlight:") is None
    assert parse_entity_id("urn:x:Streetlight:SL-1") is None
