"""DSRC readers (ADR 0029): the wire contract with the OBU's daily keyed hash, matching sightings into
pairs and the robust travel time of a link, hand-worked; the store, travel times, roll-ups, purge."""

from datetime import UTC, date, datetime, timedelta

import msgspec
import pytest

from cityhall.core.audit import Actor
from cityhall.telemetry.models import DeadLetter
from cityhall.traffic import detector_services, dsrc
from cityhall.traffic.dsrc import Pair, Sighting, aggregate, match_pairs, obu_hash
from cityhall.traffic.models import DetectorReading, DetectorRollup, DsrcReport, DsrcSighting, LinkTravelTime

NOW = datetime(2025, 6, 2, 8, 0, 30, tzinfo=UTC)
TOPIC = "cityhall/v1/traffic/dsrc-A0A1/dsrc"
SECRET = "test-secret"


def body(**fields) -> bytes:
    data = {
        "reader_id": "dsrc-A0A1",
        "ts": "2025-06-02T08:00:30Z",
        "interval_s": 30,
        "passes": [{"obu_id": "OBU-0012AB", "ts": "2025-06-02T08:00:12.5Z"}],
        "simulated": True,
    }
    data.update(fields)
    return msgspec.json.encode(data)


# -- the hash --------------------------------------------------------------------------------------------


def test_the_obu_hash_is_stable_within_a_seoul_day_and_changes_at_its_midnight():
    before = datetime(2025, 6, 1, 14, 59, tzinfo=UTC)  # 23:59 KST
    same_day = datetime(2025, 6, 1, 3, 0, tzinfo=UTC)  # 12:00 KST
    after = datetime(2025, 6, 1, 15, 1, tzinfo=UTC)  # 00:01 KST the next day
    h = obu_hash("OBU-0012AB", before, SECRET)
    assert len(h) == 32 and "0012AB" not in h
    assert obu_hash("OBU-0012AB", same_day, SECRET) == h
    assert obu_hash("OBU-0012AB", after, SECRET) != h
    assert obu_hash("OBU-0012AB", before, "another key") != h
    assert dsrc.day_key(SECRET, date(2025, 6, 1)) != dsrc.day_key(SECRET, date(2025, 6, 2))


def test_a_valid_report_carries_hashes_not_ids():
    report = dsrc.parse_dsrc(TOPIC, body(), secret=SECRET, now=NOW)
    at = datetime(2025, 6, 2, 8, 0, 12, 500000, tzinfo=UTC)
    assert report == dsrc.DsrcReport("dsrc-A0A1", NOW, 30, ((obu_hash("OBU-0012AB", at, SECRET), at),), True)
    assert "OBU-0012AB" not in repr(report)
    empty = dsrc.parse_dsrc(TOPIC, body(passes=[]), secret=SECRET, now=NOW)
    assert empty.passes == ()


@pytest.mark.parametrize(
    ("topic", "payload", "reason", "field"),
    [
        ("cityhall/v1/traffic/dsrc-A0A1/vds", body(), "bad_topic", ""),
        (TOPIC, b"{", "malformed_json", ""),
        (TOPIC, body(passes="x"), "wrong_type", "passes"),
        (TOPIC, body(reader_id="dsrc-B0B1"), "topic_device_mismatch", "reader_id"),
        (TOPIC, body(ts="soon"), "bad_timestamp", "ts"),
        (TOPIC, body(ts="2025-06-02T08:06:00Z"), "ts_in_future", "ts"),
        (TOPIC, body(passes=[{"obu_id": "X", "ts": "2025-06-02T07:59:00Z"}]), "out_of_range", "passes[0].ts"),
        (TOPIC, body(passes=[{"obu_id": "X", "ts": "08:00"}]), "bad_timestamp", "passes[0].ts"),
        (TOPIC, body(passes=[{"obu_id": "", "ts": "2025-06-02T08:00:12Z"}]), "out_of_range", ""),
    ],
)
def test_bad_reports_are_refused_with_a_reason(topic, payload, reason, field):
    verdict = dsrc.parse_dsrc(topic, payload, secret=SECRET, now=NOW)
    assert isinstance(verdict, dsrc.Rejection)
    assert verdict.reason == reason
    if field:
        assert verdict.field == field
    assert verdict.message


def test_an_unknown_reader_is_refused():
    verdict = dsrc.parse_dsrc(TOPIC, body(), {"dsrc-B0B1"}, secret=SECRET, now=NOW)
    assert verdict.reason == "unknown_device"


# -- matching and aggregation (hand-worked) ----------------------------------------------------------------


