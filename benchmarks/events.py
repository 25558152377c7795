"""``cityhall bench events``: CCTV analytics events through NATS JetStream → triage → database, beside
the broker alone, and what a worker restart loses or duplicates (see benchmarks/README.md, "events").

    cityhall bench events [--n N] [--runs R] [--workers W] [--db sqlite|postgresql|both]
                          [--database-url postgresql://…] [--rate R] [--seconds S]
                          [--url nats://127.0.0.1:4222] [--smoke] [--json]

For each database (a temporary SQLite file; a throwaway PostgreSQL database, skipped with the reason
when the server is unreachable) the parent prepares the schema, the department that runs the centre
and the 7,430-camera sample registry, and publishes; the triage workers (``--workers``, default 2)
are processes of their own (``cityhall manage cctv_worker --partition i``), one for each partition of
the stream (the events partitioned by camera, ``CITYHALL_CCTV_PARTITIONS`` = workers), so the
publisher does not share their GIL. The broker and pipeline phases run ``--runs`` times (medians
reported, with each run's figure); the paced and restart phases once. Every phase has its own stream
and subject, deleted afterwards:

- broker: publish N events (``publish_async``, server acks awaited) and consume them with the same
  worker processes and client on the partitions' durable consumers, acking without triage
  (``cctv_worker --ack-only``) — JetStream and its client without our code: the ceiling on this machine;
- pipeline: the same N events, unpaced, through the worker (decode, check, score, rate-limit,
  suppress, insert, commit, then ack): sustained events/s from the first publish to the last commit;
- paced: events at ``--rate`` (default: the goal, 10,000/s, or 80 % of what the pipeline sustained if
  less) for ``--seconds``; arrival (the publisher's stamp) to commit, i.e. visible on the wall: p50/p99;
- restart: paced events again; when a third are stored the worker is killed (SIGKILL) and a new one
  started. Its unacknowledged messages come back after the consumer's ack wait (10 s; 2 s in
  ``--smoke``, which runs every phase once at a few hundred events). Lost = published
  ids missing in the database; duplicated = rows stored twice (the unique key makes it 0; the number of
  redelivered events the key absorbed is reported beside).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

GOAL_RATE = 10_000
GOAL_P99_S = 1.0
DEFAULT_N = 50_000
DEFAULT_RUNS = 3
DEFAULT_WORKERS = 2
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/cityhall"
SMOKE_N = 300
IDLE_EXIT_S = 5.0  # a worker ends after this long without messages (not part of any figure)
SMOKE_ACK_WAIT_S = 2.0
SETUP = r"""
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.core.management import call_command
from cityhall.core.audit import Actor
from cityhall.organisation.models import OrgUnit
from cityhall.cctv.services import registry_build_samples
call_command("migrate", verbosity=0)
actor = Actor.system("bench:events")
# The event path needs the camera registry only, and the registry the department that runs it (the
# full Gimpo dataset adds minutes of setup and nothing the events touch).
OrgUnit.objects.get_or_create(code="smart-city", defaults={"name": "스마트도시과", "kind": "department"})
print(registry_build_samples(actor=actor).cameras)
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def _payloads(prefix: str, cameras: list[str], n: int) -> list[tuple[str, bytes]]:
    from cityhall.cctv import simulator

    now = datetime.now(UTC)
    out = []
    for i, (_id, camera, payload) in enumerate(simulator.events(cameras, n, now=now, seed=n)):
        event_id = f"{prefix}-{i:07d}"
        out.append((event_id, camera, payload.replace(_id.encode(), event_id.encode())))
    return out


async def _publish(js, subject: str, items, *, count: int, rate: float | None = None) -> float:
    """Publish every item (waiting for the server's acks), paced to ``rate``/s if given; returns the
    elapsed seconds."""
    from cityhall.cctv.stream import publish_many

    start = time.perf_counter()
    chunk = 500 if rate is None else max(1, int(rate / 50))
    for i in range(0, len(items), chunk):
        await publish_many(js, items[i : i + chunk], subject=subject, count=count)
        if rate is not None:
            due = start + (i + chunk) / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
    return time.perf_counter() - start


