"""Committees (위원회) and councils (협의체): the seed's 19 committees and 3 councils, their members'
names masked on lists, the database's rules, and who may change them."""

import pytest
from django.db import IntegrityError, transaction

from cityhall.committees.models import Committee, CommitteeMember
from cityhall.core.records import REGISTRY
from cityhall.core.tests.record_matrix import (
    API,
    assert_refused_changes_nothing,
    client_for,
    events,
)
from cityhall.organisation.models import OrgUnit

pytestmark = pytest.mark.django_db

CCTV = "smart-city-c1"  # 통합관제 운영위원회, 17 members, chaired by 부시장 (I.3, line 190)


def committee(code: str) -> Committee:
    return Committee.objects.get(code=code)


def test_the_seed_has_19_committees_and_3_councils():
    by_department = {
        (unit, kind): n
        for unit, kind, n in [
            (c.org_unit.code, c.kind, Committee.objects.filter(org_unit=c.org_unit, kind=c.kind).count())
            for c in Committee.objects.select_related("org_unit")
        ]
    }
    assert by_department == {
        ("policy-planning", "committee"): 7,
        ("policy-planning", "council"): 3,
        ("budget-legal", "committee"): 9,
        ("info-comm", "committee"): 2,
        ("smart-city", "committee"): 1,
    }
    assert Committee.objects.filter(kind="committee").count() == 19
    first = Committee.objects.get(code="policy-planning-c1")
    assert (first.name, first.member_count, first.chair, first.line) == ("규제개혁위원회", 13, "부시장", 59)
    cctv = committee(CCTV)
    assert (cctv.name, cctv.member_count, cctv.chair, cctv.line) == ("통합관제 운영위원회", 17, "부시장", 190)
    assert CommitteeMember.objects.count() == 0  # the plan names no members


def test_a_committee_code_is_unique_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Committee.objects.create(code=CCTV, org_unit=OrgUnit.objects.get(code="smart-city"), name="중복")
    assert Committee.objects.filter(code=CCTV).count() == 1


def test_members_go_with_their_committee():
    cctv = committee(CCTV)
    CommitteeMember.objects.create(committee=cctv, name="홍길동", role="chair")
    CommitteeMember.objects.create(committee=committee("policy-planning-c1"), name="김철수")
    cctv.delete()
    assert list(CommitteeMember.objects.values_list("committee__code", "name")) == [
        ("policy-planning-c1", "김철수")
    ]


def test_registry_masks_member_names_on_lists():
    assert REGISTRY["committee_members"].personal == ("name",)
    assert REGISTRY["committees"].owner == "org_unit"
    assert REGISTRY["committee_members"].owner == "committee__org_unit"


def test_api_lists_filter_and_count(roles):
    client = client_for(roles["viewer"])
    assert client.get(f"{API}/committees/").json()["count"] == 22
    councils = client.get(f"{API}/committees/", {"kind": "council"}).json()
    assert councils["count"] == 3
    assert {item["org_unit"] for item in councils["items"]} == {"policy-planning"}
    mine = client.get(f"{API}/committees/", {"org_unit": "smart-city"}).json()
    assert [(item["code"], item["member_count"]) for item in mine["items"]] == [(CCTV, 17)]


def test_an_editor_adds_a_member_whose_name_is_masked_on_the_list(roles):
    client = client_for(roles["editor"])
    response = client.post(
        f"{API}/committee-members/",
        {"committee": CCTV, "name": "홍길동", "role": "chair", "affiliation": "김포시"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    member = CommitteeMember.objects.get()
    assert (member.committee.code, member.name, member.role) == (CCTV, "홍길동", "chair")
    assert events("committee_members", member.pk) == [("create", "sc-editor")]
    listed = client.get(f"{API}/committee-members/").json()["items"]
    assert [item["name"] for item in listed] == ["홍*동"]
    assert client.get(f"{API}/committee-members/{member.pk}").json()["name"] == "홍길동"


def test_another_department_cannot_add_a_member(roles):
    response = client_for(roles["other_editor"]).post(
        f"{API}/committee-members/", {"committee": CCTV, "name": "홍길동"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert CommitteeMember.objects.count() == 0


def test_refused_roles_change_nothing(roles):
    assert_refused_changes_nothing(roles, "committees", committee(CCTV), {"member_count": 99})


def test_the_owning_editor_changes_a_committee(roles):
    response = client_for(roles["editor"]).patch(
        f"{API}/committees/{committee(CCTV).pk}", {"member_count": 18}, content_type="application/json"
    )
    assert (response.status_code, response.json()["member_count"]) == (200, 18)
    assert committee(CCTV).member_count == 18
    assert events("committees", committee(CCTV).pk) == [("create", "test:setup"), ("update", "sc-editor")]


def test_record_pages_show_the_committees(roles):
    client = client_for(roles["viewer"])
    listing = client.get("/records/committees/", {"kind": "council"}).content.decode()
    assert '<p class="muted" aria-live="polite">3건</p>' in listing
    detail = client.get(f"/records/committees/{committee(CCTV).pk}/").content.decode()
    assert '<h1 id="page-h">통합관제 운영위원회</h1>' in detail
    assert (
        client_for(roles["other_editor"]).get(f"/records/committees/{committee(CCTV).pk}/edit/").status_code
        == 403
    )
