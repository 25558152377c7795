"""Mapbox Vector Tiles (MVT 2.1) of the layers and registered collections (ADR 0031).

A tile ``z/x/y`` of the web's tile grid (EPSG:3857, Google/OSM numbering, y from the north) holds one
MVT layer named after the collection, each feature in tile coordinates (``EXTENT`` units a side,
``BUFFER`` units beyond the edge so lines and outlines join across tiles), clipped and snapped to the
integer grid. Two paths build the same tile, chosen like every spatial question (``spatial.backend``):

- **PostGIS**: ``ST_AsMVTGeom``/``ST_AsMVT`` over the features' stored GeoJSON, in the server;
- **Python**: shapely (project, snap, clip) and our MVT encoder (``mvt.py``: the maintained
  ``mapbox-vector-tile`` package cannot be installed beside the bus app's protobuf 7).

A layer's feature keeps its ``fid`` as the MVT id; a registered collection's feature gets its place
in the provider's list (1-based) as the id and its own id in the property ``_id``. Properties are the
feature's top-level scalars (nested values as JSON text; nulls left out), as PostGIS writes a jsonb.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from django.db import connection

from . import mvt

EXTENT = 4096
BUFFER = 64
MAX_ZOOM = 22
ORIGIN = 20037508.342789244  # half the EPSG:3857 world, metres
EARTH_RADIUS = 6378137.0
CONTENT_TYPE = "application/vnd.mapbox-vector-tile"


class TileOutOfRange(ValueError):
    """A z/x/y outside the tile grid."""


def check(z: int, x: int, y: int) -> None:
    if not 0 <= z <= MAX_ZOOM:
        raise TileOutOfRange(f"z={z}: 0–{MAX_ZOOM}")
    n = 1 << z
    if not (0 <= x < n and 0 <= y < n):
        raise TileOutOfRange(f"z={z}: x, y 0–{n - 1}")


def bounds_3857(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """The tile's west, south, east, north in EPSG:3857 metres (as ``ST_TileEnvelope``)."""
    size = 2 * ORIGIN / (1 << z)
    west = -ORIGIN + x * size
    north = ORIGIN - y * size
    return west, north - size, west + size, north


def _lon(mx: float) -> float:
    return math.degrees(mx / EARTH_RADIUS)


def _lat(my: float) -> float:
    return math.degrees(2 * math.atan(math.exp(my / EARTH_RADIUS)) - math.pi / 2)


