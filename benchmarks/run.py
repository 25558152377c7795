"""``cityhall bench``: load, API and web page benchmarks (see benchmarks/README.md).

Every measured database runs in its own subprocess with its own environment (settings read
``CITYHALL_DATA_DIR`` and ``DATABASE_URL`` at import time): a temporary data directory for SQLite, a
throwaway database (created and dropped here) for PostgreSQL. All traffic stays on the loopback
interface.

    cityhall bench load [--runs N] [--database-url URL ...] [--smoke] [--json]
    cityhall bench api [--requests N] [--scale N ...] [--database-url URL ...] [--smoke] [--json]
    cityhall bench pages [--requests N] [--scale N ...] [--database-url URL ...] [--smoke] [--json]
    cityhall bench all [--runs N] [--requests N] [--scale N ...] [--database-url URL ...] [--smoke] [--json]

``--scale N``: the demo plus N times the data (benchmarks/synthetic.py); ``--smoke``: every step once
at tiny sizes, failing on any error or answer other than 200 (run by .ci/run).
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
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

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
API_REQUESTS = 500  # default requests per API endpoint
PAGE_REQUESTS = 100  # default requests per web page
API_USER = "admin"  # a demo account that may read every record type
PAGE_USER = "director"  # a demo account (password: cityhall.organisation.demo.DEMO_PASSWORD)
LOGIN_PATH = "/accounts/login/"  # the pages' baseline: a template render without data
READY_PATH = LOGIN_PATH  # public, so readiness does not depend on what signing in unlocks
PROGRAM_QUERY = "스마트가로등"  # finds the program below through the API
PROGRAM_CODE = "smart-city-p1"  # 스마트가로등 운영
SEARCH_QUERY = "가로등"
SLOW_PAGE_MS = 200.0  # a page whose median exceeds this is flagged


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
    def database(self, template: str | None = None) -> Iterator[str | None]:
        """A fresh database for one run, empty or a copy of the database ``template`` (a URL from an
        earlier call): yields its DATABASE_URL (None for SQLite, whose fresh file lives in the run's
        temporary data directory). A PostgreSQL one is dropped after."""
        if self.url is None:
            yield None
            return
        from psycopg import sql

        name = f"{self._prefix()}_bench_{os.getpid()}_{secrets.token_hex(4)}"
        create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            source = sql.Identifier(urlsplit(template).path.lstrip("/"))
            create = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), source)
        with self._admin() as conn:
            conn.execute(create)
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


def bench_load(target: Target, runs: int, *, warmup: bool = True) -> dict[str, Any]:
    """``runs`` measured runs (plus one discarded warm-up run), each a fresh process and database."""
    samples: dict[str, list[float]] = {"setup": [], "migrate": [], "parse": [], "import": [], "load": []}
    last: dict[str, Any] = {}
    for i in range(0 if warmup else 1, runs + 1):
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
        "warmup": warmup,
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
    """Sequential requests over one keep-alive HTTP/1.1 connection to the loopback server.

    With ``cookies`` it keeps the cookies the server sets and sends them back, as a browser does
    (csrftoken, sessionid); without, it sends none."""

    def __init__(
        self, port: int, token: str | None = None, *, accept: str = "application/json", cookies: bool = False
    ):
        self.port = port
        self.headers = {"Accept": accept}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.cookies: dict[str, str] | None = {} if cookies else None
        self.conn: http.client.HTTPConnection | None = None
        self.connections = 0

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        headers = {**self.headers, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        for attempt in range(2):  # one reconnect if the server closed an idle connection
            if self.conn is None:
                self.conn = http.client.HTTPConnection(LOOPBACK, self.port, timeout=REQUEST_TIMEOUT)
                self.connections += 1
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                content = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt:
                    raise
                continue
            if response.will_close:
                self.close()
            self._keep_cookies(response)
            return response.status, content
        raise AssertionError("unreachable")

    def get(self, path: str) -> tuple[int, bytes]:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, bytes]:
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", path, urlencode(fields).encode(), form)

    def _keep_cookies(self, response: http.client.HTTPResponse) -> None:
        if self.cookies is None:
            return
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":  # how Django deletes a cookie
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

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
                # The login form is public and renders a template: the server is up and Django answers.
                status, _ = probe.get(READY_PATH)
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


@dataclass
class DemoServer:
    """``cityhall serve`` running on a demo database, with an API token (see :func:`demo_server`)."""

    port: int
    token: str
    env: dict[str, str]
    cwd: Path


# Per database, the data directory and database where ``cityhall demo --no-serve`` ran once in this
# process: every benchmark server starts from a copy of it. Removed when ``main`` ends.
DEMO_TEMPLATES: dict[str, tuple[Path, str | None]] = {}
CLEANUP = contextlib.ExitStack()
SQLITE_FILES = ("cityhall.sqlite3", "cityhall.sqlite3-wal", "secret_key")


def demo_template(target: Target) -> tuple[Path, str | None]:
    if target.label not in DEMO_TEMPLATES:
        tmp = Path(CLEANUP.enter_context(tempfile.TemporaryDirectory(prefix="cityhall-bench-demo-")))
        url = CLEANUP.enter_context(target.database())
        log(f"  [{target.label}] cityhall demo --no-serve (copied for every server)")
        run_cli(["demo", "--no-serve"], env=clean_env(tmp, url), cwd=tmp)
        DEMO_TEMPLATES[target.label] = (tmp, url)
    return DEMO_TEMPLATES[target.label]


@contextlib.contextmanager
def demo_server(target: Target, suite: str, username: str, scale: int = 1) -> Iterator[DemoServer]:
    """A temporary data directory and a fresh copy of the demo database (``cityhall demo --no-serve``),
    the synthetic data of ``scale`` (benchmarks/synthetic.py), an API token for ``username``, then the
    server. On exit the server is terminated and the rest removed."""
    template_dir, template_url = demo_template(target)
    with (
        tempfile.TemporaryDirectory(prefix=f"cityhall-bench-{suite}-") as tmp,
        target.database(template=template_url) as url,
    ):
        cwd = Path(tmp)
        env = clean_env(cwd, url)
        for name in SQLITE_FILES:  # the SQLite database (and the key that signs its sessions)
            if (template_dir / name).exists():
                shutil.copy2(template_dir / name, cwd / name)
        t = time.perf_counter()
        out = run_python(
            ["-m", "benchmarks.synthetic", "--scale", str(scale)],
            env=env,
            cwd=cwd,
            what=f"synthetic x{scale}",
        )
        log(f"  [{target.label}] {suite}: scale {scale}: {out.strip()} ({time.perf_counter() - t:.1f} s)")
        token = run_cli(["token", username, "--name", "bench"], env=env, cwd=cwd).strip().splitlines()[-1]
        with running_server(env, cwd) as port:
            yield DemoServer(port=port, token=token, env=env, cwd=cwd)


def warmup_for(requests: int) -> int:
    return max(10, min(requests // 10, 100))


@dataclass
class Sizes:
    """How much to ask: requests per endpoint or page, warm-up requests, and the data's scale."""

    requests: int
    warmup: int
    scale: int = 1


