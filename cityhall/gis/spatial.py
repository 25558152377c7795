"""The spatial backend: spatial queries in the database when it can answer them (PostgreSQL with
PostGIS), else in Python with shapely (GEOS) — the embedded SQLite default (ADR 0024).

No GeoDjango: its system libraries (GDAL, GEOS, PROJ as shared objects) would stand in the embedded
default's way. The PostGIS path is raw SQL over the ordinary columns (latitude and longitude), so
the tables stay the same on both databases and nothing but this module knows which path ran.

``CITYHALL_SPATIAL`` (setting, from the environment): ``auto`` (default: PostGIS when the database
is PostgreSQL and the extension is installed), ``shapely`` (always Python), ``postgis`` (required;
an error when it is missing).

Both paths build the same shapes on the same local metric plane (an equirectangular plane centred
on each candidate, ``M_PER_DEG_LAT`` / ``M_PER_DEG_LON_EQUATOR`` × cos φ₀, the one cctv's siting
uses) and hand them to GEOS (shapely in Python, PostGIS in the server), so they agree to rounding:
``tests/test_spatial_postgres.py`` compares them on the CCTV seed samples.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet

M_PER_DEG_LAT = 110_540.0
M_PER_DEG_LON_EQUATOR = 111_320.0
QUAD_SEGS = 32  # arc segments per quarter circle, for discs and sectors alike (shapely's default 8 is coarse)


class SpatialUnavailable(RuntimeError):
    """``CITYHALL_SPATIAL=postgis`` but the database is not PostgreSQL with PostGIS."""


def mode() -> str:
    return str(getattr(settings, "CITYHALL_SPATIAL", "auto") or "auto")


@lru_cache(maxsize=8)
def _postgis_version(alias: str) -> str | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'postgis'")
        row = cursor.fetchone()
    return row[0] if row else None


def postgis_version() -> str | None:
    """PostGIS's version in the default database, or None (SQLite, or PostgreSQL without it)."""
    return _postgis_version(connection.settings_dict.get("NAME") or "")


def backend() -> str:
    """``"postgis"`` or ``"shapely"``: the path spatial queries take now."""
    wanted = mode()
    if wanted == "shapely":
        return "shapely"
    if postgis_version() is not None:
        return "postgis"
    if wanted == "postgis":
        raise SpatialUnavailable(
            "CITYHALL_SPATIAL=postgis, but the database is not PostgreSQL with the postgis extension "
            "(apt-get install postgresql-15-postgis-3, then cityhall manage migrate)"
        )
    return "shapely"


def forget() -> None:
    """Forget what was found about the database (after a migration enables the extension)."""
    _postgis_version.cache_clear()


# -- camera coverage -------------------------------------------------------------------------------

# One row per (site, view) near it, the view as a polygon on the site's local plane, unioned per
# site and cut by the site's disc. The views' degree box around each site is a plain range filter.
_COVERAGE_SQL = """
WITH site AS (
    SELECT s.key, s.lat::float8 AS lat, s.lon::float8 AS lon,
           {m_lon}::float8 * cos(radians(s.lat::float8)) AS kx
    FROM ({sites}) AS s(key, lat, lon)
),
reach AS (
    SELECT %s::float8 + coalesce(max(v.range_m::float8), 0) AS m
    FROM ({views}) AS v(lat, lon, heading, fov, range_m)
),
near AS (
    SELECT site.key,
           (v.lon::float8 - site.lon) * site.kx AS x,
           (v.lat::float8 - site.lat) * {m_lat}::float8 AS y,
           v.heading::float8 AS heading, v.fov::float8 AS fov, v.range_m::float8 AS range_m
    FROM site CROSS JOIN reach
    JOIN ({views}) AS v(lat, lon, heading, fov, range_m)
      ON v.lat::float8 BETWEEN site.lat - reach.m / {m_lat} AND site.lat + reach.m / {m_lat}
     AND v.lon::float8 BETWEEN site.lon - reach.m / site.kx AND site.lon + reach.m / site.kx
),
shape AS (
    SELECT near.key,
        CASE WHEN near.fov >= 360
        THEN ST_Buffer(ST_MakePoint(near.x, near.y), near.range_m, 'quad_segs={quad}')
        ELSE ST_MakePolygon(ST_MakeLine(
            ARRAY[ST_MakePoint(near.x, near.y)]
            || ARRAY(
                SELECT ST_MakePoint(near.x + near.range_m * sin(b.r), near.y + near.range_m * cos(b.r))
                FROM (SELECT greatest(2, ceil(near.fov / 90 * {quad}))::int AS n) AS steps,
                     generate_series(0, steps.n) AS i,
                     LATERAL (SELECT radians(near.heading - near.fov / 2 + near.fov * i / steps.n) AS r) AS b
                ORDER BY i)
            || ARRAY[ST_MakePoint(near.x, near.y)]))
        END AS geom
    FROM near, reach
    WHERE sqrt(near.x * near.x + near.y * near.y) <= reach.m
),
covered AS (SELECT key, ST_Union(geom) AS geom FROM shape GROUP BY key),
disc AS (SELECT ST_Buffer(ST_MakePoint(0, 0), %s::float8, 'quad_segs={quad}') AS geom)
SELECT site.key,
       CASE WHEN covered.geom IS NULL THEN 1.0
            ELSE greatest(0.0, least(1.0,
                1.0 - ST_Area(ST_Intersection(disc.geom, covered.geom)) / ST_Area(disc.geom)))
       END
FROM site CROSS JOIN disc LEFT JOIN covered ON covered.key = site.key
"""


