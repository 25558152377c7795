"""``cityhall bench``: load and API benchmarks (see benchmarks/README.md).

Every measured database runs in its own subprocess with its own environment (settings read
``CITYHALL_DATA_DIR`` and ``DATABASE_URL`` at import time): a temporary data directory for SQLite, a
throwaway database (created and dropped here) for PostgreSQL. All traffic stays on the loopback
interface.

    cityhall bench load [--runs N] [--database-url URL ...] [--json]
    cityhall bench api [--requests N] [--database-url URL ...] [--json]
    cityhall bench all [--runs N] [--requests N] [--database-url URL ...] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import platform
import re
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

DATASET = "gimpo-2025"
LOOPBACK = "127.0.0.1"
LOCAL_HOSTS = {None, "", "127.0.0.1", "localhost", "::1"}
SQLITE = "sqlite"
PG_SCHEMES = {"postgres", "postgresql", "pgsql"}
MAX_COUNT = 100_000  # upper bound for --runs and --requests
WORKER_TIMEOUT = 900.0  # s, one load run or one CLI step
SERVER_START_TIMEOUT = 60.0  # s
SERVER_START_ATTEMPTS = 3
REQUEST_TIMEOUT = 30.0  # s
BLOCK = 25  # requests to one endpoint before moving to the next (interleaved rounds)
FIGURES_QUERY = "정원"  # matches the staffing figures (label "… 정원 …")
BASELINE = "me"


class BenchError(Exception):
    """A benchmark step failed; the message says which and why."""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- statistics -------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(values: list[float]) -> dict[str, float | int]:
    return {
        "n": len(values),
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
        "mean": round(statistics.fmean(values), 3),
    }


# -- targets: the embedded SQLite default or a loopback PostgreSQL ----------------------------------


@dataclass
class Target:
    """One database to measure. ``url`` is None for the embedded SQLite default."""

    label: str
    url: str | None = None
    skipped: str | None = None  # why this target is not measured (e.g. PostgreSQL unreachable)
    server_version: str | None = None

    @property
    def is_postgres(self) -> bool:
        return self.url is not None

    def display(self) -> str:
        if self.url is None:
            return f"SQLite {sqlite3.sqlite_version} (temporary file, WAL)"
        parts = urlsplit(self.url)
        host = parts.hostname or "local socket"
        port = f":{parts.port}" if parts.port else ""
        user = f"{parts.username}@" if parts.username else ""
        version = f" {self.server_version}" if self.server_version else ""
        return f"PostgreSQL{version} ({user}{host}{port}, throwaway database)"

    def _with_database(self, name: str, *, scheme: str | None = None) -> str:
        assert self.url is not None
        parts = urlsplit(self.url)
        return urlunsplit((scheme or parts.scheme, parts.netloc, "/" + name, parts.query, ""))

    def _prefix(self) -> str:
        assert self.url is not None
        name = urlsplit(self.url).path.lstrip("/") or "cityhall"
        return (re.sub(r"[^a-z0-9_]", "_", name.lower()) or "cityhall")[:30]

    def _admin(self):
        """An autocommit connection to the server's maintenance database."""
        import psycopg

        return psycopg.connect(
            self._with_database("postgres", scheme="postgresql"), autocommit=True, connect_timeout=5
        )

    def probe(self) -> None:
        """Set ``skipped`` if PostgreSQL cannot be reached (or psycopg is missing)."""
        if self.url is None:
            return
        try:
            import psycopg
        except ImportError:
            self.skipped = "psycopg is not installed (pip install 'cityhall[postgres]')"
            return
        try:
            with self._admin() as conn:
                row = conn.execute("SHOW server_version").fetchone()
                self.server_version = row[0].split()[0] if row else None
        except psycopg.Error as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            self.skipped = f"PostgreSQL is unreachable: {reason}"

    @contextlib.contextmanager
    def database(self) -> Iterator[str | None]:
        """A fresh, empty database for one run: yields its DATABASE_URL (None for SQLite, whose
        fresh file lives in the run's temporary data directory). A PostgreSQL one is dropped after."""
        if self.url is None:
            yield None
            return
        from psycopg import sql

        name = f"{self._prefix()}_bench_{os.getpid()}_{secrets.token_hex(4)}"
        with self._admin() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield self._with_database(name)
        finally:
            try:
                with self._admin() as conn:
                    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                    conn.execute(drop.format(sql.Identifier(name)))
            except Exception as exc:  # report, never mask the benchmark's own outcome
                log(f"  warning: could not drop throwaway database {name}: {exc}")