class Worker:
    def __init__(
        self,
        env: dict,
        url: str,
        name: str,
        subject: str,
        idle_exit: float,
        *,
        partition: int,
        ack_only: bool = False,
    ) -> None:
        self.proc = subprocess.Popen(  # noqa: S603 - our own command
            [
                sys.executable,
                "-m",
                "cityhall.cli",
                "manage",
                "cctv_worker",
                "--url",
                url,
                "--stream",
                name,
                "--subject",
                subject,
                "--partition",
                str(partition),
                "--idle-exit",
                str(idle_exit),
                "--json",
                *(["--ack-only"] if ack_only else []),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def ready(self) -> Worker:
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"triage worker did not start: {line} {self.proc.stderr.read()}")
        return self

    @classmethod
    def pool(
        cls, env: dict, url: str, name: str, subject: str, idle_exit: float, *, count: int, **kw
    ) -> list:
        """One worker for each partition, started together: each one's idle clock runs from its own
        start, and a partition whose worker gave up waiting for the others would stay unread."""
        started = [cls(env, url, name, subject, idle_exit, partition=p, **kw) for p in range(count)]
        return [w.ready() for w in started]

    def result(self, timeout: float = 900) -> dict:
        out, err = self.proc.communicate(timeout=timeout)
        if self.proc.returncode != 0:
            raise RuntimeError(f"triage worker failed: {err[-2000:]}")
        return json.loads(out.strip().splitlines()[-1])

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


def _merge(results: list[dict]) -> dict:
    """The workers' statistics together (each read its own partition of the stream)."""
    merged: dict = {"workers": len(results)}
    for key in ("received", "stored", "duplicates", "rejected", "redelivered"):
        merged[key] = sum(r[key] for r in results)
    merged["last_commit"] = max(r["last_commit"] for r in results)
    merged["latencies"] = sorted(x for r in results for x in r["latencies"])
    return merged


class Database:
    """Where the workers write: a SQLite file or a PostgreSQL database (counted with its own driver,
    outside Django: the parent's event loop must not block on the ORM)."""

    def __init__(self, *, sqlite_path: Path | None = None, pg_url: str | None = None) -> None:
        self.sqlite_path, self.pg_url = sqlite_path, pg_url

    @property
    def label(self) -> str:
        return "postgresql" if self.pg_url else "sqlite"

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.pg_url:
            import psycopg

            with psycopg.connect(self.pg_url) as conn:
                return conn.execute(sql.replace("?", "%s"), params).fetchall()
        with sqlite3.connect(self.sqlite_path, timeout=30) as conn:
            return conn.execute(sql, params).fetchall()

    def count(self, prefix: str) -> tuple[int, int]:
        total, distinct = self.query(
            "SELECT COUNT(*), COUNT(DISTINCT code) FROM cctv_event WHERE code LIKE ?", (prefix + "-%",)
        )[0]
        return total, distinct


async def _broker_workers(url, env, items, *, workers, ack_wait) -> dict:
    """The broker alone, measured like the pipeline: the same publisher, the same worker processes and
    NATS client on the partitions' durable consumers, but the workers only acknowledge
    (``--ack-only``)."""
    import nats

    from cityhall.cctv import stream

    name = f"CCTV_BENCH_A_{secrets.token_hex(3).upper()}"
    subject = f"cctv.bench.{name.lower()}"
    nc = await nats.connect(url)
    js = nc.jetstream()
    await stream.ensure_stream(js, stream=name, subject=subject, ack_wait=ack_wait, count=workers)
    try:
        pool = Worker.pool(env, url, name, subject, IDLE_EXIT_S, count=workers, ack_only=True)
        start = time.time()
        await _publish(js, subject, items, count=workers)
        result = _merge([await asyncio.to_thread(w.result) for w in pool])
        elapsed = result["last_commit"] - start
        got = result["received"]
        return {"events": got, "seconds": round(elapsed, 3), "events_per_s": round(got / elapsed)}
    finally:
        await js.delete_stream(name)
        await nc.close()


async def _through_worker(url, env, db, items, prefix, *, workers, ack_wait, rate=None, kill_at=None) -> dict:
    import nats

    from cityhall.cctv import stream

    name = f"CCTV_BENCH_{prefix.upper()}_{secrets.token_hex(3).upper()}"
    subject = f"cctv.bench.{name.lower()}"
    nc = await nats.connect(url)
    js = nc.jetstream()
    await stream.ensure_stream(js, stream=name, subject=subject, ack_wait=ack_wait, count=workers)
    idle = IDLE_EXIT_S if kill_at is None else ack_wait + 3
    count = db.count
    try:
        pool = Worker.pool(env, url, name, subject, idle, count=workers)
        start = time.time()
        restarted = None
        if kill_at is None:
            await _publish(js, subject, items, count=workers, rate=rate)
        else:
            publishing = asyncio.ensure_future(_publish(js, subject, items, count=workers, rate=rate))
            while (await asyncio.to_thread(count, prefix))[0] < kill_at and not publishing.done():
                await asyncio.sleep(0.05)
            pool[0].kill()
            killed_with = (await asyncio.to_thread(count, prefix))[0]
            log(f"  killed a worker at {time.time() - start:.1f}s with {killed_with} rows")
            # Started off the event loop: the publisher goes on meanwhile, so the other partitions'
            # workers do not sit idle long enough to give up before the last events are published.
            pool[0] = await asyncio.to_thread(
                lambda: Worker(env, url, name, subject, idle, partition=0).ready()
            )
            log(f"  new worker ready at {time.time() - start:.1f}s")
            restarted = killed_with
            await publishing
            log(f"  published at {time.time() - start:.1f}s")
        result = _merge([await asyncio.to_thread(w.result) for w in pool])
        total, distinct = await asyncio.to_thread(count, prefix)
        result.update(
            published=len(items),
            stored_rows=total,
            lost=len(items) - distinct,
            duplicated_rows=total - distinct,
            elapsed_s=round(result["last_commit"] - start, 3),
            killed_after_rows=restarted,
        )
        return result
    finally:
        await js.delete_stream(name)
        await nc.close()


def _prepare(env: dict) -> None:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SETUP], env=env, capture_output=True, text=True, timeout=1800
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])


