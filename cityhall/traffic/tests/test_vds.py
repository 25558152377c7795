"""Detector (VDS) reports over the telemetry pipeline: the wire contract, the store (once per
interval, bad messages dead-lettered with a reason, nothing half-written), congestion levels."""

from datetime import UTC, datetime

import msgspec
import pytest
from django.db import IntegrityError

from cityhall.telemetry.models import DeadLetter
from cityhall.traffic import selectors, services, vds
from cityhall.traffic.models import DetectorReading
from cityhall.traffic.twin.congestion import link_level, occupancy_level
from cityhall.traffic.twin.detectors import VdsReading, link_states

NOW = datetime(2025, 6, 2, 8, 0, 30, tzinfo=UTC)
TOPIC = "cityhall/v1/traffic/vds-A0B0_0/vds"


def body(**fields) -> bytes:
    data = {
        "detector_id": "vds-A0B0_0",
        "ts": "2025-06-02T08:00:30Z",
        "interval_s": 30,
        "volume": 7,
        "speed_kmh": 41.5,
        "occupancy_pct": 12.5,
    }
    data.update(fields)
    return msgspec.json.encode({k: v for k, v in data.items() if v is not ...})


def test_a_valid_report_parses_with_its_values():
    report = vds.parse_vds(TOPIC, body(), now=NOW)
    assert report == vds.VdsReport("vds-A0B0_0", NOW, 30, 7, 41.5, 12.5, False)
    empty = vds.parse_vds(TOPIC, body(volume=0, speed_kmh=None, occupancy_pct=0), now=NOW)
    assert (empty.volume, empty.speed_kmh) == (0, None)


@pytest.mark.parametrize(
    ("topic", "payload", "reason", "field"),
    [
        ("cityhall/v1/traffic/vds-A0B0_0/telemetry", body(), "bad_topic", ""),
        (TOPIC, b"{not json", "malformed_json", ""),
        (TOPIC, b"\xff\xfe", "malformed_json", ""),
        (TOPIC, b"[1, 2]", "not_an_object", ""),
        (TOPIC, body(volume=...), "missing_field", "volume"),
        (TOPIC, body(volume="7"), "wrong_type", "volume"),
        (TOPIC, body(volume=True), "wrong_type", "volume"),
        (TOPIC, body(volume=-1), "out_of_range", "volume"),
        (TOPIC, body(volume=201), "out_of_range", "volume"),
        (TOPIC, body(occupancy_pct=100.5), "out_of_range", "occupancy_pct"),
        (TOPIC, body(speed_kmh=251), "out_of_range", "speed_kmh"),
        (TOPIC, body(speed_kmh=None), "missing_field", "speed_kmh"),
        (TOPIC, body(volume=0), "out_of_range", "speed_kmh"),
        (TOPIC, body(detector_id="vds-B0C0_0"), "topic_device_mismatch", "detector_id"),
        (TOPIC, body(ts="2025-06-02 08:00:30"), "bad_timestamp", "ts"),
        (TOPIC, body(ts="yesterday"), "bad_timestamp", "ts"),
        (TOPIC, body(ts="1970-01-01T00:00:30Z"), "bad_timestamp", "ts"),
        (TOPIC, body(ts="2025-06-02T08:06:00Z"), "ts_in_future", "ts"),
        (TOPIC, b'{"detector_id": "vds-A0B0_0", "volume": NaN}', "malformed_json", ""),
        (TOPIC, b" " * 4097, "payload_too_large", ""),
    ],
)
def test_bad_reports_are_refused_with_a_reason_and_a_korean_message(topic, payload, reason, field):
    verdict = vds.parse_vds(topic, payload, now=NOW)
    assert isinstance(verdict, vds.Rejection)
    assert (verdict.reason, verdict.field) == (reason, field)
    assert verdict.message and not verdict.message.isascii()


def test_unknown_detector_is_refused_when_the_registry_is_given():
    verdict = vds.parse_vds(TOPIC, body(), {"vds-B0C0_0"}, now=NOW)
    assert verdict.reason == "unknown_device"
    assert verdict.device_id == "vds-A0B0_0"


def test_detector_ids_are_the_twins_288_loops(network):
    edges = selectors.detector_edges()
    assert len(edges) == 288
    assert edges["vds-A0B0_0"] == "A0B0"


def test_ingest_stores_once_dead_letters_bad_messages_and_counts(network):
    messages = [
        (TOPIC, body(), NOW),
        (TOPIC, body(), NOW),  # the same interval twice in one batch
        ("cityhall/v1/traffic/vds-A0B0_1/vds", body(detector_id="vds-A0B0_1", volume=3), NOW),
        ("cityhall/v1/traffic/vds-ZZ_0/vds", body(detector_id="vds-ZZ_0"), NOW),
        (TOPIC, body(volume="many"), NOW),
    ]
    report = services.detector_readings_ingest(messages, known_devices=set(selectors.detector_edges()))
    assert (report.received, report.stored, report.duplicates) == (5, 2, 1)
    assert report.rejected == {"unknown_device": 1, "wrong_type": 1}
    row = DetectorReading.objects.get(detector_id="vds-A0B0_1")
    assert (row.edge, row.volume, row.speed_kmh, row.occupancy_pct, row.ts) == ("A0B0", 3, 41.5, 12.5, NOW)
    letters = {d.reason: d for d in DeadLetter.objects.all()}
    assert letters["unknown_device"].device_id == "vds-ZZ_0"
    assert letters["wrong_type"].field == "volume"
    assert letters["wrong_type"].topic == TOPIC
    # Redelivered: nothing stored twice; a later interval is new.
    again = services.detector_readings_ingest(
        [(TOPIC, body(volume=9), NOW), (TOPIC, body(ts="2025-06-02T08:01:00Z"), NOW)]
    )  # without the registry: any well-formed ID
    assert (again.stored, again.duplicates) == (1, 1)
    assert DetectorReading.objects.get(detector_id="vds-A0B0_0", ts=NOW).volume == 7  # the first stays
    assert DetectorReading.objects.count() == 3


