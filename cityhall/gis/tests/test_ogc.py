"""OGC API – Features at /gis/ogc/: landing page, conformance, collections (layers and registered
registries), items as GeoJSON with paging, bbox, CRS by reference, item by id; authentication and the
standard's 400 for a bad parameter."""

import pytest

from cityhall.core.audit import Actor
from cityhall.core.models import ApiToken
from cityhall.gis.collections import register_collection
from cityhall.gis.services import gis_load_sample

SYSTEM = Actor.system("test:gis")
OGC = "/gis/ogc"


@pytest.fixture
def sample(db):
    gis_load_sample(actor=SYSTEM)


@pytest.fixture
def viewer(client, roles):
    client.force_login(roles["viewer"])
    return client


def test_landing_and_conformance(viewer):
    landing = viewer.get(f"{OGC}/").json()
    rels = {link["rel"]: link["href"] for link in landing["links"]}
    assert rels["conformance"] == "http://testserver/gis/ogc/conformance"
    assert rels["data"] == "http://testserver/gis/ogc/collections"
    assert rels["service-desc"] == "http://testserver/api/v1/openapi.json"
    assert viewer.get(f"{OGC}/conformance").json()["conformsTo"] == [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    ]


def test_collections_list_every_layer_and_registered_registry(viewer, sample, registry):
    body = viewer.get(f"{OGC}/collections").json()
    ids = [c["id"] for c in body["collections"]]
    # The imported layers first, then what the apps register (streetlights, traffic, buses).
    assert ids[:4] == ["admin-boundaries", "road-facilities", "sewers", "water-mains"]
    assert set(ids[4:]) == {
        "streetlight-sites",
        "streetlights",
        "traffic-signals",
        "traffic-links",
        "bus-routes",
        "bus-stops",
        "participation-proposals",
    }
    road = body["collections"][1]
    assert road["itemType"] == "feature"
    assert road["storageCrs"] == "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    assert "http://www.opengis.net/def/crs/EPSG/0/5186" in road["crs"]
    assert road["cityhall:metadata"]["sourceCrs"] == "http://www.opengis.net/def/crs/EPSG/0/5186"
    assert road["cityhall:metadata"]["features"] == 100 and road["cityhall:metadata"]["sample"] is True
    west, south, east, north = road["extent"]["spatial"]["bbox"][0]
    assert 126.5 < west < east < 126.9 and 37.5 < south < north < 37.8


def test_items_page_with_next_links_until_every_feature_is_read(viewer, sample):
    url = f"{OGC}/collections/road-facilities/items?limit=30"
    seen, pages = [], 0
    while url:
        response = viewer.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
        body = response.json()
        assert body["type"] == "FeatureCollection" and body["numberMatched"] == 100
        assert body["numberReturned"] == len(body["features"])
        seen += [f["id"] for f in body["features"]]
        pages += 1
        nxt = [link["href"] for link in body["links"] if link["rel"] == "next"]
        url = nxt[0].replace("http://testserver", "") if nxt else None
    assert seen == list(range(1, 101)) and pages == 4


