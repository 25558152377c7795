"""Detector fault rules (ADR 0029), hand-worked, and the maintenance orders they open and close."""

from datetime import UTC, datetime, timedelta

from cityhall.maintenance.models import MaintenanceOrder
from cityhall.traffic import detector_services, faults
from cityhall.traffic.faults import Reading, Thresholds, impossible, silent, stuck
from cityhall.traffic.models import DetectorReading, DsrcReport

T0 = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)


def series(values, start=T0):
    return [Reading(start + timedelta(seconds=30 * i), v, s, o) for i, (v, s, o) in enumerate(values)]


def test_stuck_means_the_same_non_empty_values_n_times():
    assert stuck(series([(7, 41.3, 12.5)] * 10), 10)
    assert not stuck(series([(7, 41.3, 12.5)] * 9), 10)
    assert not stuck(series([(7, 41.3, 12.5)] * 9 + [(7, 41.3, 12.6)]), 10)
    assert not stuck(series([(0, None, 0.0)] * 20), 10)  # an empty road at night
    assert stuck(series([(0, None, 100.0)] * 10), 10)  # covered and nobody moving, frozen


def test_impossible_values():
    t = Thresholds()
    assert impossible(Reading(T0, 5, 200.1, 10), t)
    assert not impossible(Reading(T0, 5, 200.0, 10), t)
    assert impossible(Reading(T0, 5, 50, 100.5), t)
    # 3,000 veh/h per lane over 30 s is 25 vehicles
    assert not impossible(Reading(T0, 25, 50, 10), t)
    assert impossible(Reading(T0, 26, 50, 10), t)


def test_silent_after_n_intervals():
    assert not silent(T0, T0 + timedelta(seconds=300), 10)
    assert silent(T0, T0 + timedelta(seconds=301), 10)
    assert not silent(None, T0, 10)


def test_faults_open_one_order_per_detector_and_kind_and_close_on_recovery(network, settings):
    detector = "vds-A0B0_0"
    reader = detector_services.readers()[0].id
    rows = [
        DetectorReading(
            detector_id=detector,
            edge="A0B0",
            ts=T0 + timedelta(seconds=30 * (i + 1)),
            volume=7,
            speed_kmh=41.3,
            occupancy_pct=12.5,
            received_at=T0,
        )
        for i in range(10)
    ]
    DetectorReading.objects.bulk_create(rows)
    DsrcReport.objects.create(reader_id=reader, ts=T0, received_at=T0)
    # 08:05:30: the loop's last 10 readings (08:00:30 … 08:05:00) are identical; the reader's last
    # report (08:00:00) is 330 s old, more than 10 × 30 s
    now = T0 + timedelta(seconds=330)
    assert detector_services.detector_faults_sync(now=now) == (2, 0)
    assert detector_services.detector_faults_sync(now=now) == (0, 0)  # idempotent
    kinds = dict(MaintenanceOrder.objects.values_list("asset_key", "kind"))
    assert kinds == {f"vds:{detector}": "detector_stuck", f"dsrc:{reader}": "detector_silent"}
    DetectorReading.objects.create(
        detector_id=detector,
        edge="A0B0",
        ts=T0 + timedelta(seconds=330),
        volume=3,
        speed_kmh=35.0,
        occupancy_pct=5.0,
        received_at=now,
    )
    DsrcReport.objects.create(reader_id=reader, ts=T0 + timedelta(seconds=330), received_at=now)
    assert detector_services.detector_faults_sync(now=now) == (0, 2)
    assert not MaintenanceOrder.objects.exclude(status="closed").exists()
    assert faults.KIND_LABELS[faults.STUCK]


