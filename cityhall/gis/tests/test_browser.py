"""In a real browser (Debian Chromium via Playwright; fixtures from core/tests/browser.py): an editor
of 스마트도시과 imports a Shapefile in EPSG:5186 — first one in the wrong CRS, refused with the
Korean problems and nothing written, then the right one — and the layer's page draws it on the
offline map (Leaflet from the installed package, the base layers under it, nothing from the
internet). A map shows its layers on a phone too."""

import re

from cityhall.core.audit import Actor
from cityhall.core.tests.browser import (  # noqa: F401 - the fixtures register by being imported
    browser_fixture,
    log_in,
    page_fixture,
    path_of,
    requests_elsewhere,
    requires_chromium,
    screenshot,
    site_fixture,
    sync_api,
)
from cityhall.gis.models import Feature, Layer
from cityhall.gis.services import gis_load_sample
from cityhall.organisation.models import Role

from . import files

pytestmark = requires_chromium
expect = sync_api.expect


def _upload(page, name: str, data: bytes) -> None:
    page.get_by_label("파일", exact=True).set_input_files(
        {"name": name, "mimeType": "application/zip", "buffer": data}
    )


def test_import_a_layer_and_see_it_on_the_map(page, site, make_user):
    gis_load_sample(actor=Actor.system("test:browser"))
    make_user("sc-editor", Role.EDITOR, "smart-city")
    log_in(page, site, "sc-editor")
    page.goto(f"{site}/gis/")
    page.get_by_role("link", name="레이어 가져오기").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("레이어 가져오기")

    geoms, names = files.roads_in(5186)
    page.get_by_label("레이어 코드", exact=True).fill("gimpo-roads")
    page.get_by_label("레이어 이름", exact=True).fill("김포 도로 (시험)")
    page.get_by_label("종류", exact=True).select_option("road")
    _upload(page, "roads.zip", files.shapefile_zip(geoms, names, epsg=5179, keep_cpg=False))
    page.get_by_role("button", name="가져오기").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("가져오지 못했습니다")
    expect(alert).to_contain_text("1번째 객체(FID 1): 좌표(경도")
    expect(alert).to_contain_text("대한민국 범위(경도 124~132, 위도 33~39) 밖입니다")
    assert not Layer.objects.filter(code="gimpo-roads").exists()

    _upload(page, "roads.zip", files.shapefile_zip(geoms, names, epsg=5186, keep_cpg=False))
    page.get_by_role("button", name="가져오기").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("김포 도로 (시험)")
    assert path_of(page, site) == "/gis/layers/gimpo-roads/"
    expect(page.get_by_role("status").first).to_contain_text("객체 2개를 가져왔습니다")
    expect(page.get_by_text("CP949(EUC-KR)로 읽었습니다")).to_be_visible()
    expect(page.get_by_role("cell", name="김포대로")).to_be_visible()  # the CP949 attribute, read right
    canvas = page.locator(".gis-map-canvas")
    expect(canvas).to_have_attribute("data-ready", "ready", timeout=30_000)
    # the 2 imported roads over the base layers' vector tiles (boundaries, roads, water mains)
    expect(canvas).to_have_attribute("data-features", "2")
    assert page.locator(".gis-map-canvas path.leaflet-interactive").count() == 2
    expect(canvas).to_have_attribute("data-tiles", re.compile(r"[1-9]\d*"))
    screenshot(page, "gis-layer.png")
    assert Feature.objects.filter(layer__code="gimpo-roads").count() == 2
    assert requests_elsewhere(page, site) == []
    assert any("/static/js_lib_leaflet/leaflet.js" in url for url in page.requested)


