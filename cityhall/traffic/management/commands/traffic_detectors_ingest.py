"""``cityhall manage traffic_detectors_ingest [--url mqtt://…] [--client-id ID] [--any-device]``: store
both detectors' reports — VDS (``cityhall/v1/traffic/+/vds``) and DSRC (``…/+/dsrc``, OBU IDs hashed on
arrival) — until SIGTERM/SIGINT (ADR 0028, 0029), on the telemetry ingester's loop."""

import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from cityhall.telemetry.ingester import run_ingester
from cityhall.telemetry.mqtt import broker_from_url
from cityhall.traffic import detector_services, dsrc, vds

DEFAULT_CLIENT_ID = "cityhall-detectors-ingester"


class Command(BaseCommand):
    help = (
        "MQTT 브로커에서 차량검지기(VDS)와 DSRC 기지국 보고를 받아 저장합니다 (SIGTERM/SIGINT로 정상 종료)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", help="브로커 주소 (기본: CITYHALL_MQTT_URL, 없으면 mqtt://127.0.0.1:1883)"
        )
        parser.add_argument("--batch-size", type=int, default=500, help="한 번에 저장할 최대 메시지 수")
        parser.add_argument("--flush-ms", type=int, default=200, help="배치를 저장하는 최대 간격(밀리초)")
        parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID, help="MQTT 클라이언트 ID (세션 유지)")
        parser.add_argument(
            "--any-device", action="store_true", help="도로망에 없는 검지기·기지국의 메시지도 받습니다"
        )

    def handle(self, *args, url=None, batch_size, flush_ms, client_id, any_device, **options):
        try:
            broker = broker_from_url(url)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if batch_size < 1 or flush_ms < 1:
            raise CommandError("--batch-size와 --flush-ms는 1 이상이어야 합니다.")
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
        stop = threading.Event()

        def request_stop(signum, frame):
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        self.stdout.write(f"검지기·기지국 수집 시작: {broker} (클라이언트 {client_id})")
        self.stdout.flush()
        stats = run_ingester(
            url,
            batch_size=batch_size,
            flush_ms=flush_ms,
            stop_event=stop,
            client_id=client_id,
            topics=[vds.SUBSCRIPTION, dsrc.SUBSCRIPTION],
            ingest=detector_services.detectors_ingest,
            known_devices=None if any_device else detector_services.detector_ids,
        )
        self.stdout.write(
            f"검지기·기지국 수집 종료: 수신 {stats.received:,}건, 저장 {stats.stored:,}건, "
            f"중복 {stats.duplicates:,}건, 거부 {stats.rejected:,}건 ({stats.batches:,}개 배치)"
        )
