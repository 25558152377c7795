"""The siting page around ``siting.rank_sites``: candidates from the stops without a BIT, weights
edited by 스마트도시과 (audited). Runs where the ranking module is installed."""

import importlib.util

import pytest

from cityhall.bus import candidates
from cityhall.bus.models import SitingWeight
from cityhall.core.models import AuditEvent

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("cityhall.bus.siting") is None,
    reason="the ranking module (siting.py) is not installed",
)


def test_candidates_are_the_stops_without_a_bit(bus_network):
    found = candidates.candidates()
    assert found and all(c.cost_won == 13_000_000 for c in found)
    assert all(c.distance_to_nearest_bit_m > 0 for c in found)
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