def bbox_wgs84(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """The tile with its buffer as a longitude/latitude box (for the features' bbox columns)."""
    west, south, east, north = bounds_3857(z, x, y)
    pad = (east - west) * BUFFER / EXTENT
    return _lon(west - pad), _lat(south - pad), _lon(east + pad), _lat(north + pad)


def properties(props: dict[str, Any] | None) -> dict[str, Any]:
    """What a tile can carry of a feature's properties: scalars; nested values as JSON; no nulls."""
    out: dict[str, Any] = {}
    for key, value in (props or {}).items():
        if value is None:
            continue
        if isinstance(value, bool | int | float | str):
            out[str(key)] = value
        else:
            out[str(key)] = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return out


# -- Python: shapely and our encoder --------------------------------------------------------------------


def encode_python(
    name: str, features: Iterable[tuple[int, dict[str, Any], dict[str, Any]]], z: int, x: int, y: int
) -> bytes:
    """``features``: (id, GeoJSON geometry in WGS84, properties). The tile's bytes (b"" when empty)."""
    import numpy as np
    import shapely
    from shapely.geometry import shape

    west, south, east, north = bounds_3857(z, x, y)
    scale = EXTENT / (east - west)

    def to_tile(coords: np.ndarray) -> np.ndarray:
        lon = np.radians(coords[:, 0])
        lat = np.radians(np.clip(coords[:, 1], -85.05112878, 85.05112878))
        mx = EARTH_RADIUS * lon
        my = EARTH_RADIUS * np.log(np.tan(np.pi / 4 + lat / 2))
        return np.column_stack(((mx - west) * scale, (north - my) * scale))

    clip = shapely.box(-BUFFER, -BUFFER, EXTENT + BUFFER, EXTENT + BUFFER)
    encoded = []
    for fid, geometry, props in features:
        if not geometry:
            continue
        geom = shapely.transform(shape(geometry), to_tile)
        geom = shapely.set_precision(geom, 1.0)  # the integer grid, as ST_AsMVTGeom snaps
        if geom.is_empty or not geom.intersects(clip):
            continue
        geom = shapely.clip_by_rect(geom, -BUFFER, -BUFFER, EXTENT + BUFFER, EXTENT + BUFFER)
        if geom.geom_type.endswith("Polygon"):
            geom = shapely.make_valid(geom)
        if geom.is_empty:
            continue
        encoded.append((int(fid), geom, properties(props)))
    return mvt.encode(name, encoded, EXTENT)


# -- PostGIS: ST_AsMVTGeom / ST_AsMVT --------------------------------------------------------------------

_ROWS_SQL = """
WITH bounds AS (SELECT ST_TileEnvelope(%s, %s, %s) AS env),
rows AS (
    SELECT src.id,
           src.props,
           ST_AsMVTGeom(
               ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(src.geometry), 4326), 3857),
               bounds.env, {extent}, {buffer}, true
           ) AS geom
    FROM ({source}) AS src(id, geometry, props), bounds
)
SELECT ST_AsMVT(rows.*, %s, {extent}, 'geom', 'id') FROM rows WHERE rows.geom IS NOT NULL
"""

_LAYER_SOURCE = """
SELECT f.fid, f.geometry::text, f.properties::jsonb FROM gis_feature f
WHERE f.layer_id = %s AND f.minx <= %s AND f.maxx >= %s AND f.miny <= %s AND f.maxy >= %s
"""

_LIST_SOURCE = """
SELECT (e ->> 0)::bigint, (e -> 1)::text, e -> 2 FROM jsonb_array_elements(%s::jsonb) AS e
"""


def _run(source: str, source_params: tuple[Any, ...], name: str, z: int, x: int, y: int) -> bytes:
    sql = _ROWS_SQL.format(source=source, extent=EXTENT, buffer=BUFFER)
    with connection.cursor() as cursor:
        cursor.execute(sql, (z, x, y, *source_params, name))
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


def layer_tile_postgis(layer_id: int, name: str, z: int, x: int, y: int) -> bytes:
    west, south, east, north = bbox_wgs84(z, x, y)
    return _run(_LAYER_SOURCE, (layer_id, east, west, north, south), name, z, x, y)


def list_tile_postgis(
    name: str, features: list[tuple[int, dict[str, Any], dict[str, Any]]], z: int, x: int, y: int
) -> bytes:
    rows = [[fid, geometry, properties(props)] for fid, geometry, props in features if geometry]
    return _run(_LIST_SOURCE, (json.dumps(rows, ensure_ascii=False),), name, z, x, y)


# -- one tile of a layer or a registered collection ------------------------------------------------------


def layer_features(layer_id: int, z: int, x: int, y: int) -> list[tuple[int, dict[str, Any], dict[str, Any]]]:
    from .models import Feature

    west, south, east, north = bbox_wgs84(z, x, y)
    rows = Feature.objects.filter(
        layer_id=layer_id, minx__lte=east, maxx__gte=west, miny__lte=north, maxy__gte=south
    ).values_list("fid", "geometry", "properties")
    return [(fid, geometry, props) for fid, geometry, props in rows.order_by("fid")]


def collection_features(items: Iterable[dict[str, Any]]) -> list[tuple[int, dict[str, Any], dict[str, Any]]]:
    """A registered provider's GeoJSON features as tile rows: the place in the list as the id, the
    feature's own id as ``_id``."""
    rows = []
    for n, item in enumerate(items, start=1):
        props = dict(item.get("properties") or {})
        props["_id"] = str(item.get("id", n))
        rows.append((n, item.get("geometry") or {}, props))
    return rows


def layer_tile(layer_id: int, name: str, z: int, x: int, y: int, *, backend: str) -> bytes:
    check(z, x, y)
    if backend == "postgis":
        return layer_tile_postgis(layer_id, name, z, x, y)
    return encode_python(name, layer_features(layer_id, z, x, y), z, x, y)


def collection_tile(
    name: str, items: Iterable[dict[str, Any]], z: int, x: int, y: int, *, backend: str
) -> bytes:
    check(z, x, y)
    rows = collection_features(items)
    if backend == "postgis":
        return list_tile_postgis(name, rows, z, x, y)
    return encode_python(name, rows, z, x, y)
