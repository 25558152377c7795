"""The proposals on the shared map, the result report as HWPX, and the ballot path's per-process
memory (a withdrawn project is still refused at once; the page's paper follows a status change)."""

import io
import zipfile

import pytest

from cityhall.gis.collections import registered_collection
from cityhall.participation import samples, selectors, services
from cityhall.participation.choices import ProposalStatus
from cityhall.participation.models import Ballot, Proposal

from .factories import process, voter

pytestmark = pytest.mark.django_db


def _hwpx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = [n for n in archive.namelist() if n.startswith("Contents/section")]
        return "".join(archive.read(name).decode("utf-8") for name in names)


def test_sample_positions_are_near_their_district_and_labelled_example():
    lat, lon = samples.sample_position("김포본동", 7)
    centre = samples.DISTRICT_CENTRES["김포본동"]
    assert abs(float(lat) - centre[0]) <= 0.0045 and abs(float(lon) - centre[1]) <= 0.0066
    assert samples.sample_position("없는동", 1) is None


def test_the_map_layer_draws_the_located_proposals():
    services.participation_load_sample()
    collection = registered_collection("participation-proposals")
    assert collection is not None and collection.app == "participation"
    features = collection.features(None)
    located = Proposal.objects.filter(latitude__isnull=False).exclude(status=ProposalStatus.WITHDRAWN)
    # pb-2024: all 139 (the 3 merged too); pb-2025: every proposal; suggestions have no place
    assert len(features) == located.count() == 139 + Proposal.objects.filter(process__code="pb-2025").count()
    first = next(f for f in features if f["id"] == "pb-2024-1")
    assert first["geometry"]["type"] == "Point"
    assert first["properties"]["position"] == "예시 위치"
    assert first["properties"]["url"] == "/participation/pb-2024/proposals/1/"


def test_both_maps_show_the_same_proposals_merged_ones_included(client):
    services.participation_load_sample()
    pb = selectors.process("pb-2024")
    merged = Proposal.objects.filter(process=pb, status=ProposalStatus.MERGED)
    assert merged.count() == samples.MERGED_2024 and not merged.filter(latitude__isnull=True).exists()
    withdrawn = Proposal.objects.filter(process=pb, number=1)
    withdrawn.update(status=ProposalStatus.WITHDRAWN)  # off every map
    unplaced = Proposal.objects.filter(process=pb, number=2)
    unplaced.update(latitude=None, longitude=None)  # no place, no point

    layer = {f["id"] for f in selectors.proposal_features() if f["id"].startswith("pb-2024-")}
    feed = {p["id"] for p in client.get("/participation/pb-2024/proposals/map/").json()["points"]}
    points = {p.id for p in selectors.proposal_points(pb, selectors.proposals(pb))}
    expected = {f"pb-2024-{n}" for n in range(3, 140)}
    assert layer == feed == points == expected
    assert {f"pb-2024-{p.number}" for p in merged} <= layer
    merged_state = client.get("/participation/pb-2024/proposals/map/?status=merged").json()
    assert len(merged_state["points"]) == samples.MERGED_2024
    assert next(s for s in merged_state["states"] if s["key"] == "merged")["count"] == samples.MERGED_2024


def test_the_public_proposal_list_has_the_map_with_its_filters(client):
    proc = process()
    page = client.get(f"/participation/{proc.code}/proposals/?status=eligible").content.decode()
    assert "data-gis-map" in page  # for everybody: the map's points come from the page's own feed
    assert f'data-live-url="/participation/{proc.code}/proposals/map/?status=eligible"' in page