def _median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values)) if values else None


def run_database(args, db: Database, env: dict, cameras: list[str]) -> dict:
    n = SMOKE_N if args.smoke else args.n
    runs = 1 if args.smoke else args.runs
    seconds = 1.0 if args.smoke else args.seconds
    ack_wait = SMOKE_ACK_WAIT_S if args.smoke else None
    from cityhall.cctv import stream

    ack_wait = ack_wait or stream.ACK_WAIT_S
    report: dict = {"database": db.label, "n": n, "runs": runs, "workers": args.workers}

    async def phases():
        brokers, pipes = [], []
        for r in range(runs):
            log(f"[{db.label} {r + 1}/{runs}] broker: JetStream 단독 {n:,}건 (확인만 하는 작업자)…")
            broker = await _broker_workers(
                args.url, env, _payloads(f"b{r}", cameras, n), workers=args.workers, ack_wait=ack_wait
            )
            brokers.append(broker["events_per_s"])
            log(f"  {broker['events_per_s']:,}건/초")
            log(
                f"[{db.label} {r + 1}/{runs}] pipeline: JetStream → 분류 → DB {n:,}건, 작업자 {args.workers}…"
            )
            pipe = await _through_worker(
                args.url,
                env,
                db,
                _payloads(f"p{r}", cameras, n),
                f"p{r}",
                workers=args.workers,
                ack_wait=ack_wait,
            )
            pipe["events_per_s"] = (
                round(pipe["stored"] / pipe["elapsed_s"]) if pipe["elapsed_s"] > 0 else None
            )
            pipes.append(pipe["events_per_s"])
            log(
                f"  {pipe['events_per_s']:,}건/초 "
                f"(lost {pipe['lost']}, duplicated rows {pipe['duplicated_rows']})"
            )
        report["broker"] = {"events_per_s": _median(brokers), "runs": brokers}
        report["pipeline"] = {"events_per_s": _median(pipes), "runs": pipes}
        broker, pipe = report["broker"]["events_per_s"], report["pipeline"]["events_per_s"]
        report["ratio_pipeline_to_broker"] = round(pipe / broker, 3) if broker and pipe else None
        rate = args.rate or min(GOAL_RATE, 0.8 * (pipe or GOAL_RATE))
        m = max(50, int(rate * seconds))
        log(f"[{db.label}] paced: {rate:,.0f}건/초로 {m:,}건…")
        paced = await _through_worker(
            args.url,
            env,
            db,
            _payloads("q", cameras, m),
            "q",
            workers=args.workers,
            ack_wait=ack_wait,
            rate=rate,
        )
        lat = paced.pop("latencies")
        report["paced"] = {
            **paced,
            "rate": round(rate),
            "p50_s": _quantile(lat, 0.5),
            "p99_s": _quantile(lat, 0.99),
            "max_s": max(lat) if lat else None,
        }
        log(f"  p50 {report['paced']['p50_s']:.3f}s · p99 {report['paced']['p99_s']:.3f}s")
        log(f"[{db.label}] restart: {m:,}건 중 작업자 하나를 강제 종료하고 다시 시작…")
        restart = await _through_worker(
            args.url,
            env,
            db,
            _payloads("r", cameras, m),
            "r",
            workers=args.workers,
            ack_wait=ack_wait,
            rate=rate,
            kill_at=m // 3,
        )
        restart.pop("latencies")
        report["restart"] = restart
        log(
            f"  lost {restart['lost']} · duplicated rows {restart['duplicated_rows']} · "
            f"redelivered {restart['redelivered']} (absorbed as duplicates {restart['duplicates']})"
        )

    asyncio.run(phases())
    return report