def test_pairs_are_an_obus_consecutive_sightings_at_a_segments_two_readers():
    segs = {("A", "B"), ("B", "C")}
    seen = [
        Sighting("A", "x", 0),
        Sighting("B", "x", 40),
        Sighting("C", "x", 95),
        Sighting("A", "y", 10),
        Sighting("D", "y", 30),  # y went elsewhere: A→D is no segment, D→B neither
        Sighting("B", "y", 70),
        Sighting("A", "z", 5),
        Sighting("A", "z", 20),  # seen twice at A: the later one pairs
        Sighting("B", "z", 62),
    ]
    assert match_pairs(seen, segs) == [
        Pair("A", "B", "x", 0, 40),
        Pair("B", "C", "x", 40, 95),
        Pair("A", "B", "z", 20, 62),
    ]
    assert [p.travel_s for p in match_pairs(seen, segs)] == [40, 55, 42]


def test_the_travel_time_is_the_median_of_the_plausible_pairs():
    # 400 m: faster than 150 km/h is under 9.6 s (5 s goes); slower than 3 km/h over 480 s (600 s goes).
    # Left [40, 42, 44, 46, 300]: median 44, deviations [4, 2, 0, 2, 256], MAD 2,
    # band max(3 × 1.4826 × 2, 4.4) = 8.90 s, so 300 goes; the median of [40, 42, 44, 46] is 43 s,
    # 400 m / 43 s = 33.5 km/h.
    tt = aggregate([40, 42, 44, 46, 300, 5, 600], 400)
    assert (tt.samples, tt.used, tt.median_s, tt.speed_kmh) == (7, 4, 43.0, 33.5)


def test_identical_times_are_kept_and_too_few_pairs_give_no_time():
    # MAD 0: the band's floor (10 % of 50 s = 5 s) keeps 50, 50, 50, 54 and drops 60.
    tt = aggregate([50, 50, 50, 54, 60], 400)
    assert (tt.used, tt.median_s) == (4, 50.0)
    assert aggregate([40, 41], 400).median_s is None
    assert aggregate([], 400) == dsrc.TravelTime(0, 0, None, None)


# -- the store, travel times, roll-ups, retention ---------------------------------------------------------


def msg(reader, ts, passes):
    payload = msgspec.json.encode(
        {
            "reader_id": reader,
            "ts": ts.isoformat(),
            "passes": [{"obu_id": o, "ts": t.isoformat()} for o, t in passes],
        }
    )
    return (dsrc.dsrc_topic(reader), payload, ts + timedelta(seconds=1))


def test_reports_are_stored_once_and_obu_ids_never(network, settings):
    settings.CITYHALL_DSRC_HASH_KEY = SECRET
    t = datetime(2025, 6, 2, 8, 0, 30, tzinfo=UTC)
    batch = [msg("dsrc-A0A1", t, [("OBU-1", t - timedelta(seconds=5))]), (TOPIC, b"{", t)]
    report = detector_services.dsrc_reports_ingest(batch)
    assert (report.stored, report.rejected) == (1, {"malformed_json": 1})
    again = detector_services.dsrc_reports_ingest(batch[:1])
    assert (again.stored, again.duplicates) == (0, 1)
    assert DsrcReport.objects.get().passes == 1
    sighting = DsrcSighting.objects.get()
    assert sighting.obu_hash == obu_hash("OBU-1", t - timedelta(seconds=5), SECRET)
    assert not DsrcSighting.objects.filter(obu_hash__contains="OBU").exists()
    assert DeadLetter.objects.count() == 1


def test_a_refused_report_is_kept_without_its_obu_ids(network, settings):
    settings.CITYHALL_DSRC_HASH_KEY = SECRET
    t = datetime(2025, 6, 2, 8, 0, 30, tzinfo=UTC)
    unknown = msg("dsrc-NOWHERE", t, [("OBU-SECRET-1", t), ("OBU-SECRET-2", t)])
    cut = (TOPIC, b'{"reader_id": "dsrc-A0A1", "passes": [{"obu_id": "OBU-SECRET-3', t)
    report = detector_services.dsrc_reports_ingest([unknown, cut], known_devices={"dsrc-A0A1"})
    assert report.rejected == {"unknown_device": 1, "malformed_json": 1}
    kept = list(DeadLetter.objects.order_by("pk").values_list("payload", flat=True))
    assert len(kept) == 2 and not any("OBU-SECRET" in p for p in kept)
    assert kept[0].count('"obu_id":"(삭제)"') == 2


def test_each_topic_knows_only_its_own_devices(network, settings):
    """The registry's IDs of both kinds are one set for the ingester; a loop's ID on the DSRC topic
    (and a reader's on the VDS topic) is still an unknown device."""
    settings.CITYHALL_DSRC_HASH_KEY = SECRET
    t = datetime(2025, 6, 2, 8, 0, 30, tzinfo=UTC)
    reader = detector_services.readers()[0].id
    loop = sorted(detector_services.detector_ids() - {r.id for r in detector_services.readers()})[0]
    vds_body = msgspec.json.encode(
        {"detector_id": reader, "ts": t.isoformat(), "volume": 1, "speed_kmh": 40, "occupancy_pct": 3}
    )
    batch = [msg(reader, t, []), msg(loop, t, []), (f"cityhall/v1/traffic/{reader}/vds", vds_body, t)]
    report = detector_services.detectors_ingest(batch, known_devices=detector_services.detector_ids())
    assert (report.stored, report.rejected) == (1, {"unknown_device": 2})
    assert list(DsrcReport.objects.values_list("reader_id", flat=True)) == [reader]
    assert not DetectorReading.objects.exists()


