"""Importing layers: Shapefile (ZIP), GeoPackage and GeoJSON in the Korean CRSs with CP949 attributes;
all or nothing, with every problem named in Korean; permissions and the audit trail."""

import io

import pytest
import shapely
from django.core.exceptions import PermissionDenied

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.gis import geo
from cityhall.gis.models import Feature, Layer
from cityhall.gis.services import layer_import

from . import files

SYSTEM = Actor.system("test:gis")


def _import(data: bytes, filename: str, *, code="roads", actor=SYSTEM, **kwargs):
    return layer_import(
        code=code,
        upload=data,
        filename=filename,
        actor=actor,
        metadata={"title": "도로", "source": "시험"},
        **kwargs,
    )


@pytest.mark.parametrize("epsg", [5186, 5179, 5174])
def test_a_korean_shapefile_in_cp949_without_cpg_is_read_and_moved_to_wgs84(db, epsg):
    geoms, names = files.roads_in(epsg)
    data = files.shapefile_zip(geoms, names, epsg=epsg, encoding="cp949", keep_cpg=False)
    result = _import(data, "도로.zip")
    assert result.created and result.features == 2
    assert result.notes == ["속성 문자 인코딩 정보(.cpg)가 없어 CP949(EUC-KR)로 읽었습니다."]
    layer = Layer.objects.get(code="roads")
    assert layer.source_crs == epsg and layer.geometry_type == "LineString"
    rows = list(Feature.objects.filter(layer=layer).order_by("fid"))
    assert [r.properties["name"] for r in rows] == ["김포대로", "태장로"]
    assert [r.fid for r in rows] == [1, 2]
    start = rows[0].geometry["coordinates"][0]
    assert start == pytest.approx(list(files.GIMPO_WGS84), abs=1e-6)  # back where it was projected from
    assert rows[0].length_m == pytest.approx(1000, abs=1e-6)  # measured in the source's metres
    assert layer.length_m == pytest.approx(2000, abs=1e-6)


def test_a_shapefile_with_its_cpg(db):
    geoms, names = files.roads_in(5186)
    assert (
        _import(files.shapefile_zip(geoms, names, epsg=5186, encoding="cp949"), "a.zip", code="a").notes == []
    )
    assert Feature.objects.get(layer__code="a", fid=1).properties["name"] == "김포대로"


def test_a_geopackage_and_a_geojson(db):
    geoms, names = files.roads_in(5179)
    result = _import(files.geopackage(geoms, names, epsg=5179), "b.gpkg", code="b")
    assert result.features == 2 and Layer.objects.get(code="b").source_crs == 5179
    point = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [126.7, 37.62]},
        "properties": {"이름": "시청"},
    }
    result = _import(files.geojson([point]), "c.geojson", code="c")
    feature = Feature.objects.get(layer__code="c")
    assert feature.geometry == {"type": "Point", "coordinates": [126.7, 37.62]}
    assert feature.properties == {"이름": "시청"}
    assert (feature.minx, feature.miny, feature.maxx, feature.maxy) == (126.7, 37.62, 126.7, 37.62)


def _problems(data: bytes, filename: str, **kwargs) -> list[str]:
    before = (Layer.objects.count(), Feature.objects.count(), AuditEvent.objects.count())
    with pytest.raises(RecordInvalid) as caught:
        _import(data, filename, **kwargs)
    assert (
        Layer.objects.count(),
        Feature.objects.count(),
        AuditEvent.objects.count(),
    ) == before  # nothing written
    return caught.value.errors["file"]


def test_a_self_intersecting_polygon_stops_the_whole_import(db):
    x, y = files.project(*files.GIMPO_WGS84, 5186)
    good = shapely.box(x, y, x + 100, y + 100)
    bowtie = shapely.Polygon([(x, y), (x + 100, y + 100), (x + 100, y), (x, y + 100), (x, y)])
    data = files.shapefile_zip([good, bowtie], ["a", "b"], epsg=5186)
    where = shapely.is_valid_reason(bowtie).partition("[")[2].rstrip("]")  # the crossing, (x+50 y+50)
    assert where == f"{x + 50:g} {y + 50:g}" or where.split()[0].startswith(str(int(x + 50))[:4])
    assert _problems(data, "p.zip") == [
        f"2번째 객체(FID 2): 도형이 올바르지 않습니다 — 도형이 스스로 교차합니다 (좌표 {where} 부근)."
    ]


def test_coordinates_in_the_wrong_crs_land_outside_korea(db):
    geoms, names = files.roads_in(5186)
    data = files.shapefile_zip(geoms, names, epsg=5179)  # Central Belt metres labelled UTM-K
    problems = _problems(data, "wrong.zip")
    assert len(problems) == 2
    assert problems[0].startswith("1번째 객체(FID 1): 좌표(경도 ")
    assert problems[0].endswith(
        "가 대한민국 범위(경도 124~132, 위도 33~39) 밖입니다. "
        "원본 좌표계 EPSG:5179 (Korea 2000 / Unified CS (UTM-K))이(가) 맞는지 확인하세요."
    )


