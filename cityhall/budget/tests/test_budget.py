"""Programs (사업) and funding shares (재원): the database's constraints, the seed's figures through the
record registry's pages and API, and who may change them."""

import pytest
from django.db import IntegrityError, transaction

from cityhall.budget.models import FundingShare, Program
from cityhall.core.records import REGISTRY, record_type_for
from cityhall.core.tests.record_matrix import (
    DELETE,
    EDIT_PAGE,
    UPDATE,
    api_delete,
    api_update,
    assert_refused_changes_nothing,
    client_for,
    events,
)
from cityhall.organisation.models import OrgUnit

pytestmark = pytest.mark.django_db

SC_P1 = "smart-city-p1"  # 스마트가로등 운영, 18,054천원 (I.3, line 130)


def program(code: str) -> Program:
    return Program.objects.get(code=code)


# -- constraints ----------------------------------------------------------------------------------


def new_program(**fields) -> Program:
    data = {"code": "smart-city-x", "name": "시험 사업", "org_unit": OrgUnit.objects.get(code="smart-city")}
    return Program(**{**data, "group": "main", **fields})


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"budget": -1}, "program_budget_not_negative"),
        ({"non_budget": True, "budget": 1_000}, "program_non_budget_has_no_budget"),
    ],
)
def test_program_constraints_hold_in_the_database(fields, constraint):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Program.objects.bulk_create([new_program(**fields)])  # no model validation on the way
    assert not Program.objects.filter(code="smart-city-x").exists()


def test_a_non_budget_program_without_budget_is_accepted():
    new_program(non_budget=True, budget=None).save()
    assert Program.objects.get(code="smart-city-x").non_budget is True


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"amount": None, "percent": None}, "share_has_amount_or_percent"),
        ({"amount": None, "percent": 100.5}, "share_percent_range"),
        ({"amount": None, "percent": -1}, "share_percent_range"),
        ({"amount": -1, "percent": None}, "share_amount_not_negative"),
    ],
)
def test_funding_share_constraints_hold_in_the_database(fields, constraint):
    count = FundingShare.objects.count()
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        FundingShare.objects.bulk_create([FundingShare(program=program(SC_P1), source="city", **fields)])
    assert FundingShare.objects.count() == count == 31


def test_deleting_a_program_deletes_its_shares_but_not_a_parent_with_parts():
    # 상하수도 정보 수정 갱신 (smart-city-p9): 국비 30 %, 250,000천원 of 833,334천원 (IV.4.4).
    p9 = program("smart-city-p9")
    assert list(p9.shares.values_list("source", "percent", "amount")) == [("national", 30, 250_000_000)]
    p9.delete()
    assert FundingShare.objects.filter(program__code="smart-city-p9").count() == 0
    # 방법CCTV 확대설치 (smart-city-p12) is the sum of its two parts: PROTECT keeps it.
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        program("smart-city-p12").delete()
    assert sorted(program("smart-city-p12").parts.values_list("budget", flat=True)) == [
        120_000_000,
        400_000_000,
    ]


# -- the seed's figures ---------------------------------------------------------------------------


def test_the_seed_programs_and_shares():
    assert Program.objects.count() == 57
    assert FundingShare.objects.count() == 31
    p1 = program(SC_P1)
    assert (p1.name, p1.budget, p1.org_unit.code, p1.section, p1.line) == (
        "스마트가로등 운영",
        18_054_000,
        "smart-city",
        "I.3",
        130,
    )
    assert program("smart-city-p12").budget == 520_000_000  # = 400,000 + 120,000 천원
    assert program("smart-city-p9").budget == 833_334_000


def test_registry_declares_owner_search_and_filters():
    programs, shares = REGISTRY["programs"], REGISTRY["funding_shares"]
    assert record_type_for(program(SC_P1)) is programs
    assert (programs.owner, shares.owner) == ("org_unit", "program__org_unit")
    assert programs.search == ("name", "scale", "code")
    assert shares.search == ("program__name", "note")


def test_api_lists_filter_and_search_with_the_seed_counts(roles):
    client = client_for(roles["viewer"])
    assert client.get("/api/v1/programs/").json()["count"] == 57
    assert client.get("/api/v1/programs/", {"org_unit": "smart-city"}).json()["count"] == 24
    found = client.get("/api/v1/programs/", {"q": "가로등"}).json()
    assert [item["code"] for item in found["items"]] == [SC_P1]
    assert found["items"][0]["budget"] == 18_054_000
    shares = client.get("/api/v1/funding-shares/", {"program": "smart-city-p9"}).json()
    assert [(s["source"], s["percent"], s["amount"]) for s in shares["items"]] == [
        ("national", 30, 250_000_000)
    ]


def test_record_pages_show_the_seed_values(roles):
    client = client_for(roles["viewer"])
    listing = client.get("/records/programs/", {"org_unit": "smart-city"}).content.decode()
    assert '<p class="muted" aria-live="polite">24건</p>' in listing
    detail = client.get(f"/records/programs/{program(SC_P1).pk}/").content.decode()
    assert '<h1 id="page-h">스마트가로등 운영</h1>' in detail
    assert "18,054천원" in detail


# -- who may change them --------------------------------------------------------------------------


def test_refused_roles_change_nothing(roles):
    assert_refused_changes_nothing(roles, "programs", program(SC_P1), {"budget": "1억원"})
    share = FundingShare.objects.get(program__code="smart-city-p9", source="national")
    assert_refused_changes_nothing(roles, "funding_shares", share, {"amount": 1})


@pytest.mark.parametrize("who", ["editor", "manager"])
def test_the_owning_department_changes_a_program(roles, who):
    response = api_update(roles, who, "programs", program(SC_P1), {"budget": "19,000천원"})
    assert (response.status_code, response.json()["budget"]) == (UPDATE[who], 19_000_000)
    assert program(SC_P1).budget == 19_000_000
    assert events("programs", program(SC_P1).pk) == [
        ("create", "test:setup"),
        ("update", roles[who].username),
    ]


def test_only_a_manager_deletes_and_the_delete_is_audited(roles):
    p1 = program(SC_P1)
    assert api_delete(roles, "editor", "programs", p1).status_code == DELETE["editor"] == 403
    assert api_delete(roles, "manager", "programs", p1).status_code == DELETE["manager"] == 204
    assert not Program.objects.filter(code=SC_P1).exists()
    assert events("programs", p1.pk) == [("create", "test:setup"), ("delete", "sc-manager")]


@pytest.mark.parametrize("who", list(EDIT_PAGE))
def test_edit_page_matrix(roles, who):
    url = f"/records/programs/{program(SC_P1).pk}/edit/"
    response = client_for(None if who == "anonymous" else roles[who]).get(url)
    assert response.status_code == EDIT_PAGE[who]
    if who == "anonymous":
        assert response["Location"] == f"/accounts/login/?next={url}"


def test_a_refused_page_post_changes_nothing(roles):
    url = f"/records/programs/{program(SC_P1).pk}/edit/"
    response = client_for(roles["viewer"]).post(url, {"name": "바뀐 이름", "budget": "1원"})
    assert response.status_code == 403
    assert (program(SC_P1).name, program(SC_P1).budget) == ("스마트가로등 운영", 18_054_000)
    assert events("programs", program(SC_P1).pk) == [("create", "test:setup")]  # the import only
