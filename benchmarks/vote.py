"""``cityhall bench vote``: concurrent voters over real HTTP against the served application.

    cityhall bench vote [--voters 1000] [--concurrency 32] [--db sqlite|postgresql|both]
                        [--database-url postgresql://…] [--double 0.1] [--smoke] [--json]
                        [--server waitress|gunicorn] [--workers 3] [--threads 4]

Per database, this process (the parent) prepares a fresh data directory (and, for PostgreSQL, a
throwaway database, dropped afterwards), where a *setup* subprocess migrates, loads the sample
processes (2025 in its voting phase) and creates the voters: accounts with a signed-in session each
(password sign-in is not what is measured; Django's password hashing would dominate). It then starts
``cityhall serve`` (waitress, 8 threads; or ``--server gunicorn``: ``--workers`` processes ×
``--threads`` threads, migrated by the setup) and drives the voters from ``--concurrency`` client threads,
each voter over its own keep-alive connection:

  GET the vote page (session, CSRF cookie) → POST verification (모의 본인인증) → POST the ballot →
  GET the confirmation page.

A share of the voters (``--double``, 10 %) casts from two sessions at the same moment with different
choices: the database must keep exactly one ballot for them, one of the two. Afterwards a *readback*
subprocess counts, from the database: lost votes (a voter whose ballot was accepted but no ballot or
roll entry exists, or whose stored ballot is none of what they sent) and doubled votes (roll entries
or ballots beyond one per voter). Reports votes/s (accepted ballot POSTs per second of wall time),
p50/p95/p99 of the ballot POST and of the whole voter flow, and the server's CPU time per request.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import select
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

DEFAULT_PG = os.environ.get("CITYHALL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
PROCESS = "pb-2025"
VOTE_PATH = f"/participation/{PROCESS}/vote/"
VERIFY_PATH = f"/participation/{PROCESS}/verify/"
BOUND_PATH = "/i18n/setlang/"  # a trivial view: a redirect, no query, no template


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cityhall bench vote", description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=32, help="client threads (32)")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--database-url", default=DEFAULT_PG, help="PostgreSQL server (a throwaway database is created on it)"
    )
    parser.add_argument("--double", type=float, default=0.1, help="share of voters casting from two sessions")
    parser.add_argument("--smoke", action="store_true", help="40 voters, figures not meant to be read")
    parser.add_argument(
        "--server",
        choices=["waitress", "gunicorn"],
        default="waitress",
        help="waitress: `cityhall serve` (one process, 8 threads); gunicorn: --workers processes × 4 threads",
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (3)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (4)")
    parser.add_argument("--json", action="store_true")
    return parser


# -- subprocess roles -----------------------------------------------------------------------------

SETUP = r"""
import json, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.contrib.auth.hashers import make_password
from cityhall.core.sessions import BACKEND
from cityhall.participation import services, selectors
call_command("migrate", verbosity=0)
services.participation_load_sample()
process = selectors.process("pb-2025")
heading = process.headings.get()
paper = {p.number: p.cost for p in selectors.ballot_paper(heading)}
n = int(sys.argv[1])
User = get_user_model()
User.objects.bulk_create([User(username=f"bench-{i:05d}", password=make_password(None)) for i in range(n)])
voters = []
for user in User.objects.filter(username__startswith="bench-").order_by("username"):
    keys = []
    for _ in range(2):
        s = SessionStore()
        s["_auth_user_id"] = str(user.pk)
        s["_auth_user_backend"] = BACKEND
        s["_auth_user_hash"] = user.get_session_auth_hash()
        s.create()
        keys.append(s.session_key)
    voters.append({"user": user.pk, "sessions": keys})
setup = {"voters": voters, "paper": paper, "budget": heading.budget, "max": process.max_projects}
json.dump(setup, open(sys.argv[2], "w"))
"""

READBACK = r"""
import json, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from cityhall.participation.identity import ballot_key
from cityhall.participation.models import Ballot, Participation, Process, Verification
sent = json.load(open(sys.argv[1]))  # user id -> list of accepted choices
process = Process.objects.get(code="pb-2025")
verified = Verification.objects.filter(user_id__in=[int(u) for u in sent])
keys = dict(verified.values_list("user_id", "person_key"))
ballots = {b.ballot_key: b.projects for b in Ballot.objects.filter(heading__process=process)}
roll = Participation.objects.filter(process=process)
lost = 0
for user, accepted in sent.items():
    key = keys.get(int(user))
    stored = ballots.get(ballot_key(process.pk, key)) if key else None
    if accepted and (stored is None or stored not in accepted):
        lost += 1
        if lost == 1:
            print("LOST", user, key is not None, stored, accepted, file=sys.stderr)
