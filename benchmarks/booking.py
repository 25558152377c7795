"""``cityhall bench booking``: citizens booking free legal consultations the moment a month opens.

    cityhall bench booking [--citizens 200] [--database-url sqlite|postgresql://… ...] [--smoke] [--json]

Per database: a temporary data directory (and, for PostgreSQL, a throwaway database), ``cityhall load``
(the Gimpo plan, whose service record sets the consultation room, weekday and hours), the slots of a
month opened (every Tuesday but public holidays, two lawyers, four half hours), then ``cityhall serve``
(waitress, 8 threads) on a loopback port. ``--citizens`` threads, one HTTP connection and cookie jar
each, all start together: each reads the public day list, opens the booking form of a slot on the
month's first day (the rush everyone makes), and posts it. Reported: the posts' median and 95th
percentile, bookings per second over the rush (posts answered ÷ wall time), how many got a seat, a
place in line or a refusal, and the double bookings found afterwards in the database (seats taken
beyond a slot's capacity, or a person holding two requests on a day) — which must be zero.
``--smoke``: 10 citizens, failing on any error.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.run import (
    LOOPBACK,
    BenchError,
    Client,
    clean_env,
    log,
    parse_target,
    percentile,
    run_cli,
    run_python,
    running_server,
)

DAYS_PATH = "/public/legal-consultation/"
SLOT = re.compile(r'href="/public/legal-consultation/book/(\d+)/"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

OPEN_MONTH = r"""
import datetime as dt, json, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from cityhall.core.audit import Actor
from cityhall.legal.consultations import services
today = dt.date.today()
first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)  # next month
made = services.consultation_month_open(year=first.year, month=first.month, actor=Actor.system("bench"))
print(json.dumps({"slots": made, "month": first.isoformat()[:7]}))
"""

CHECK = r"""
import json, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.db.models import Count, F, Q
from cityhall.bookings.models import Slot
from cityhall.legal.models import Consultation
seated = Q(bookings__status__in=["booked", "attended", "no_show"])
over = Slot.objects.annotate(seats=Count("bookings", filter=seated)).filter(seats__gt=F("capacity")).count()
twice = (Consultation.objects.filter(status__in=["booked", "waitlisted"]).values("day", "holder_key")
         .annotate(n=Count("id")).filter(n__gt=1).count())
unmatched = Consultation.objects.filter(status="booked").exclude(booking__status="booked").count()
print(json.dumps({"over_capacity": over, "twice_a_day": twice, "status_mismatch": unmatched,
                  "booked": Consultation.objects.filter(status="booked").count(),
                  "waitlisted": Consultation.objects.filter(status="waitlisted").count()}))
