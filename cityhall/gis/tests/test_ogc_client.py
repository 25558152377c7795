"""An independent OGC client (OWSLib, from PyPI) reads the live server's OGC API – Features: the
landing page, conformance, every collection and every item of each, page by page, and one item by
id — authenticated with an API token, as another system would be."""

import pytest

from cityhall.core.audit import Actor
from cityhall.core.models import ApiToken
from cityhall.core.tests.browser import site_fixture  # noqa: F401 - fixtures
from cityhall.gis.services import gis_load_sample
from cityhall.organisation.models import Role
from cityhall.streetlights.registry.services import registry_build_from_seed

features_module = pytest.importorskip("owslib.ogcapi.features", reason="OWSLib is not installed")


@pytest.mark.slow  # the live server, and the dataset reloaded after its flush
def test_owslib_reads_every_collection(site, make_user):
    gis_load_sample(actor=Actor.system("test:ogc-client"))
    registry_build_from_seed(actor=Actor.system("test:ogc-client"))
    user = make_user("ogc-reader", Role.VIEWER, "policy-planning")
    _token, raw = ApiToken.issue(user=user, name="owslib")
    client = features_module.Features(f"{site}/gis/ogc/", headers={"Authorization": f"Bearer {raw}"})

    conformance = client.conformance()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in conformance
    ids = client.feature_collections()
    assert ids == [
        "admin-boundaries",
        "road-facilities",
        "sewers",
        "water-mains",
        "bus-routes",
        "bus-stops",
        "participation-proposals",
        "streetlight-sites",
        "streetlights",
        "traffic-links",
        "traffic-signals",
    ]
    counted = {}
    for collection_id in ids:
        meta = client.collection(collection_id)
        assert meta["id"] == collection_id
        offset, seen = 0, 0
        while True:
            page = client.collection_items(collection_id, limit=40, offset=offset)
            assert page["type"] == "FeatureCollection"
            seen += page["numberReturned"]
            if not any(link["rel"] == "next" for link in page["links"]):
                break
            offset += 40
        assert seen == page["numberMatched"]
        counted[collection_id] = seen
    assert counted["admin-boundaries"] == 13 and counted["road-facilities"] == 100
    assert counted["water-mains"] == 200 and counted["sewers"] == 120
    assert counted["streetlight-sites"] >= 6
    one = client.collection_item("road-facilities", "7")
    assert one["id"] == 7 and one["geometry"]["type"] == "LineString"
    near = client.collection_items("admin-boundaries", bbox=[126.56, 37.745, 126.57, 37.75])
    assert [f["properties"]["name"] for f in near["features"]] == ["월곶면"]