OPENAPI = "openapi.json (signed in)"


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
        OPENAPI: "/api/v1/openapi.json",
    }


def _items(body: bytes) -> int | None:
    try:
        data = json.loads(body)
    except ValueError:  # a web page or a download
        return None
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        return len(data["items"])
    return None


Route = tuple[Client, str]  # the client that asks, and the path it asks for


def measure(
    routes: dict[str, Route], requests: int, warmup: int, *, baseline: str = BASELINE, strict: bool = True
) -> dict[str, dict[str, Any]]:
    """Interleaved rounds of BLOCK requests per endpoint, so drift on a shared machine hits all alike.

    Every answer must be 200. Unless ``strict``, an endpoint other than the baseline that answers
    anything else is reported with that status (and not asked again) while the others carry on."""
    statuses: dict[str, int] = {}  # endpoints that answered other than 200

    def one(name: str) -> tuple[float, bytes] | None:
        client, path = routes[name]
        t = time.perf_counter()
        status, body = client.get(path)
        elapsed = (time.perf_counter() - t) * 1000
        if status == 200:
            return elapsed, body
        if strict or name == baseline:
            raise BenchError(f"GET {path}: HTTP {status}: {body[:300].decode('utf-8', 'replace')}")
        log(f"  GET {path}: HTTP {status}; reported as such, not measured")
        statuses[name] = status
        return None

    def live() -> list[str]:
        return [name for name in routes if name not in statuses]

    shape: dict[str, tuple[int, int | None]] = {}
    for name in routes:
        answer = one(name)
        if answer is not None:
            shape[name] = (len(answer[1]), _items(answer[1]))
    for _ in range(warmup):
        for name in live():
            one(name)

    times: dict[str, list[float]] = {name: [] for name in routes}
    remaining = dict.fromkeys(routes, requests)
    rounds = math.ceil(requests / BLOCK)
    for _ in range(rounds):
        for name in live():
            count = min(BLOCK, remaining[name])
            for _ in range(count):
                answer = one(name)
                if answer is None:
                    break
                times[name].append(answer[0])
            remaining[name] -= count

    baseline_median = statistics.median(times[baseline])
    out: dict[str, dict[str, Any]] = {}
    for name, values in times.items():
        path = routes[name][1]
        if name in statuses:
            out[name] = {"path": path, "status": statuses[name], "requests": len(values)}
            continue
        median = statistics.median(values)
        out[name] = {
            "path": path,
            "status": 200,
            "requests": len(values),
            "median_ms": round(median, 3),
            "p95_ms": round(percentile(values, 95), 3),
            "p99_ms": round(percentile(values, 99), 3),
            "min_ms": round(min(values), 3),
            "max_ms": round(max(values), 3),
            "requests_per_s": round(len(values) / (sum(values) / 1000), 1),
            "ratio_to_baseline": round(median / baseline_median, 3),
            "bytes": shape[name][0],
            "items": shape[name][1],
        }
    return out


