"""A proposal's position, given on the proposal form (a map click fills two number inputs): both
coordinates or neither, numbers, inside the city; the service checks it, whoever calls it, and a
refused position saves nothing."""

from decimal import Decimal

import pytest

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.gis.area import CITY_BOUNDS
from cityhall.participation import rules, selectors, services
from cityhall.participation.choices import PhaseKind
from cityhall.participation.models import Proposal

from .factories import process

BAD = [
    (
        ("37.6153", ""),
        {"longitude": ["경도도 적으세요: 위치는 위도와 경도를 함께 적거나 둘 다 비워 둡니다."]},
    ),
    (
        (None, "126.7156"),
        {"latitude": ["위도도 적으세요: 위치는 위도와 경도를 함께 적거나 둘 다 비워 둡니다."]},
    ),
    (("37.5", "126.7156"), {"latitude": ["위도는 시의 범위(37.55~37.79) 안이어야 합니다."]}),
    (("37.6153", "127.1"), {"longitude": ["경도는 시의 범위(126.50~126.81) 안이어야 합니다."]}),
    (
        ("1e40", "-1e40"),
        {
            "latitude": ["위도는 시의 범위(37.55~37.79) 안이어야 합니다."],
            "longitude": ["경도는 시의 범위(126.50~126.81) 안이어야 합니다."],
        },
    ),
    (("북위 37도", "126.7156"), {"latitude": ["위도는 숫자로 적으세요 (예: 37.6153)."]}),
    (("37.6153", "NaN"), {"longitude": ["경도는 숫자로 적으세요 (예: 126.7156)."]}),
    (("37.6153", "Infinity"), {"longitude": ["경도는 숫자로 적으세요 (예: 126.7156)."]}),
]


@pytest.mark.parametrize(("given", "errors"), BAD)
def test_a_bad_position_is_named_in_korean(given, errors):
    assert rules.proposal_location(*given, CITY_BOUNDS) == (None, None, errors)


def test_a_good_position_is_kept_to_six_places_and_none_is_none():
    assert rules.proposal_location(" 37.61531234 ", "126.7156", CITY_BOUNDS) == (
        Decimal("37.615312"),
        Decimal("126.715600"),
        {},
    )
    assert rules.proposal_location("", " ", CITY_BOUNDS) == (None, None, {})
    assert rules.proposal_location(None, None, CITY_BOUNDS) == (None, None, {})
    # the corners belong to the city
    assert rules.proposal_location("37.55", "126.81", CITY_BOUNDS)[2] == {}


@pytest.mark.django_db
def test_the_service_refuses_a_bad_position_and_saves_nothing():
    proc = process(code="pb-loc", phase=PhaseKind.ACCEPTING, costs=())
    with pytest.raises(RecordInvalid) as refused:
        services.proposal_submit(
            process=proc,
            title="그늘막",
            description="정류장",
            estimated_cost=1_000_000,
            latitude="37.6",
            longitude="",
            actor=Actor.system("test:participation"),
        )
    assert refused.value.errors == {
        "longitude": ["경도도 적으세요: 위치는 위도와 경도를 함께 적거나 둘 다 비워 둡니다."]
    }
    assert not Proposal.objects.filter(process=proc).exists()
    proposal = services.proposal_submit(
        process=proc,
        title="그늘막",
        description="정류장",
        estimated_cost=1_000_000,
        latitude="37.6153",
        longitude="126.7156",
        actor=Actor.system("test:participation"),
    )
    proposal.refresh_from_db()
    assert (proposal.latitude, proposal.longitude) == (Decimal("37.615300"), Decimal("126.715600"))


def _mine(make_user):
    proc = process(code="pb-loc", phase=PhaseKind.ACCEPTING, costs=())
    return proc, make_user("author")


FORM = {"title": "그늘막 설치", "description": "버스정류장에 그늘막", "estimated_cost": "12,000천원"}