def test_bbox_limit_and_crs_by_reference(viewer, sample):
    every = viewer.get(f"{OGC}/collections/admin-boundaries/items").json()
    assert every["numberMatched"] == 13
    # the north-west cell only (월곶면): a small box inside it
    nw = viewer.get(f"{OGC}/collections/admin-boundaries/items?bbox=126.56,37.745,126.57,37.75").json()
    assert [f["properties"]["name"] for f in nw["features"]] == ["월곶면"]
    # the same box given in EPSG:5186 (northing first, as that CRS orders its axes)
    from cityhall.gis.tests.files import project

    x1, y1 = project(126.56, 37.745, 5186)
    x2, y2 = project(126.57, 37.75, 5186)
    in_tm = viewer.get(
        f"{OGC}/collections/admin-boundaries/items",
        {"bbox": f"{y1},{x1},{y2},{x2}", "bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/5186"},
    ).json()
    assert [f["properties"]["name"] for f in in_tm["features"]] == ["월곶면"]
    big = viewer.get(f"{OGC}/collections/road-facilities/items?limit=5000").json()
    assert big["numberReturned"] == 100  # the maximum (1,000) stands in for a larger limit
    tm = viewer.get(
        f"{OGC}/collections/road-facilities/items/1", {"crs": "http://www.opengis.net/def/crs/EPSG/0/5186"}
    )
    assert tm["Content-Crs"] == "<http://www.opengis.net/def/crs/EPSG/0/5186>"
    northing, easting = tm.json()["geometry"]["coordinates"][0]
    assert 553_500 <= northing <= 574_400 and 159_500 <= easting <= 182_300  # the sample's extent
    plain = viewer.get(f"{OGC}/collections/road-facilities/items/1")
    assert plain["Content-Crs"] == "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
    assert plain.json()["id"] == 1 and plain.json()["properties"]["name"] == "도로 예시 001"


def test_registered_registries_are_collections(viewer, registry):
    body = viewer.get(f"{OGC}/collections/streetlight-sites/items").json()
    ids = [f["id"] for f in body["features"]]
    assert "HAGUN6" in ids and len(ids) == body["numberMatched"]
    hagun6 = next(f for f in body["features"] if f["id"] == "HAGUN6")
    assert hagun6["geometry"] == {"type": "Point", "coordinates": [126.6, 37.597]}
    assert hagun6["properties"]["approximate_position"] is True
    one = viewer.get(f"{OGC}/collections/streetlight-sites/items/HAGUN6").json()
    assert one["properties"]["code"] == "HAGUN6"
    near = viewer.get(f"{OGC}/collections/streetlight-sites/items?bbox=126.59,37.59,126.61,37.60").json()
    assert [f["id"] for f in near["features"]] == ["HAGUN6"]
    lights = viewer.get(f"{OGC}/collections/streetlights/items?limit=2").json()
    assert lights["numberReturned"] == 2 and lights["features"][0]["properties"]["position"] == "site"


def test_a_registry_registered_later_appears_without_gis_knowing_it(viewer):
    register_collection(
        "test-cameras",
        title="시험 카메라",
        features=lambda user: [
            {
                "type": "Feature",
                "id": "C1",
                "geometry": {"type": "Point", "coordinates": [126.7, 37.6]},
                "properties": {},
            }
        ],
    )
    try:
        assert viewer.get(f"{OGC}/collections/test-cameras/items").json()["numberMatched"] == 1
    finally:
        from cityhall.gis import collections

        collections._COLLECTIONS.pop("test-cameras")


def test_errors_follow_the_standard(viewer, sample):
    bad = viewer.get(f"{OGC}/collections/road-facilities/items?limit=-1&bbox=a,b")
    assert bad.status_code == 400
    body = bad.json()
    assert body["code"] == "InvalidParameterValue"
    assert [d["loc"] for d in body["detail"]] == [["query", "limit"], ["query", "bbox"]]
    assert viewer.get(f"{OGC}/collections/nothing/items").status_code == 404
    assert viewer.get(f"{OGC}/collections/road-facilities/items/99999").status_code == 404
    assert viewer.get(f"{OGC}/collections/road-facilities/items?crs=EPSG:9999").status_code == 400


def test_who_may_read(client, roles, sample):
    assert client.get(f"{OGC}/collections").status_code == 401
    client.force_login(roles["norole"])
    assert client.get(f"{OGC}/collections").status_code == 403
    client.logout()
    _token, raw = ApiToken.issue(user=roles["other_editor"], name="ogc")
    response = client.get(
        f"{OGC}/collections/road-facilities/items?limit=1", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 200 and response.json()["numberReturned"] == 1
    assert client.get(f"{OGC}/collections", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
