"""The GTFS feed: validated by an independent validator, Korean holidays in the calendar, IDs stable
when a stop or a route changes."""

import csv
import io
import json
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

from cityhall.bus import gtfs, services
from cityhall.core.audit import Actor

TODAY = date(2025, 3, 4)


def tables(blob: bytes) -> dict[str, list[dict]]:
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        return {n: list(csv.DictReader(io.StringIO(zf.read(n).decode()))) for n in zf.namelist()}


def test_feed_passes_the_canonical_rules(bus_network, tmp_path):
    path = Path(tmp_path) / "gtfs.zip"
    path.write_bytes(gtfs.feed_zip(TODAY))
    validator = Path(sys.executable).with_name("gtfs-validator")
    done = subprocess.run(  # noqa: S603 — our own feed, the validator installed beside this Python
        [str(validator), "-i", str(path), "-c", "KR", "-d", TODAY.isoformat(), "--stdout"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    report = json.loads(done.stdout)
    errors = [n for n in report["notices"] if n["severity"] == "ERROR"]
    assert errors == []
    counts = report["summary"]["counts"]
    assert counts["Routes"] == 6
    assert counts["Stops"] == len(tables(path.read_bytes())["stops.txt"])


def test_calendar_runs_the_holiday_timetable_on_korean_public_holidays(bus_network):
    t = tables(gtfs.feed_zip(TODAY))
    exceptions = {(r["service_id"], r["date"]): r["exception_type"] for r in t["calendar_dates.txt"]}
    # 삼일절 2025-03-01 is a Saturday (no exception); 대체공휴일 2025-03-03 is a Monday
    assert exceptions[("weekday", "20250303")] == "2"
    assert exceptions[("holiday", "20250303")] == "1"
    assert exceptions[("weekday", "20251006")] == "2"  # 추석
    assert ("weekday", "20250301") not in exceptions
    cal = {r["service_id"]: r for r in t["calendar.txt"]}
    assert (cal["weekday"]["start_date"], cal["weekday"]["end_date"]) == ("20250301", "20260228")


def test_ids_stay_when_a_stop_or_a_route_changes(bus_network):
    before = tables(gtfs.feed_zip(TODAY))
    actor = Actor.system("test:bus")
    services.stop_rename(code="B1C1", name="김포시청 앞 (모의)", actor=actor)
    services.route_set_headway(code="C10", headway_min=20, actor=actor)
    after = tables(gtfs.feed_zip(TODAY))
    assert {r["stop_id"] for r in after["stops.txt"]} == {r["stop_id"] for r in before["stops.txt"]}
    assert next(r for r in after["stops.txt"] if r["stop_id"] == "B1C1")["stop_name"] == "김포시청 앞 (모의)"
    old_trips = {r["trip_id"] for r in before["trips.txt"] if r["route_id"] == "C10"}
    new_trips = {r["trip_id"] for r in after["trips.txt"] if r["route_id"] == "C10"}
    assert "C10-WD-0530" in new_trips and "C10-WD-0550" in new_trips
    assert new_trips < old_trips  # every 20 minutes: a subset of the 10-minute departures, same IDs
    assert {r["trip_id"] for r in after["trips.txt"] if r["route_id"] != "C10"} == {
        r["trip_id"] for r in before["trips.txt"] if r["route_id"] != "C10"
    }
    assert after["feed_info.txt"][0]["feed_version"] != before["feed_info.txt"][0]["feed_version"]