def bench_api(target: Target, sizes: Sizes) -> dict[str, Any]:
    requests, warmup = sizes.requests, sizes.warmup
    with demo_server(target, "api", API_USER, sizes.scale) as server:
        client = Client(server.port, server.token)
        # The schema is for signed-in staff: asked with a session, as the API's own docs page does.
        session = Client(server.port, cookies=True)
        try:
            paths = endpoints(client)
            log_in(session, API_USER, demo_password(server))
            log(
                f"  [{target.label}] api: {len(paths)} endpoints x ({warmup} warm-up + {requests}) "
                f"requests on 127.0.0.1:{server.port}, scale {sizes.scale}"
            )
            routes = {name: (session if name == OPENAPI else client, path) for name, path in paths.items()}
            results = measure(routes, requests, warmup)
        finally:
            client.close()
            session.close()
    return {
        "requests": requests,
        "warmup": warmup,
        "scale": sizes.scale,
        "connections": client.connections + session.connections,
        "baseline": BASELINE,
        "endpoints": results,
    }


# -- web page benchmark -----------------------------------------------------------------------------

HTML_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
# The measured pages as a person reads them, in this order. {placeholders}: ids and codes of records
# the API finds (see ``pages``): {program} is PROGRAM_CODE, the others the first of their list.
PAGES = (
    LOGIN_PATH,
    "/",
    "/organisation/",
    "/organisation/diagnosis/",
    "/departments/smart-city/",
    "/departments/budget-legal/",
    "/teams/traffic-info/",
    "/tasks/",
    "/tasks/smart-city-2/",
    "/calendar/",
    f"/search/?q={SEARCH_QUERY}",
    "/records/programs/",
    "/records/programs/{program}/",
    "/records/programs/{program}/history/",
    "/records/pledge-checkins/",
    "/records/repair-orders/",
    "/pledges/",
    "/pledges/{pledge}/",
    "/pledges/rounds/",
    "/pledges/rounds/{round}/",
    "/pledges/rounds/{round}/review/",
    "/performance/",
    "/streetlights/",
    "/streetlights/sites/{site}/",
    "/streetlights/lights/{light}/",
    "/streetlights/repairs/",
    "/streetlights/repairs/?status=all",
    "/streetlights/repairs/{repair}/",
    "/streetlights/energy/",
    "/public/",
    "/public/pledges/",
    "/reports/office-summary.xlsx",
    "/reports/departments/smart-city-plan.xlsx",
    "/records/programs/?format=xlsx",
)
ANONYMOUS_PAGES = frozenset(
    {"/public/", "/public/pledges/"}
)  # asked without cookies, on a connection of their own
# placeholder → (API list, the field of its first item); the program is looked up by PROGRAM_QUERY
FIRST_OF = {
    "pledge": ("/api/v1/pledges/?limit=1", "code"),
    "round": ("/api/v1/checkin-rounds/?limit=1", "id"),
    "site": ("/api/v1/streetlight-sites/?limit=1", "code"),
    "light": ("/api/v1/streetlights/?limit=1", "code"),
    "repair": ("/api/v1/repair-orders/?limit=1", "number"),
}