def test_a_device_silent_past_the_hour_keeps_its_order_open(network, settings):
    """Gone quiet is not recovered: the reader is silent at 08:05:30 (order opened); at 09:00:01 its
    last report is more than an hour old, it is no longer judged, and the order stays open."""
    reader = detector_services.readers()[0].id
    DsrcReport.objects.create(reader_id=reader, ts=T0, received_at=T0)
    assert detector_services.detector_faults_sync(now=T0 + timedelta(seconds=330)) == (1, 0)
    later = T0 + timedelta(hours=1, seconds=1)
    assert f"dsrc:{reader}" not in detector_services.detector_faults(now=later)
    assert detector_services.detector_faults_sync(now=later) == (0, 0)
    order = MaintenanceOrder.objects.get(asset_key=f"dsrc:{reader}")
    assert (order.status, order.recovered_at) == ("open", None)


def test_the_detectors_page_and_api_show_states_faults_and_travel_times(network, client, roles):
    from django.urls import reverse
    from django.utils import timezone

    from cityhall.traffic.models import LinkTravelTime

    now = timezone.now().replace(microsecond=0)
    reader = detector_services.readers()[0]
    DsrcReport.objects.create(reader_id=reader.id, ts=now - timedelta(minutes=10), received_at=now)
    detector_services.detector_faults_sync(now=now)
    LinkTravelTime.objects.create(
        edge=reader.edge, start=now - timedelta(minutes=5), samples=5, used=4, median_s=43.0, speed_kmh=33.5,
        level="free",
    )  # fmt: skip
    client.force_login(roles["norole"])
    assert client.get(reverse("traffic:detectors")).status_code == 403
    assert client.get("/api/v1/traffic/detectors").status_code == 403
    client.force_login(roles["viewer"])
    page = client.get(reverse("traffic:detectors"), {"kind": "dsrc", "faulty": "true"}).content.decode()
    assert reader.id in page and "검지기 통신 두절" in page and "43.0" in page
    assert "vds-A0B0_0" not in page
    assert client.get(reverse("traffic:detectors"), {"kind": "loop"}).status_code == 400
    rows = client.get("/api/v1/traffic/detectors", {"faulty": "true"}).json()
    assert [(r["kind"], r["id"], r["state"], r["faults"]) for r in rows] == [
        ("dsrc", reader.id, "silent", ["검지기 통신 두절"])
    ]
    assert client.get("/api/v1/traffic/detectors", {"kind": "loop"}).status_code == 422
    times = client.get("/api/v1/traffic/travel-times").json()
    assert [(t["edge"], t["median_s"], t["speed_kmh"], t["level"]) for t in times] == [
        (reader.edge, 43.0, 33.5, "free")
    ]


def test_each_device_shows_its_newest_report_however_old(network):
    """A reader last heard two days ago is silent (not 'never heard'), with that report; a loop shows
    its newest reading, not an older one; a report after ``now`` is not seen."""
    from cityhall.traffic import detector_selectors

    now = T0 + timedelta(days=2)
    reader, quiet = (r.id for r in detector_services.readers()[:2])
    DsrcReport.objects.bulk_create(
        [
            DsrcReport(reader_id=reader, ts=T0 - timedelta(seconds=30), passes=2, received_at=T0),
            DsrcReport(reader_id=reader, ts=T0, passes=5, received_at=T0),
            DsrcReport(reader_id=reader, ts=now + timedelta(seconds=30), passes=9, received_at=now),
        ]
    )
    readings = [(now - timedelta(seconds=60), 3), (now - timedelta(seconds=30), 4)]
    DetectorReading.objects.bulk_create(
        [
            DetectorReading(detector_id="vds-A0B0_0", edge="A0B0", ts=ts, volume=v, speed_kmh=40.0,
                            occupancy_pct=9.5, received_at=ts)
            for ts, v in readings
        ]
    )  # fmt: skip
    rows = {r.id: r for r in detector_selectors.detector_rows(now=now)}
    assert (rows[reader].state, rows[reader].last_ts, rows[reader].last) == ("silent", T0, "5대 통과")
    assert (rows[quiet].state, rows[quiet].last_ts, rows[quiet].last) == ("never", None, "")
    loop = rows["vds-A0B0_0"]
    assert (loop.state, loop.last_ts) == ("online", now - timedelta(seconds=30))
    assert loop.last.startswith("4대 · 40.0 km/h")
