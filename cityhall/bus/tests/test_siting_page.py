"""The siting page around ``siting.rank_sites``: candidates from the stops without a BIT, weights
edited by 스마트도시과 (audited)."""

from cityhall.bus import candidates
from cityhall.bus.models import SitingWeight, Stop
from cityhall.core.models import AuditEvent


def test_candidates_are_the_stops_without_a_bit(bus_network):
    found = candidates.candidates()
    assert found and all(c.cost_won == 13_000_000 for c in found)
    # a stop across the street from one with a BIT (the same block, the other way) is 0 m from it
    with_bit = {(s.x, s.y) for s in Stop.objects.filter(bits__isnull=False)}
    at = {s.code: (s.x, s.y) for s in Stop.objects.all()}
    for c in found:
        assert (c.distance_to_nearest_bit_m == 0) == (at[c.stop_id] in with_bit), c
    assert any(c.distance_to_nearest_bit_m >= 400 for c in found)
    assert len(candidates.ranking()) == 10


def test_weights_are_edited_by_the_department_only(client, bus_network, bus_staff, make_user):
    key = next(iter(candidates.weights()))
    client.force_login(make_user("viewer-s", "viewer", "smart-city"))
    assert client.post("/bus/siting/", {key: "9"}).status_code == 403
    assert not SitingWeight.objects.exists()
    client.force_login(bus_staff)
    assert client.get("/bus/siting/").status_code == 200
    form = {k: str(v) for k, v in candidates.weights().items()}
    form[key] = "-1"
    assert client.post("/bus/siting/", form).status_code == 422
    form[key] = "9"
    assert client.post("/bus/siting/", form).status_code == 302
    assert SitingWeight.objects.get(criterion=key).weight == 9.0
    assert AuditEvent.objects.filter(record_type="bit_siting_weights", action="update").count() == 1


def test_all_weights_zero_is_refused_and_the_page_still_ranks(client, bus_network, bus_staff):
    client.force_login(bus_staff)
    form = {k: "0" for k in candidates.weights()}
    response = client.post("/bus/siting/", form)
    assert response.status_code == 422
    assert "가중치 중 하나는 0보다 커야 합니다." in response.content.decode()
    assert not SitingWeight.objects.exists()
    assert client.get("/bus/siting/").status_code == 200