def test_projected_coordinates_in_a_geojson_are_named_as_a_crs_problem(db):
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [190000.0, 550000.0]},
        "properties": {},
    }
    assert _problems(files.geojson([feature]), "bad.geojson") == [
        "좌표 값(190000.0, 550000.0)이 경위도가 아닙니다. "
        "좌표계가 EPSG:4326 (WGS 84 (경위도))(으)로 되어 있지만 투영 좌표로 "
        "저장된 파일 같습니다: 원본 좌표계(예: EPSG:5186)를 고르세요."
    ]


def test_a_point_outside_korea_and_a_missing_prj(db):
    tokyo = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [139.69, 35.69]},
        "properties": {},
    }
    assert _problems(files.geojson([tokyo]), "tokyo.geojson") == [
        "1번째 객체(FID 1): 좌표(경도 139.69000, 위도 35.69000)가 "
        "대한민국 범위(경도 124~132, 위도 33~39) 밖입니다. "
        "원본 좌표계 EPSG:4326 (WGS 84 (경위도))이(가) 맞는지 확인하세요."
    ]
    geoms, names = files.roads_in(5186)
    data = files.shapefile_zip(geoms, names, epsg=5186, keep_prj=False)
    assert _problems(data, "noprj.zip")[0].startswith(
        "파일에 좌표계 정보(.prj)가 없습니다. 원본 좌표계를 고르세요"
    )
    assert _import(data, "noprj.zip", crs=5186).features == 2  # the user names the CRS


def test_unreadable_and_unsupported_files(db):
    assert _problems(b"not a zip", "x.zip") == ["ZIP 파일을 열 수 없습니다. 파일이 손상되었는지 확인하세요."]
    assert _problems(b"abc", "x.shp") == [
        "Shapefile은 .shp, .shx, .dbf, .prj(.cpg) 파일을 하나의 ZIP 파일로 묶어 올리세요."
    ]
    assert _problems(b"abc", "x.csv") == [
        "'x.csv'은(는) 가져올 수 없는 형식입니다. GeoJSON, GeoPackage(.gpkg), Shapefile(ZIP)만 됩니다."
    ]
    assert _problems(files.geojson([]), "empty.geojson") == ["파일에 객체가 하나도 없습니다."]
    assert _problems("{".encode("cp949") + "가".encode("cp949"), "x.geojson") == [
        "GeoJSON 파일은 UTF-8로 저장해야 합니다."
    ]


def test_many_bad_features_are_listed_up_to_twenty(db):
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0.0, float(i)]}, "properties": {}}
        for i in range(25)
    ]
    problems = _problems(files.geojson(features), "many.geojson")
    assert len(problems) == geo.MAX_PROBLEMS + 1
    assert problems[-1] == "그 밖에 문제가 5건 더 있습니다."


def test_reimport_replaces_every_feature_and_is_audited(db, roles):
    geoms, names = files.roads_in(5186)
    editor = Actor.for_user(roles["editor"])
    _import(files.shapefile_zip(geoms, names, epsg=5186), "a.zip", actor=editor)
    result = _import(files.shapefile_zip(geoms[:1], names[:1], epsg=5186), "b.zip", actor=editor)
    assert (result.created, result.features, result.replaced) == (False, 1, 2)
    assert Feature.objects.filter(layer__code="roads").count() == 1
    events = list(AuditEvent.objects.filter(record_type="gis_layers").order_by("id"))
    assert [e.action for e in events] == ["create", "import", "import"]
    assert events[-1].after["import"] == {
        "file": "b.zip",
        "features": 1,
        "replaced": 2,
        "crs": 5186,
        "encoding": "UTF-8",
    }
    assert events[-1].actor == "sc-editor"


def test_only_smart_city_editors_import(db, roles):
    geoms, names = files.roads_in(5186)
    data = files.shapefile_zip(geoms, names, epsg=5186)
    for who in ("viewer", "other_editor", "norole"):
        with pytest.raises(PermissionDenied):
            _import(data, "a.zip", actor=Actor.for_user(roles[who]))
    assert not Layer.objects.filter(code="roads").exists()
    _import(data, "a.zip", actor=Actor.for_user(roles["manager"]))
    with pytest.raises(PermissionDenied):  # replacing is changing: the other department may not
        _import(data, "a.zip", actor=Actor.for_user(roles["other_editor"]))


def test_the_import_command(db, tmp_path):
    from django.core.management import CommandError, call_command

    geoms, names = files.roads_in(5174)
    path = tmp_path / "roads.zip"
    path.write_bytes(files.shapefile_zip(geoms, names, epsg=5174, keep_cpg=False))
    out = io.StringIO()
    call_command("gis_import", str(path), "--code", "cli-roads", "--kind", "road", stdout=out)
    assert out.getvalue().splitlines() == [
        "속성 문자 인코딩 정보(.cpg)가 없어 CP949(EUC-KR)로 읽었습니다.",
        "cli-roads: 객체 2개를 가져왔습니다 (바뀐 객체 0개).",
    ]
    assert AuditEvent.objects.get(record_type="gis_layers", action="import").actor == "command:gis_import"
    path.write_bytes(files.shapefile_zip(geoms, names, epsg=5179))  # 5174 metres labelled UTM-K
    with pytest.raises(CommandError, match="가져오지 못했습니다"):
        call_command("gis_import", str(path), "--code", "cli-roads")
