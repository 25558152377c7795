"""``cityhall bench gis``: importing a layer and answering OGC API – Features, on the embedded SQLite
default (see benchmarks/README.md, "gis").

    cityhall bench gis [--features N] [--runs R] [--requests Q] [--database-url URL ...] [--smoke] [--json]

A worker process with its own temporary data directory migrates, loads the Gimpo dataset and the
sample layers, then measures (medians over ``--runs`` / ``--requests``):

- import: a zipped Shapefile of N lines in EPSG:5186 with CP949 attributes (written by pyogrio),
  read, checked, moved to WGS84 and stored (``services.layer_import``), per 1,000 features;
- items: ``/gis/ogc/collections/<layer>/items?limit=100`` of that layer, page 1, through Django's
  test client (no network), plain, with a bbox covering a tenth of it, and in EPSG:5186;
- the ratios bbox/plain and EPSG:5186/plain (what the index and the reprojection cost).

Then vector tiles (``cityhall.gis.tiles``, ADR 0031): for each database (``sqlite``, the default,
and/or a loopback ``postgresql://`` URL, a throwaway database created and dropped), a fresh worker
loads the sample layers and builds the tiles of the base layers (boundaries, roads, water mains) at
z 10, 12 and 14 around Gimpo's centre (a 2 × 2 block each), every tile ``--runs`` times, on the
Python path (shapely and ``gis.mvt``) and, on PostgreSQL with PostGIS, on ``ST_AsMVT``: the median
ms per tile at each zoom and the ratio Python/PostGIS.

``--smoke``: tiny sizes, every step once, failing on any error (run by .ci/run).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TILE_ZOOMS = (10, 12, 14)
TILE_LAYERS = ("admin-boundaries", "road-facilities", "water-mains")
DEFAULT_FEATURES = 20_000
DEFAULT_RUNS = 3
DEFAULT_REQUESTS = 30


def _worker(features: int, runs: int, requests: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from cityhall.core.audit import Actor
    from cityhall.core.transfer import import_document, read_dataset
    from cityhall.gis.services import gis_load_sample, layer_import
    from cityhall.gis.tests import files
    from cityhall.organisation.models import OrgUnit, Role, RoleAssignment

    call_command("migrate", verbosity=0)
    actor = Actor.system("bench:gis")
    import_document(read_dataset("gimpo-2025"), actor=actor)
    gis_load_sample(actor=actor)

    import shapely

    x0, y0 = files.project(*files.GIMPO_WGS84, 5186)
    geoms = [
        shapely.LineString(
            [(x0 + (i % 100) * 50, y0 + (i // 100) * 20), (x0 + (i % 100) * 50 + 40, y0 + (i // 100) * 20)]
        )
        for i in range(features)
    ]
    names = [f"도로 {i}" for i in range(features)]
    data = files.shapefile_zip(geoms, names, epsg=5186, keep_cpg=False)
    import_ms = []
    for _run in range(runs):
        started = time.perf_counter()
        layer_import(
            code="bench-roads",
            upload=data,
            filename="bench.zip",
            actor=actor,
            metadata={"title": "bench", "source": "bench"},
        )
        import_ms.append((time.perf_counter() - started) * 1000)

    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("bench-viewer")
    RoleAssignment.objects.create(
        user=user, role=Role.VIEWER, department=OrgUnit.objects.get(code="smart-city")
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    from cityhall.gis.models import Layer

    layer = Layer.objects.get(code="bench-roads")
    minx, miny, maxx, maxy = layer.bbox
    width = maxx - minx
    bbox = f"{minx},{miny},{minx + width / 10},{maxy}"
    base = "/gis/ogc/collections/bench-roads/items?limit=100"
    variants = {
        "plain": base,
        "bbox": f"{base}&bbox={bbox}",
        "epsg5186": f"{base}&crs=http://www.opengis.net/def/crs/EPSG/0/5186",
    }
    timings: dict[str, list[float]] = {name: [] for name in variants}
    for _round in range(requests):
        for name, url in variants.items():
            started = time.perf_counter()
            response = client.get(url)
            timings[name].append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code}")
    medians = {name: statistics.median(values) for name, values in timings.items()}
    import_median = statistics.median(import_ms)
    return {
        "features": features,
        "import_ms": round(import_median, 1),
        "import_ms_per_1000": round(import_median / max(features, 1) * 1000, 1),
        "items_ms": {name: round(value, 2) for name, value in medians.items()},
        "ratio_bbox_to_plain": round(medians["bbox"] / medians["plain"], 2),
        "ratio_epsg5186_to_plain": round(medians["epsg5186"] / medians["plain"], 2),
        "runs": runs,
        "requests": requests,
    }


def _tiles_worker(runs: int) -> dict[str, Any]:
    import math

    import django

    django.setup()
    from django.core.management import call_command

    from cityhall.core.audit import Actor
    from cityhall.core.transfer import import_document, read_dataset
    from cityhall.gis import spatial, tiles
    from cityhall.gis.models import Layer
    from cityhall.gis.services import gis_load_sample

    call_command("migrate", verbosity=0)
    spatial.forget()
    actor = Actor.system("bench:gis-tiles")
    import_document(read_dataset("gimpo-2025"), actor=actor)
    gis_load_sample(actor=actor)
    paths = ["shapely"] + (["postgis"] if spatial.postgis_version() else [])
    layers = [Layer.objects.get(code=code) for code in TILE_LAYERS]
    lon, lat = 126.66, 37.66  # Gimpo's centre
    out: dict[str, Any] = {"paths": paths, "postgis": spatial.postgis_version(), "zooms": {}}
    for z in TILE_ZOOMS:
        n = 1 << z
        x0 = int((lon + 180) / 360 * n)
        y0 = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
        block = [(x, y) for x in (x0, x0 + 1) for y in (y0, y0 + 1)]
        row: dict[str, Any] = {"tiles": len(block) * len(layers)}
        for path in paths:
            per_tile, sizes = [], []
            for _run in range(runs):
                for layer in layers:
                    for x, y in block:
                        started = time.perf_counter()
                        body = tiles.layer_tile(layer.pk, layer.code, z, x, y, backend=path)
                        per_tile.append((time.perf_counter() - started) * 1000)
                        sizes.append(len(body))
            row[path] = {"median_ms": round(statistics.median(per_tile), 2), "bytes": sum(sizes) // runs}
        if "postgis" in row:
            row["ratio_python_over_postgis"] = round(
                row["shapely"]["median_ms"] / row["postgis"]["median_ms"], 2
            )
        out["zooms"][str(z)] = row
    return out


def _tiles(urls: list[str], runs: int) -> list[dict[str, Any]]:
    from benchmarks.run import BenchError, clean_env, parse_target, run_python

    results: list[dict[str, Any]] = []
    for target in [parse_target(u) for u in (urls or ["sqlite"])]:
        target.probe()
        if target.skipped:
            results.append({"database": target.label, "skipped": target.skipped})
            continue
        with (
            tempfile.TemporaryDirectory(prefix="cityhall-bench-tiles-") as data_dir,
            target.database() as url,
        ):
            env = clean_env(Path(data_dir), url)
            env["DJANGO_SETTINGS_MODULE"] = "config.settings"
            try:
                out = run_python(
                    ["-m", "benchmarks.gis", "--tiles-worker", "--runs", str(runs)],
                    env=env,
                    cwd=ROOT,
                    what="tiles",
                )
            except BenchError as exc:
                raise SystemExit(str(exc)) from exc
        result = json.loads(out.strip().splitlines()[-1])
        result["database"] = target.display()
        results.append(result)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cityhall bench gis")
    parser.add_argument("--features", type=int, default=DEFAULT_FEATURES)
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    parser.add_argument("--requests", type=int, default=DEFAULT_REQUESTS)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--database-url", action="append", default=[], help="tiles on: sqlite or a local postgresql:// URL"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tiles-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.smoke:
        args.features, args.runs, args.requests = 200, 1, 1
    if not all(1 <= n <= 1_000_000 for n in (args.features, args.runs, args.requests)):
        parser.error("--features, --runs and --requests are 1 … 1,000,000")
    if args.worker:
        print(json.dumps(_worker(args.features, args.runs, args.requests)))
        return 0
    if args.tiles_worker:
        print(json.dumps(_tiles_worker(args.runs)))
        return 0
    with tempfile.TemporaryDirectory(prefix="cityhall-bench-gis-") as tmp:
        env = {**os.environ, "CITYHALL_DATA_DIR": tmp, "DJANGO_SETTINGS_MODULE": "config.settings"}
        env.pop("DATABASE_URL", None)
        done = subprocess.run(  # noqa: S603 - this module, as a worker
            [
                sys.executable,
                "-m",
                "benchmarks.gis",
                "--worker",
                "--features",
                str(args.features),
                "--runs",
                str(args.runs),
                "--requests",
                str(args.requests),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        return 1
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["tiles"] = _tiles(args.database_url, args.runs)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(
            f"import {result['features']:,} features: {result['import_ms']} ms (median of {result['runs']}), "
            f"{result['import_ms_per_1000']} ms per 1,000"
        )
        items = result["items_ms"]
        print(
            f"OGC items (limit 100), median of {result['requests']}: plain {items['plain']} ms, "
            f"bbox {items['bbox']} ms (×{result['ratio_bbox_to_plain']}), "
            f"EPSG:5186 {items['epsg5186']} ms (×{result['ratio_epsg5186_to_plain']})"
        )
        for t in result["tiles"]:
            if "skipped" in t:
                print(f"tiles on {t['database']}: not measured: {t['skipped']}")
                continue
            head = f"tiles on {t['database']} (PostGIS {t['postgis']})"
            print(f"{head}, median ms per tile over {result['runs']} runs:")
            for z, row in t["zooms"].items():
                line = f"  z{z}: Python {row['shapely']['median_ms']} ms"
                if "postgis" in row:
                    ratio = row["ratio_python_over_postgis"]
                    line += f", PostGIS {row['postgis']['median_ms']} ms (Python/PostGIS ×{ratio})"
                print(line + f", {row['tiles']} tiles")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
