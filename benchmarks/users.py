"""``cityhall bench users``: office staff and citizens at once on PostgreSQL, with the live systems
running, then faults injected under that load (issue 18, part 6; ADR 0019).

    cityhall bench users [--staff 200] [--citizens 1000] [--web-workers 3] [--database-url private|postgresql://…]
                         [--smoke] [--json]

What runs, all on loopback ports of its own:
- PostgreSQL: by default a **private** server (initdb into a temporary directory from the installed
  ``/usr/lib/postgresql/*/bin``, its own port), so the fault "restart PostgreSQL" never touches the
  machine's shared server. With ``--database-url postgresql://…`` a throwaway database on that server
  is used and the PostgreSQL restart is skipped (said in the result).
- A private Mosquitto; ``streetlights_live --simulate`` (ingester, command dispatcher, 638 simulated
  lights); two ``jobs_worker`` processes (the task queue, with the live jobs moved onto it:
  ``CITYHALL_LIVE_JOBS=queue``); the web application under gunicorn (``--web-workers`` processes,
  4 threads each). A supervisor restarts any of these processes that exits, after 1 s — what systemd's
  ``Restart=always`` does in production — so recovery needs no manual step.
- The users (benchmarks/users_locust.py, Locust as a library, in its own process): staff sign in and
  read the office's pages every 10–30 s; citizens read the public pages and book legal consultations
  every 20–60 s.

Phases: ramp-up, steady load, then one fault at a time with the load on — PostgreSQL restarted
(``pg_ctl restart -m fast``), the broker killed and started again, a jobs worker killed with SIGKILL
(mid-task work is handed back by the stale-task recovery), a gunicorn worker killed with SIGKILL —
each followed by an observation window. Then the users stop and the queue drains.

Reported: requests/s sustained over the steady phase, p50/p95 per page kind, errors; for each fault
the requests and errors in its window, the longest request, and how long until the first successful
request after it; and the counts that show nothing accepted was lost: every consultation the site
accepted (302 to the receipt) is in the database, every notification it queued was sent, no task is
left waiting or failed, readings kept arriving after the broker came back. ``--smoke``: 10 staff and
20 citizens over a short run, failing on a lost record or a process that does not come back.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import glob
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.booking import OPEN_MONTH
from benchmarks.run import (
    LOOPBACK,
    BenchError,
    Client,
    clean_env,
    free_port,
    log,
    percentile,
    run_cli,
    run_python,
)

MOSQUITTO = "/usr/sbin/mosquitto"
STAFF_ACCOUNTS = "admin,director"  # plus every department's roles, read from the database


# -- processes --------------------------------------------------------------------------------------


def _as_postgres(cmd: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root: the private server runs as the system's postgres user.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class PrivatePostgres:
    """A PostgreSQL server of our own in ``directory``, on a free port; stopped on ``close``."""

    def __init__(self, directory: Path):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not found:
            raise BenchError("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
        self.bin = Path(found[-1]).parent
        self.data = directory / "data"
        self.port = free_port()
        directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres")
        subprocess.run(  # noqa: S603 - fixed arguments
            _as_postgres(
                [
                    str(self.bin / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                ]
            ),
            check=True,
            capture_output=True,
        )
        self.log = directory / "postgres.log"
        self.options = f"-p {self.port} -k {directory} -c listen_addresses={LOOPBACK} -c max_connections=200"
        self._ctl("start", "-w", "-o", self.options)
        self.url = f"postgresql://postgres@{LOOPBACK}:{self.port}/cityhall"
        subprocess.run(  # noqa: S603
            _as_postgres(
                [
                    str(self.bin / "createdb"),
                    "-h",
                    LOOPBACK,
                    "-p",
                    str(self.port),
                    "-U",
                    "postgres",
                    "cityhall",
                ]
            ),
            check=True,
            capture_output=True,
        )

    def _ctl(self, *args: str) -> None:
        subprocess.run(  # noqa: S603
            _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), *args]),
            check=True,
            capture_output=True,
            timeout=120,
        )

    def restart(self) -> None:
        self._ctl("restart", "-w", "-m", "fast", "-o", self.options)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._ctl("stop", "-w", "-m", "fast")


class PrivateBroker:
    """A private Mosquitto on a fixed free port (so a restart comes back where clients reconnect)."""

    def __init__(self, directory: Path):
        if not os.path.exists(MOSQUITTO):
            raise BenchError(f"{MOSQUITTO} is not installed")
        directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.config = directory / "mosquitto.conf"
        self.config.write_text(
            f"listener {self.port} {LOOPBACK}\nallow_anonymous true\npersistence false\n"
            f"max_queued_messages 0\nuser {getpass.getuser()}\nlog_dest file {directory}/mosquitto.log\n",
            encoding="utf-8",
        )
        self.url = f"mqtt://{LOOPBACK}:{self.port}"
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [MOSQUITTO, "-c", str(self.config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _wait_port(self.port, 15, "mosquitto")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def close(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(10)
            if self.process.poll() is None:
                self.process.kill()


def _wait_port(port: int, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection((LOOPBACK, port), timeout=0.5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise BenchError(f"{what} did not listen on {port} within {timeout:.0f} s") from None
            time.sleep(0.1)


class Supervisor:
    """Keeps named processes running: one that exits is started again after 1 s (systemd's
    ``Restart=always``, ``RestartSec=1``). Counts the restarts."""

    def __init__(self, env: dict[str, str], cwd: Path):
        self.env, self.cwd = env, cwd
        self.commands: dict[str, list[str]] = {}
        self.processes: dict[str, subprocess.Popen] = {}
        self.restarts: dict[str, int] = {}
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def add(self, name: str, command: list[str]) -> None:
        self.commands[name] = command
        self.restarts[name] = 0
        self._spawn(name)

    def _spawn(self, name: str) -> None:
        out = open(self.cwd / f"{name}.log", "ab")  # noqa: SIM115 - the process owns it
        self.processes[name] = subprocess.Popen(  # noqa: S603 - our own interpreter and modules
            self.commands[name], env=self.env, cwd=self.cwd, stdout=out, stderr=subprocess.STDOUT
        )

    def start(self) -> None:
        self.thread.start()

    def _watch(self) -> None:
        while not self.stopping.wait(0.2):
            with self.lock:
                for name, process in list(self.processes.items()):
                    if process.poll() is not None and not self.stopping.is_set():
                        time.sleep(1.0)
                        self.restarts[name] += 1
                        self._spawn(name)

    def pid(self, name: str) -> int:
        return self.processes[name].pid

    def close(self) -> None:
        self.stopping.set()
        with self.lock:
            for process in self.processes.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in self.processes.values():
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()


def _gunicorn_worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


# -- database checks (psycopg, straight to the server) ----------------------------------------------


def _query(url: str, sql: str, params: tuple = ()) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, connect_timeout=5) as conn:
        return conn.execute(sql, params).fetchall()


def _counts(url: str) -> dict[str, int]:
    one = lambda sql: _query(url, sql)[0][0]  # noqa: E731
    return {
        "readings": one("SELECT count(*) FROM telemetry_reading"),
        "consultations": one("SELECT count(*) FROM legal_consultation WHERE name LIKE '모의시민%%'"),
        "notifications_pending": one(
            "SELECT count(*) FROM notifications_notification WHERE status = 'pending'"
        ),
        "notifications_sent": one("SELECT count(*) FROM notifications_notification WHERE status = 'sent'"),
        "notifications_failed": one(
            "SELECT count(*) FROM notifications_notification WHERE status = 'failed'"
        ),
        # Due or running (9999-01-01 means 'no run_after'); a retry in its backoff is not counted.
        "tasks_waiting": one(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING' "
            "OR (status = 'READY' AND (run_after <= now() OR run_after >= '9999-01-01'))"
        ),
        "dead_letters": one("SELECT count(*) FROM telemetry_deadletter"),
        "device_states": one("SELECT count(*) FROM telemetry_devicestate"),
        "tasks_successful": one(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'SUCCESSFUL'"
        ),
        "tasks_failed_attempts": one(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'FAILED'"
        ),
        "job_failures": one("SELECT count(*) FROM jobs_jobfailure"),
    }


def _wait_counts(url: str, timeout: float = 30) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return _counts(url)
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


# -- the run ----------------------------------------------------------------------------------------


def _phases(smoke: bool) -> dict[str, float]:
    if smoke:
        return {"ramp": 5, "steady": 15, "window": 15}
    return {"ramp": 60, "steady": 120, "window": 45}


def _stats(rows: list, start: float, end: float) -> dict[str, Any]:
    window = [r for r in rows if start <= r[0] < end]
    by_kind: dict[str, list] = {}
    for r in window:
        by_kind.setdefault(r[1], []).append(r)
    kinds = {}
    for kind, rs in sorted(by_kind.items()):
        ok = [r[2] for r in rs if r[3]]
        kinds[kind] = {
            "requests": len(rs),
            "errors": sum(1 for r in rs if not r[3]),
            "p50_ms": round(statistics.median(ok), 1) if ok else None,
            "p95_ms": round(percentile(ok, 95), 1) if ok else None,
        }
    errors: dict[str, int] = {}
    for r in window:
        if not r[3]:
            errors[r[4]] = errors.get(r[4], 0) + 1
    seconds = max(end - start, 1e-9)
    return {
        "seconds": round(end - start, 1),
        "requests": len(window),
        "requests_per_s": round(len(window) / seconds, 2),
        "errors": sum(1 for r in window if not r[3]),
        "error_kinds": dict(sorted(errors.items(), key=lambda kv: -kv[1])[:5]),
        "max_ms": max((r[2] for r in window), default=None),
        "kinds": kinds,
    }


def _recovery(rows: list, fault_at: float) -> dict[str, Any]:
    """What users saw after a fault: failed requests and the first success after the last failure."""
    after = sorted((r for r in rows if r[0] >= fault_at), key=lambda r: r[0])
    failures = [r for r in after if not r[3] and r[0] < fault_at + 120]
    last_failure = failures[-1][0] if failures else None
    first_ok = next((r[0] for r in after if r[3] and (last_failure is None or r[0] > last_failure)), None)
    return {
        "failed_requests": len(failures),
        "errors_until_s": round(last_failure - fault_at, 1) if last_failure else 0.0,
        "first_success_after_s": round(first_ok - fault_at, 1) if first_ok else None,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    phases = _phases(args.smoke)
    staff, citizens = (10, 20) if args.smoke else (args.staff, args.citizens)
    with tempfile.TemporaryDirectory(prefix="cityhall-bench-users-") as tmp, contextlib.ExitStack() as stack:
        cwd = Path(tmp)
        os.chmod(cwd, 0o755)  # noqa: S103 - the private PostgreSQL (its own user) lives below it
        private = args.database_url in (None, "private")
        if private:
            log("  private PostgreSQL (initdb)…")
            pg = PrivatePostgres(cwd / "pg")
            stack.callback(pg.close)
            url = pg.url
        else:
            pg, url = None, args.database_url
        broker = PrivateBroker(cwd / "mqtt")
        stack.callback(broker.close)
        env = clean_env(cwd, url)
        env.update(
            CITYHALL_MQTT_URL=broker.url,
            CITYHALL_LIVE_JOBS="queue",
            CITYHALL_JOBS_STALE_AFTER_S="20",
            CITYHALL_ALLOWED_HOSTS="127.0.0.1,localhost",
            CITYHALL_LOG_LEVEL="WARNING",
        )
        log("  cityhall demo --no-serve (migrate, the plan, samples, demo accounts)…")
        run_cli(["demo", "--no-serve"], env=env, cwd=cwd)
        run_python(["-c", OPEN_MONTH], env=env, cwd=cwd, what="open a month of consultations")
        accounts = [
            r[0]
            for r in _query(  # the demo accounts only (the samples' users have no password)
                url,
                "SELECT username FROM auth_user WHERE username IN ('admin', 'director') "
                "OR username ~ '-(viewer|editor|manager)$' ORDER BY id",
            )
        ]

        port = free_port()
        sup = Supervisor(env, cwd)
        stack.callback(sup.close)
        py = sys.executable
        sup.add(
            "web",
            [py, "-m", "gunicorn", "config.wsgi:application", "--bind", f"{LOOPBACK}:{port}",
             "--workers", str(args.web_workers), "--worker-class", "gthread", "--threads", "4",
             "--timeout", "30", "--graceful-timeout", "10"],
        )  # fmt: skip
        sup.add(
            "live",
            [py, "-m", "cityhall.cli", "manage", "streetlights_live", "--url", broker.url, "--simulate"],
        )
        for n in (1, 2):
            sup.add(
                f"worker-{n}",
                [py, "-m", "cityhall.cli", "manage", "jobs_worker", "--worker-id", f"bench-{n}"],
            )
        sup.start()
        _wait_port(port, 60, "gunicorn")
        for _ in range(300):  # the workers import Django after the port is bound
            probe = Client(port)
            try:
                if probe.get("/accounts/login/")[0] == 200:
                    break
            except (OSError, http.client.HTTPException):
                pass
            finally:
                probe.close()
            time.sleep(0.2)
        else:
            raise BenchError(f"gunicorn did not answer within 60 s:\n{(cwd / 'web.log').read_text()[-2000:]}")

        faults = ["postgresql", "broker", "jobs worker", "web worker"]
        run_time = phases["ramp"] + phases["steady"] + phases["window"] * len(faults)
        out = cwd / "requests.json"
        log(f"  {staff} staff + {citizens} citizens for {run_time:.0f} s (gunicorn ×{args.web_workers})…")
        users = subprocess.Popen(  # noqa: S603
            [py, "-m", "benchmarks.users_locust", "--host", f"http://{LOOPBACK}:{port}",
             "--staff", str(staff), "--citizens", str(citizens),
             "--spawn-rate", str(max(1.0, (staff + citizens) / phases["ramp"])),
             "--run-time", str(run_time), "--accounts", ",".join(accounts), "--out", str(out)],
            env=env, cwd=Path(__file__).resolve().parent.parent,
            stdout=open(cwd / "locust.log", "wb"), stderr=subprocess.STDOUT,  # noqa: SIM115
        )  # fmt: skip
        began = time.time()
        steady_from = began + phases["ramp"]
        time.sleep(phases["ramp"] + phases["steady"])
        before_faults = _counts(url)
        injected: list[dict[str, Any]] = []
        for fault in faults:
            at = time.time()
            note = ""
            if fault == "postgresql":
                if pg is None:
                    note = "skipped: a shared server (use the private one)"
                else:
                    pg.restart()
            elif fault == "broker":
                broker.kill()
                time.sleep(2)
                broker.start()
            elif fault == "jobs worker":
                os.kill(sup.pid("worker-1"), signal.SIGKILL)
            elif fault == "web worker":
                pids = _gunicorn_worker_pids(sup.pid("web"))
                if pids:
                    os.kill(pids[0], signal.SIGKILL)
                else:
                    note = "no gunicorn worker found"
            took = time.time() - at
            log(f"  fault: {fault} ({took:.1f} s) {note}")
            readings_at = _wait_counts(url)["readings"] if fault == "broker" else None
            time.sleep(max(0.0, phases["window"] - took))
            entry = {
                "fault": fault,
                "at_s": round(at - began, 1),
                "injection_s": round(took, 1),
                "note": note,
            }
            if readings_at is not None:
                entry["readings_in_window_after"] = _wait_counts(url)["readings"] - readings_at
            injected.append(entry)
        users.wait(timeout=run_time + 120)
        data = json.loads(out.read_text(encoding="utf-8"))
        rows = data["requests"]

        log("  draining the queue…")
        deadline = time.monotonic() + (60 if args.smoke else 180)
        while True:
            counts = _wait_counts(url)
            if (
                counts["tasks_waiting"] == 0 and counts["notifications_pending"] == 0
            ) or time.monotonic() > deadline:
                break
            time.sleep(2)
        if args.logs:  # the processes' own logs, for a look at what went wrong
            Path(args.logs).mkdir(parents=True, exist_ok=True)
            for name in [*cwd.glob("*.log"), cwd / "pg" / "postgres.log", cwd / "mqtt" / "mosquitto.log"]:
                if name.exists():
                    shutil.copy(name, Path(args.logs) / name.name)
        codes = data["accepted"]
        stored = {
            r[0] for r in _query(url, "SELECT code FROM legal_consultation WHERE name LIKE '모의시민%%'")
        }
        lost = [c for c in codes if c not in stored]
        for entry in injected:
            entry.update(_recovery(rows, began + entry["at_s"]))
            entry["window"] = _stats(rows, began + entry["at_s"], began + entry["at_s"] + phases["window"])
        result = {
            "staff": staff,
            "citizens": citizens,
            "web_workers": args.web_workers,
            "postgresql": "private" if private else "given",
            "steady": _stats(rows, steady_from, steady_from + phases["steady"]),
            "whole_run": _stats(rows, began, began + run_time + 5),
            "faults": injected,
            "restarts": dict(sup.restarts),
            "accepted_bookings": len(codes),
            "accepted_bookings_missing": len(lost),
            "bookings_stored_without_an_answer": len(stored) - len(set(codes) & stored),
            "counts_before_faults": before_faults,
            "counts_at_end": counts,
        }
        return result


def problems(result: dict[str, Any]) -> list[str]:
    found = []
    if result["accepted_bookings_missing"]:
        found.append(f"{result['accepted_bookings_missing']} accepted bookings are not in the database")
    end = result["counts_at_end"]
    if end["tasks_waiting"] or end["notifications_pending"]:
        found.append(
            f"queue not drained: {end['tasks_waiting']} tasks, {end['notifications_pending']} notifications"
        )
    for fault in result["faults"]:
        if fault["first_success_after_s"] is None:
            found.append(f"no successful request after the {fault['fault']} fault")
    if result["faults"][1].get("readings_in_window_after", 0) <= 0:
        found.append("no readings stored after the broker restart")
    if not result["steady"]["requests"]:
        found.append("no request in the steady phase")
    return found


def print_result(r: dict[str, Any]) -> None:
    s = r["steady"]
    print(
        f"{r['staff']} staff + {r['citizens']} citizens, gunicorn ×{r['web_workers']} (gthread ×4), "
        f"PostgreSQL {r['postgresql']}; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"steady: {s['requests_per_s']} requests/s over {s['seconds']} s, "
        f"{s['errors']} errors of {s['requests']}"
    )
    print(f"{'page kind':36} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8}")
    for kind, k in s["kinds"].items():
        print(
            f"{kind:36} {k['requests']:>8} {k['errors']:>6} {k['p50_ms'] or '-':>8} {k['p95_ms'] or '-':>8}"
        )
    print("faults (window after each):")
    for f in r["faults"]:
        w = f["window"]
        extra = (
            f", readings stored after it {f['readings_in_window_after']}"
            if "readings_in_window_after" in f
            else ""
        )
        print(
            f"  {f['fault']:12} at {f['at_s']:>6} s: {w['requests']} requests, {w['errors']} errors "
            f"(until +{f['errors_until_s']} s), longest {w['max_ms']} ms, "
            f"first success after +{f['first_success_after_s']} s"
            f"{extra} {f['note']}"
        )
        for error, n in w["error_kinds"].items():
            print(f"      {n} × {error}")
    print(f"process restarts by the supervisor: {r['restarts']}")
    end = r["counts_at_end"]
    print(
        f"accepted bookings {r['accepted_bookings']}, missing {r['accepted_bookings_missing']}, "
        f"stored without an answer {r['bookings_stored_without_an_answer']}; notifications sent "
        f"{end['notifications_sent']}, pending {end['notifications_pending']}, "
        f"failed {end['notifications_failed']}; "
        f"tasks waiting {end['tasks_waiting']}, failed attempts {end['tasks_failed_attempts']}, "
        f"given up {end['job_failures']}; readings {end['readings']}"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="cityhall bench users", description=__doc__.split("\n\n")[0])
    parser.add_argument("--staff", type=int, default=200)
    parser.add_argument("--citizens", type=int, default=1000)
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--database-url", default="private", help="private (default) or postgresql://…")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--logs", help="copy the processes' logs into this directory")
    args = parser.parse_args(argv)
    if args.database_url not in ("private", None) and not args.database_url.startswith(
        ("postgres://", "postgresql://")
    ):
        parser.error("--database-url: private or a postgresql:// URL")
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    result = run(args)
    found = problems(result)
    if args.json:
        print(json.dumps({**result, "failed": found}, ensure_ascii=False, indent=1))
    else:
        print_result(result)
    for problem in found:
        log(f"FAILED: {problem}")
    return 1 if found else 0