def pages(api: Client) -> dict[str, str]:
    """Name (the page as a person reads it) → path as sent; ids and codes come from the API."""
    found = api.get_json(f"/api/v1/programs/?q={quote(PROGRAM_QUERY)}")["items"]
    ids = [item["id"] for item in found if item.get("code") == PROGRAM_CODE]
    if not ids:
        raise BenchError(f"/api/v1/programs/?q={PROGRAM_QUERY} did not find the program {PROGRAM_CODE}")
    values: dict[str, Any] = {"program": ids[0]}
    for key, (path, field) in FIRST_OF.items():
        items = api.get_json(path)["items"]
        if not items:
            raise BenchError(f"{path} found nothing: the page with {{{key}}} cannot be measured")
        values[key] = items[0][field]
    names = [page.format(**values) for page in PAGES]
    return {name: quote(name, safe="/?=&") for name in names}


def demo_password(server: DemoServer) -> str:
    """``cityhall.organisation.demo.DEMO_PASSWORD``, read in a child process: the module needs Django
    set up, which this process must not do (its settings would follow the caller's environment)."""
    code = (
        "import json, django; django.setup(); "
        "from cityhall.organisation.demo import DEMO_PASSWORD; print(json.dumps(DEMO_PASSWORD))"
    )
    out = run_python(["-c", code], env=server.env, cwd=server.cwd, what="reading DEMO_PASSWORD")
    return json.loads(out.strip().splitlines()[-1])


def log_in(client: Client, username: str, password: str) -> None:
    """Log in as a browser does: GET the login form (csrftoken cookie, CSRF token in the form), POST
    it back; ``client`` keeps the session cookie."""
    status, body = client.get(LOGIN_PATH)
    match = CSRF_INPUT.search(body)
    cookies = client.cookies if client.cookies is not None else {}
    if status != 200 or match is None or "csrftoken" not in cookies:
        raise BenchError(f"GET {LOGIN_PATH}: HTTP {status}; expected a login form, a CSRF token and cookie")
    fields = {
        "csrfmiddlewaretoken": match.group(1).decode(),
        "username": username,
        "password": password,
        "next": "/",
    }
    status, _ = client.post_form(LOGIN_PATH, fields)
    if status != 302 or "sessionid" not in cookies:
        raise BenchError(
            f"logging in as {username} failed: POST {LOGIN_PATH} answered HTTP {status} "
            f"{'with' if 'sessionid' in cookies else 'without'} a sessionid cookie (expected 302 with one)"
        )


