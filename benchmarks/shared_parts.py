"""``cityhall bench shared``: what the shared parts cost a calling app, per call.

    cityhall bench shared [--n N] [--bookers K] [--smoke] [--json]

A worker process with its own environment (a temporary data directory, SQLite in WAL mode, the real
migrations, no dataset) measures, ``--n`` times each, the median and the 90th percentile of:

- calendar: ``deadlines.due`` for a 7-day and a 60-day civil petition (§19②) and a 24-hour one (§19①);
  the ratio says how the cost grows with the period (days are walked one by one, holidays cached);
- bookings: ``slot_book`` of a free seat (one transaction, slot row locked), and the time ``--bookers``
  threads take to settle one last seat (one gets it, the others the "마감" message) divided by K: the
  per-booking cost under contention, as a ratio to the uncontended one;
- notifications: ``notify`` of an e-mail and a text (rows written, sent on commit through Django's
  in-memory e-mail backend and the 모의 SMS backend);
- certificates: ``certificate_issue``, ``certificate_pdf`` (reportlab, Korean CID fonts) and
  ``certificate_verify``.

``--smoke``: every step a few times, failing on any error (run by .ci/run); figures not meant to be read.
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
    parser = argparse.ArgumentParser(prog="cityhall bench shared", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="calls per measurement (200)")
    parser.add_argument("--bookers", type=int, default=8, help="threads racing for the last seat (8)")
    parser.add_argument("--smoke", action="store_true", help="each step a few times, for CI")
    parser.add_argument("--json", action="store_true", help="machine-readable results on stdout")
    return parser


def _stats(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "n": len(samples),
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p90_ms": round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))] * 1000, 3),
    }


def _time(fn, n: int) -> list[float]:
    samples = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        samples.append(time.perf_counter() - start)
    return samples


def worker(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    n = 3 if args.smoke else args.n
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import threading
    from datetime import date, timedelta

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings
    from django.utils import timezone

    from cityhall.bookings import services as bookings
    from cityhall.core import deadlines
    from cityhall.core.audit import Actor
    from cityhall.core.services import RecordInvalid
    from cityhall.documents import services as documents
    from cityhall.notifications import services as notifications

    call_command("migrate", verbosity=0)
    actor = Actor.system("bench:shared")
    out: dict = {}

    received = timezone.make_aware(timezone.datetime(2025, 9, 29, 10, 0))
    out["calendar_days_7"] = _stats(_time(lambda i: deadlines.due("civil_petition", date(2025, 9, 29), 7), n))
    out["calendar_days_60"] = _stats(
        _time(lambda i: deadlines.due("civil_petition", date(2025, 9, 29), 60), n)
    )
    out["calendar_hours_24"] = _stats(_time(lambda i: deadlines.due("civil_petition", received, 3), n))
    out["calendar_ratio_60_to_7"] = round(
        out["calendar_days_60"]["median_ms"] / out["calendar_days_7"]["median_ms"], 2
    )

    desk = bookings.resource_ensure(key="bench.desk", label="측정", actor=actor)
    start = timezone.now() + timedelta(days=2)
    wide = bookings.slot_create(
        resource=desk, starts_at=start, ends_at=start + timedelta(hours=1), capacity=10_000, actor=actor
    )
    out["slot_book"] = _stats(
        _time(lambda i: bookings.slot_book(slot=wide.pk, holder_ref=f"b{i}", actor=actor), n)
    )

    rounds = 3 if args.smoke else 10
    per_booking = []
    for r in range(rounds):
        last = bookings.slot_create(
            resource=desk,
            starts_at=start + timedelta(hours=2 + r),
            ends_at=start + timedelta(hours=3 + r),
            capacity=1,
            actor=actor,
        )
        together = threading.Barrier(args.bookers)
        outcomes: list[str] = []
        connection.close()

        def race(i, last=last, together=together, outcomes=outcomes):
            together.wait()
            try:
                bookings.slot_book(slot=last.pk, holder_ref=f"r{i}", actor=actor, waitlist=False)
                outcomes.append("booked")
            except RecordInvalid:
                outcomes.append("full")
            finally:
                connection.close()

        threads = [threading.Thread(target=race, args=(i,)) for i in range(args.bookers)]
        began = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        per_booking.append((time.perf_counter() - began) / args.bookers)
        if sorted(outcomes) != ["booked"] + ["full"] * (args.bookers - 1):
            raise SystemExit(f"last seat race: {outcomes}")
    out["last_seat_race_per_booker"] = _stats(per_booking)
    out["race_ratio_to_uncontended"] = round(
        out["last_seat_race_per_booker"]["median_ms"] / out["slot_book"]["median_ms"], 2
    )

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        out["notify_email_and_sms"] = _stats(
            _time(
                lambda i: notifications.notify(
                    template="general/notice",
                    context={"title": "측정", "detail": str(i)},
                    to_email=f"bench{i}@example.kr",
                    to_phone="010-1234-5678",
                    kind="bookings",
                    actor=actor,
                ),
                n,
            )
        )
    certs = []
    out["certificate_issue"] = _stats(
        _time(
            lambda i: certs.append(
                documents.certificate_issue(
                    kind="bench.sample",
                    title="측정 확인서",
                    subject_ref=f"bench:{i}",
                    payload={"성명": "홍길동", "내용": "측정"},
                    personal=["성명"],
                    actor=actor,
                )
            ),
            n,
        )
    )
    out["certificate_pdf"] = _stats(_time(lambda i: documents.certificate_pdf(certs[i % len(certs)]), n))
    out["certificate_verify"] = _stats(
        _time(lambda i: documents.certificate_verify(certs[i % len(certs)].code), n)
    )
    print(json.dumps(out, ensure_ascii=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_worker"]:
        return worker(argv[1:])
    args = _parser().parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cityhall-bench-shared-") as data_dir:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CITYHALL_") and k != "DATABASE_URL"}
        env["CITYHALL_DATA_DIR"] = data_dir
        print("준비 중: 마이그레이션…", file=sys.stderr)
        done = subprocess.run(  # noqa: S603 - this module, fixed arguments
            [sys.executable, "-m", "benchmarks.shared_parts", "_worker", *argv],
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
    print(f"{'measurement':<28} {'n':>5} {'median ms':>10} {'p90 ms':>8}")
    for name, value in measured.items():
        if isinstance(value, dict):
            print(f"{name:<28} {value['n']:>5} {value['median_ms']:>10.3f} {value['p90_ms']:>8.3f}")
        else:
            print(f"{name:<28} ratio {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
