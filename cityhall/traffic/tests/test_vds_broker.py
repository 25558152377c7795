"""Detector reports through a real Mosquitto (a private instance on a free loopback port, as the
telemetry tests start it): the twin's loops publish at QoS 1, the ingester (``run_ingester`` with
the traffic store) stores each interval once — through a repeat and an ingester restart — and
dead-letters bad messages with their reason; the twin's DSRC readers publish and are stored the same way."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cityhall.core.audit import Actor
from cityhall.core.tests.waiting import wait_for
from cityhall.telemetry.ingester import run_ingester
from cityhall.telemetry.models import DeadLetter
from cityhall.telemetry.tests.test_ingester import broker  # noqa: F401 - the fixture registers by import
from cityhall.traffic import detector_services, dsrc, selectors, services, vds
from cityhall.traffic.models import DetectorReading, DsrcReport

pytestmark = pytest.mark.slow


class Ingester:
    def __init__(self, url: str, topics=(vds.SUBSCRIPTION,), ingest=None, known_devices=None) -> None:
        self.url = url
        self.topics = list(topics)
        self.ingest = ingest or services.detector_readings_ingest
        self.known_devices = known_devices or (lambda: set(selectors.detector_edges()))
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.stats = None

    def _run(self) -> None:
        self.stats = run_ingester(
            self.url,
            stop_event=self.stop,
            client_id="test-vds-ingester",
            topics=self.topics,
            ingest=self.ingest,
            known_devices=self.known_devices,
        )

    def start(self) -> Ingester:
        self.thread.start()
        return self

    def close(self) -> None:
        self.stop.set()
        self.thread.join(30)


def _publish(port: int, messages: list[tuple[str, bytes]]) -> None:
    import paho.mqtt.client as mqtt

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"pub-{uuid.uuid4().hex[:8]}")
    client.connect("127.0.0.1", port)
    client.loop_start()
    try:
        infos = [client.publish(topic, payload, qos=1) for topic, payload in messages]
        for info in infos:
            info.wait_for_publish(timeout=30)
            assert info.is_published()
    finally:
        client.disconnect()
        client.loop_stop()


def _report(detector: str, ts: datetime, volume: int = 4) -> tuple[str, bytes]:
    wire = vds.VdsWire(
        detector_id=detector,
        ts=ts.isoformat(),
        volume=volume,
        occupancy_pct=6.0,
        speed_kmh=38.0 if volume else None,
    )
    return vds.vds_topic(detector), vds.encode(wire)


def test_the_twins_loops_report_over_mqtt_and_are_stored_once(transactional_db, broker, settings, tmp_path):  # noqa: F811
    settings.DATA_DIR = tmp_path
    services.network_ensure_default(actor=Actor.system("test:vds"))
    ingester = Ingester(broker.url).start()
    try:
        # The subscription is up once a probe comes through.
        probe_ts = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
        wait_for(
            lambda: (
                _publish(broker.port, [_report("vds-A0B0_0", probe_ts)])
                or DetectorReading.objects.filter(ts=probe_ts).exists()
            ),
            "the ingester to subscribe",
        )
        # One minute of the twin: 288 loops × 2 intervals, published by the command.
        call_command("traffic_vds_publish", url=broker.url, minutes=1, seed=3, vehicles_per_hour=3000)
        wait_for(lambda: DetectorReading.objects.count() == 1 + 576, "576 twin reports")
        assert DetectorReading.objects.filter(simulated=True).count() == 576
        assert DetectorReading.objects.filter(simulated=True).values("detector_id").distinct().count() == 288
        assert DetectorReading.objects.filter(simulated=True, volume__gt=0).exists()
        # Repeats, and bad messages beside good ones.
        ts = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
        _publish(
            broker.port,
            [
                _report("vds-A0B0_0", ts),
                _report("vds-A0B0_0", ts, volume=9),  # the same interval again: the first stays
                _report("vds-A0B0_0", probe_ts),  # redelivery of the probe
                (vds.vds_topic("vds-A0B0_1"), b'{"detector_id": "vds-A0B0_1", "volume": NaN}'),
                (vds.vds_topic("vds-NOPE_0"), _report("vds-NOPE_0", ts)[1]),
            ],
        )
        wait_for(lambda: DeadLetter.objects.count() == 2, "two dead letters")
        wait_for(lambda: DetectorReading.objects.filter(ts=ts).exists(), "the new interval")
    finally:
        ingester.close()
    assert DetectorReading.objects.get(detector_id="vds-A0B0_0", ts=ts).volume == 4
    assert DetectorReading.objects.count() == 1 + 576 + 1
    assert sorted(DeadLetter.objects.values_list("reason", flat=True)) == ["malformed_json", "unknown_device"]
    # Published while the ingester is down: kept by the broker for its session, stored on return.
    later = ts + timedelta(seconds=30)
    _publish(broker.port, [_report(d, later) for d in ("vds-A0B0_0", "vds-A0B0_1", "vds-B0C0_0")])
    ingester = Ingester(broker.url).start()
    try:
        wait_for(lambda: DetectorReading.objects.filter(ts=later).count() == 3, "the queued reports")
    finally:
        ingester.close()
    assert DetectorReading.objects.count() == 1 + 576 + 1 + 3


def test_the_twins_readers_report_over_mqtt(transactional_db, broker, settings, tmp_path):  # noqa: F811
    settings.DATA_DIR = tmp_path
    services.network_ensure_default(actor=Actor.system("test:dsrc"))
    ingester = Ingester(
        broker.url,
        topics=[dsrc.SUBSCRIPTION],
        ingest=detector_services.detectors_ingest,
        known_devices=detector_services.detector_ids,
    ).start()
    try:
        probe_ts = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
        reader = detector_services.readers()[0].id
        probe = dsrc.encode(dsrc.DsrcWire(reader_id=reader, ts=probe_ts.isoformat(), passes=[]))
        wait_for(
            lambda: (
                _publish(broker.port, [(dsrc.dsrc_topic(reader), probe)])
                or DsrcReport.objects.filter(ts=probe_ts).exists()
            ),
            "the ingester to subscribe",
        )
        # One minute of the twin: 96 readers × 2 intervals (empty reports too), published by the command.
        out = StringIO()
        call_command("traffic_dsrc_publish", url=broker.url, minutes=1, seed=3, share=0.3, stdout=out)
        assert out.getvalue() == "DSRC 기지국 보고 192건을 보냈습니다 (모의, 1분).\n"
        wait_for(lambda: DsrcReport.objects.count() == 1 + 192, "192 twin reports")
    finally:
        ingester.close()
    assert DsrcReport.objects.filter(simulated=True).values("reader_id").distinct().count() == 96
    assert not DeadLetter.objects.exists()


@pytest.mark.parametrize(
    ("command", "args", "message"),
    [
        ("traffic_vds_publish", ["--minutes", "0"], "1–180분"),
        ("traffic_vds_publish", ["--warmup", "61"], "--warmup은 0–60분"),
        ("traffic_dsrc_publish", ["--share", "1.5"], "장착률"),
        ("traffic_dsrc_publish", ["--url", "http://x"], "지원하지 않는 MQTT 주소"),
    ],
)
def test_the_publish_commands_refuse_bad_arguments_before_sending(db, twin_dir, command, args, message):
    with pytest.raises(CommandError, match=message):
        call_command(command, *args)