@pytest.mark.parametrize(
    ("payload", "kept"),
    [
        (b'{"obu_id": "A\\"B", "ts": 1}', '{"obu_id": "(삭제)", "ts": 1}'),
        (b'{"obu_id":12345}', '{"obu_id":"(삭제)"}'),
        (b'[{"obu_id" : "X"},{"obu_id":"Y"}]', '[{"obu_id" : "(삭제)"},{"obu_id":"(삭제)"}]'),
        (b'{"reader_id": "dsrc-A0A1"}', '{"reader_id": "dsrc-A0A1"}'),
    ],
)
def test_redact_replaces_every_obu_id_value(payload, kept):
    assert dsrc.redact(payload).decode() == kept


def test_travel_times_from_sightings_per_link_and_interval(network, settings):
    seg = detector_services.segments()[0]
    base = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
    rows = []
    for i, travel in enumerate([40, 44, 48, 900]):  # 900 s: stopped off-route, dropped
        up = base + timedelta(seconds=10 * i)
        rows += [
            DsrcSighting(reader_id=seg.upstream, obu_hash=f"h{i}", ts=up),
            DsrcSighting(reader_id=seg.downstream, obu_hash=f"h{i}", ts=up + timedelta(seconds=travel)),
        ]
    DsrcSighting.objects.bulk_create(rows)
    assert detector_services.travel_times_compute(start=base, end=base + timedelta(minutes=20)) >= 1
    tt = LinkTravelTime.objects.get(edge=seg.edge, start=base)
    assert (tt.samples, tt.used, tt.median_s) == (3, 3, 44.0)
    assert tt.speed_kmh == round(seg.length_m / 44 * 3.6, 1)
    assert tt.level == "free"  # above 25 km/h on an urban link
    late = LinkTravelTime.objects.get(edge=seg.edge, start=base + timedelta(minutes=15))
    assert (late.samples, late.used, late.median_s) == (1, 0, None)


def test_readings_roll_up_by_five_minutes_and_hours_and_raw_ones_are_purged(network, settings):
    settings.CITYHALL_DETECTOR_RAW_DAYS = 7
    old = datetime(2025, 5, 20, 0, 0, tzinfo=UTC)
    values = [(10, 40.0, 10.0), (0, None, 0.0), (20, 50.0, 20.0)]  # 08:00:30, 08:01:00, 08:01:30
    DetectorReading.objects.bulk_create(
        DetectorReading(
            detector_id="vds-A0B0_0",
            edge="A0B0",
            ts=old + timedelta(seconds=30 * (i + 1)),
            volume=v,
            speed_kmh=s,
            occupancy_pct=o,
            received_at=old,
        )
        for i, (v, s, o) in enumerate(values)
    )
    deleted = detector_services.detector_data_purge(actor=Actor.system("test"), today=date(2025, 6, 2))
    assert deleted == 3 and not DetectorReading.objects.exists()
    five = DetectorRollup.objects.get(period_s=300)
    # volume 30; speed (10 × 40 + 20 × 50) / 30 = 46.7; occupancy (10 + 0 + 20) / 3 = 10.0
    assert (five.start, five.intervals, five.volume, five.speed_kmh, five.occupancy_pct) == (
        old,
        3,
        30,
        46.7,
        10.0,
    )
    hour = DetectorRollup.objects.get(period_s=3600)
    assert (hour.start, hour.volume, hour.speed_kmh) == (old, 30, 46.7)


@pytest.mark.slow
def test_the_twins_readers_see_equipped_vehicles_and_give_travel_times(network):
    start = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
    actor = Actor.system("test")
    messages = detector_services.dsrc_feed_from_twin(minutes=10, start=start, share=0.3, actor=actor)
    assert len(messages) == 96 * 20  # every reader, every 30 s, empty reports included
    report = detector_services.dsrc_reports_ingest(
        [(t, p, start + timedelta(minutes=11)) for t, p in messages]
    )
    assert (report.stored, report.rejected) == (1920, {})
    assert DsrcSighting.objects.count() > 100
    assert detector_services.travel_times_compute(start=start, end=start + timedelta(minutes=10)) > 0
    timed = LinkTravelTime.objects.exclude(median_s=None)
    assert timed.exists()
    # 400 m links at 50 km/h: no estimate faster than the limit allows, none slower than 3 km/h
    assert all(3 <= t.speed_kmh <= 150 for t in timed)
