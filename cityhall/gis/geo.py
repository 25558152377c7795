"""Reading, checking and transforming spatial data: pure functions over GEOS (shapely), PROJ (pyproj)
and GDAL (pyogrio), the libraries the wheels bundle. Nothing here touches the database.

``read_upload`` turns an uploaded GeoJSON, GeoPackage or zipped Shapefile into checked features in
WGS84 with their lengths and areas measured in metres, or raises ``GeoDataError`` listing every
problem (which feature, what is wrong) in Korean — so an import writes all features or none.
"""

from __future__ import annotations

import io
import json
import math
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import shapely
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from pyogrio import raw
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

# Longitude/latitude bounds of the Republic of Korea with its islands (Dokdo at 131.87 E, Marado at
# 33.11 N): a feature outside them is in the wrong place or the wrong CRS.
KOREA = (124.0, 33.0, 132.0, 39.0)
# The CRSs Korean spatial data arrives in, and the one lengths and areas are measured in.
KOREAN_CRS = {
    5186: "Korea 2000 / Central Belt 2010",
    5179: "Korea 2000 / Unified CS (UTM-K)",
    5174: "Korean 1985 / Modified Central Belt",
    5181: "Korea 2000 / Central Belt",
    4326: "WGS 84 (경위도)",
}
METRIC_CRS = 5186
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
MAX_PROBLEMS = 20
MAX_FEATURES = 200_000
DECIMALS = 7  # about 1 cm in WGS84
GEOMETRY_TYPES = {"Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon"}


