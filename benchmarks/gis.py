"""``cityhall bench gis``: importing a layer and answering OGC API – Features, on the embedded SQLite
default (see benchmarks/README.md, "gis").

    cityhall bench gis [--features N] [--runs R] [--requests Q] [--smoke] [--json]

A worker process with its own temporary data directory migrates, loads the Gimpo dataset and the
sample layers, then measures (medians over ``--runs`` / ``--requests``):

- import: a zipped Shapefile of N lines in EPSG:5186 with CP949 attributes (written by pyogrio),
  read, checked, moved to WGS84 and stored (``services.layer_import``), per 1,000 features;
- items: ``/gis/ogc/collections/<layer>/items?limit=100`` of that layer, page 1, through Django's
  test client (no network), plain, with a bbox covering a tenth of it, and in EPSG:5186;
- the ratios bbox/plain and EPSG:5186/plain (what the index and the reprojection cost).

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
from typing import Any

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cityhall bench gis")
    parser.add_argument("--features", type=int, default=DEFAULT_FEATURES)
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    parser.add_argument("--requests", type=int, default=DEFAULT_REQUESTS)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.smoke:
        args.features, args.runs, args.requests = 200, 1, 1
    if not all(1 <= n <= 1_000_000 for n in (args.features, args.runs, args.requests)):
        parser.error("--features, --runs and --requests are 1 … 1,000,000")
    if args.worker:
        print(json.dumps(_worker(args.features, args.runs, args.requests)))
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
