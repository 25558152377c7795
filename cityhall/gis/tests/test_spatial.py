"""The spatial backend (cityhall.gis.spatial, ADR 0024) on the embedded default: shapely answers,
PostGIS is asked for only where the database has it. The PostGIS path is compared with this one on
the CCTV seed samples in cityhall/cctv/tests/test_siting_postgis.py (marked postgres)."""

import pytest

from cityhall.gis import spatial

LAT, LON = 37.6155, 126.7159


def test_sqlite_uses_shapely(db, settings):
    assert spatial.postgis_version() is None
    assert spatial.backend() == "shapely"
    settings.CITYHALL_SPATIAL = "postgis"
    with pytest.raises(spatial.SpatialUnavailable, match="postgresql-15-postgis-3"):
        spatial.backend()
    settings.CITYHALL_SPATIAL = "shapely"
    assert spatial.backend() == "shapely"


def test_gaps_of_simple_views():
    sites = [("open", LAT, LON), ("watched", LAT + 0.01, LON)]
    # a 90° view of 100 m from the watched site's centre, heading east, and a full circle far away
    views = [(LAT + 0.01, LON, 90, 90, 100), (LAT + 0.05, LON, 0, 360, 100)]
    gaps = spatial.coverage_gaps_shapely(sites, views, 100)
    assert gaps["open"] == 1.0
    assert gaps["watched"] == pytest.approx(0.75, abs=0.001)
    everywhere = spatial.coverage_gaps_shapely([("x", LAT, LON)], [(LAT, LON, 0, 360, 150)], 100)
    assert everywhere["x"] == pytest.approx(0.0, abs=1e-9)
