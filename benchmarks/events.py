"""``cityhall bench events``: CCTV analytics events through NATS JetStream → triage → database, beside
the broker alone, and what a worker restart loses or duplicates (see benchmarks/README.md, "events").

    cityhall bench events [--n N] [--rate R] [--seconds S] [--url nats://127.0.0.1:4222] [--smoke] [--json]

The parent prepares a temporary SQLite database (the Gimpo dataset and the 7,430-camera sample registry)
and publishes; each triage worker is a process of its own (``cityhall manage cctv_worker``), so the
publisher does not share its GIL. Every phase has its own stream and subject, deleted afterwards:

- broker: publish N events (``publish_async``, server acks awaited) and consume them with a pull consumer
  that only acks — JetStream without our code, the ceiling;
- pipeline: the same N events, unpaced, through the worker (decode, check, score, rate-limit,
  suppress, insert, commit, then ack): sustained events/s from the first publish to the last commit;
- paced: events at ``--rate`` (default: the goal, 10,000/s, or 80 % of what the pipeline sustained if
  less) for ``--seconds``; arrival (the publisher's stamp) to commit, i.e. visible on the wall: p50/p99;
- restart: paced events again; when a third are stored the worker is killed (SIGKILL) and a new one
  started. Its unacknowledged messages come back after the consumer's ack wait (10 s). Lost = published
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
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

GOAL_RATE = 10_000
GOAL_P99_S = 1.0
DEFAULT_N = 50_000
SMOKE_N = 300
SETUP = r"""
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.core.management import call_command
from cityhall.core.audit import Actor
from cityhall.core.transfer import import_document, read_dataset
from cityhall.cctv.services import registry_build_samples
call_command("migrate", verbosity=0)
actor = Actor.system("bench:events")
import_document(read_dataset("gimpo-2025"), actor=actor)
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
    for i, (_id, payload) in enumerate(simulator.events(cameras, n, now=now, seed=n)):
        event_id = f"{prefix}-{i:07d}"
        out.append((event_id, payload.replace(_id.encode(), event_id.encode())))
    return out


async def _publish(js, subject: str, items, *, rate: float | None = None) -> float:
    """Publish every item (waiting for the server's acks), paced to ``rate``/s if given; returns the
    elapsed seconds."""
    from cityhall.cctv.stream import publish_many

    start = time.perf_counter()
    chunk = 500 if rate is None else max(1, int(rate / 50))
    for i in range(0, len(items), chunk):
        await publish_many(js, items[i : i + chunk], subject=subject)
        if rate is not None:
            due = start + (i + chunk) / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
    return time.perf_counter() - start


async def _broker_only(url: str, items) -> dict:
    import nats
    from nats.errors import TimeoutError as NatsTimeout

    from cityhall.cctv import stream

    name = f"CCTV_BENCH_B_{secrets.token_hex(3).upper()}"
    subject = f"cctv.bench.{name.lower()}"
    nc = await nats.connect(url)
    js = nc.jetstream()
    await stream.ensure_stream(js, stream=name, subject=subject)
    try:
        sub = await js.pull_subscribe_bind(stream.DURABLE, name)
        got = 0
        start = time.perf_counter()

        async def consume():
            nonlocal got
            while got < len(items):
                try:
                    msgs = await sub.fetch(stream.BATCH, timeout=stream.FETCH_TIMEOUT_S)
                except (TimeoutError, NatsTimeout):
                    continue
                for m in msgs:
                    await m.ack()
                got += len(msgs)

        await asyncio.gather(_publish(js, subject, items), consume())
        elapsed = time.perf_counter() - start
        return {"events": got, "seconds": round(elapsed, 3), "events_per_s": round(got / elapsed)}
    finally:
        await js.delete_stream(name)
        await nc.close()


class Worker:
    def __init__(self, env: dict, url: str, name: str, subject: str, idle_exit: float) -> None:
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
                "--idle-exit",
                str(idle_exit),
                "--json",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"triage worker did not start: {line} {self.proc.stderr.read()}")

    def result(self, timeout: float = 600) -> dict:
        out, err = self.proc.communicate(timeout=timeout)
        if self.proc.returncode != 0:
            raise RuntimeError(f"triage worker failed: {err[-2000:]}")
        return json.loads(out.strip().splitlines()[-1])

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


def _count(db: Path, prefix: str) -> tuple[int, int]:
    with sqlite3.connect(db, timeout=30) as conn:
        total, distinct = conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT code) FROM cctv_event WHERE code LIKE ?", (prefix + "-%",)
        ).fetchone()
    return total, distinct