"""


def citizen(port: int, i: int, start: threading.Barrier, rng: random.Random, out: list) -> None:
    client = Client(port, accept="text/html", cookies=True)
    try:
        status, body = client.get(DAYS_PATH)
        if status != 200:
            raise BenchError(f"GET {DAYS_PATH}: HTTP {status}")
        slots = SLOT.findall(body.decode())
        if not slots:
            raise BenchError("no open consultation slot on the public page")
        slot = rng.choice(slots[:8])  # the first day's eight slots: the rush
        status, body = client.get(f"/public/legal-consultation/book/{slot}/")
        token = CSRF.search(body.decode())
        if status != 200 or token is None:
            raise BenchError(f"booking form: HTTP {status}")
        form = {
            "csrfmiddlewaretoken": token.group(1),
            "name": f"시민{i}",
            "phone": f"010-{2000 + i // 10000:04d}-{i % 10000:04d}",
            "eligibility": "resident",
            "topic": "civil",
            "consent": "on",
        }
        client.close()  # the server holds at most 100 connections: each citizen reconnects to post
        start.wait(timeout=900)
        began = time.perf_counter()
        status, body = client.post_form(f"/public/legal-consultation/book/{slot}/", form)
        elapsed = time.perf_counter() - began
        if status == 302:
            outcome = "accepted"
        elif status == 422:
            outcome = "refused"
        else:
            raise BenchError(f"POST booking: HTTP {status}: {body[:200].decode('utf-8', 'replace')}")
        out.append((elapsed, outcome, began, began + elapsed))
    except threading.BrokenBarrierError:
        out.append(BenchError("another citizen failed before the rush"))
    except Exception as exc:  # reported by the caller, never hidden
        out.append(exc)
        start.abort()
    finally:
        client.close()


def bench_target(target, citizens: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="cityhall-bench-booking-") as tmp, target.database() as url:
        cwd = Path(tmp)
        env = clean_env(cwd, url)
        log(f"  [{target.label}] cityhall load")
        run_cli(["load"], env=env, cwd=cwd)
        opened = json.loads(run_python(["-c", OPEN_MONTH], env=env, cwd=cwd, what="open a month"))
        log(f"  [{target.label}] {opened['slots']} slots opened for {opened['month']}; {citizens} citizens")
        with running_server(env, cwd) as port:
            results: list = []
            barrier = threading.Barrier(citizens + 1)
            threads = [
                threading.Thread(target=citizen, args=(port, i, barrier, random.Random(i), results))
                for i in range(citizens)
            ]
            for t in threads:
                t.start()
            try:
                barrier.wait(timeout=900)  # every citizen has the form open: the month opens now
            except threading.BrokenBarrierError:
                for t in threads:
                    t.join()
                raise BenchError(f"a citizen failed before the rush: {next(iter(results), None)!r}") from None
            rush = time.perf_counter()
            for t in threads:
                t.join()
            wall = max((r[3] for r in results if isinstance(r, tuple)), default=rush) - rush
        errors = [r for r in results if not isinstance(r, tuple)]
        if errors:
            raise BenchError(f"{len(errors)} citizens failed: {errors[0]!r}")
        checked = json.loads(run_python(["-c", CHECK], env=env, cwd=cwd, what="check for double bookings"))
    latencies = sorted(r[0] for r in results)
    accepted = sum(1 for r in results if r[1] == "accepted")
    return {
        "database": target.display(),
        "citizens": citizens,
        "slots": opened["slots"],
        "answered": len(results),
        "accepted": accepted,
        "refused": len(results) - accepted,
        "booked": checked["booked"],
        "waitlisted": checked["waitlisted"],
        "double_bookings": checked["over_capacity"] + checked["twice_a_day"] + checked["status_mismatch"],
        "median_ms": round(1000 * percentile(latencies, 50), 1),
        "p95_ms": round(1000 * percentile(latencies, 95), 1),
        "bookings_per_s": round(len(results) / wall, 1) if wall > 0 else None,
        "wall_s": round(wall, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cityhall bench booking", description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizens", type=int, default=200, help="citizens booking at once (200)")
    parser.add_argument(
        "--database-url", action="append", type=parse_target, dest="targets", help="sqlite or postgresql://…"
    )
    parser.add_argument("--smoke", action="store_true", help="10 citizens, failing on any error")
    parser.add_argument("--json", action="store_true", help="machine-readable results on stdout")
    args = parser.parse_args(argv)
    citizens = 10 if args.smoke else args.citizens
    if not 1 <= citizens <= 2000:
        parser.error("--citizens: 1 … 2000")
    targets = args.targets or [parse_target("sqlite")]
    results = []
    for target in targets:
        result = bench_target(target, citizens)
        results.append(result)
        if result["double_bookings"]:
            print(f"double bookings found on {result['database']}: {result}", file=sys.stderr)
            return 1
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for r in results:
            print(
                f"{r['database']} ({LOOPBACK}): {r['citizens']} citizens, {r['slots']} slots — "
                f"{r['bookings_per_s']} bookings/s, median {r['median_ms']} ms, p95 {r['p95_ms']} ms; "
                f"booked {r['booked']}, waiting {r['waitlisted']}, refused {r['refused']}, "
                f"double bookings {r['double_bookings']}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