def run(args) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="cityhall-bench-events-"))
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env = {**base, "CITYHALL_DATA_DIR": str(tmp), "DJANGO_SETTINGS_MODULE": "config.settings"}
    env["CITYHALL_CCTV_PARTITIONS"] = str(args.workers)  # one partition a worker
    # The parent reads settings (the stream constants) only; the workers get their own DATABASE_URL.
    os.environ["CITYHALL_DATA_DIR"] = str(tmp)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    report: dict = {"goal": {"events_per_s": GOAL_RATE, "p99_s": GOAL_P99_S, "lost": 0}, "databases": []}
    if args.db in ("sqlite", "both"):
        log("준비: CCTV 예시 대장(7,430대)을 임시 SQLite에 만듭니다…")
        _prepare(env)
        db = Database(sqlite_path=tmp / "cityhall.sqlite3")
        cameras = [r[0] for r in db.query("SELECT code FROM cctv_camera WHERE status = 'active'")]
        report["cameras"] = len(cameras)
        report["databases"].append(run_database(args, db, env, cameras))
    if args.db in ("postgresql", "both"):
        from benchmarks.run import parse_target

        target = parse_target(args.database_url)
        target.probe()
        if target.skipped:
            log(f"PostgreSQL: {target.skipped}")
            report["databases"].append({"database": "postgresql", "skipped": target.skipped})
        else:
            with target.database() as pg_url:
                log("준비: 같은 대장을 임시 PostgreSQL 데이터베이스에 만듭니다…")
                pg_env = {**env, "DATABASE_URL": pg_url}
                _prepare(pg_env)
                db = Database(pg_url=pg_url.replace("postgres://", "postgresql://", 1))
                cameras = [r[0] for r in db.query("SELECT code FROM cctv_camera WHERE status = 'active'")]
                report["cameras"] = len(cameras)
                report["databases"].append(run_database(args, db, pg_env, cameras))
    return report


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="cityhall bench events")
    parser.add_argument("--n", type=int, default=DEFAULT_N, help=f"events per run (default {DEFAULT_N:,})")
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help=f"runs (default {DEFAULT_RUNS})")
    parser.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        help=f"triage worker processes, one a partition (1–64, default {DEFAULT_WORKERS})",
    )
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--database-url", default=DEFAULT_PG, help=f"local PostgreSQL (default {DEFAULT_PG})")
    parser.add_argument("--rate", type=float, default=None)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--url", default=os.environ.get("CITYHALL_NATS_URL") or "nats://127.0.0.1:4222")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not 1 <= args.workers <= 64:
        parser.error("--workers: 1–64 (one stream partition a worker)")
    report = run(args)
    print(json.dumps(report, ensure_ascii=False, indent=1 if args.json else None))
    measured = [d for d in report["databases"] if "restart" in d]
    if args.smoke and any(d["restart"]["lost"] or d["restart"]["duplicated_rows"] for d in measured):
        return 1
    return 0