def _sql_of(queryset: QuerySet) -> tuple[str, tuple[Any, ...]]:
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    return sql, tuple(params)


def coverage_gaps_postgis(sites: QuerySet, views: QuerySet, radius_m: float) -> dict[Any, float]:
    """For each site, the share (0–1) of the disc of ``radius_m`` around it that no view covers, in
    PostGIS. ``sites``: a values_list queryset of (key, lat, lon); ``views``: of (lat, lon, heading°
    from north clockwise, field-of-view angle°, range m). Both stay queries: the server reads the
    tables itself."""
    site_sql, site_params = _sql_of(sites)
    view_sql, view_params = _sql_of(views)
    sql = _COVERAGE_SQL.format(
        sites=site_sql, views=view_sql, m_lat=M_PER_DEG_LAT, m_lon=M_PER_DEG_LON_EQUATOR, quad=QUAD_SEGS
    )
    # Parameters in the order their placeholders appear: site, reach (radius, views), near (views), disc.
    params = (*site_params, radius_m, *view_params, *view_params, radius_m)
    # The planner's cost estimate for the nested sector building passes jit_above_cost, and compiling
    # the query took longer than running it (EXPLAIN ANALYZE: ~230 ms of JIT emission against ~150 ms
    # of execution on the seed samples): JIT off for this one statement.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return {key: float(gap) for key, gap in cursor.fetchall()}


def coverage_gaps_shapely(
    sites: Iterable[tuple[Any, float, float]],
    views: Iterable[tuple[float, float, float, float, float]],
    radius_m: float,
) -> dict[Any, float]:
    """The same as ``coverage_gaps_postgis`` in Python with shapely (the embedded default's path)."""
    from shapely import Polygon, union_all
    from shapely.geometry import Point

    views = [tuple(float(x) for x in v) for v in views]
    reach = radius_m + max((v[4] for v in views), default=0.0)
    disc = Point(0, 0).buffer(radius_m, quad_segs=QUAD_SEGS)
    gaps = {}
    for key, lat0, lon0 in sites:
        lat0, lon0 = float(lat0), float(lon0)
        kx = M_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0))
        shapes = []
        for lat, lon, heading, fov, range_m in views:
            x, y = (lon - lon0) * kx, (lat - lat0) * M_PER_DEG_LAT
            if math.hypot(x, y) > reach:
                continue
            if fov >= 360:
                shapes.append(Point(x, y).buffer(range_m, quad_segs=QUAD_SEGS))
                continue
            steps = max(2, math.ceil(fov / 90 * QUAD_SEGS))
            start = heading - fov / 2
            arc = [
                (
                    x + range_m * math.sin(math.radians(start + fov * i / steps)),
                    y + range_m * math.cos(math.radians(start + fov * i / steps)),
                )
                for i in range(steps + 1)
            ]
            shapes.append(Polygon([(x, y), *arc]))
        if not shapes:
            gaps[key] = 1.0
            continue
        covered = disc.intersection(union_all(shapes)).area
        gaps[key] = max(0.0, min(1.0, 1.0 - covered / disc.area))
    return gaps


def coverage_gaps(sites: QuerySet, views: QuerySet, radius_m: float) -> dict[Any, float]:
    """The coverage gap of each site (see ``coverage_gaps_postgis``) on the backend in use."""
    if backend() == "postgis":
        return coverage_gaps_postgis(sites, views, radius_m)
    return coverage_gaps_shapely(list(sites), list(views), radius_m)