def parse_target(value: str) -> Target:
    if value.lower() == SQLITE:
        return Target(label="sqlite")
    parts = urlsplit(value)
    if parts.scheme not in PG_SCHEMES:
        raise argparse.ArgumentTypeError(f"expected 'sqlite' or a postgresql:// URL, not {value!r}")
    if parts.hostname not in LOCAL_HOSTS:
        raise argparse.ArgumentTypeError(
            f"only a local PostgreSQL is supported (127.0.0.1, localhost, ::1), not {parts.hostname!r}"
        )
    return Target(label="postgresql", url=value)


# -- subprocesses -----------------------------------------------------------------------------------


def clean_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    """The parent's environment without any CITYHALL_* or DATABASE_URL setting, plus this run's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITYHALL_") and k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        CITYHALL_DATA_DIR=str(data_dir),
        PYTHONUNBUFFERED="1",
        PYTHONIOENCODING="utf-8",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def run_python(args: list[str], *, env: dict[str, str], cwd: Path, what: str) -> str:
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and modules, no shell
            [sys.executable, *args],
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=WORKER_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"{what}: no result within {WORKER_TIMEOUT:.0f} s") from exc
    if done.returncode != 0:
        raise BenchError(f"{what} failed (exit {done.returncode}):\n{_tail(done.stderr or done.stdout)}")
    return done.stdout


def run_cli(args: list[str], *, env: dict[str, str], cwd: Path) -> str:
    return run_python(["-m", "cityhall.cli", *args], env=env, cwd=cwd, what=f"cityhall {' '.join(args)}")


# -- load benchmark ---------------------------------------------------------------------------------


def load_worker(argv: list[str]) -> int:
    """One load run in a fresh process against a fresh, empty database (set up by the parent)."""
    parser = argparse.ArgumentParser(prog="benchmarks.run _load-worker")
    parser.add_argument("--out", required=True)
    parser.add_argument("--repeat", type=int, default=0, help="then time export/check_plan this often")
    args = parser.parse_args(argv)
    repeat = max(0, min(args.repeat, MAX_COUNT))

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    t = time.perf_counter()
    import django

    django.setup()
    from django.core.management import call_command

    from cityhall.core.audit import Actor
    from cityhall.core.transfer import database_is_empty, export_document, import_document, read_dataset
    from cityhall.plans.checks import check_plan

    result: dict[str, Any] = {"setup_ms": (time.perf_counter() - t) * 1000}
    t = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    result["migrate_ms"] = (time.perf_counter() - t) * 1000
    if not database_is_empty():
        raise SystemExit("the database is not empty after migrate")

    t = time.perf_counter()
    doc = read_dataset(DATASET)
    t_parsed = time.perf_counter()
    report = import_document(doc, actor=Actor.system(f"bench:load {DATASET}"))
    t_imported = time.perf_counter()
    result["parse_ms"] = (t_parsed - t) * 1000
    result["import_ms"] = (t_imported - t_parsed) * 1000
    result["records"] = sum(report.counts.values())

    if repeat:
        exported = export_document()  # warm-up call, not timed
        result["exported_records"] = sum(len(v) for v in exported.values() if isinstance(v, list))
        result["mismatches"] = len(check_plan())
        result["export_ms"] = []
        result["check_plan_ms"] = []
        for _ in range(repeat):
            t = time.perf_counter()
            export_document()
            result["export_ms"].append((time.perf_counter() - t) * 1000)
        for _ in range(repeat):
            t = time.perf_counter()
            check_plan()
            result["check_plan_ms"].append((time.perf_counter() - t) * 1000)
    Path(args.out).write_text(json.dumps(result), encoding="utf-8")
    return 0


def bench_load(target: Target, runs: int) -> dict[str, Any]:
    """``runs`` measured runs (plus one discarded warm-up run), each a fresh process and database."""
    samples: dict[str, list[float]] = {"setup": [], "migrate": [], "parse": [], "import": [], "load": []}
    last: dict[str, Any] = {}
    for i in range(runs + 1):
        final = i == runs
        label = "warm-up" if i == 0 else f"run {i}/{runs}"
        log(f"  [{target.label}] load {label}")
        with tempfile.TemporaryDirectory(prefix="cityhall-bench-load-") as tmp, target.database() as url:
            out = Path(tmp) / "result.json"
            repeat = str(runs if final else 0)
            run_python(
                ["-m", "benchmarks.run", "_load-worker", "--out", str(out), "--repeat", repeat],
                env=clean_env(Path(tmp), url),
                cwd=Path(tmp),
                what=f"load {label}",
            )
            result = json.loads(out.read_text(encoding="utf-8"))
        if i == 0:
            continue
        for key in ("setup", "migrate", "parse", "import"):
            samples[key].append(result[f"{key}_ms"])
        samples["load"].append(result["parse_ms"] + result["import_ms"])
        last = result
    return {
        "runs": runs,
        "records": last["records"],
        "exported_records": last["exported_records"],
        "check_plan_mismatches": last["mismatches"],
        "ms": {
            **{key: summary(values) for key, values in samples.items()},
            "export_document": summary(last["export_ms"]),
            "check_plan": summary(last["check_plan_ms"]),
        },
    }


# -- API benchmark ----------------------------------------------------------------------------------


class Client:
    """Sequential GETs over one keep-alive HTTP/1.1 connection to the loopback server."""

    def __init__(self, port: int, token: str | None = None):
        self.port = port
        self.headers = {"Accept": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.conn: http.client.HTTPConnection | None = None
        self.connections = 0

    def get(self, path: str) -> tuple[int, bytes]:
        for attempt in range(2):  # one reconnect if the server closed an idle connection
            if self.conn is None:
                self.conn = http.client.HTTPConnection(LOOPBACK, self.port, timeout=REQUEST_TIMEOUT)
                self.connections += 1
            try:
                self.conn.request("GET", path, headers=self.headers)
                response = self.conn.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt:
                    raise
                continue
            if response.will_close:
                self.close()
            return response.status, body
        raise AssertionError("unreachable")

    def get_json(self, path: str) -> Any:
        status, body = self.get(path)
        if status != 200:
            raise BenchError(f"GET {path}: HTTP {status}: {body[:300].decode('utf-8', 'replace')}")
        return json.loads(body)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def wait_ready(server: subprocess.Popen, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    probe = Client(port)
    try:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                text = log_path.read_text(encoding="utf-8", errors="replace")
                raise BenchError(f"the server exited ({server.returncode}):\n{_tail(text)}")
            try:
                status, _ = probe.get("/api/v1/openapi.json")
                if status == 200:
                    return
            except OSError:
                probe.close()
            time.sleep(0.1)
    finally:
        probe.close()
    raise BenchError(f"the server did not answer on port {port} within {SERVER_START_TIMEOUT:.0f} s")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


@contextlib.contextmanager
def running_server(env: dict[str, str], cwd: Path) -> Iterator[int]:
    """``cityhall serve`` (waitress) on a free loopback port; always terminated on exit."""
    for attempt in range(1, SERVER_START_ATTEMPTS + 1):
        port = free_port()
        log_path = cwd / f"server-{attempt}.log"
        with log_path.open("wb") as log_file:
            server = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
                [sys.executable, "-m", "cityhall.cli", "serve", "--host", LOOPBACK, "--port", str(port)],
                env=env,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        try:
            try:
                wait_ready(server, port, log_path)
            except BenchError:
                if attempt < SERVER_START_ATTEMPTS and server.poll() is not None:
                    continue  # most likely the port was taken in between: try another one
                raise
            yield port
            return
        finally:
            stop(server)


def endpoints(client: Client) -> dict[str, str]:
    """Name → path of the measured endpoints; ids are taken from the loaded data."""
    program = client.get_json("/api/v1/programs/?limit=1")["items"][0]["id"]
    task = client.get_json("/api/v1/work-plan-tasks/?limit=1")["items"][0]["id"]
    return {
        BASELINE: "/api/v1/me",
        "programs list (limit 50)": "/api/v1/programs/?limit=50",
        "task-items list (limit 100)": "/api/v1/task-items/?limit=100",
        "program detail": f"/api/v1/programs/{program}",
        "work-plan-task detail": f"/api/v1/work-plan-tasks/{task}",
        f"figures search (q={FIGURES_QUERY})": f"/api/v1/figures/?q={quote(FIGURES_QUERY)}",
        "openapi.json": "/api/v1/openapi.json",
    }


def _items(body: bytes) -> int | None:
    data = json.loads(body)
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        return len(data["items"])
    return None


def measure(client: Client, paths: dict[str, str], requests: int, warmup: int) -> dict[str, dict[str, Any]]:
    """Interleaved rounds of BLOCK requests per endpoint, so drift on a shared machine hits all alike."""

    def one(path: str) -> tuple[float, bytes]:
        t = time.perf_counter()
        status, body = client.get(path)
        elapsed = (time.perf_counter() - t) * 1000
        if status != 200:
            raise BenchError(f"GET {path}: HTTP {status}: {body[:300].decode('utf-8', 'replace')}")
        return elapsed, body

    shape: dict[str, tuple[int, int | None]] = {}
    for name, path in paths.items():
        _, body = one(path)
        shape[name] = (len(body), _items(body))
    for _ in range(warmup):
        for path in paths.values():
            one(path)

    times: dict[str, list[float]] = {name: [] for name in paths}
    remaining = dict.fromkeys(paths, requests)
    rounds = math.ceil(requests / BLOCK)
    for _ in range(rounds):
        for name, path in paths.items():
            count = min(BLOCK, remaining[name])
            for _ in range(count):
                times[name].append(one(path)[0])
            remaining[name] -= count

    baseline = statistics.median(times[BASELINE])
    out: dict[str, dict[str, Any]] = {}
    for name, values in times.items():
        median = statistics.median(values)
        out[name] = {
            "path": paths[name],
            "requests": len(values),
            "median_ms": round(median, 3),
            "p95_ms": round(percentile(values, 95), 3),
            "p99_ms": round(percentile(values, 99), 3),
            "min_ms": round(min(values), 3),
            "max_ms": round(max(values), 3),
            "requests_per_s": round(len(values) / (sum(values) / 1000), 1),
            "ratio_to_baseline": round(median / baseline, 3),
            "bytes": shape[name][0],
            "items": shape[name][1],
        }
    return out


def bench_api(target: Target, requests: int) -> dict[str, Any]:
    warmup = max(10, min(requests // 10, 100))
    with tempfile.TemporaryDirectory(prefix="cityhall-bench-api-") as tmp, target.database() as url:
        cwd = Path(tmp)
        env = clean_env(cwd, url)
        log(f"  [{target.label}] api: cityhall demo --no-serve")
        run_cli(["demo", "--no-serve"], env=env, cwd=cwd)
        token = run_cli(["token", "admin", "--name", "bench"], env=env, cwd=cwd).strip().splitlines()[-1]
        with running_server(env, cwd) as port:
            client = Client(port, token)
            try:
                paths = endpoints(client)
                log(
                    f"  [{target.label}] api: {len(paths)} endpoints x ({warmup} warm-up + {requests}) "
                    f"requests on 127.0.0.1:{port}"
                )
                results = measure(client, paths, requests, warmup)
            finally:
                client.close()
    return {
        "requests": requests,
        "warmup": warmup,
        "connections": client.connections,
        "baseline": BASELINE,
        "endpoints": results,
    }


# -- output -----------------------------------------------------------------------------------------


def width(text: str) -> int:
    """Columns a string takes in a terminal (Hangul and other wide characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(width(h), *(width(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        first = cells[0] + " " * (widths[0] - width(cells[0]))
        rest = [" " * (w - width(c)) + c for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def ms(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def not_measured(result: dict[str, Any]) -> bool:
    if "skipped" in result:
        print(f"  skipped: {result['skipped']}")
    elif "error" in result:
        print(f"  FAILED: {result['error']}")
    else:
        return False
    return True


LOAD_ROWS = [
    ("setup", "django.setup() (per process)"),
    ("migrate", "migrate (empty schema)"),
    ("parse", "parse (read_dataset, YAML)"),
    ("import", "import (import_document)"),
    ("load", "parse + import"),
    ("export_document", "export_document()"),
    ("check_plan", "check_plan()"),
]


def print_load(target: Target, result: dict[str, Any]) -> None:
    print(f"\nLoad '{DATASET}' into an empty database: {target.display()}")
    if not_measured(result):
        return
    rows = []
    for key, label in LOAD_ROWS:
        s = result["ms"][key]
        rows.append([label, ms(s["median"]), ms(s["min"]), ms(s["max"]), str(s["n"])])
    print(table(["step (ms)", "median", "min", "max", "n"], rows))
    print(
        f"  records imported {result['records']:,}, exported {result['exported_records']:,}; "
        f"check_plan mismatches {result['check_plan_mismatches']} (findings in the data, not errors)"
    )
    print(
        f"  each run: a fresh process and database; one warm-up run discarded; export/check_plan "
        f"timed {result['runs']}x after one warm-up call on the last run's database"
    )


def print_api(target: Target, result: dict[str, Any]) -> None:
    print(f"\nAPI over HTTP (waitress, loopback): {target.display()}")
    if not_measured(result):
        return
    rows = []
    for name, r in result["endpoints"].items():
        rows.append(
            [
                f"{name} (baseline)" if name == result["baseline"] else name,
                ms(r["median_ms"]),
                ms(r["p95_ms"]),
                ms(r["p99_ms"]),
                f"{r['requests_per_s']:,.0f}",
                f"{r['ratio_to_baseline']:.2f}x",
                "" if r["items"] is None else str(r["items"]),
                f"{r['bytes']:,}",
            ]
        )
    print(table(["endpoint", "median ms", "p95 ms", "p99 ms", "req/s", "vs /me", "items", "bytes"], rows))
    print(
        f"  {result['requests']} sequential requests per endpoint after {result['warmup']} warm-up, "
        f"interleaved in blocks of {BLOCK}; HTTP connections opened: {result['connections']}"
    )


def loadavg() -> list[float] | None:
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None


LOADAVG_START: list[float] | None = None


def meta(targets: list[Target]) -> dict[str, Any]:
    def version(dist: str) -> str | None:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return None

    return {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "loadavg_start": LOADAVG_START,
        "loadavg_end": loadavg(),
        "versions": {d: version(d) for d in ("cityhall", "Django", "django-ninja", "waitress", "psycopg")},
        "sqlite": sqlite3.sqlite_version,
        "databases": {t.label: t.display() for t in targets},
    }


# -- command line -----------------------------------------------------------------------------------


def count(value: str) -> int:
    n = int(value)
    if not 1 <= n <= MAX_COUNT:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_COUNT:,}")
    return n


def build_parser() -> argparse.ArgumentParser:
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument(
        "--database-url",
        dest="targets",
        action="append",
        type=parse_target,
        metavar="URL",
        help="'sqlite' (default) or postgresql://user@127.0.0.1:5432/NAME; repeat to measure several. "
        "PostgreSQL gets throwaway databases NAME_bench_* that are dropped afterwards",
    )
    shared.add_argument("--json", action="store_true", help="print machine-readable results")
    runs = argparse.ArgumentParser(add_help=False)
    runs.add_argument("--runs", type=count, default=5, help="load runs per database (default 5)")
    reqs = argparse.ArgumentParser(add_help=False)
    reqs.add_argument("--requests", type=count, default=500, help="requests per endpoint (default 500)")

    parser = argparse.ArgumentParser(prog="cityhall bench", description="cityhall benchmarks")
    sub = parser.add_subparsers(dest="suite", required=True)
    sub.add_parser("load", parents=[shared, runs], help="empty database → loaded dataset; export; check")
    sub.add_parser("api", parents=[shared, reqs], help="REST API latency over HTTP")
    sub.add_parser("all", parents=[shared, runs, reqs], help="load and api")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_load-worker"]:
        return load_worker(argv[1:])
    args = build_parser().parse_args(argv)
    global LOADAVG_START
    LOADAVG_START = loadavg()
    targets: list[Target] = args.targets or [Target(label="sqlite")]
    labels = [t.label for t in targets]
    for target in targets:
        if labels.count(target.label) > 1:  # two PostgreSQL URLs: tell them apart
            target.label = f"{target.label}-{targets.index(target) + 1}"
    for target in targets:
        target.probe()
        if target.skipped:
            log(f"{target.label}: {target.skipped}; skipping it.")

    suites = ["load", "api"] if args.suite == "all" else [args.suite]
    results: dict[str, dict[str, Any]] = {suite: {} for suite in suites}
    failed = False
    for suite in suites:
        for target in targets:
            if target.skipped:
                results[suite][target.label] = {"skipped": target.skipped}
                continue
            log(f"{suite} on {target.display()}")
            try:
                if suite == "load":
                    results[suite][target.label] = bench_load(target, args.runs)
                else:
                    results[suite][target.label] = bench_api(target, args.requests)
            except Exception as exc:  # one failing database or suite does not hide the others' results
                failed = True
                log(f"  FAILED: {exc}")
                results[suite][target.label] = {"error": f"{type(exc).__name__}: {exc}"}

    if args.json:
        print(json.dumps({"meta": meta(targets), **results}, ensure_ascii=False, indent=1))
    else:
        info = meta(targets)
        print(
            f"cityhall {info['versions']['cityhall']}, Python {info['python']}, {info['cpus']} CPUs; "
            f"load average (1/5/15 min) at start {info['loadavg_start']}, at end {info['loadavg_end']}"
        )
        for suite in suites:
            for target in targets:
                (print_load if suite == "load" else print_api)(target, results[suite][target.label])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