voters = sum(1 for accepted in sent.values() if accepted)
voted_keys = [keys[int(u)] for u, a in sent.items() if a and int(u) in keys]
mine = roll.filter(person_key__in=voted_keys).count()
doubled = max(0, mine - voters) + max(0, len(ballots) - roll.count())
print(json.dumps({"lost": lost, "doubled": doubled, "roll": mine, "ballots": len(ballots), "voters": voters}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(code: str, env: dict, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own scripts
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=1800
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    if done.stderr.strip():
        print(done.stderr[-1000:], file=sys.stderr)
    return done.stdout


@contextlib.contextmanager
def _database(kind: str, server: str):
    if kind == "sqlite":
        yield None
        return
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(server)  # a server, or a database URL whose server is used
    server = f"{parts.scheme}://{parts.netloc}"
    admin = psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3)
    name = f"cityhall_bench_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


# -- the voters -----------------------------------------------------------------------------------


def _dropped(connection: http.client.HTTPConnection) -> bool:
    """Whether the server has closed the idle keep-alive connection (as urllib3 checks before each
    request): a readable socket between requests means end of file (or stray bytes) — either way
    the connection cannot carry the next request."""
    sock = connection.sock
    if sock is None:
        return False
    readable, _, _ = select.select([sock], [], [], 0)
    return bool(readable)


class Browser:
    """One session over one keep-alive connection, with the two cookies Django sets.

    A server may close a keep-alive connection that stays idle (gunicorn's gthread workers after
    ``keepalive`` seconds, 2 by default; a voter waiting at the barrier for their other session is
    idle that long under load). Before each request the connection is checked and, if the server
    closed it, opened again (counted in ``reconnects``). A request sent on a connection the server
    closes at that very moment is not repeated: a GET fails loudly, and so does a POST, whose
    outcome the readback counts."""

    reconnects = 0
    _lock = threading.Lock()

    def __init__(self, port: int, session: str):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies = {"sessionid": session}

    def close(self) -> None:
        self.connection.close()  # waitress serves at most 100 connections: none may linger

    def request(self, method: str, path: str, form: list[tuple[str, str]] | None = None) -> int:
        if _dropped(self.connection):
            self.connection.close()  # the next request connects again
            with Browser._lock:
                Browser.reconnects += 1
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1"}
        body = None
        if form is not None:
            form = [*form, ("csrfmiddlewaretoken", self.cookies.get("csrftoken", ""))]
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                match = re.match(r"(csrftoken|sessionid)=([^;]*)", value)
                if match:
                    self.cookies[match.group(1)] = match.group(2)
        return response.status


def _choice(rng: random.Random, paper: dict[int, int], budget: int, most: int) -> list[int]:
    numbers = list(paper)
    rng.shuffle(numbers)
    chosen, total = [], 0
    for number in numbers[: rng.randint(1, min(most, 5))]:
        if total + paper[number] <= budget:
            chosen.append(number)
            total += paper[number]
    return sorted(chosen)


def _drive(port: int, setup: dict, voters: list[dict], concurrency: int, double: float) -> dict:
    rng = random.Random(7)
    plans = []
    for index, voter in enumerate(voters):
        twice = rng.random() < double
        choices = [
            _choice(rng, setup["paper"], setup["budget"], setup["max"]) for _ in range(2 if twice else 1)
        ]
        plans.append((index, voter, choices))
    ballot_latency, flow_latency, errors = [], [], []
    paired_latency: list[float] = []  # the ballots cast from two sessions at once (the share --double)
    accepted: dict[str, list[list[int]]] = {}
    lock = threading.Lock()

    def cast(session: str, choice: list[int], barrier: threading.Barrier | None) -> tuple[int, float]:
        browser = Browser(port, session)
        browser.request("GET", VOTE_PATH)
        if barrier is not None:
            barrier.wait(timeout=120)
        started = time.perf_counter()
        status = browser.request("POST", VOTE_PATH, [("projects", str(n)) for n in choice])
        elapsed = time.perf_counter() - started
        browser.request("GET", VOTE_PATH)  # the confirmation
        browser.close()
        return status, elapsed

    def one(plan) -> None:
        index, voter, choices = plan
        started = time.perf_counter()
        try:
            browser = Browser(port, voter["sessions"][0])
            browser.request("GET", VOTE_PATH)
            status = browser.request(
                "POST",
                VERIFY_PATH,
                [("method", "mock"), ("phone", f"010{9000_0000 + index:08d}"), ("birth_year", "1985")],
            )
            browser.close()
            if status != 302:
                raise RuntimeError(f"verify {status}")
            if len(choices) == 1:
                results = [cast(voter["sessions"][0], choices[0], None)]
            else:
                barrier = threading.Barrier(2)
                with ThreadPoolExecutor(2) as pair:
                    results = list(
                        pair.map(
                            lambda a: cast(a[0], a[1], barrier), zip(voter["sessions"], choices, strict=True)
                        )
                    )
            with lock:
                for (status, elapsed), choice in zip(results, choices, strict=True):
                    ballot_latency.append(elapsed)
                    if len(choices) > 1:
                        paired_latency.append(elapsed)
                    if status == 302:
                        accepted.setdefault(str(voter["user"]), []).append(choice)
                    else:
                        errors.append(f"ballot {status}")
                flow_latency.append(time.perf_counter() - started)
        except Exception as exc:  # reported, counted
            with lock:
                errors.append(repr(exc))

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, plans))
    wall = time.perf_counter() - started
    return {
        "wall": wall,
        "ballot": ballot_latency,
        "paired": paired_latency,
        "flow": flow_latency,
        "errors": errors,
        "accepted": accepted,
        "plans": [choices for _, _, choices in plans],
    }