def test_the_map_on_a_phone_with_a_layer_turned_off(page, site, make_user):
    gis_load_sample(actor=Actor.system("test:browser"))
    make_user("sc-viewer", Role.VIEWER, "smart-city")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, site, "sc-viewer")
    page.goto(f"{site}/gis/")
    canvas = page.locator(".gis-map-canvas")
    expect(canvas).to_have_attribute("data-ready", "ready", timeout=30_000)
    drawn = page.locator(".gis-map-canvas path.leaflet-interactive")
    assert drawn.count() == 120  # the sewers over the base layers' tiles
    page.get_by_label("하수 지하시설물 (예시)").uncheck()
    expect(drawn).to_have_count(0)
    page.get_by_label("도로 시설물 (예시)").uncheck()
    expect(page.locator(".gis-base-road")).to_have_count(0)
    box = canvas.bounding_box()
    assert box is not None and box["width"] <= 390
    assert requests_elsewhere(page, site) == []


def test_names_from_an_imported_file_are_shown_as_text(page, site, make_user):
    from cityhall.gis.services import layer_import

    markup = '<img src="x" onerror="window.pwned = 1">'
    point = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [126.7, 37.62]},
        "properties": {"name": markup},
    }
    layer_import(
        code="xss",
        upload=files.geojson([point]),
        filename="x.geojson",
        actor=Actor.system("test"),
        metadata={"title": "표시 시험", "source": "시험"},
    )
    make_user("sc-viewer", Role.VIEWER, "smart-city")
    log_in(page, site, "sc-viewer")
    page.goto(f"{site}/gis/layers/xss/")
    expect(page.locator(".gis-map-canvas")).to_have_attribute("data-ready", "ready", timeout=30_000)
    marker = page.locator(".gis-map-canvas path.leaflet-interactive").last
    marker.dispatch_event("mouseover")
    expect(page.locator(".leaflet-tooltip")).to_have_text(markup)
    marker.click(force=True)
    expect(page.locator(".leaflet-popup-content td")).to_have_text(markup)
    assert page.evaluate("() => window.pwned") is None
    assert page.locator(".gis-map img[src='x']").count() == 0


def test_the_base_map_is_vector_tiles_drawn_offline(page, site, make_user):
    """/gis/: the base layers come as vector tiles from /gis/tiles/ (answered 200, or 204 where a
    layer has nothing), decoded by our mvt.js and drawn on canvas: pixels on the tiles, features
    counted; nothing leaves the site."""
    gis_load_sample(actor=Actor.system("test:browser"))
    make_user("sc-viewer", Role.VIEWER, "smart-city")
    answers: list[tuple[str, int, str]] = []
    page.on(
        "response",
        lambda r: (
            answers.append((r.url, r.status, r.headers.get("content-type", "")))
            if "/gis/tiles/" in r.url
            else None
        ),
    )
    log_in(page, site, "sc-viewer")
    page.goto(f"{site}/gis/")
    canvas = page.locator(".gis-map-canvas")
    expect(canvas).to_have_attribute("data-ready", "ready", timeout=30_000)
    expect(canvas).to_have_attribute("data-tile-features", re.compile(r"[1-9]\d*"), timeout=30_000)
    page.wait_for_load_state("networkidle")
    ok = [a for a in answers if a[1] == 200]
    assert ok and all(a[2] == "application/vnd.mapbox-vector-tile" for a in ok)
    assert {a[1] for a in answers} <= {200, 204}
    assert {url.split("/gis/tiles/")[1].split("/")[0] for url, *_ in ok} == {
        "admin-boundaries",
        "road-facilities",
        "water-mains",
    }
    assert canvas.get_attribute("data-tiles-failed") in (None, "0")
    # Pixels: the tiles' canvases are not blank.
    painted = page.evaluate(
        """() => Array.from(document.querySelectorAll("canvas.gis-vector-tile")).filter(function (c) {
            var d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
            for (var i = 3; i < d.length; i += 4) { if (d[i] > 0) { return true; } }
            return false;
        }).length"""
    )
    assert painted > 0
    screenshot(page, "gis-vector-tiles.png")
    assert requests_elsewhere(page, site) == []
    assert any("/static/gis/mvt.js" in url for url in page.requested)
