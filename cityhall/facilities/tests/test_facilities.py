"""Facilities (시설물) and equipment (장비현황): the seed's inventories and their totals (94 ITS·BIS centre
items, 703 for CCTV 통합관제, 19 for 공간정보, 638 lights on 25 base stations), the database's rules, the
registry's pages and API, and who may change them."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Sum

from cityhall.core.records import REGISTRY
from cityhall.core.tests.record_matrix import API, assert_refused_changes_nothing, client_for, events
from cityhall.facilities.models import Equipment, Facility
from cityhall.organisation.models import OrgUnit, Role

pytestmark = pytest.mark.django_db

CENTRE_KINDS = ["서버", "스토리지", "N/W장비", "보안장비", "기타"]


def total(**where) -> int:
    return Equipment.objects.filter(**where).aggregate(n=Sum("count"))["n"]


def test_the_seed_equipment_totals():
    # I.3, lines 159-183: each table's 합계 row, recomputed from the rows the dataset keeps.
    assert total(system__in=["its", "bis"], kind__in=CENTRE_KINDS) == 94
    assert total(system="its", kind__in=CENTRE_KINDS) == 67
    assert total(system="bis", kind__in=CENTRE_KINDS) == 27
    assert total(system="cctv") == 703
    assert total(system="gis") == 19
    assert (total(system="streetlight", kind="가로등"), total(system="streetlight", kind="기지국")) == (
        638,
        25,
    )
    assert Equipment.objects.count() == 38
    assert set(Equipment.objects.values_list("org_unit__code", flat=True)) == {"smart-city"}


def test_the_seed_facilities():
    assert list(Facility.objects.values_list("org_unit__code", "number", "name", "line")) == [
        ("info-comm", 1, "전산실", 114),
        ("info-comm", 2, "통신실", 115),
    ]


def test_a_negative_count_is_refused_by_the_database():
    unit = OrgUnit.objects.get(code="smart-city")
    with pytest.raises(IntegrityError), transaction.atomic():
        Equipment.objects.create(org_unit=unit, system="cctv", kind="서버", count=-1)
    assert total(system="cctv") == 703


def test_a_department_with_equipment_cannot_be_deleted():
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        Equipment.objects.filter(system="gis").first().org_unit.delete()
    assert total(system="gis") == 19


def test_registry_owners_and_filters():
    assert (REGISTRY["facilities"].owner, REGISTRY["equipment"].owner) == ("org_unit", "org_unit")
    assert REGISTRY["equipment"].filters == ("org_unit", "system", "kind")


def test_api_filters_by_system_and_kind(roles):
    client = client_for(roles["viewer"])
    assert client.get(f"{API}/equipment/").json()["count"] == 38
    gis = client.get(f"{API}/equipment/", {"system": "gis", "limit": 100}).json()
    assert sum(item["count"] for item in gis["items"]) == 19
    assert gis["count"] == 5
    lights = client.get(f"{API}/equipment/", {"system": "streetlight", "kind": "가로등", "limit": 100}).json()
    assert sum(item["count"] for item in lights["items"]) == 638
    assert [item["name"] for item in client.get(f"{API}/facilities/").json()["items"]] == ["전산실", "통신실"]


def test_record_pages_show_the_inventories(roles):
    client = client_for(roles["viewer"])
    listing = client.get("/records/equipment/", {"system": "cctv"}).content.decode()
    assert '<p class="muted" aria-live="polite">6건</p>' in listing
    room = Facility.objects.get(name="전산실")
    assert '<h1 id="page-h">전산실</h1>' in client.get(f"/records/facilities/{room.pk}/").content.decode()


def test_refused_roles_change_nothing(roles):
    assert_refused_changes_nothing(
        roles, "equipment", Equipment.objects.filter(system="gis").first(), {"count": 0}
    )


def test_the_owning_editor_changes_equipment(roles):
    item = Equipment.objects.filter(system="gis").order_by("id").first()
    response = client_for(roles["editor"]).patch(
        f"{API}/equipment/{item.pk}", {"count": item.count + 1}, content_type="application/json"
    )
    assert response.status_code == 200
    assert total(system="gis") == 20
    assert events("equipment", item.pk) == [("create", "test:setup"), ("update", "sc-editor")]


def test_facilities_belong_to_info_comm(make_user):
    room = Facility.objects.get(name="전산실")
    url = f"{API}/facilities/{room.pk}"
    body = {"purpose": "바뀐 내용"}
    smart_city = client_for(make_user("sc-editor", Role.EDITOR, "smart-city"))
    assert smart_city.patch(url, body, content_type="application/json").status_code == 403
    assert Facility.objects.get(pk=room.pk).purpose.startswith("김포시 정보시스템")
    info_comm = client_for(make_user("ic-editor", Role.EDITOR, "info-comm"))
    response = info_comm.patch(url, body, content_type="application/json")
    assert (response.status_code, response.json()["purpose"]) == (200, "바뀐 내용")
    assert events("facilities", room.pk) == [("create", "test:setup"), ("update", "ic-editor")]