async def _through_worker(url, env, db, items, prefix, *, rate=None, kill_at=None) -> dict:
    import nats

    from cityhall.cctv import stream

    name = f"CCTV_BENCH_{prefix.upper()}_{secrets.token_hex(3).upper()}"
    subject = f"cctv.bench.{name.lower()}"
    nc = await nats.connect(url)
    js = nc.jetstream()
    await stream.ensure_stream(js, stream=name, subject=subject)
    idle = 2.0 if kill_at is None else stream.ACK_WAIT_S + 5
    try:
        worker = Worker(env, url, name, subject, idle)
        start = time.time()
        restarted = None
        if kill_at is None:
            await _publish(js, subject, items, rate=rate)
        else:
            publishing = asyncio.ensure_future(_publish(js, subject, items, rate=rate))
            while _count(db, prefix)[0] < kill_at and not publishing.done():
                await asyncio.sleep(0.05)
            worker.kill()
            killed_with = _count(db, prefix)[0]
            log(f"  killed at {time.time() - start:.1f}s with {killed_with} rows")
            worker = Worker(env, url, name, subject, idle)
            log(f"  new worker ready at {time.time() - start:.1f}s")
            restarted = killed_with
            await publishing
            log(f"  published at {time.time() - start:.1f}s")
        result = await asyncio.to_thread(worker.result)
        total, distinct = _count(db, prefix)
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


def run(args) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="cityhall-bench-events-"))
    env = {**os.environ, "CITYHALL_DATA_DIR": str(tmp), "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DATABASE_URL", None)
    log("준비: 김포 데이터와 CCTV 예시 대장(7,430대)을 임시 SQLite에 만듭니다…")
    done = subprocess.run([sys.executable, "-c", SETUP], env=env, capture_output=True, text=True, timeout=900)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    db = tmp / "cityhall.sqlite3"
    with sqlite3.connect(db) as conn:
        cameras = [r[0] for r in conn.execute("SELECT code FROM cctv_camera WHERE status = 'active'")]
    os.environ["CITYHALL_DATA_DIR"] = str(tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    n = SMOKE_N if args.smoke else args.n
    seconds = 1.0 if args.smoke else args.seconds
    report: dict = {
        "n": n,
        "cameras": len(cameras),
        "database": "sqlite",
        "goal": {"events_per_s": GOAL_RATE, "p99_s": GOAL_P99_S, "lost": 0},
    }

    async def phases():
        log(f"broker: JetStream 단독 {n:,}건…")
        report["broker"] = await _broker_only(args.url, _payloads("b", cameras, n))
        log(f"  {report['broker']['events_per_s']:,}건/초")
        log(f"pipeline: JetStream → 분류 → DB {n:,}건…")
        pipe = await _through_worker(args.url, env, db, _payloads("p", cameras, n), "p")
        pipe["events_per_s"] = round(pipe["stored"] / pipe["elapsed_s"]) if pipe["elapsed_s"] > 0 else None
        report["pipeline"] = {k: v for k, v in pipe.items() if k != "latencies"}
        log(f"  {pipe['events_per_s']:,}건/초")
        rate = args.rate or min(GOAL_RATE, 0.8 * (pipe["events_per_s"] or GOAL_RATE))
        m = max(50, int(rate * seconds))
        log(f"paced: {rate:,.0f}건/초로 {m:,}건…")
        paced = await _through_worker(args.url, env, db, _payloads("q", cameras, m), "q", rate=rate)
        lat = paced.pop("latencies")
        report["paced"] = {
            **paced,
            "rate": round(rate),
            "p50_s": _quantile(lat, 0.5),
            "p99_s": _quantile(lat, 0.99),
            "max_s": max(lat) if lat else None,
        }
        log(f"  p50 {report['paced']['p50_s']:.3f}s · p99 {report['paced']['p99_s']:.3f}s")
        log(f"restart: {m:,}건 중 작업자를 강제 종료하고 다시 시작…")
        restart = await _through_worker(
            args.url, env, db, _payloads("r", cameras, m), "r", rate=rate, kill_at=m // 3
        )
        restart.pop("latencies")
        report["restart"] = restart
        log(
            f"  lost {restart['lost']} · duplicated rows {restart['duplicated_rows']} · "
            f"redelivered {restart['redelivered']} (absorbed as duplicates {restart['duplicates']})"
        )

    asyncio.run(phases())
    broker, pipe = report["broker"]["events_per_s"], report["pipeline"]["events_per_s"]
    report["ratio_pipeline_to_broker"] = round(pipe / broker, 3) if broker and pipe else None
    return report


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="cityhall bench events")
    parser.add_argument("--n", type=int, default=DEFAULT_N)
    parser.add_argument("--rate", type=float, default=None)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--url", default=os.environ.get("CITYHALL_NATS_URL") or "nats://127.0.0.1:4222")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    report = run(args)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print(json.dumps(report, ensure_ascii=False))
    if args.smoke and (report["restart"]["lost"] or report["restart"]["duplicated_rows"]):
        return 1
    return 0