@pytest.mark.django_db
def test_the_form_places_the_proposal_on_the_map(client, make_user):
    proc, author = _mine(make_user)
    client.force_login(author)
    path = f"/participation/{proc.code}/proposals/new/"
    page = client.get(path).content.decode()
    # plain number inputs (the form works without the script), the map and its script from static files
    assert '<input id="p-latitude" name="latitude" type="number" step="any"' in page
    assert '<input id="p-longitude" name="longitude" type="number" step="any"' in page
    assert "data-location-map" in page and "participation/location.js" in page
    assert "js_lib_leaflet/leaflet.js" in page and "<script>" not in page
    response = client.post(path, {**FORM, "latitude": "37.6206", "longitude": "126.7199"})
    assert response.status_code == 302
    proposal = Proposal.objects.get(process=proc)
    assert (proposal.latitude, proposal.longitude) == (Decimal("37.620600"), Decimal("126.719900"))
    feed = client.get(f"/participation/{proc.code}/proposals/map/").json()["points"]
    assert [(p["id"], p["lat"], p["lon"]) for p in feed] == [(f"{proc.code}-1", 37.6206, 126.7199)]
    assert feed[0]["properties"]["위치"] == "제안자가 표시한 위치"
    assert f"{proc.code}-1" in {f["id"] for f in selectors.proposal_features()}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("latitude", "longitude", "message"),
    [
        ("37.6206", "", "경도도 적으세요"),
        ("36.0", "126.7199", "위도는 시의 범위(37.55~37.79) 안이어야 합니다."),
        ("abc", "126.7199", "위도는 숫자로 적으세요 (예: 37.6153)."),
    ],
)
def test_the_form_answers_a_bad_position_in_korean_and_keeps_what_was_typed(
    client, make_user, latitude, longitude, message
):
    proc, author = _mine(make_user)
    client.force_login(author)
    response = client.post(
        f"/participation/{proc.code}/proposals/new/", {**FORM, "latitude": latitude, "longitude": longitude}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page and f'value="{latitude}"' in page and 'aria-invalid="true"' in page
    assert not Proposal.objects.filter(process=proc).exists()


@pytest.mark.django_db
def test_the_author_moves_and_clears_the_position_audited(client, make_user):
    proc, author = _mine(make_user)
    client.force_login(author)
    client.post(
        f"/participation/{proc.code}/proposals/new/", {**FORM, "latitude": "37.6206", "longitude": "126.7199"}
    )
    proposal = Proposal.objects.get(process=proc)
    path = f"/participation/{proc.code}/proposals/{proposal.number}/edit/"
    form = client.get(path).content.decode()
    assert 'value="37.620600"' in form and 'value="126.719900"' in form
    assert client.post(path, {**FORM, "latitude": "37.7230", "longitude": "126.6360"}).status_code == 302
    event = AuditEvent.objects.get(record_type="participation_proposals", action="update")
    assert event.after["before"] == {"position": "37.620600,126.719900"}
    refused = client.post(path, {**FORM, "latitude": "37.7230", "longitude": "130"})
    assert refused.status_code == 422
    proposal.refresh_from_db()
    assert (proposal.latitude, proposal.longitude) == (Decimal("37.723000"), Decimal("126.636000"))
    assert client.post(path, {**FORM, "latitude": "", "longitude": ""}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.latitude is None and proposal.longitude is None
    assert client.get(f"/participation/{proc.code}/proposals/map/").json()["points"] == []


@pytest.mark.django_db
def test_an_edit_by_code_keeps_the_position_it_does_not_name(make_user):
    proc, author = _mine(make_user)
    proposal = services.proposal_submit(
        process=proc,
        title="그늘막",
        description="정류장",
        estimated_cost=1_000_000,
        latitude="37.6206",
        longitude="126.7199",
        actor=Actor.system("test:participation"),
    )
    Proposal.objects.filter(pk=proposal.pk).update(author=author)
    services.proposal_edit(
        proposal=proposal,
        title="그늘막 둘",
        description="정류장",
        estimated_cost=1_000_000,
        actor=Actor.for_user(author),
    )
    proposal.refresh_from_db()
    assert proposal.title == "그늘막 둘" and proposal.latitude == Decimal("37.620600")
