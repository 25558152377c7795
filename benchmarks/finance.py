"""``cityhall bench finance``: a year of ledger execution imported, then the execution dashboard.

    cityhall bench finance [--lines 3000] [--runs 3] [--requests 30] [--database-url URL ...]
                           [--smoke] [--json]

For each database (``sqlite``, the default, and/or a loopback ``postgresql://`` URL: a throwaway
database is created and dropped), a fresh worker process migrates, loads the Gimpo dataset and then:

- imports ``--runs`` fiscal years of ``--lines`` budget lines × 12 monthly CSV files (the ledger's
  export, with a 합계 row), each through the real importer (parse, check every row, structure,
  replace the month, audit); reports the median of a month's import and of a whole year's;
- re-imports one month of the last year (a month replaced: the rows deleted and written again);
- asks the execution dashboard (``GET /finance/?year=Y``, the month-12 view over all lines) and the
  API overview ``--requests`` times each, in process through Django's test client with a director's
  session: median and 90th percentile, flagged over 200 ms.

``--smoke``: 30 lines, 1 run, 3 requests — every step once, failing on any error (run by .ci/run).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLOW_PAGE_MS = 200.0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cityhall bench finance", description=__doc__.split("\n\n")[0])
    p.add_argument("--lines", type=int, default=3000, help="budget lines per year (3000)")
    p.add_argument("--runs", type=int, default=3, help="years imported (3)")
    p.add_argument("--requests", type=int, default=30, help="requests per page (30)")
    p.add_argument("--database-url", action="append", default=[], help="sqlite or a local postgresql:// URL")
    p.add_argument("--smoke", action="store_true", help="tiny sizes, every step once")
    p.add_argument("--json", action="store_true", help="machine-readable results on stdout")
    return p


def ledger_month(year: int, month: int, lines: int) -> bytes:
    """A synthetic ledger export: ``lines`` lines under 10-line 세부사업, 4 departments, 3 sources."""
    from cityhall.finance.execution.importer import COLUMNS

    departments = ("정책기획과", "예산법무과", "정보통신과", "스마트도시과")
    natures = ("소비", "투자", "기타")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    budgets = executed = 0
    for i in range(lines):
        budget = 10_000_000 + (i * 7919) % 90_000_000
        spent = budget * (5 + (i + month) % 4) // 100  # 5–8 % a month: under the budget after 12
        detail, unit, policy = i // 10, i // 50, i // 200
        writer.writerow(
            [
                f"B-{i:05d}",
                "일반회계",
                f"분야 {policy % 8}",
                f"부문 {policy % 8}-{unit % 3}",
                f"정책사업 {policy:03d}",
                f"단위사업 {unit:04d}",
                f"세부사업 {detail:05d}",
                departments[policy % 4],
                ("시비", "국비", "도비")[i % 3],
                natures[i % 3],
                budget,
                spent,
            ]
        )
        budgets += budget
        executed += spent
    writer.writerow(["합계", *[""] * 9, budgets, executed])
    return out.getvalue().encode()


def _ms(values: list[float]) -> dict:
    ms = sorted(v * 1000 for v in values)
    return {
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 1),
        "p90_ms": round(ms[max(int(len(ms) * 0.9) - 1, 0)], 1),
    }


def worker(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from cityhall.cli import DEFAULT_DATASET
    from cityhall.core.audit import Actor
    from cityhall.core.transfer import import_document, read_dataset
    from cityhall.finance.execution.importer import execution_import
    from cityhall.organisation.models import Role, RoleAssignment

    call_command("migrate", verbosity=0)
    actor = Actor.system("bench:finance")
    import_document(read_dataset(DEFAULT_DATASET), actor=actor)
    months, years = [], []
    year = 2040
    for run in range(args.runs):
        year = 2040 + run
        files = [ledger_month(year, m, args.lines) for m in range(1, 13)]
        start_year = time.perf_counter()
        for m, content in enumerate(files, start=1):
            start = time.perf_counter()
            execution_import(year=year, month=m, content=content, file_name=f"{m}.csv", actor=actor)
            months.append(time.perf_counter() - start)
        years.append(time.perf_counter() - start_year)
    start = time.perf_counter()
    execution_import(
        year=year, month=12, content=ledger_month(year, 12, args.lines), file_name="again.csv", actor=actor
    )
    replace = time.perf_counter() - start

    user = get_user_model().objects.create_user(username="bench-director")
    RoleAssignment.objects.create(user=user, role=Role.DIRECTOR)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    results = {}
    for name, url in (
        ("dashboard", f"/finance/?year={year}"),
        ("api overview", f"/api/v1/finance/execution?year={year}"),
    ):
        response = client.get(url)  # warm-up
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        times = []
        for _ in range(args.requests):
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
        results[name] = _ms(times)
    print(
        json.dumps(
            {
                "lines": args.lines,
                "rows_per_year": args.lines * 12,
                "month_import": _ms(months),
                "year_import": _ms(years),
                "month_replace_ms": round(replace * 1000, 1),
                "pages": results,
            }
        )
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_worker"]:
        return worker(argv[1:])
    from benchmarks.run import BenchError, clean_env, parse_target, run_python

    args = _parser().parse_args(argv)
    if args.smoke:
        args.lines, args.runs, args.requests = 30, 1, 3
    worker_args = ["--lines", str(args.lines), "--runs", str(args.runs), "--requests", str(args.requests)]
    targets = [parse_target(u) for u in (args.database_url or ["sqlite"])]
    measured = []
    for target in targets:
        target.probe()
        if target.skipped:
            print(f"{target.label}: not measured: {target.skipped}", file=sys.stderr)
            measured.append({"database": target.label, "skipped": target.skipped})
            continue
        print(f"{target.display()}: {args.lines} lines × 12 months × {args.runs} …", file=sys.stderr)
        with (
            tempfile.TemporaryDirectory(prefix="cityhall-bench-finance-") as data_dir,
            target.database() as url,
        ):
            env = clean_env(Path(data_dir), url)
            try:
                out = run_python(
                    ["-m", "benchmarks.finance", "_worker", *worker_args], env=env, cwd=ROOT, what="finance"
                )
            except BenchError as exc:
                print(exc, file=sys.stderr)
                return 1
        result = json.loads(out.strip().splitlines()[-1])
        result["database"] = target.display()
        measured.append(result)
    if args.json:
        print(json.dumps(measured, ensure_ascii=False, indent=2))
        return 0
    for r in measured:
        if "skipped" in r:
            continue
        print(f"\n{r['database']}: {r['lines']} lines, {r['rows_per_year']} rows a year")
        month = r["month_import"]
        print(f"  month import  median {month['median_ms']} ms (p90 {month['p90_ms']}, n {month['n']})")
        print(f"  year import   median {r['year_import']['median_ms']} ms (n {r['year_import']['n']})")
        print(f"  month replaced       {r['month_replace_ms']} ms")
        for name, p in r["pages"].items():
            flag = "  SLOW (> 200 ms)" if p["median_ms"] > SLOW_PAGE_MS else ""
            print(f"  {name:<13} median {p['median_ms']} ms (p90 {p['p90_ms']}, n {p['n']}){flag}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