def bench_pages(target: Target, sizes: Sizes) -> dict[str, Any]:
    requests, warmup = sizes.requests, sizes.warmup
    with demo_server(target, "pages", PAGE_USER, sizes.scale) as server:
        password = demo_password(server)
        api = Client(server.port, server.token)
        session = Client(server.port, accept=HTML_ACCEPT, cookies=True)
        anonymous = Client(server.port, accept=HTML_ACCEPT)
        try:
            paths = pages(api)
            log_in(session, PAGE_USER, password)
            log(
                f"  [{target.label}] pages: {len(paths)} pages x ({warmup} warm-up + {requests}) "
                f"requests on 127.0.0.1:{server.port}, logged in as {PAGE_USER}, scale {sizes.scale}"
            )
            client_for = {name: anonymous if name in ANONYMOUS_PAGES else session for name in paths}
            routes = {name: (client_for[name], path) for name, path in paths.items()}
            results = measure(routes, requests, warmup, baseline=LOGIN_PATH, strict=False)
        finally:
            for client in (api, session, anonymous):
                client.close()
    for name, r in results.items():
        r.pop("items", None)  # pages and downloads are not JSON lists
        r["anonymous"] = name in ANONYMOUS_PAGES
        r["slow"] = r["status"] == 200 and r["median_ms"] > SLOW_PAGE_MS
    return {
        "requests": requests,
        "warmup": warmup,
        "scale": sizes.scale,
        "user": PAGE_USER,
        "connections": {"session": session.connections, "anonymous": anonymous.connections},
        "baseline": LOGIN_PATH,
        "slow_ms": SLOW_PAGE_MS,
        "slow": [name for name, r in results.items() if r["slow"]],
        "not_200": {name: r["status"] for name, r in results.items() if r["status"] != 200},
        "pages": results,
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
        f"  each run: a fresh process and database; "
        f"{'one warm-up run discarded' if result['warmup'] else 'no warm-up run'}; export/check_plan "
        f"timed {result['runs']}x after one warm-up call on the last run's database"
    )


def latency_cells(r: dict[str, Any]) -> list[str]:
    """Median, p95, p99, requests/s and the ratio to the baseline of one measured endpoint."""
    return [
        ms(r["median_ms"]),
        ms(r["p95_ms"]),
        ms(r["p99_ms"]),
        f"{r['requests_per_s']:,.0f}",
        f"{r['ratio_to_baseline']:.2f}x",
    ]


def print_api(target: Target, result: dict[str, Any]) -> None:
    print(f"\nAPI over HTTP (waitress, loopback), scale {result['scale']}: {target.display()}")
    if not_measured(result):
        return
    rows = []
    for name, r in result["endpoints"].items():
        rows.append(
            [
                f"{name} (baseline)" if name == result["baseline"] else name,
                *latency_cells(r),
                "" if r["items"] is None else str(r["items"]),
                f"{r['bytes']:,}",
            ]
        )
    print(table(["endpoint", "median ms", "p95 ms", "p99 ms", "req/s", "vs /me", "items", "bytes"], rows))
    print(
        f"  {result['requests']} sequential requests per endpoint after {result['warmup']} warm-up, "
        f"interleaved in blocks of {BLOCK}; HTTP connections opened: {result['connections']}"
    )


def print_pages(target: Target, result: dict[str, Any]) -> None:
    print(f"\nWeb pages over HTTP (waitress, loopback), scale {result['scale']}: {target.display()}")
    if not_measured(result):
        return
    slow_ms = result["slow_ms"]
    rows = []
    for name, r in result["pages"].items():
        note = " (baseline)" if name == result["baseline"] else " (anonymous)" if r["anonymous"] else ""
        if r["status"] == 200:
            cells = [*latency_cells(r), f"{r['bytes']:,}", f"SLOW > {slow_ms:.0f} ms" if r["slow"] else ""]
        else:
            cells = [f"HTTP {r['status']}", *["-"] * 5, ""]
        rows.append([name + note, *cells])
    print(table(["page", "median ms", "p95 ms", "p99 ms", "req/s", "vs login", "bytes", ""], rows))
    connections = result["connections"]
    print(
        f"  {result['requests']} sequential requests per page after {result['warmup']} warm-up, "
        f"interleaved in blocks of {BLOCK}; logged in as {result['user']} (session cookie), HTTP "
        f"connections opened: {connections['session']}, anonymous pages without cookies: "
        f"{connections['anonymous']}"
    )
    slow = ", ".join(result["slow"]) or "none"
    print(f"  median over {slow_ms:.0f} ms: {slow}")
    if result["not_200"]:
        failed = ", ".join(f"{name} (HTTP {status})" for name, status in result["not_200"].items())
        print(f"  not measured, answered other than 200: {failed}")


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