def _drive_bound(port: int, setup: dict, concurrency: int, double: float) -> dict:
    """The same server's floor at the same concurrency: every voter's requests, one for one (two
    casts for the same share of voters), sent to a trivial view instead — Django's language view
    answering a GET with a redirect through the whole middleware stack, with no query and no
    template.
    What the ballot POST takes beyond this is the application's own cost."""
    rng = random.Random(7)
    plans = [2 if rng.random() < double else 1 for _ in setup["voters"]]
    ballot_latency, flow_latency = [], []
    lock = threading.Lock()

    def get(browser: Browser) -> None:
        if browser.request("GET", BOUND_PATH) not in (204, 302):  # 302 to / when HTML is accepted
            raise RuntimeError("the trivial view did not answer")

    def cast(session: str, barrier: threading.Barrier | None) -> float:
        browser = Browser(port, session)
        get(browser)
        if barrier is not None:
            barrier.wait(timeout=120)
        started = time.perf_counter()
        get(browser)
        elapsed = time.perf_counter() - started
        get(browser)
        browser.close()
        return elapsed

    def one(pair: tuple[dict, int]) -> None:
        voter, casts = pair
        started = time.perf_counter()
        browser = Browser(port, voter["sessions"][0])
        get(browser)
        get(browser)
        browser.close()
        if casts == 1:
            elapsed = [cast(voter["sessions"][0], None)]
        else:
            barrier = threading.Barrier(2)
            with ThreadPoolExecutor(2) as both:
                elapsed = list(both.map(lambda s: cast(s, barrier), voter["sessions"]))
        with lock:
            ballot_latency.extend(elapsed)
            flow_latency.append(time.perf_counter() - started)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, zip(setup["voters"], plans, strict=True)))
    return {"wall": time.perf_counter() - started, "ballot": ballot_latency, "flow": flow_latency}