def test_a_database_error_rolls_the_whole_batch_back(network, monkeypatch):
    """Nothing half-written: the dead letters of a batch whose insert fails are rolled back with it."""

    def fail(*args, **kwargs):
        raise IntegrityError("disk full")

    monkeypatch.setattr(DetectorReading.objects, "bulk_create", fail)
    with pytest.raises(IntegrityError):
        services.detector_readings_ingest([(TOPIC, body(), NOW), (TOPIC, b"{", NOW)])
    assert DetectorReading.objects.count() == 0
    assert DeadLetter.objects.count() == 0


def test_unique_constraint_holds_whatever_the_insert_path(network):
    DetectorReading.objects.create(
        detector_id="vds-A0B0_0",
        edge="A0B0",
        ts=NOW,
        volume=1,
        speed_kmh=30,
        occupancy_pct=2,
        received_at=NOW,
    )
    with pytest.raises(IntegrityError):
        DetectorReading.objects.create(
            detector_id="vds-A0B0_0",
            edge="A0B0",
            ts=NOW,
            volume=2,
            speed_kmh=31,
            occupancy_pct=2,
            received_at=NOW,
        )


# -- congestion levels, worked by hand ----------------------------------------------------------------


def test_occupancy_and_speed_levels():
    assert occupancy_level(14.9) == "free"
    assert occupancy_level(15.0) == "slow"
    assert occupancy_level(30.0) == "jammed"
    assert link_level(40.0, 5.0) == "free"
    assert link_level(40.0, 20.0) == "slow"  # fast, but platoons stop over the loop
    assert link_level(20.0, 5.0) == "slow"  # 10 ≤ 20 < 25 km/h
    assert link_level(9.9, 5.0) == "jammed"
    assert link_level(30.0, 35.0) == "jammed"
    assert link_level(80.0, 0.0, "expressway") == "free"
    assert link_level(60.0, 0.0, "expressway") == "slow"


def test_link_states_weight_speed_by_volume_and_average_occupancy():
    readings = [
        VdsReading("vds-A0B0_0", "A0B0", 30, 6, 40.0, 10.0),
        VdsReading("vds-A0B0_1", "A0B0", 30, 2, 20.0, 30.0),
        VdsReading("vds-B0C0_0", "B0C0", 30, 0, None, 80.0),  # a queue standing on the loop
        VdsReading("vds-C0D0_0", "C0D0", 30, 0, None, 0.0),  # nobody came
    ]
    states = link_states({"A0B0": 50.0, "B0C0": 50.0, "C0D0": 50.0}, readings)
    # (6 × 40 + 2 × 20) / 8 = 35 km/h; occupancy (10 + 30) / 2 = 20 % → 서행 by occupancy
    assert states["A0B0"] == type(states["A0B0"])(35.0, 20.0, 8, "slow")
    assert (states["B0C0"].speed_kmh, states["B0C0"].level) == (0.0, "jammed")
    assert (states["C0D0"].speed_kmh, states["C0D0"].level) == (50.0, "free")


def test_link_states_now_reads_each_detectors_newest_fresh_interval(network):
    older = datetime(2025, 6, 2, 8, 0, 0, tzinfo=UTC)
    stale = datetime(2025, 6, 2, 7, 50, 0, tzinfo=UTC)
    rows = [
        ("vds-A0B0_0", older, 8, 45.0, 5.0),
        ("vds-A0B0_0", NOW, 2, 8.0, 40.0),
        ("vds-A0B0_1", NOW, 2, 8.0, 40.0),
        ("vds-B0C0_0", stale, 1, 5.0, 90.0),
    ]
    DetectorReading.objects.bulk_create(
        DetectorReading(
            detector_id=d, edge=d[4:8], ts=ts, volume=v, speed_kmh=s, occupancy_pct=o, received_at=ts
        )
        for d, ts, v, s, o in rows
    )
    states = selectors.link_states_now(network, now=NOW)
    assert set(states) == {"A0B0"}  # B0C0's only reading is older than two minutes
    assert (states["A0B0"].speed_kmh, states["A0B0"].level) == (8.0, "jammed")


def test_without_the_registry_any_well_formed_detector_is_stored_without_its_link(network):
    topic = "cityhall/v1/traffic/vds-ZZ_0/vds"
    report = services.detector_readings_ingest([(topic, body(detector_id="vds-ZZ_0"), NOW)])
    assert (report.stored, report.rejected) == (1, {})
    assert DetectorReading.objects.get().edge == ""
