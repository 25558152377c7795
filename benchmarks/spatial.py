"""``cityhall bench spatial``: the CCTV new-site coverage gaps (cityhall.gis.spatial, ADR 0024) on
the seed samples — shapely in Python against PostGIS in the server (see benchmarks/README.md).

    cityhall bench spatial [--runs R] [--database-url URL ...] [--smoke] [--json]

For each database (``sqlite``, the default, and/or a loopback ``postgresql://`` URL: a throwaway
database is created and dropped), a fresh worker process migrates, loads the Gimpo dataset, the CCTV
sample registry (7,500 cameras) and the 12 candidate sites, then times ``coverage_gaps`` for all
candidates, median over ``--runs``:

- shapely: the cameras read into Python (one query), sectors, union and intersection with shapely;
- postgis (PostgreSQL with the extension only): one SQL statement, the server reading the tables;

and checks that the two agree (largest difference). ``--smoke``: one run, failing on any error.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RUNS = 15


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cityhall bench spatial")
    p.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    p.add_argument("--database-url", action="append", default=[], help="sqlite or a local postgresql:// URL")
    p.add_argument("--smoke", action="store_true")
    p.add_argument("--json", action="store_true")
    return p


def worker(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command

    from cityhall.cctv import services
    from cityhall.cctv.models import Camera, CandidateSite
    from cityhall.cctv.siting import RADIUS_M
    from cityhall.cli import DEFAULT_DATASET
    from cityhall.core.audit import Actor
    from cityhall.core.transfer import import_document, read_dataset
    from cityhall.gis import spatial

    call_command("migrate", verbosity=0)
    spatial.forget()
    actor = Actor.system("bench:spatial")
    import_document(read_dataset(DEFAULT_DATASET), actor=actor)
    services.registry_build_samples(actor=actor)
    services.candidates_build_samples(actor=actor)

    def views():
        return (
            Camera.objects.exclude(status="retired")
            .order_by()
            .values_list("lat", "lon", "heading", "fov", "range_m")
        )

    def sites():
        return CandidateSite.objects.order_by().values_list("code", "lat", "lon")

    paths = {"shapely": lambda: spatial.coverage_gaps_shapely(list(sites()), list(views()), RADIUS_M)}
    if spatial.postgis_version() is not None:
        paths["postgis"] = lambda: spatial.coverage_gaps_postgis(sites(), views(), RADIUS_M)
    measured: dict[str, dict] = {}
    answers = {}
    for name, run in paths.items():
        answers[name] = run()  # warm-up (and the answer compared below)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        measured[name] = {"median_ms": round(statistics.median(times) * 1000, 1), "n": len(times)}
    out = {
        "cameras": Camera.objects.count(),
        "candidates": CandidateSite.objects.count(),
        "postgis": spatial.postgis_version(),
        "paths": measured,
    }
    if "postgis" in answers:
        a, b = answers["shapely"], answers["postgis"]
        out["largest_difference"] = max(abs(a[k] - b[k]) for k in a)
        out["ratio_shapely_over_postgis"] = round(
            measured["shapely"]["median_ms"] / max(measured["postgis"]["median_ms"], 0.001), 2
        )
        if set(a) != set(b) or out["largest_difference"] > 1e-9:
            raise SystemExit(f"PostGIS and shapely disagree: {out['largest_difference']}")
    print(json.dumps(out))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_worker"]:
        return worker(argv[1:])
    from benchmarks.run import BenchError, clean_env, parse_target, run_python

    args = _parser().parse_args(argv)
    if args.smoke:
        args.runs = 1
    targets = [parse_target(u) for u in (args.database_url or ["sqlite"])]
    results = []
    for target in targets:
        target.probe()
        if target.skipped:
            print(f"{target.label}: not measured: {target.skipped}", file=sys.stderr)
            results.append({"database": target.label, "skipped": target.skipped})
            continue
        print(f"{target.display()}: coverage gaps × {args.runs} …", file=sys.stderr)
        with (
            tempfile.TemporaryDirectory(prefix="cityhall-bench-spatial-") as data_dir,
            target.database() as url,
        ):
            env = clean_env(Path(data_dir), url)
            try:
                out = run_python(
                    ["-m", "benchmarks.spatial", "_worker", "--runs", str(args.runs)],
                    env=env,
                    cwd=ROOT,
                    what="spatial",
                )
            except BenchError as exc:
                print(exc, file=sys.stderr)
                return 1
        result = json.loads(out.strip().splitlines()[-1])
        result["database"] = target.display()
        results.append(result)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return 0
    for r in results:
        if "skipped" in r:
            continue
        print(
            f"\n{r['database']}: {r['cameras']} cameras, {r['candidates']} candidate sites, "
            f"PostGIS {r['postgis']}"
        )
        for name, p in r["paths"].items():
            print(f"  {name:<8} median {p['median_ms']} ms (n {p['n']})")
        if "largest_difference" in r:
            print(
                f"  shapely/postgis {r['ratio_shapely_over_postgis']}×, "
                f"largest difference {r['largest_difference']:.1e}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
