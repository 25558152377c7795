"""Vector tiles at /gis/tiles/<collection>/<z>/<x>/<y>.mvt: the layers' features in a tile (decoded
back), the content type and caching headers, 204 for an empty tile, clear 400/404 for bad
coordinates, the collections' permissions, and a new version after a re-import. The Python path
here (SQLite); the PostGIS path against it in test_tiles_postgres.py."""

import pytest

from cityhall.core.audit import Actor
from cityhall.gis import tiles
from cityhall.gis.services import gis_load_sample

from .tilecheck import decoded

SYSTEM = Actor.system("test:tiles")
# Gimpo (126.54–126.80 E, 37.58–37.77 N) at z=8: x = (126.54 + 180) / 360 × 256 = 218.03 … 218.2,
# y = (1 − asinh(tan φ) / π) / 2 × 256 = 99.12 … 98.95: every sample feature touches tile 8/218/99.
GIMPO_Z8 = "8/218/99"


@pytest.fixture
def sample(db):
    gis_load_sample(actor=SYSTEM)


@pytest.fixture
def viewer(client, roles):
    client.force_login(roles["viewer"])
    return client


def test_tile_grid_arithmetic():
    assert tiles.bounds_3857(0, 0, 0) == pytest.approx(
        (-tiles.ORIGIN, -tiles.ORIGIN, tiles.ORIGIN, tiles.ORIGIN)
    )
    # 8/218/99 with its 64-unit buffer: 218/256 × 360 − 180 = 126.5625 less 360/256 × 64/4096 = 0.02197.
    west, south, east, north = tiles.bbox_wgs84(8, 218, 99)
    assert (west, east) == pytest.approx((126.54053, 127.99072), abs=1e-5)
    # y 99 spans 36.60–37.72 N (the buffer adds ~0.02°): Gimpo's south and centre; its northern edge
    # (37.77) reaches into y 98, so each sample feature touches 8/218/99 but not all of it lies there.
    assert (south, north) == pytest.approx((36.58025, 37.73597), abs=1e-5)
    for z, x, y in ((23, 0, 0), (8, 256, 0), (8, 0, 256), (0, 1, 0)):
        with pytest.raises(tiles.TileOutOfRange):
            tiles.check(z, x, y)


def test_a_layer_tile_holds_its_features(viewer, sample):
    answer = viewer.get(f"/gis/tiles/admin-boundaries/{GIMPO_Z8}.mvt")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/vnd.mapbox-vector-tile"
    assert answer["Cache-Control"] == "private, max-age=300" and answer["ETag"].startswith('"')
    layer = decoded(answer.content)["admin-boundaries"]
    assert sorted(layer) == list(range(1, 14))
    assert {f["properties"]["name"] for f in layer.values()} == {
        "월곶면", "하성면", "통진읍", "대곶면", "마산동", "구래동", "양촌읍",
        "장기본동", "운양동", "김포본동", "사우동", "풍무동", "고촌읍",
    }  # fmt: skip
    assert {f["type"] for f in layer.values()} == {3}  # polygons
    roads = decoded(viewer.get(f"/gis/tiles/road-facilities/{GIMPO_Z8}.mvt").content)["road-facilities"]
    assert len(roads) == 100 and {f["type"] for f in roads.values()} == {2}  # lines
    # Asked again with its ETag: 304, nothing sent.
    again = viewer.get(f"/gis/tiles/admin-boundaries/{GIMPO_Z8}.mvt", HTTP_IF_NONE_MATCH=answer["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_a_closer_tile_holds_only_what_it_touches(viewer, sample):
    # z=12 around 김포본동: the boundary tiles that touch it, clipped to the tile and its buffer.
    layer = decoded(viewer.get("/gis/tiles/admin-boundaries/12/3489/1583.mvt").content)["admin-boundaries"]
    assert 0 < len(layer) < 13
    for feature in layer.values():
        for ring in feature["rings"]:
            for px, py in ring:
                assert -tiles.BUFFER <= px <= tiles.EXTENT + tiles.BUFFER
                assert -tiles.BUFFER <= py <= tiles.EXTENT + tiles.BUFFER


def test_an_empty_tile_answers_no_content(viewer, sample):
    answer = viewer.get("/gis/tiles/admin-boundaries/8/0/0.mvt")
    assert answer.status_code == 204 and answer.content == b""
    assert answer["ETag"]


def test_bad_coordinates_are_named(viewer, sample):
    bad = viewer.get("/gis/tiles/admin-boundaries/8/x1/-3.mvt")
    assert bad.status_code == 400
    assert [d["loc"] for d in bad.json()["detail"]] == [["path", "x"], ["path", "y"]]
    assert bad.json()["detail"][0]["msg"] == "타일 좌표 x은(는) 0 이상의 정수여야 합니다."
    superscript = viewer.get("/gis/tiles/admin-boundaries/%C2%B2/0/0.mvt")  # "²" is a digit to isdigit()
    assert superscript.status_code == 400 and superscript.json()["detail"][0]["loc"] == ["path", "z"]
    outside = viewer.get("/gis/tiles/admin-boundaries/8/256/0.mvt")
    assert outside.status_code == 404
    assert outside.json()["description"] == (
        "타일 8/256/0은(는) 타일 격자 밖입니다: 확대 수준 z는 0~22, x와 y는 0~2^z−1입니다."
    )
    assert viewer.get("/gis/tiles/admin-boundaries/23/0/0.mvt").status_code == 404
    missing = viewer.get(f"/gis/tiles/no-such-layer/{GIMPO_Z8}.mvt")
    assert (
        missing.status_code == 404
        and missing.json()["description"] == "'no-such-layer' 컬렉션이 없거나 볼 수 없습니다."
    )


def test_who_may_read_tiles(client, roles, sample):
    assert client.get(f"/gis/tiles/admin-boundaries/{GIMPO_Z8}.mvt").status_code == 401
    client.force_login(roles["norole"])
    assert client.get(f"/gis/tiles/admin-boundaries/{GIMPO_Z8}.mvt").status_code == 403


def test_a_registered_collection_as_tiles(viewer, registry):
    answer = viewer.get(f"/gis/tiles/streetlight-sites/{GIMPO_Z8}.mvt")
    assert answer.status_code == 200 and answer["Cache-Control"] == "private, no-cache"
    sites = decoded(answer.content)["streetlight-sites"]
    ours = viewer.get("/gis/ogc/collections/streetlight-sites/items?limit=1000").json()["features"]
    assert sorted(f["properties"]["_id"] for f in sites.values()) == sorted(str(f["id"]) for f in ours)
    assert {f["type"] for f in sites.values()} == {1}  # points


def test_a_reimport_is_a_new_version(viewer, sample):
    first = viewer.get(f"/gis/tiles/admin-boundaries/{GIMPO_Z8}.mvt")
    from django.utils import timezone

    from cityhall.gis.models import LayerSummary

    LayerSummary.objects.filter(layer__code="admin-boundaries").update(imported_at=timezone.now())
    second = viewer.get(f"/gis/tiles/admin-boundaries/{GIMPO_Z8}.mvt", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
