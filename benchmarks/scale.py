"""``cityhall bench scale``: two web processes and two telemetry ingesters against one PostgreSQL, on
one machine — the "past one machine" layout in miniature (docs/production.md, ADR 0017).

    cityhall bench scale [--server postgresql://postgres@127.0.0.1:5432] [--seconds S] [--readings N]
                         [--clients C] [--smoke] [--json]

It creates a throwaway database (migrations only), starts a private Mosquitto, two gunicorn instances
(deploy/gunicorn.conf.py, 2 workers × 2 threads each, on their own ports, each its own metrics
directory) and two ingesters on one MQTT 5 shared subscription (``telemetry_ingest --share``). Then,
at once: C client threads request ``/readyz`` and ``/public/`` from both web processes in turn for S
seconds, while N readings are published with QoS 1. It reports requests/s, p50/p95 per web process,
errors, how many readings each ingester stored, and whether every reading was stored exactly once.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MOSQUITTO = "/usr/sbin/mosquitto"


def log(message: str) -> None:
    print(f"[scale] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, what: str, timeout: float = 600.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.2)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else 0.0


def run(argv: list[str]) -> dict:
    parser = argparse.ArgumentParser(prog="cityhall bench scale")
    parser.add_argument(
        "--server", default=os.environ.get("CITYHALL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--readings", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.smoke:
        args.seconds, args.readings, args.clients = 3.0, 200, 2

    import paho.mqtt.client as mqtt
    import psycopg

    work = Path(tempfile.mkdtemp(prefix="cityhall-scale-"))
    name = f"cityhall_scale_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(f"{args.server}/postgres", autocommit=True, connect_timeout=5)
    admin.execute(f'CREATE DATABASE "{name}"')
    processes: list[subprocess.Popen] = []
    log(f"working in {work}")
    try:
        broker_port = free_port()
        (work / "mosquitto.conf").write_text(
            f"listener {broker_port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n"
            f"persistence false\nuser {getpass.getuser()}\n"
        )
        broker_url = f"mqtt://127.0.0.1:{broker_port}"
        env = {
            **os.environ,
            "DATABASE_URL": f"{args.server}/{name}",
            "CITYHALL_DATA_DIR": str(work / "data"),
            "CITYHALL_MQTT_URL": broker_url,
            "CITYHALL_LOG_LEVEL": "WARNING",
        }
        log("migrating a throwaway database")
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "cityhall.cli", "manage", "migrate", "-v", "0"],
            env=env,
            check=True,
            cwd=ROOT,
        )
        processes.append(subprocess.Popen([MOSQUITTO, "-c", str(work / "mosquitto.conf")]))  # noqa: S603
        wait_for(lambda: _listening(broker_port), "mosquitto")

        webs = []
        for index in (1, 2):
            port = free_port()
            metrics = work / f"metrics-{index}"
            web_env = {**env, "CITYHALL_WEB_BIND": f"127.0.0.1:{port}", "CITYHALL_WEB_WORKERS": "2",
                       "CITYHALL_WEB_THREADS": "2", "PROMETHEUS_MULTIPROC_DIR": str(metrics)}  # fmt: skip
            gunicorn = Path(sys.executable).parent / "gunicorn"
            processes.append(
                subprocess.Popen(  # noqa: S603
                    [
                        str(gunicorn),
                        "-c",
                        str(ROOT / "deploy" / "gunicorn.conf.py"),
                        "config.wsgi:application",
                    ],
                    env=web_env,
                    cwd=ROOT,
                    stderr=subprocess.DEVNULL,
                )  # fmt: skip
            )
            webs.append(f"http://127.0.0.1:{port}")
        ingesters = []
        for index in (1, 2):
            ingester = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "cityhall.cli", "manage", "telemetry_ingest", "--share", "scale",
                 "--client-id", f"scale-ingest-{index}", "--any-device"],
                env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
            processes.append(ingester)
            ingesters.append(ingester)
        for web in webs:
            wait_for(lambda web=web: answers(f"{web}/healthz"), f"{web}")
        for ingester in ingesters:
            line = ingester.stdout.readline()
            if not line.startswith("수집 시작"):
                raise RuntimeError(f"ingester did not start: {line!r}")
        time.sleep(2)  # both subscribed
        log(f"web {webs}, ingesters ×2 on {broker_url}")

        results: dict[str, list[tuple[float, int]]] = {web: [] for web in webs}
        stop = threading.Event()

        def client(offset: int) -> None:
            i = offset
            while not stop.is_set():
                web = webs[i % 2]
                path = ("/readyz", "/public/")[(i // 2) % 2]
                i += 1
                started = time.perf_counter()
                try:
                    with urllib.request.urlopen(f"{web}{path}", timeout=30) as response:  # noqa: S310
                        status = response.status
                        response.read()
                except urllib.error.HTTPError as exc:
                    status = exc.code
                except OSError:
                    status = 0
                results[web].append((time.perf_counter() - started, status))

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        publisher = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        publisher.max_queued_messages_set(0)
        publisher.connect("127.0.0.1", broker_port)
        publisher.loop_start()
        base = datetime(2025, 6, 1, 12, tzinfo=UTC)
        infos = []
        for n in range(args.readings):
            device = f"SL-{n % 638:04d}"
            body = {"msg_id": f"scale-{n}", "device_id": device, "lamp_on": True, "dim": 70, "power_w": 84.5,
                    "energy_wh": 1000 + n, "voltage_v": 221.3, "current_a": 0.38, "temperature_c": 18.5,
                    "heartbeat": False, "faults": [],
                    "ts": (base + timedelta(seconds=n)).isoformat().replace("+00:00", "Z")}  # fmt: skip
            infos.append(
                publisher.publish(f"cityhall/v1/streetlights/{device}/telemetry", json.dumps(body), qos=1)
            )
        for info in infos:
            info.wait_for_publish(timeout=120)
        published_in = time.monotonic() - started
        remaining = args.seconds - (time.monotonic() - started)
        if remaining > 0:
            time.sleep(remaining)
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        publisher.loop_stop()
        publisher.disconnect()

        with psycopg.connect(f"{args.server}/{name}", connect_timeout=5) as db:

            def stored() -> int:
                return db.execute("SELECT COUNT(*) FROM telemetry_reading").fetchone()[0]

            wait_for(lambda: stored() >= args.readings, "every reading stored", timeout=180)
            time.sleep(1)
            total = stored()
            distinct = db.execute(
                "SELECT COUNT(DISTINCT (device_id, message_id)) FROM telemetry_reading"
            ).fetchone()[0]
        split = []
        for ingester in ingesters:
            ingester.send_signal(signal.SIGTERM)
            out, _ = ingester.communicate(timeout=60)
            found = re.search(r"저장 ([\d,]+)건", out)
            split.append(int(found.group(1).replace(",", "")) if found else None)
        metrics_totals = []
        for web in webs:
            with urllib.request.urlopen(f"{web}/metrics", timeout=10) as response:  # noqa: S310
                text = response.read().decode()
            metrics_totals.append(
                int(
                    sum(
                        float(m)
                        for m in re.findall(r"^cityhall_http_requests_total\{.*\} (\S+)$", text, re.M)
                    )
                )
            )

        per_web = {}
        for web, samples in results.items():
            times = [t for t, status in samples if status == 200]
            per_web[web] = {
                "requests": len(samples),
                "errors": sum(1 for _, status in samples if status != 200),
                "p50_ms": round(statistics.median(times) * 1000, 1) if times else None,
                "p95_ms": round(percentile(times, 95) * 1000, 1) if times else None,
                "metrics_requests_total": None,
            }
        for web, counted in zip(webs, metrics_totals, strict=True):
            per_web[web]["metrics_requests_total"] = counted
        requests = sum(v["requests"] for v in per_web.values())
        return {
            "seconds": round(elapsed, 1),
            "clients": args.clients,
            "requests_per_s": round(requests / elapsed, 1),
            "web": per_web,
            "readings": {
                "published": args.readings,
                "published_in_s": round(published_in, 1),
                "stored": total,
                "distinct": distinct,
                "per_ingester": split,
            },
        }
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


def main(argv: list[str]) -> int:
    report = run(argv)
    if "--json" in argv:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        readings = report["readings"]
        print(f"{report['seconds']} s, {report['clients']} clients: {report['requests_per_s']} requests/s")
        for web, figures in report["web"].items():
            print(f"  {web}: {figures}")
        print(f"  readings: {readings}")
    ok = report["readings"]["stored"] == report["readings"]["distinct"] == report["readings"]["published"]
    errors = sum(v["errors"] for v in report["web"].values())
    return 0 if ok and errors == 0 else 1
