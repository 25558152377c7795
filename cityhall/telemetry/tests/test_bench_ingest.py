"""``cityhall bench ingest`` (benchmarks/ingest.py) kept from rotting: its payloads, its phases on small
numbers, and one whole run through a private Mosquitto. No timings are asserted (speed belongs to the
benchmark itself, see benchmarks/README.md). Also: the speed-ups in validation give the same verdicts."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from benchmarks import ingest
from cityhall.cli import main as cli_main
from cityhall.telemetry.models import Reading
from cityhall.telemetry.tests.factories import payload
from cityhall.telemetry.validation import (
    ParsedReading,
    batch_topic,
    parse_batch,
    parse_payload,
    telemetry_topic,
)

DEVICES = ["SL-0001", "SL-0002", "BS-01"]
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def test_payloads_are_valid_readings_that_carry_the_publish_time():
    parts = ingest.payload_parts(DEVICES, 7, "t1", NOW)
    assert [topic for topic, _ in parts[:3]] == [telemetry_topic(device) for device in DEVICES]
    for i, (topic, prefix) in enumerate(parts):
        body = ingest.finish(prefix, 1_795_000_000.123456)
        assert ingest.pub_ts_of(body) == 1_795_000_000.123456
        reading = parse_payload(topic, body, set(DEVICES), now=NOW)
        assert isinstance(reading, ParsedReading), reading
        assert (reading.device_id, reading.message_id) == (DEVICES[i % 3], f"t1-{i}")
        assert reading.ts < NOW and reading.simulated
    # Device times are one millisecond apart and never ahead of the receive time.
    times = [parse_payload(t, ingest.finish(p, 0.0), now=NOW).ts for t, p in parts]
    assert times == sorted(times) and len(set(times)) == 7


def test_batch_messages_group_each_gateways_readings():
    gateways = {"SL-0001": "BS-01", "SL-0002": "BS-01"}  # BS-01 is its own gateway
    parts = ingest.payload_parts(DEVICES, 7, "t2", NOW)
    messages = ingest.group(parts, 2, gateways)
    assert [(topic, len(prefixes)) for topic, prefixes in messages] == [
        (batch_topic("BS-01"), 2),
        (batch_topic("BS-01"), 2),
        (batch_topic("BS-01"), 2),
        (batch_topic("BS-01"), 1),  # the rest, at the end
    ]
    assert ingest.group(parts, 1, gateways) == [(topic, [prefix]) for topic, prefix in parts]
    body = ingest.encode(*messages[0], 1_795_000_000.5)
    assert (ingest.pub_ts_of(body), ingest.readings_in(body)) == (1_795_000_000.5, 2)
    elements = parse_batch(messages[0][0], body, set(DEVICES), now=NOW, gateways=gateways)
    assert [(e.result.device_id, e.result.message_id) for e in elements] == [
        ("SL-0001", "t2-0"),
        ("SL-0002", "t2-1"),
    ]
    single = ingest.encode(telemetry_topic("SL-0001"), [parts[0][1]], 2.0)
    assert (ingest.pub_ts_of(single), ingest.readings_in(single)) == (2.0, 1)


def test_devices_file_holds_each_devices_gateway(tmp_path):
    path = tmp_path / "devices.txt"
    path.write_text("SL-0001 BS-01\nBS-01\n", encoding="utf-8")
    assert ingest.read_devices(path) == (["SL-0001", "BS-01"], {"SL-0001": "BS-01"})


def test_nearest_rank_percentile():
    values = [float(v) for v in range(1, 101)]
    assert (ingest.percentile(values, 50), ingest.percentile(values, 99)) == (50.0, 99.0)
    assert ingest.percentile([3.0], 99) == 3.0


@pytest.mark.django_db
def test_database_phases_store_every_reading_once(tmp_path):
    known = set(DEVICES)
    result = ingest.phase_database(DEVICES, 120, "db1", 50, known)
    assert result["rate"] > 0 and "python" in result["cpu_us"]
    assert Reading.objects.filter(message_id__startswith="db1-").count() == 120
    raw = ingest.phase_raw(DEVICES, 80, "raw1", 50)
    assert raw["bulk_create_rate"] > 0
    # Each phase starts from an empty readings table.
    assert Reading.objects.count() == 80
    gateways = {"SL-0001": "BS-01", "SL-0002": "BS-01"}
    batched = ingest.phase_database(DEVICES, 130, "db2", 50, known, per_message=7, gateways=gateways)
    assert batched["rate"] > 0
    assert Reading.objects.filter(message_id__startswith="db2-").count() == 130 == Reading.objects.count()


def test_summary_names_the_lower_limit_and_the_ratio():
    def run(pipeline, broker, database):
        return {
            "pipeline": {"rate": pipeline, "p50_ms": 10.0, "p99_ms": 30.0, "mean_batch": 400.0,
                         "publish_rate": broker, "cpu_us": {"python": 50.0, "publisher": 30.0}},
            "broker": {"rate": broker, "cpu_us": {}},
            "database": {"rate": database, "cpu_us": {"python": 40.0}},
            "raw": {"bulk_create_rate": 9000.0},
        }  # fmt: skip

    summary = ingest.summarise([run(1000, 4000, 2000), run(3000, 5000, 2500), run(2000, 4500, 1500)])
    assert (summary["pipeline_rate"], summary["broker_rate"], summary["database_rate"]) == (2000, 4500, 2000)
    assert (summary["lower_limit"], summary["ratio"]) == ("database", 1.0)
    assert summary["copy_rate"] is None  # SQLite has no COPY
    assert (summary["copy_ratio"], summary["copy_ratios"]) == (None, [])
    assert summary["cpu_us"]["pipeline"] == {"publisher": 30.0, "python": 50.0}


def test_summary_gives_the_ratio_to_raw_copy_of_each_run():
    def run(pipeline, copy):
        return {
            "pipeline": {"rate": pipeline, "p50_ms": 10.0, "p99_ms": 30.0, "mean_batch": 500.0,
                         "publish_rate": 9e5, "cpu_us": {}},
            "broker": {"rate": 9e5, "cpu_us": {}},
            "database": {"rate": 20000.0, "cpu_us": {}},
            "raw": {"bulk_create_rate": 9000.0, "copy_rate": copy},
        }  # fmt: skip

    summary = ingest.summarise([run(30000, 50000), run(20000, 50000), run(26000, 40000)])
    assert (summary["copy_rate"], summary["copy_rates"]) == (50000, [50000, 50000, 40000])
    # Per run, then the median of the three: 0.6, 0.4, 0.65 → 0.6 (not 26,000 ÷ 50,000).
    assert (summary["copy_ratios"], summary["copy_ratio"]) == ([0.6, 0.4, 0.65], 0.6)
    table = io.StringIO()
    meta = {"cpus": 2, "loadavg_start": "1.00 1.00 1.00", "loadavg_end": "2.00 2.00 2.00"}
    args = argparse.Namespace(n=50000, runs=3, batch_size=500, flush_ms=100, protocol="5")
    with contextlib.redirect_stdout(table):
        ingest.print_table({"postgresql": summary}, args, meta)
    lines = table.getvalue().splitlines()
    row = lines.index(next(line for line in lines if line.startswith("pipeline ÷ raw COPY, same run")))
    assert lines[row].split()[-1] == "0.60"
    assert lines[row + 1].split() == ["runs", "0.60", "/", "0.40", "/", "0.65"]


def test_cli_offers_the_ingest_benchmark(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli_main(["bench", "ingest", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "--runs" in out and "--per-message" in out and "--ingesters" in out
    for wrong in (["--db", "oracle"], ["--per-message", "501"], ["--ingesters", "2", "--protocol", "3.1.1"]):
        with pytest.raises(SystemExit) as exit_:
            cli_main(["bench", "ingest", *wrong])
        assert exit_.value.code == 2


@pytest.mark.parametrize(("per_message", "ingesters"), [(1, 1), (20, 2)])
def test_whole_run_through_a_private_broker(tmp_path, per_message, ingesters):
    """One small run on SQLite: publisher process → Mosquitto → ingester(s) → rows, and both limits;
    single readings into one ingester, and batch messages into two on a shared subscription."""
    if not os.path.exists(ingest.MOSQUITTO):
        if os.environ.get("CITYHALL_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{ingest.MOSQUITTO} is not installed")
        pytest.skip(f"{ingest.MOSQUITTO} is not installed (apt-get install mosquitto)")
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "cityhall.cli", "bench", "ingest", "--n", "300", "--runs", "1",
         "--warmup", "0", "--db", "sqlite", "--per-message", str(per_message),
         "--ingesters", str(ingesters), "--json"],
        cwd=root,
        env={**os.environ, "CITYHALL_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)["results"]["sqlite"]
    # The worker fails the run unless the pipeline stored each of the 300 readings exactly once.
    assert result["runs"] == 1
    pipeline = result["detail"][0]["pipeline"]
    assert pipeline["batches"] >= 1 and pipeline["duplicates"] == 0
    assert 0 < pipeline["p50_ms"] <= pipeline["p99_ms"] <= pipeline["max_ms"]
    assert result["lower_limit"] in {"broker", "database"} and result["ratio"] > 0
    assert (json.loads(done.stdout)["per_message"], json.loads(done.stdout)["ingesters"]) == (
        per_message,
        ingesters,
    )


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"raw_power_w": "1e400"}, "wrong_type"),  # decodes to inf: not a finite number
        ({"dim": True}, "wrong_type"),
        ({"dim": 70.0}, "wrong_type"),
        ({"dim": 101}, "out_of_range"),
        ({"energy_wh": -1}, "out_of_range"),
        ({"temperature_c": -40, "voltage_v": 300.0, "power_w": 0}, None),
    ],
)
def test_fast_number_checks_keep_the_verdicts(fields, reason):
    """The in-range fast path added to validation for speed gives the same verdicts as before."""
    raw = fields.pop("raw_power_w", None)
    body = json.dumps(payload(**fields)).encode()
    if raw is not None:
        body = body.replace(b'"power_w": 84.5', b'"power_w": ' + raw.encode())
    result = parse_payload(telemetry_topic("SL-0001"), body, now=NOW)
    assert getattr(result, "reason", None) == reason, result


def test_reused_json_decoder_reports_a_bom_as_json_loads_does():
    """The decoder built once (for speed) must word a byte-order mark as json.loads did."""
    body = "\ufeff".encode() + json.dumps(payload()).encode()
    result = parse_payload(telemetry_topic("SL-0001"), body, now=NOW)
    bom = "Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)"
    assert (result.reason, result.message) == ("malformed_json", f"메시지가 올바른 JSON이 아닙니다: {bom}")
