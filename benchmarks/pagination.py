"""``cityhall bench pagination``: what a page of a record list costs in the API, by page size.

    cityhall bench pagination [--requests N] [--limits 5,100] [--types streetlights,programs] [--json]

A worker process with its own environment (a temporary data directory, SQLite) migrates, loads the
Gimpo dataset with the demo's samples and the streetlight registry — the seed's data size: 638
streetlights, 63 people, the plan's programs — and then asks ``GET /api/v1/<type>/?limit=L`` of
each type and limit ``--requests`` times in turn (in process, through Django's test client with a
session: the request and response cycle without the network). It reports the median and the 90th
percentile per type and limit, and the ratio of each limit's median to the smallest limit's (and the
OpenAPI document's first, building, request beside the median of the next, cached, ones): a list
paginated in the database costs about the same for a page of 5 as for a page of 100 — a list
serialised whole before slicing costs the whole table every time.
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

DEFAULT_TYPES = ("streetlights", "programs", "people")
DEFAULT_LIMITS = (5, 100)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cityhall bench pagination", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per type and limit (200)")
    parser.add_argument("--limits", default=",".join(map(str, DEFAULT_LIMITS)), help="page sizes (5,100)")
    parser.add_argument("--types", default=",".join(DEFAULT_TYPES), help="record types (API slugs)")
    parser.add_argument("--json", action="store_true", help="machine-readable results on stdout")
    return parser


def worker(argv: list[str]) -> int:
    """Runs in the fresh process: prepare the database, then measure."""
    args = _parser().parse_args(argv)
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from cityhall.cli import DEFAULT_DATASET, _load_samples
    from cityhall.core.audit import Actor
    from cityhall.core.transfer import import_document, read_dataset
    from cityhall.organisation.models import Role, RoleAssignment

    call_command("migrate", verbosity=0)
    actor = Actor.system("bench:pagination")
    import_document(read_dataset(DEFAULT_DATASET), actor=actor)
    _load_samples(actor)
    user = get_user_model().objects.create_user(username="bench-director")
    RoleAssignment.objects.create(user=user, role=Role.DIRECTOR)
    client = Client(HTTP_HOST="127.0.0.1")  # an allowed host, as the settings say
    client.force_login(user)

    # The OpenAPI document: the first request builds it, the next ones are served from the cache.
    start = time.perf_counter()
    client.get("/api/v1/openapi.json")
    schema_first = time.perf_counter() - start
    schema_again = []
    for _ in range(20):
        start = time.perf_counter()
        client.get("/api/v1/openapi.json")
        schema_again.append(time.perf_counter() - start)

    limits = [int(v) for v in args.limits.split(",")]
    results = []
    for slug in args.types.split(","):
        urls = {limit: f"/api/v1/{slug}/?limit={limit}" for limit in limits}
        counts = {}
        for limit, url in urls.items():  # warm-up, and the sizes reported
            body = client.get(url).json()
            counts[limit] = (len(body["items"]), body["count"])
        times: dict[int, list[float]] = {limit: [] for limit in limits}
        for _ in range(args.requests):
            for limit, url in urls.items():  # interleaved, so machine noise hits both alike
                start = time.perf_counter()
                response = client.get(url)
                times[limit].append(time.perf_counter() - start)
                if response.status_code != 200:
                    raise SystemExit(f"{url}: HTTP {response.status_code}")
        base = statistics.median(times[limits[0]])
        for limit in limits:
            ms = sorted(t * 1000 for t in times[limit])
            results.append(
                {
                    "type": slug,
                    "limit": limit,
                    "items": counts[limit][0],
                    "total": counts[limit][1],
                    "requests": args.requests,
                    "median_ms": round(statistics.median(ms), 2),
                    "p90_ms": round(ms[int(len(ms) * 0.9) - 1], 2),
                    "ratio_to_smallest": round(statistics.median(times[limit]) / base, 2),
                }
            )
    schema = {
        "first_ms": round(schema_first * 1000, 1),
        "cached_median_ms": round(statistics.median(schema_again) * 1000, 1),
    }
    print(json.dumps({"lists": results, "openapi": schema}))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_worker"]:
        return worker(argv[1:])
    args = _parser().parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cityhall-bench-pagination-") as data_dir:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CITYHALL_") and k != "DATABASE_URL"}
        env["CITYHALL_DATA_DIR"] = data_dir
        print("준비 중: 마이그레이션, 데이터 적재, 예시 자료와 가로등 등록…", file=sys.stderr)
        done = subprocess.run(  # noqa: S603 - this module, fixed arguments
            [sys.executable, "-m", "benchmarks.pagination", "_worker", *argv],
            env=env,
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return 1
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    if args.json:
        print(json.dumps(measured, ensure_ascii=False, indent=2))
        return 0
    results = measured["lists"]
    print(f"{'type':<14} {'limit':>5} {'items':>5} {'total':>5} {'median ms':>10} {'p90 ms':>8} {'ratio':>6}")
    for r in results:
        print(
            f"{r['type']:<14} {r['limit']:>5} {r['items']:>5} {r['total']:>5} "
            f"{r['median_ms']:>10.2f} {r['p90_ms']:>8.2f} {r['ratio_to_smallest']:>6.2f}"
        )
    schema = measured["openapi"]
    print(
        f"openapi.json: first {schema['first_ms']} ms (built), "
        f"then median {schema['cached_median_ms']} ms (cached)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
