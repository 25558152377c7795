"""``cityhall bench noise``: what the noise-compensation cycle costs at the seed's size.

    cityhall bench noise [--runs N] [--smoke] [--json]

A worker process with its own environment (a temporary data directory, SQLite) migrates, loads the
Gimpo dataset and the 150 sample applicants (예시, 40,000,000 won), then measures, ``--runs`` times
each, interleaved so machine noise hits all alike:

- ``compute``: the pure computation for all 150 applicants (no database);
- ``decide``: the committee's decision (``year_decide``: 150 computed, frozen, audited), on a copy of
  the year reset between runs;
- ``year page, planning``: the year page with the 150 masked applicants (300 decryptions);
- ``year page, other``: the same page for a department without access (no list, no decryption).

It reports medians and the ratio of the planning page to the other (the cost of decrypting and
masking the list). ``--smoke``: one run of each, failing on any error (run by .ci/run).
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cityhall bench noise", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of each step (20)")
    parser.add_argument("--smoke", action="store_true", help="one run of each step, fail on any error")
    parser.add_argument("--json", action="store_true", help="machine-readable results on stdout")
    return parser


def worker(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    runs = 1 if args.smoke else max(1, args.runs)
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from datetime import date

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from cityhall.cli import DEFAULT_DATASET
    from cityhall.core.audit import Actor
    from cityhall.core.transfer import import_document, read_dataset
    from cityhall.military import services
    from cityhall.military.compensation import compute
    from cityhall.military.models import CompensationYear, NoiseApplication
    from cityhall.organisation.models import OrgUnit, Role, RoleAssignment

    call_command("migrate", verbosity=0)
    actor = Actor.system("bench:noise")
    import_document(read_dataset(DEFAULT_DATASET), actor=actor)
    year = services.samples_load(actor=actor)
    users = {}
    for name, role, unit in (
        ("planner", Role.EDITOR, "policy-planning"),
        ("other", Role.EDITOR, "smart-city"),
    ):
        users[name] = get_user_model().objects.create_user(username=f"bench-{name}")
        RoleAssignment.objects.create(user=users[name], role=role, department=OrgUnit.objects.get(code=unit))
    clients = {}
    for name, user in users.items():
        clients[name] = Client(HTTP_HOST="127.0.0.1")
        clients[name].force_login(user)
    table = services.rule_table_of(year.rule_version)
    apps = list(NoiseApplication.objects.filter(year=year))
    facts = [services.facts_of(a, year) for a in apps]
    times: dict[str, list[float]] = {"compute": [], "decide": [], "page_planning": [], "page_other": []}
    total = 0
    for _ in range(runs):
        start = time.perf_counter()
        total = sum(compute(f, table).amount for f in facts)
        times["compute"].append(time.perf_counter() - start)
        CompensationYear.objects.filter(pk=year.pk).update(state="receiving", decided_on=None)
        start = time.perf_counter()
        services.year_decide(
            year=CompensationYear.objects.get(pk=year.pk), decided_on=date(2025, 4, 22), actor=actor
        )
        times["decide"].append(time.perf_counter() - start)
        for name in ("planning", "other"):
            client = clients["planner" if name == "planning" else "other"]
            start = time.perf_counter()
            response = client.get("/military/noise/2025/")
            times[f"page_{name}"].append(time.perf_counter() - start)
            if response.status_code != 200:
                raise SystemExit(f"/military/noise/2025/ ({name}): HTTP {response.status_code}")
    if total != 40_000_000:
        raise SystemExit(f"sample total {total} != 40,000,000")
    medians = {k: statistics.median(v) * 1000 for k, v in times.items()}
    print(
        json.dumps(
            {
                "runs": runs,
                "applicants": len(apps),
                "total_won": total,
                "median_ms": {k: round(v, 2) for k, v in medians.items()},
                "ratio_planning_page_to_other": round(medians["page_planning"] / medians["page_other"], 2),
            }
        )
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_worker"]:
        return worker(argv[1:])
    args = _parser().parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cityhall-bench-noise-") as data_dir:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CITYHALL_") and k != "DATABASE_URL"}
        env["CITYHALL_DATA_DIR"] = data_dir
        print("준비 중: 마이그레이션, 데이터 적재, 예시 신청 150건…", file=sys.stderr)
        done = subprocess.run(  # noqa: S603 - this module, fixed arguments
            [sys.executable, "-m", "benchmarks.noise", "_worker", *argv],
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
    m = measured["median_ms"]
    print(
        f"신청 {measured['applicants']}건, 합계 {measured['total_won']:,}원, "
        f"{measured['runs']}회 측정 (중앙값)"
    )
    print(f"산정(순수 함수, 150건): {m['compute']:.2f} ms")
    print(f"심의 결정(150건 산정·저장·감사): {m['decide']:.2f} ms")
    print(f"연도 화면(정책기획과, 마스킹 목록): {m['page_planning']:.2f} ms")
    print(f"연도 화면(다른 부서, 목록 없음): {m['page_other']:.2f} ms")
    print(f"비율(마스킹 목록 / 목록 없음): {measured['ratio_planning_page_to_other']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