SMOKE_REQUESTS = 2  # --smoke: every endpoint and page answers, nothing worth timing
SMOKE_WARMUP = 1
MAX_SCALE = 1000


def count(value: str) -> int:
    n = int(value)
    if not 1 <= n <= MAX_COUNT:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_COUNT:,}")
    return n


def scale_factor(value: str) -> int:
    n = int(value)
    if not 1 <= n <= MAX_SCALE:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_SCALE:,}")
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
    shared.add_argument(
        "--smoke",
        action="store_true",
        help=f"check that every step runs: one load run, {SMOKE_REQUESTS} requests per endpoint or page "
        f"after {SMOKE_WARMUP} warm-up; any failure or answer other than 200 fails the run (figures "
        "are not worth reading)",
    )
    runs = argparse.ArgumentParser(add_help=False)
    runs.add_argument("--runs", type=count, default=5, help="load runs per database (default 5)")
    reqs = argparse.ArgumentParser(add_help=False)
    reqs.add_argument(
        "--requests",
        type=count,
        help=f"requests per endpoint or page (default {API_REQUESTS:,} for api, {PAGE_REQUESTS:,} for pages)",
    )
    reqs.add_argument(
        "--scale",
        type=scale_factor,
        nargs="+",
        default=[1],
        metavar="N",
        help="measure with N times the data (the seed replicated as synthetic departments, years, "
        "pledges, repair orders, audit history and telemetry roll-ups; benchmarks/synthetic.py); "
        "several values: one fresh database each, and the growth factor of each figure (default 1)",
    )

    parser = argparse.ArgumentParser(prog="cityhall bench", description="cityhall benchmarks")
    sub = parser.add_subparsers(dest="suite", required=True)
    sub.add_parser("load", parents=[shared, runs], help="empty database → loaded dataset; export; check")
    sub.add_parser("api", parents=[shared, reqs], help="REST API latency over HTTP")
    sub.add_parser("pages", parents=[shared, reqs], help="web page latency over HTTP, logged in")
    sub.add_parser("all", parents=[shared, runs, reqs], help="load, api and pages")
    return parser


def sizes(args: argparse.Namespace, default_requests: int, scale: int) -> Sizes:
    if args.smoke:
        return Sizes(requests=args.requests or SMOKE_REQUESTS, warmup=SMOKE_WARMUP, scale=scale)
    requests = args.requests or default_requests
    return Sizes(requests=requests, warmup=warmup_for(requests), scale=scale)


def run_scaled(
    bench: Callable[[Target, Sizes], dict[str, Any]], default_requests: int
) -> Callable[[Target, argparse.Namespace], dict[str, Any]]:
    """One fresh database per ``--scale`` value; the results keyed by scale."""

    def run(target: Target, args: argparse.Namespace) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for scale in args.scale:
            out[str(scale)] = bench(target, sizes(args, default_requests, scale))
        return {"scales": out}

    return run


def failures(suite: str, result: dict[str, Any]) -> list[str]:
    """What went wrong in one suite's result on one database: errors and answers other than 200."""
    if "error" in result:
        return [result["error"]]
    found = []
    for scale, r in result.get("scales", {}).items():
        named = r.get("pages") or r.get("endpoints") or {}
        found += [
            f"{suite} x{scale}: {name} HTTP {x['status']}" for name, x in named.items() if x["status"] != 200
        ]
    return found