class GeoDataError(Exception):
    """The file cannot be imported: ``problems`` says what and where, one Korean sentence each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


@dataclass
class GeoFeature:
    fid: int
    geometry: dict[str, Any]  # GeoJSON, WGS84 (x = longitude)
    properties: dict[str, Any]
    bbox: tuple[float, float, float, float]
    length_m: float = 0.0
    area_m2: float = 0.0


@dataclass
class GeoLayer:
    features: list[GeoFeature]
    crs: int
    geometry_type: str
    encoding: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def bbox(self) -> tuple[float, float, float, float] | None:
        if not self.features:
            return None
        boxes = np.array([f.bbox for f in self.features])
        return (
            float(boxes[:, 0].min()),
            float(boxes[:, 1].min()),
            float(boxes[:, 2].max()),
            float(boxes[:, 3].max()),
        )

    @property
    def length_m(self) -> float:
        return math.fsum(f.length_m for f in self.features)

    @property
    def area_m2(self) -> float:
        return math.fsum(f.area_m2 for f in self.features)


# -- coordinate reference systems ----------------------------------------------------------------------


def crs_label(epsg: int) -> str:
    return f"EPSG:{epsg} ({KOREAN_CRS[epsg]})" if epsg in KOREAN_CRS else f"EPSG:{epsg}"


def crs_uri(epsg: int) -> str:
    return f"http://www.opengis.net/def/crs/EPSG/0/{epsg}"


@lru_cache(maxsize=64)
def _crs(epsg: int) -> CRS:
    return CRS.from_epsg(epsg)


def check_epsg(epsg: int) -> CRS:
    try:
        return _crs(epsg)
    except CRSError:
        raise GeoDataError([_("EPSG:%(code)s은(는) 알 수 없는 좌표계입니다.") % {"code": epsg}]) from None


@lru_cache(maxsize=64)
def to_wgs84(epsg: int) -> Transformer:
    """Source CRS → longitude/latitude (x = longitude), as GeoJSON orders them."""
    return Transformer.from_crs(_crs(epsg), "OGC:CRS84", always_xy=True)


@lru_cache(maxsize=64)
def to_metric(epsg: int) -> Transformer:
    return Transformer.from_crs(_crs(epsg), _crs(METRIC_CRS), always_xy=True)


@lru_cache(maxsize=64)
def from_crs84(target: str) -> Transformer:
    """CRS84 → ``target`` in the target's own axis order (EPSG:4326 is latitude first, the Korean TM
    CRSs northing first), as OGC API – Features Part 2 answers in a requested CRS."""
    return Transformer.from_crs("OGC:CRS84", CRS.from_user_input(target))


@lru_cache(maxsize=64)
def to_crs84(source: str) -> Transformer:
    return Transformer.from_crs(CRS.from_user_input(source), "OGC:CRS84")


def _apply(transformer: Transformer, geoms: np.ndarray) -> np.ndarray:
    def move(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, move)


def reproject_geometry(geometry: dict[str, Any], target: str) -> dict[str, Any]:
    """A stored WGS84 GeoJSON geometry in ``target`` (a CRS URI), rounded to a sensible precision."""
    geom = shapely.from_geojson(json.dumps(geometry))
    moved = _apply(from_crs84(target), np.array([geom]))[0]
    projected = not CRS.from_user_input(target).is_geographic
    moved = shapely.set_precision(moved, 0.001 if projected else 10**-DECIMALS, mode="pointwise")
    return json.loads(shapely.to_geojson(moved))


def bbox_to_crs84(bbox: tuple[float, ...], source: str) -> tuple[float, float, float, float]:
    """A bbox given in ``source`` (its axis order) as a CRS84 bbox (longitude first)."""
    transformer = to_crs84(source)
    left, bottom, right, top = transformer.transform_bounds(*bbox[:4])
    return (left, bottom, right, top)


# -- reading ------------------------------------------------------------------------------------------


def read_upload(
    data: bytes, filename: str, *, crs: int | None = None, encoding: str = "", layer: str = ""
) -> GeoLayer:
    """Read an uploaded file (``.geojson``/``.json``, ``.gpkg``, ``.zip`` holding a Shapefile).

    ``crs``: the source CRS when the file has none (a Shapefile without ``.prj``), or to override a
    wrong one; ``encoding``: the attribute encoding of a Shapefile without ``.cpg`` (default: UTF-8,
    else CP949, as Korean Shapefiles are usually written); ``layer``: which layer of a GeoPackage."""
    name = Path(filename or "").name.lower()
    suffix = Path(name).suffix
    if not data:
        raise GeoDataError([_("파일이 비어 있습니다.")])
    with tempfile.TemporaryDirectory(prefix="cityhall-gis-") as tmp:
        if suffix in {".geojson", ".json"}:
            path = Path(tmp) / "upload.geojson"
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                raise GeoDataError([_("GeoJSON 파일은 UTF-8로 저장해야 합니다.")]) from None
            path.write_bytes(data)
            return _read(str(path), crs=crs, encoding="", layer="", fmt="GeoJSON")
        if suffix == ".gpkg":
            path = Path(tmp) / "upload.gpkg"
            path.write_bytes(data)
            return _read(str(path), crs=crs, encoding="", layer=layer, fmt="GeoPackage")
        if suffix == ".zip":
            return _read_zip(data, Path(tmp), crs=crs, encoding=encoding)
        if suffix in {".shp", ".dbf", ".shx", ".prj"}:
            raise GeoDataError(
                [_("Shapefile은 .shp, .shx, .dbf, .prj(.cpg) 파일을 하나의 ZIP 파일로 묶어 올리세요.")]
            )
    raise GeoDataError(
        [
            _(
                "'%(name)s'은(는) 가져올 수 없는 형식입니다. "
                "GeoJSON, GeoPackage(.gpkg), Shapefile(ZIP)만 됩니다."
            )
            % {"name": filename}
        ]
    )


def _read_zip(data: bytes, tmp: Path, *, crs: int | None, encoding: str) -> GeoLayer:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except zipfile.BadZipFile:
        raise GeoDataError([_("ZIP 파일을 열 수 없습니다. 파일이 손상되었는지 확인하세요.")]) from None
    shps = [n for n in names if n.lower().endswith(".shp") and not n.startswith("__MACOSX")]
    if len(shps) != 1:
        message = (
            _("ZIP 파일에 Shapefile(.shp)이 없습니다.")
            if not shps
            else _("ZIP 파일에 Shapefile이 %(n)d개 있습니다. 한 번에 하나만 올리세요.") % {"n": len(shps)}
        )
        raise GeoDataError([message])
    stem = shps[0][:-4]
    present = {n.lower() for n in names}
    missing = [ext for ext in (".shx", ".dbf") if (stem + ext).lower() not in present]
    if missing:
        raise GeoDataError(
            [_("Shapefile에 필요한 파일이 없습니다: %(files)s") % {"files": ", ".join(missing)}]
        )
    folder = tmp / "shp"
    folder.mkdir()
    for member in names:
        if member.lower().startswith(stem.lower()) and "/.." not in member and not member.startswith("/"):
            target = folder / Path(member).name
            target.write_bytes(archive.read(member))
    shp = str(folder / Path(shps[0]).name)
    has_cpg = (stem + ".cpg").lower() in present
    if has_cpg:
        return _read(shp, crs=crs, encoding="", layer="", fmt="Shapefile")
    if encoding:
        return _read(shp, crs=crs, encoding=encoding, layer="", fmt="Shapefile")
    try:
        return _read(shp, crs=crs, encoding="utf-8", layer="", fmt="Shapefile")
    except UnicodeDecodeError:
        found = _read(shp, crs=crs, encoding="cp949", layer="", fmt="Shapefile")
        found.notes.append(_("속성 문자 인코딩 정보(.cpg)가 없어 CP949(EUC-KR)로 읽었습니다."))
        return found


def _read(path: str, *, crs: int | None, encoding: str, layer: str, fmt: str) -> GeoLayer:
    kwargs: dict[str, Any] = {"return_fids": True}
    if encoding:
        kwargs["encoding"] = encoding
    try:
        if fmt == "GeoPackage":
            layers = [str(row[0]) for row in pyogrio.list_layers(path)]
            if layer and layer not in layers:
                raise GeoDataError(
                    [
                        _("GeoPackage에 '%(layer)s' 레이어가 없습니다. 있는 레이어: %(layers)s")
                        % {"layer": layer, "layers": ", ".join(layers)}
                    ]
                )
            if not layer and len(layers) > 1:
                raise GeoDataError(
                    [
                        _("GeoPackage에 레이어가 %(n)d개 있습니다. 가져올 레이어 이름을 적으세요: %(layers)s")
                        % {"n": len(layers), "layers": ", ".join(layers)}
                    ]
                )
            kwargs["layer"] = layer or (layers[0] if layers else None)
        meta, fids, geometry, field_data = raw.read(path, **kwargs)
    except UnicodeDecodeError:
        raise
    except GeoDataError:
        raise
    except Exception as exc:  # GDAL's errors: an unreadable or truncated file
        raise GeoDataError(
            [_("%(fmt)s 파일을 읽을 수 없습니다: %(error)s") % {"fmt": fmt, "error": str(exc)[:200]}]
        ) from None
    source = _source_crs(meta.get("crs"), crs)
    names = [str(n) for n in meta["fields"]]
    rows = _properties(names, field_data, len(geometry))
    # A GeoPackage's fids are its own (1-based, stable); elsewhere GDAL counts from 0: number rows 1, 2 …
    ids = [int(f) for f in fids] if fmt == "GeoPackage" and fids is not None else None
    geoms = shapely.from_wkb(np.array([g if g is not None else None for g in geometry], dtype=object))
    return build_layer(geoms, rows, crs=source, fids=ids, encoding=meta.get("encoding") or encoding)


def _source_crs(found: str | None, chosen: int | None) -> int:
    if chosen:
        check_epsg(chosen)
        return chosen
    if not found:
        raise GeoDataError(
            [
                _(
                    "파일에 좌표계 정보(.prj)가 없습니다. 원본 좌표계를 고르세요 "
                    "(예: EPSG:5186 중부원점, EPSG:5179 UTM-K, EPSG:5174 보정 중부원점)."
                )
            ]
        )
    try:
        epsg = CRS.from_user_input(found).to_epsg(min_confidence=70)
    except CRSError:
        epsg = None
    if epsg is None:
        raise GeoDataError(
            [
                _("파일의 좌표계를 EPSG 코드로 알아볼 수 없습니다. 원본 좌표계를 직접 고르세요: %(crs)s")
                % {"crs": found[:80]}
            ]
        )
    return epsg


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, (str, int, bool)):
        return value
    return str(value)


def _properties(names: list[str], field_data: list[np.ndarray], count: int) -> list[dict[str, Any]]:
    columns = [[_plain(v) for v in np.asarray(column).tolist()] for column in field_data]
    return [{name: columns[i][row] for i, name in enumerate(names)} for row in range(count)]


# -- checking and transforming ------------------------------------------------------------------------

_VALIDITY = {
    "Self-intersection": gettext_noop("도형이 스스로 교차합니다"),
    "Ring Self-intersection": gettext_noop("경계선이 스스로 교차합니다"),
    "Too few points": gettext_noop("점이 모자라 도형을 이룰 수 없습니다"),
    "Hole lies outside shell": gettext_noop("구멍이 바깥 경계 밖에 있습니다"),
    "Nested holes": gettext_noop("구멍 안에 구멍이 있습니다"),
    "Nested shells": gettext_noop("다각형 안에 다각형이 겹쳐 있습니다"),
    "Interior is disconnected": gettext_noop("다각형 내부가 끊어져 있습니다"),
    "Duplicate Rings": gettext_noop("같은 경계선이 두 번 있습니다"),
    "Invalid Coordinate": gettext_noop("좌표 값이 숫자가 아닙니다"),
    "Ring is not closed": gettext_noop("경계선이 닫혀 있지 않습니다"),
}


def _validity_message(reason: str) -> str:
    kind, _bracket, rest = reason.partition("[")
    korean = _VALIDITY.get(kind.strip())
    where = rest.rstrip("]")
    text = _(korean) if korean else reason
    return _("%(what)s (좌표 %(where)s 부근)") % {"what": text, "where": where} if where else text


def _where(index: int, fid: int) -> str:
    return _("%(n)d번째 객체(FID %(fid)s)") % {"n": index + 1, "fid": fid}


def build_layer(
    geoms: np.ndarray,
    rows: list[dict[str, Any]],
    *,
    crs: int,
    fids: list[int] | None = None,
    encoding: str = "",
) -> GeoLayer:
    """Check ``geoms`` (in ``crs``) and return them as WGS84 features with lengths and areas in metres,
    or raise ``GeoDataError`` naming every bad feature (up to ``MAX_PROBLEMS``)."""
    source = check_epsg(crs)
    count = len(geoms)
    if count == 0:
        raise GeoDataError([_("파일에 객체가 하나도 없습니다.")])
    if count > MAX_FEATURES:
        raise GeoDataError(
            [
                _("객체가 %(n)s개로 한 번에 가져올 수 있는 %(max)s개를 넘습니다.")
                % {"n": f"{count:,}", "max": f"{MAX_FEATURES:,}"}
            ]
        )
    fids = fids or list(range(1, count + 1))
    geoms = shapely.force_2d(geoms)
    problems: list[str] = []
    hidden = 0

    def problem(text: str) -> None:
        nonlocal hidden
        if len(problems) < MAX_PROBLEMS:
            problems.append(text)
        else:
            hidden += 1

    types = shapely.get_type_id(geoms)
    names = {
        0: "Point",
        1: "LineString",
        3: "Polygon",
        4: "MultiPoint",
        5: "MultiLineString",
        6: "MultiPolygon",
    }
    bad_coords = ~np.isfinite(shapely.bounds(geoms)).all(axis=1)
    for i, geom in enumerate(geoms):
        if geom is None or shapely.is_empty(geom):
            problem(_("%(where)s: 도형이 없습니다.") % {"where": _where(i, fids[i])})
        elif int(types[i]) not in names:
            problem(
                _("%(where)s: '%(type)s' 도형은 가져올 수 없습니다 (점·선·면만).")
                % {"where": _where(i, fids[i]), "type": shapely.get_type_id(geom)}
            )
        elif bad_coords[i]:
            problem(_("%(where)s: 좌표 값이 숫자가 아닙니다.") % {"where": _where(i, fids[i])})
        elif not shapely.is_valid(geom):
            reason = shapely.is_valid_reason(geom)
            problem(
                _("%(where)s: 도형이 올바르지 않습니다 — %(why)s.")
                % {"where": _where(i, fids[i]), "why": _validity_message(reason)}
            )
    if problems:
        raise GeoDataError(_finish(problems, hidden))

    bounds = shapely.bounds(geoms)
    if (
        source.is_geographic
        and (np.abs(bounds[:, [0, 2]]) > 180).any() | (np.abs(bounds[:, [1, 3]]) > 90).any()
    ):
        x, y = bounds[0, 0], bounds[0, 1]
        raise GeoDataError(
            [
                _(
                    "좌표 값(%(x).1f, %(y).1f)이 경위도가 아닙니다. "
                    "좌표계가 %(crs)s(으)로 되어 있지만 투영 좌표로 "
                    "저장된 파일 같습니다: 원본 좌표계(예: EPSG:5186)를 고르세요."
                )
                % {"x": x, "y": y, "crs": crs_label(crs)}
            ]
        )
    if not source.is_geographic and (np.abs(bounds) <= 180).all():
        raise GeoDataError(
            [
                _(
                    "좌표 값(%(x).6f, %(y).6f)이 경위도처럼 보입니다. "
                    "좌표계가 %(crs)s(으)로 되어 있는데 미터 "
                    "단위가 아닙니다: 원본 좌표계를 EPSG:4326으로 고르세요."
                )
                % {"x": bounds[0, 0], "y": bounds[0, 1], "crs": crs_label(crs)}
            ]
        )

    wgs = geoms if crs == 4326 else _apply(to_wgs84(crs), geoms)
    wgs = shapely.set_precision(wgs, 10**-DECIMALS, mode="pointwise")
    wgs_bounds = shapely.bounds(wgs)
    west, south, east, north = KOREA
    outside = ~(
        np.isfinite(wgs_bounds).all(axis=1)
        & (wgs_bounds[:, 0] >= west)
        & (wgs_bounds[:, 2] <= east)
        & (wgs_bounds[:, 1] >= south)
        & (wgs_bounds[:, 3] <= north)
    )
    for i in np.flatnonzero(outside):
        b = wgs_bounds[i]
        shown = (
            _("경도 %(x).5f, 위도 %(y).5f") % {"x": b[0], "y": b[1]}
            if np.isfinite(b).all()
            else _("변환 불가")
        )
        problem(
            _(
                "%(where)s: 좌표(%(shown)s)가 대한민국 범위(경도 124~132, 위도 33~39) 밖입니다. "
                "원본 좌표계 %(crs)s이(가) 맞는지 확인하세요."
            )
            % {"where": _where(int(i), fids[int(i)]), "shown": shown, "crs": crs_label(crs)}
        )
    if problems:
        raise GeoDataError(_finish(problems, hidden))

    metric = geoms if _is_metric(source) else _apply(to_metric(crs), geoms)
    lengths = shapely.length(metric)
    areas = shapely.area(metric)
    line_like = np.isin(types, [1, 5])
    area_like = np.isin(types, [3, 6])
    features = []
    for i in range(count):
        features.append(
            GeoFeature(
                fid=fids[i],
                geometry=json.loads(shapely.to_geojson(wgs[i])),
                properties=rows[i] if i < len(rows) else {},
                bbox=tuple(float(v) for v in wgs_bounds[i]),  # type: ignore[arg-type]
                length_m=float(lengths[i]) if line_like[i] else 0.0,
                area_m2=float(areas[i]) if area_like[i] else 0.0,
            )
        )
    kinds = {names[int(t)].removeprefix("Multi") for t in types}
    geometry_type = kinds.pop() if len(kinds) == 1 else "Geometry"
    return GeoLayer(features=features, crs=crs, geometry_type=geometry_type, encoding=encoding or "")


def _is_metric(crs: CRS) -> bool:
    return crs.is_projected and all(axis.unit_name in {"metre", "meter"} for axis in crs.axis_info)


def _finish(problems: list[str], hidden: int) -> list[str]:
    if hidden:
        problems.append(_("그 밖에 문제가 %(n)s건 더 있습니다.") % {"n": f"{hidden:,}"})
    return problems
