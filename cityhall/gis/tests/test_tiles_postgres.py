"""The same vector tiles from PostGIS (``ST_AsMVTGeom``/``ST_AsMVT``) and from Python (shapely and
``gis.mvt``): on a throwaway PostgreSQL database with the sample layers and the streetlight sites,
tiles at a few zooms built both ways and decoded — the same features, ids, properties and types, the
geometries within 1.5 tile units. Skipped without a server."""

import pytest

from cityhall.core.tests.scenarios import run_scenario
from cityhall.core.tests.test_postgres import postgres_url  # noqa: F401 - the fixture

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SCENARIO = r"""
import json, os
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.core.management import call_command
from cityhall.core.audit import Actor
from cityhall.core.transfer import import_document, read_dataset
from cityhall.gis import spatial, tiles
from cityhall.gis.models import Layer
from cityhall.gis.services import gis_load_sample
from cityhall.gis.tests.tilecheck import decoded, differences

call_command("migrate", verbosity=0)
spatial.forget()
import_document(read_dataset("gimpo-2025"), actor=Actor.system("test"))
gis_load_sample(actor=Actor.system("test"))
out = {"backend": spatial.backend(), "tiles": 0, "features": 0, "problems": []}
TILES = [(8, 218, 99), (10, 872, 396), (12, 3489, 1584), (14, 13956, 6339)]
for code in ("admin-boundaries", "road-facilities", "water-mains"):
    layer = Layer.objects.get(code=code)
    for z, x, y in TILES:
        a = tiles.layer_tile(layer.pk, code, z, x, y, backend="postgis")
        b = tiles.layer_tile(layer.pk, code, z, x, y, backend="shapely")
        out["tiles"] += 1
        out["features"] += sum(len(v) for v in decoded(a).values())
        out["problems"] += [f"{code} {z}/{x}/{y}: {p}" for p in differences(a, b)]
point = {"type": "Point", "coordinates": [126.66, 37.66]}
line = {"type": "LineString", "coordinates": [[126.6, 37.6], [126.7, 37.7]]}
items = [
    {"id": "A", "geometry": point, "properties": {"n": -3, "ok": True}},
    {"id": "B", "geometry": line, "properties": {"x": 1.25}},
]
for z, x, y in TILES[:2]:
    a = tiles.collection_tile("things", items, z, x, y, backend="postgis")
    b = tiles.collection_tile("things", items, z, x, y, backend="shapely")
    out["tiles"] += 1
    out["problems"] += [f"things {z}/{x}/{y}: {p}" for p in differences(a, b)]
print(json.dumps(out, ensure_ascii=False))
"""


def test_postgis_and_python_build_the_same_tiles(postgres_url, tmp_path):  # noqa: F811
    outcome = run_scenario(SCENARIO, tmp_path, url=postgres_url, timeout=900)  # migrating takes minutes
    assert outcome["backend"] == "postgis"
    assert outcome["problems"] == []
    assert outcome["tiles"] == 14
    assert outcome["features"] > 313  # z=8 alone holds all 13 + 100 + 200 base features