def test_the_map_feed_follows_the_filters_and_names_no_proposer(client):
    services.participation_load_sample()
    feed = client.get("/participation/pb-2024/proposals/map/")
    assert feed.status_code == 200 and feed["Cache-Control"] == "no-store"
    points = feed.json()["points"]
    # pb-2024's 139 sample proposals all have a position (the list shows the merged ones too)
    assert len(points) == 139 == selectors.proposals(selectors.process("pb-2024")).count()
    first = next(p for p in points if p["id"] == "pb-2024-1")
    assert first["href"] == "/participation/pb-2024/proposals/1/"
    assert set(first["properties"]) == {"상태", "분야", "지역", "사업비", "위치"}
    assert first["properties"]["위치"] == "예시 위치"
    authors = set(Proposal.objects.filter(process__code="pb-2024").values_list("author__username", flat=True))
    body = feed.content.decode()
    assert not any(name and f'"{name}"' in body for name in authors)

    selected = client.get("/participation/pb-2024/proposals/map/?status=selected").json()
    assert len(selected["points"]) == 36  # the 36 funded projects of the 2024 sample
    assert {p["state"] for p in selected["points"]} == {"selected"}
    assert next(s for s in selected["states"] if s["key"] == "selected")["count"] == 36

    district = samples.DISTRICTS[0]
    listed = client.get("/participation/pb-2024/proposals/", {"district": district}).content.decode()
    mapped = client.get("/participation/pb-2024/proposals/map/", {"district": district}).json()["points"]
    expected = Proposal.objects.filter(process__code="pb-2024", district=district).exclude(status="withdrawn")
    assert len(mapped) == expected.count() > 0
    assert f"{expected.count()}건" in listed


def test_the_map_feed_refuses_a_bad_filter(client):
    proc = process()
    response = client.get(f"/participation/{proc.code}/proposals/map/?status=nonsense&category=x")
    assert response.status_code == 400
    assert client.get("/participation/no-such/proposals/map/").status_code == 404


def test_the_result_report_explains_every_project(client):
    services.participation_load_sample()
    response = client.get("/participation/pb-2024/results.hwpx")
    assert response.status_code == 200 and response["Content-Type"] == "application/hwp+zip"
    assert "pb-2024-results.hwpx" in response["Content-Disposition"]
    text = _hwpx_text(response.content)
    assert "2024년 주민참여예산 (2025년 예산 반영, 예시) 결과 보고" in text
    assert "투표 2,400명, 예산 1,545,150,000원 중 1,545,150,000원, 36건 선정" in text
    rows = selectors.results(selectors.process("pb-2024"))[0]["rows"]
    assert len(rows) == 124
    for row in (rows[0], rows[-1]):  # a winner and the last loser, each with its reason
        assert row.explanation and row.explanation in text
    assert text.count("미선정") >= 124 - 36
    pending = client.get("/participation/pb-2025/results.hwpx")
    assert "아직 집계하지 않았습니다." in _hwpx_text(pending.content)
    assert client.get("/participation/no-such/results.hwpx").status_code == 404


def test_a_withdrawn_project_is_refused_although_the_page_was_cached(client, make_user):
    proc = process()
    user = voter(make_user)
    client.force_login(user)
    path = f"/participation/{proc.code}/vote/"
    assert 'value="3"' in client.get(path).content.decode()  # the paper is now in memory
    proposal = Proposal.objects.get(process=proc, number=3)
    services._status(proposal, ProposalStatus.WITHDRAWN, "철회")  # as the author's withdrawal does
    proposal.save()
    assert 'value="3"' not in client.get(path).content.decode()  # the status change forgot it
    response = client.post(path, {"projects": ["3"]})
    assert response.status_code == 422 and not Ballot.objects.exists()


def test_the_post_checks_the_database_even_with_a_stale_paper(client, make_user):
    proc = process()
    user = voter(make_user)
    client.force_login(user)
    path = f"/participation/{proc.code}/vote/"
    client.get(path)
    # another server process withdrew it: this one's memory still shows the project
    Proposal.objects.filter(process=proc, number=3).update(status=ProposalStatus.WITHDRAWN)
    assert 'value="3"' in client.get(path).content.decode()
    response = client.post(path, {"projects": ["3"]})
    assert response.status_code == 422 and not Ballot.objects.exists()
    assert client.post(path, {"projects": ["2"]}).status_code == 302
    assert list(Ballot.objects.values_list("projects", flat=True)) == [[2]]
