"""The spatial pages: who sees and changes what, the import form's Korean errors (nothing written),
the map on the pages, projects with progress, and the import API's 422."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cityhall.core.audit import Actor
from cityhall.gis.models import Feature, Layer, ProjectProgress
from cityhall.gis.services import gis_load_sample

from . import files


@pytest.fixture
def sample(db):
    gis_load_sample(actor=Actor.system("test:gis"))


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_index_shows_layers_coverage_and_the_map(client, roles, sample):
    client.force_login(roles["viewer"])
    response = client.get("/gis/")
    assert response.status_code == 200
    body = _text(response)
    assert "도로 시설물 (예시)" in body and "87.9%" in body and "95.3%" in body and "100.0%" in body
    assert 'class="gis-map-canvas"' in body and "js_lib_leaflet/leaflet.js" in body
    assert "레이어 가져오기" not in body  # a viewer does not import


def test_pages_need_a_role(client, roles, sample):
    assert client.get("/gis/").status_code == 302  # to the login page
    client.force_login(roles["norole"])
    assert client.get("/gis/").status_code == 403
    assert client.get("/gis/layers/road-facilities/").status_code == 403


def test_the_layer_page_shows_metadata_map_and_attributes(client, roles, sample):
    client.force_login(roles["viewer"])
    response = client.get("/gis/layers/road-facilities/")
    body = _text(response)
    assert "EPSG:5186 (Korea 2000 / Central Belt 2010)" in body
    assert "776.300 km" in body and "883.200 km" in body
    assert "도로 예시 001" in body and "II.4 361행" in body
    assert client.get("/gis/layers/road-facilities/?page=2").status_code == 200
    assert client.get("/gis/layers/none/").status_code == 404


def test_import_errors_are_shown_in_korean_and_nothing_is_written(client, roles, sample):
    client.force_login(roles["editor"])
    assert client.get("/gis/import/?code=new-roads").status_code == 200
    geoms, names = files.roads_in(5186)
    wrong = files.shapefile_zip(geoms, names, epsg=5179)  # wrong CRS
    before = (Layer.objects.count(), Feature.objects.count())
    response = client.post(
        "/gis/import/",
        {
            "file": SimpleUploadedFile("roads.zip", wrong),
            "code": "new-roads",
            "kind": "road",
            "title": "<b>도로</b>",
        },
    )
    assert response.status_code == 400
    body = _text(response)
    assert "가져오지 못했습니다" in body and "대한민국 범위(경도 124~132, 위도 33~39) 밖입니다" in body
    assert (Layer.objects.count(), Feature.objects.count()) == before
    good = files.shapefile_zip(geoms, names, epsg=5186, keep_cpg=False)
    response = client.post(
        "/gis/import/",
        {
            "file": SimpleUploadedFile("roads.zip", good),
            "code": "new-roads",
            "kind": "road",
            "title": "<b>도로</b>",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/gis/layers/new-roads/"
    body = response.content.decode()
    assert "&lt;b&gt;도로&lt;/b&gt;" in body and "<b>도로</b>" not in body  # no stored XSS
    assert "CP949(EUC-KR)로 읽었습니다" in html.unescape(body)


def test_import_is_refused_to_viewers_and_other_departments(client, roles, sample):
    for who in ("viewer", "other_editor"):
        client.force_login(roles[who])
        assert client.get("/gis/import/").status_code == 403


def test_projects_and_recording_progress(client, roles, sample):
    client.force_login(roles["viewer"])
    body = _text(client.get("/gis/projects/"))
    assert "28.071 km" in body and "404,000" in body and "250,000 (30%)" in body and "55.9%" in body
    page = _text(client.get("/gis/projects/road-facility-db-2025/"))
    assert "실적 기록" not in page  # viewers read only
    assert 'href="/tasks/smart-city-4/"' in page  # back to the work-plan task it serves
    url = "/gis/projects/road-facility-db-2025/progress/"
    data = {"area": "대곶면", "sheet": "376084", "quantity": "20", "done_on": "2025-10-31"}
    assert client.post(url, data).status_code == 403
    client.force_login(roles["editor"])
    response = client.post(url, data)
    assert response.status_code == 400
    assert "누적 실적 35.7km이(가) 사업 규모 28.071km을(를) 넘습니다 (남은 양 12.371km)." in _text(response)
    count = ProjectProgress.objects.count()
    response = client.post(url, {**data, "quantity": "2.5"})
    assert response.status_code == 302 and ProjectProgress.objects.count() == count + 1


def test_the_import_api_answers_422_with_the_problems(client, roles, sample):
    client.force_login(roles["editor"])
    geoms, names = files.roads_in(5186)
    response = client.post(
        "/api/v1/gis/layers/api-roads/import",
        {
            "file": SimpleUploadedFile("roads.zip", files.shapefile_zip(geoms, names, epsg=5179)),
            "kind": "road",
        },
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [d["loc"] for d in detail] == [["body", "file"], ["body", "file"]]
    assert "대한민국 범위" in detail[0]["msg"]
    response = client.post(
        "/api/v1/gis/layers/api-roads/import",
        {
            "file": SimpleUploadedFile("roads.zip", files.shapefile_zip(geoms, names, epsg=5186)),
            "kind": "road",
        },
    )
    assert response.status_code == 201
    assert response.json() == {
        "layer": "api-roads",
        "created": True,
        "features": 2,
        "replaced": 0,
        "length_km": "2.000",
        "notes": [],
    }
    coverage = client.get("/api/v1/gis/coverage").json()
    assert [(c["layer"], c["percent"]) for c in coverage] == [
        ("road-facilities", "87.9"),
        ("water-mains", "95.3"),
        ("sewers", "100.0"),
    ]
    client.force_login(roles["viewer"])
    response = client.post(
        "/api/v1/gis/layers/api-roads/import",
        {"file": SimpleUploadedFile("roads.zip", files.shapefile_zip(geoms, names, epsg=5186))},
    )
    assert response.status_code == 403


def test_the_streetlight_page_embeds_the_shared_map(client, roles, registry):
    client.force_login(roles["viewer"])
    body = _text(client.get("/streetlights/"))
    assert 'class="gis-map-canvas"' in body and '"streetlight-sites"' in body
