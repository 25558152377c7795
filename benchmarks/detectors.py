"""``cityhall bench detectors``: can the detector ingest (VDS and DSRC, ADR 0028/0029) keep up with
10,000 detectors reporting every 30 s (333 reports/s)? Compared with the broker alone.

    cityhall bench detectors [--detectors 10000] [--dsrc-share 0.1] [--runs 3] [--json]

One process, a private Mosquitto (``benchmarks.ingest.private_broker``) and a throwaway SQLite
database in a temporary data directory. Each run publishes one 30-s interval of every detector (VDS
reports; a share of the detectors are DSRC readers whose reports carry 3 passes each) into the broker
while nobody is connected, queued for two persistent sessions; then it measures how fast each
session's queue drains:

- broker alone: a subscriber that only counts the messages (QoS 1);
- ingest: ``run_ingester`` with ``detector_services.detectors_ingest`` (parse, hash the OBU IDs,
  check duplicates, store, dead letters; batches of 500, acknowledged after commit).

Both drain the same queued messages, so the publisher's own speed is not in either figure. Reported:
the median rate of each (reports/s) over the runs, and the ingest's share of the broker's rate.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def payloads(detectors: int, dsrc_share: float, ts: datetime) -> list[tuple[str, bytes]]:
    from cityhall.traffic import dsrc, vds

    readers = int(detectors * dsrc_share)
    out = []
    stamp = ts.isoformat().replace("+00:00", "Z")
    for i in range(detectors - readers):
        wire = vds.VdsWire(
            f"vds-b{i:05d}", stamp, volume=7, occupancy_pct=12.5, speed_kmh=41.3, simulated=True
        )
        out.append((vds.vds_topic(wire.detector_id), vds.encode(wire)))
    for i in range(readers):
        passes = [
            dsrc.PassWire(
                f"OBU-{i}-{k}", (ts - timedelta(seconds=5 * k + 1)).isoformat().replace("+00:00", "Z")
            )
            for k in range(3)
        ]
        wire = dsrc.DsrcWire(f"dsrc-b{i:05d}", stamp, passes, simulated=True)
        out.append((dsrc.dsrc_topic(wire.reader_id), dsrc.encode(wire)))
    return out


def publish(url: str, messages: list[tuple[str, bytes]]) -> None:
    from cityhall.telemetry.mqtt import broker_from_url, new_client

    client, connect = new_client(broker_from_url(url), "bench-detectors-pub")
    client.connect(**connect)
    client.loop_start()
    try:
        infos = [client.publish(topic, payload, qos=1) for topic, payload in messages]
        for info in infos:
            info.wait_for_publish(timeout=120)
    finally:
        client.disconnect()
        client.loop_stop()


def drain_broker(url: str, client_id: str, n: int) -> float:
    """Connect the counting session and time until ``n`` queued messages have arrived."""
    from cityhall.telemetry.mqtt import broker_from_url, new_client

    client, connect = new_client(broker_from_url(url), client_id, persistent=True)
    count, first, done = [0], [0.0], threading.Event()

    def on_message(client, userdata, message):
        if not count[0]:
            first[0] = time.perf_counter()
        count[0] += 1
        if count[0] >= n:
            done.set()

    client.on_message = on_message
    started = time.perf_counter()
    client.connect(**connect)
    client.loop_start()
    try:
        if not done.wait(600):
            raise RuntimeError(f"broker alone: {count[0]} of {n} arrived")
    finally:
        client.disconnect()
        client.loop_stop()
    return n / (time.perf_counter() - started)


def drain_ingest(url: str, client_id: str, n: int, topics: list[str]) -> tuple[float, int]:
    from cityhall.telemetry.ingester import run_ingester
    from cityhall.traffic import detector_services

    stop = threading.Event()
    seen = [0]

    def ingest(messages, **kwargs):
        report = detector_services.detectors_ingest(messages, **kwargs)
        seen[0] += report.received
        if seen[0] >= n:
            stop.set()
        return report

    started = time.perf_counter()
    stats = run_ingester(
        url, batch_size=500, flush_ms=100, stop_event=stop, client_id=client_id, topics=topics, ingest=ingest
    )
    return n / (time.perf_counter() - started), stats.stored


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cityhall bench detectors")
    parser.add_argument("--detectors", type=int, default=10_000)
    parser.add_argument("--dsrc-share", type=float, default=0.1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="200 detectors, one run: the path works")
    args = parser.parse_args(argv)
    if args.smoke:
        args.detectors, args.runs = 200, 1
    with tempfile.TemporaryDirectory(prefix="cityhall-bench-detectors-") as tmp:
        os.environ["CITYHALL_DATA_DIR"] = tmp
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        from django.core.management import call_command

        from benchmarks.ingest import _create_sessions, private_broker  # type: ignore[import-not-found]
        from cityhall.traffic import dsrc, vds

        call_command("migrate", verbosity=0)
        topics = [vds.SUBSCRIPTION, dsrc.SUBSCRIPTION]
        runs = []
        with private_broker(Path(tmp)) as (url, _pid):
            for run in range(args.runs):
                ids = [f"bench-det-count-{run}", f"bench-det-ingest-{run}"]
                _create_sessions(url, ids, topics)
                ts = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=30 * (args.runs - run))
                messages = payloads(args.detectors, args.dsrc_share, ts)
                publish(url, messages)
                broker = drain_broker(url, ids[0], len(messages))
                ingest, stored = drain_ingest(url, ids[1], len(messages), topics)
                if stored != len(messages):
                    log(f"run {run + 1}: stored {stored} of {len(messages)}")
                log(f"run {run + 1}: broker alone {broker:,.0f}/s, ingest {ingest:,.0f}/s")
                runs.append({"broker": broker, "ingest": ingest, "sent": len(messages), "stored": stored})
    result = {
        "detectors": args.detectors,
        "dsrc_share": args.dsrc_share,
        "needed_per_s": round(args.detectors / 30, 1),
        "broker_median": round(statistics.median(r["broker"] for r in runs)),
        "ingest_median": round(statistics.median(r["ingest"] for r in runs)),
        "load_average": os.getloadavg()[0],
        "runs": runs,
    }
    result["ratio"] = round(result["ingest_median"] / result["broker_median"], 3)
    headroom = result["ingest_median"] / result["needed_per_s"]
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print(
            f"{args.detectors:,} detectors ({args.dsrc_share:.0%} DSRC), one 30-s interval: need "
            f"{result['needed_per_s']:,}/s\n"
            f"broker alone  median {result['broker_median']:,} reports/s\n"
            f"ingest        median {result['ingest_median']:,} reports/s  "
            f"({result['ratio']:.1%} of the broker; {headroom:.1f}× the need)\n"
            f"load average {result['load_average']:.2f}"
        )
    # A report the ingest did not store is a failure, whatever the speed.
    return 0 if all(r["stored"] == r["sent"] for r in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