def print_scaled(printer: Printer, key: str) -> Printer:
    def show(target: Target, result: dict[str, Any]) -> None:
        if not_measured(result):
            return
        for r in result["scales"].values():
            printer(target, r)
        if len(result["scales"]) > 1:
            print_growth(target, result["scales"], key)

    return show


def print_growth(target: Target, scales: dict[str, dict[str, Any]], key: str) -> None:
    """Median/p95/p99 per scale and the growth factor (largest scale / smallest) of each."""
    labels = list(scales)
    first, last = labels[0], labels[-1]
    print(
        f"\nGrowth with the data ({key}, {target.label}): ms at scale {', '.join(labels)}; x{last}/x{first}"
    )
    headers = [key]
    for label in labels:
        headers += [f"x{label} med", f"x{label} p95", f"x{label} p99"]
    headers += ["growth med", "growth p95"]
    rows = []
    for name in scales[first][key]:
        cells = [name]
        measured = [scales[label][key].get(name, {}) for label in labels]
        for r in measured:
            ok = r.get("status") == 200
            cells += [ms(r[f]) if ok else "-" for f in ("median_ms", "p95_ms", "p99_ms")]
        a, b = measured[0], measured[-1]
        if a.get("status") == 200 and b.get("status") == 200:
            cells += [f"{b['median_ms'] / a['median_ms']:.2f}", f"{b['p95_ms'] / a['p95_ms']:.2f}"]
        else:
            cells += ["-", "-"]
        rows.append(cells)
    print(table(headers, rows))


# suite → (run it on one database, print its result), in the order ``all`` runs them
Runner = Callable[[Target, argparse.Namespace], dict[str, Any]]
Printer = Callable[[Target, dict[str, Any]], None]
SUITES: dict[str, tuple[Runner, Printer]] = {
    "load": (
        lambda target, args: (
            bench_load(target, args.runs, warmup=True)
            if not args.smoke
            else bench_load(target, 1, warmup=False)
        ),
        print_load,
    ),
    "api": (run_scaled(bench_api, API_REQUESTS), print_scaled(print_api, "endpoints")),
    "pages": (run_scaled(bench_pages, PAGE_REQUESTS), print_scaled(print_pages, "pages")),
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_load-worker"]:
        return load_worker(argv[1:])
    args = build_parser().parse_args(argv)
    # A terminated benchmark still stops its servers and drops its databases (the finally blocks).
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
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

    with CLEANUP:
        return run_suites(args, targets)


def run_suites(args: argparse.Namespace, targets: list[Target]) -> int:
    suites = list(SUITES) if args.suite == "all" else [args.suite]
    results: dict[str, dict[str, Any]] = {suite: {} for suite in suites}
    failed: list[str] = []
    for suite in suites:
        for target in targets:
            if target.skipped:
                results[suite][target.label] = {"skipped": target.skipped}
                if args.smoke:  # a smoke run checks every database it is given
                    failed.append(f"{suite} on {target.label}: {target.skipped}")
                continue
            log(f"{suite} on {target.display()}")
            try:
                results[suite][target.label] = SUITES[suite][0](target, args)
            except Exception as exc:  # one failing database or suite does not hide the others' results
                log(f"  FAILED: {exc}")
                results[suite][target.label] = {"error": f"{type(exc).__name__}: {exc}"}
            failed += [
                f"{suite} on {target.label}: {f}" for f in failures(suite, results[suite][target.label])
            ]

    if args.json:
        print(json.dumps({"meta": meta(targets), **results, "failed": failed}, ensure_ascii=False, indent=1))
    else:
        info = meta(targets)
        print(
            f"cityhall {info['versions']['cityhall']}, Python {info['python']}, {info['cpus']} CPUs; "
            f"load average (1/5/15 min) at start {info['loadavg_start']}, at end {info['loadavg_end']}"
        )
        for suite in suites:
            for target in targets:
                SUITES[suite][1](target, results[suite][target.label])
    for failure in failed:
        log(f"FAILED: {failure}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