def _quantiles(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        return {"p50": values[0] * 1000 if values else 0.0, "p95": 0.0, "p99": 0.0}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": statistics.median(values) * 1000, "p95": cuts[94] * 1000, "p99": cuts[98] * 1000}


def _server_cpu_s(pid: int) -> float | None:
    """CPU seconds (user and system) the server ``pid`` and its worker processes have used so far,
    from Linux's /proc; None where there is none. Less disturbed by other load on the machine than
    the latencies, so two versions of the application compare by it."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in proc.glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after "pid (name)": state, ppid, …
            if int(stat.parent.name) == pid or int(fields[1]) == pid:
                total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def _machine_cpu() -> tuple[float, float] | None:
    """(busy, total) CPU seconds of the whole machine so far (/proc/stat), None where there is none:
    how much of the machine the benchmark left idle."""
    with contextlib.suppress(OSError, ValueError):
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        ticks = os.sysconf("SC_CLK_TCK")
        idle = fields[3] + fields[4]  # idle, iowait
        return (sum(fields) - idle) / ticks, sum(fields) / ticks
    return None


def _wait_idle(pid: int, timeout: float = 120) -> None:
    """Until the server and its workers are idle: the first worker answers while the others may
    still be starting, and their start-up would be counted as the voters' CPU and latency."""
    deadline = time.monotonic() + timeout
    before = _server_cpu_s(pid)
    while before is not None and time.monotonic() < deadline:
        time.sleep(0.5)
        now = _server_cpu_s(pid)
        if now is None or now - before < 0.05:  # under a tenth of a core
            return
        before = now


def _wait_for(port: int, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server stopped (see its log)")
        with contextlib.suppress(OSError):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/participation/", headers={"Host": "127.0.0.1"})
            if connection.getresponse().status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError("the server did not answer")


def run_one(kind: str, args) -> dict:
    voters = 40 if args.smoke else args.voters
    with (
        tempfile.TemporaryDirectory(prefix="cityhall-bench-vote-") as data,
        _database(kind, args.database_url) as url,
    ):
        env = {**os.environ, "CITYHALL_DATA_DIR": data, "CITYHALL_ALLOWED_HOSTS": "127.0.0.1"}
        env.pop("DATABASE_URL", None)
        if url:
            env["DATABASE_URL"] = url
        setup_file = Path(data) / "setup.json"
        _run(SETUP, env, str(voters), str(setup_file))
        setup = json.loads(setup_file.read_text())
        setup["paper"] = {int(number): cost for number, cost in setup["paper"].items()}  # JSON keys are text
        port = _free_port()
        # The server's log goes to a file: a pipe nobody reads fills up and then blocks every thread
        # that logs (waitress warns of its queue depth under load).
        server_log = (Path(data) / "server.log").open("w")
        if args.server == "gunicorn":  # the production server (deploy/gunicorn.conf.py's worker class)
            command = [
                sys.executable, "-m", "gunicorn", "config.wsgi:application",
                "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
                "--worker-class", "gthread", "--threads", str(args.threads), "--timeout", "120",
            ]  # fmt: skip
        else:
            command = [sys.executable, "-m", "cityhall.cli", "serve", "--host", "127.0.0.1"]
            command += ["--port", str(port)]
        server = subprocess.Popen(  # noqa: S603
            command,
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            _wait_for(port, server)
            _wait_idle(server.pid)
            Browser.reconnects = 0
            cpu_before, client_before, machine_before = _server_cpu_s(server.pid), os.times(), _machine_cpu()
            outcome = _drive(port, setup, setup["voters"], args.concurrency, args.double)
            cpu_after, client_after, machine_after = _server_cpu_s(server.pid), os.times(), _machine_cpu()
            outcome["reconnects"] = Browser.reconnects
            bound = _drive_bound(port, setup, args.concurrency, args.double)
        finally:
            server.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=30)
            server_log.close()
        sent_file = Path(data) / "sent.json"
        sent_file.write_text(json.dumps(outcome["accepted"]))
        readback = json.loads(_run(READBACK, env, str(sent_file)).strip().splitlines()[-1])
    accepted = sum(len(v) for v in outcome["accepted"].values())
    requests = sum(2 + 3 * len(choices) for choices in outcome["plans"])
    return {
        "db": kind,
        "server": args.server if args.server == "waitress" else f"gunicorn {args.workers}x{args.threads}",
        "voters": voters,
        "ballots_sent": len(outcome["ballot"]),
        "accepted": accepted,
        "errors": len(outcome["errors"]),
        "first_errors": outcome["errors"][:3],
        "wall_s": round(outcome["wall"], 2),
        "votes_per_s": round(accepted / outcome["wall"], 1),
        "ballot_ms": {k: round(v, 1) for k, v in _quantiles(outcome["ballot"]).items()},
        # of which the voters' two sessions at the same moment: the second waits for the first's lock
        "paired_ballot_ms": {k: round(v, 1) for k, v in _quantiles(outcome["paired"]).items()},
        "paired_ballots": len(outcome["paired"]),
        "flow_ms": {k: round(v, 1) for k, v in _quantiles(outcome["flow"]).items()},
        # the same requests, one for one, to a trivial view of the same server: the floor
        "bound_ballot_ms": {k: round(v, 1) for k, v in _quantiles(bound["ballot"]).items()},
        "bound_flow_ms": {k: round(v, 1) for k, v in _quantiles(bound["flow"]).items()},
        "bound_wall_s": round(bound["wall"], 2),
        "requests_per_s": round(requests / outcome["wall"], 1),
        # the server's CPU time (all its processes) per request of the voters
        "server_cpu_ms_per_request": (
            round((cpu_after - cpu_before) * 1000 / requests, 2) if cpu_before is not None else None
        ),
        # the voters' side (this process's threads) per request: it shares the machine's cores
        "client_cpu_ms_per_request": round(
            (client_after.user + client_after.system - client_before.user - client_before.system)
            * 1000
            / requests,
            2,
        ),
        # the share of the machine's cores busy during the voters' run (server, client, database, rest)
        "machine_busy_share": (
            round((machine_after[0] - machine_before[0]) / (machine_after[1] - machine_before[1]), 3)
            if machine_before and machine_after
            else None
        ),
        # keep-alive connections the server had closed while idle, opened again before a request
        "reconnects": outcome["reconnects"],
        "bound_requests_per_s": round(requests / bound["wall"], 1),
        **readback,
    }


def _ratio(value: float, floor: float) -> str:
    return f"{value / floor:.1f}" if floor else "-"


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    results = []
    for kind in kinds:
        try:
            results.append(run_one(kind, args))
        except Exception as exc:
            # Unreachable PostgreSQL is skipped with a note, except in a smoke run (CI), where it fails.
            if (
                kind == "postgresql"
                and args.db == "both"
                and not args.smoke
                and "connect" in str(exc).lower()
            ):
                print(f"PostgreSQL를 건너뜁니다: {exc}", file=sys.stderr)
                continue
            raise
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for r in results:
            ballot, flow = r["ballot_ms"], r["flow_ms"]
            print(
                f"[{r['db']}, {r['server']}] 투표자 {r['voters']:,}명 (동시 {args.concurrency}), "
                f"투표 {r['accepted']:,}건 수락, {r['votes_per_s']:,}건/초 | "
                f"투표 POST p50 {ballot['p50']}ms p95 {ballot['p95']}ms p99 {ballot['p99']}ms | "
                f"전체 흐름 p50 {flow['p50']}ms p95 {flow['p95']}ms | "
                f"유실 {r['lost']} 중복 {r['doubled']} 오류 {r['errors']} "
                f"(명부 {r['roll']}, 투표지 {r['ballots']}, 재연결 {r['reconnects']})"
            )
            floor = r["bound_ballot_ms"]
            print(
                f"    같은 서버의 빈 화면(같은 요청 수·동시성): p50 {floor['p50']}ms p95 {floor['p95']}ms | "
                f"요청/초 투표 {r['requests_per_s']} 빈 화면 {r['bound_requests_per_s']} | "
                f"서버 CPU {r['server_cpu_ms_per_request']}ms/요청, 클라이언트 CPU "
                f"{r['client_cpu_ms_per_request']}ms/요청, 기계 사용률 {r['machine_busy_share']} | "
                f"p95 비율 {_ratio(ballot['p95'], floor['p95'])} "
                f"p50 비율 {_ratio(ballot['p50'], floor['p50'])}"
            )
    bad = any(r["lost"] or r["doubled"] or r["errors"] for r in results)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
