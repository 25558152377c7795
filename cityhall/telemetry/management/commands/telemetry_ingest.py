"""``cityhall manage telemetry_ingest [--url mqtt://127.0.0.1:1883] [--client-id ID] [--share GROUP]``:
run the MQTT ingester until SIGTERM/SIGINT, then store and acknowledge what has arrived and stop
(ADR 0007). Several processes with ``--share`` (the same group) and each its own ``--client-id``
split the stream between them (MQTT 5 shared subscription)."""

import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from cityhall.telemetry import devices
from cityhall.telemetry.ingester import DEFAULT_CLIENT_ID, run_ingester
from cityhall.telemetry.mqtt import broker_from_url


class Command(BaseCommand):
    help = "MQTT 브로커에서 가로등 측정값을 받아 저장합니다 (SIGTERM/SIGINT로 정상 종료)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            help="브로커 주소 mqtt://[사용자:비밀번호@]host:port[?protocol=3.1.1] "
            "(기본: CITYHALL_MQTT_URL, 없으면 mqtt://127.0.0.1:1883)",
        )
        parser.add_argument("--batch-size", type=int, default=500, help="한 번에 저장할 최대 메시지 수")
        parser.add_argument("--flush-ms", type=int, default=100, help="배치를 저장하는 최대 간격(밀리초)")
        parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID, help="MQTT 클라이언트 ID (세션 유지)")
        parser.add_argument(
            "--share",
            metavar="GROUP",
            help="공유 구독 그룹 이름 (MQTT 5): 같은 그룹의 수집기 여러 개가 메시지를 나눠 받습니다 "
            "(수집기마다 --client-id를 다르게)",
        )
        parser.add_argument(
            "--any-device",
            action="store_true",
            help="등록되지 않은 장치의 메시지도 받습니다 (기본: 가로등 대장의 장치만)",
        )

    def handle(self, *args, url=None, batch_size, flush_ms, client_id, any_device, share=None, **options):
        try:
            broker = broker_from_url(url)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if share is not None and not broker.v5:
            raise CommandError(
                "공유 구독(--share)은 MQTT 5에서만 쓸 수 있습니다 (브로커 주소의 protocol=3.1.1을 빼세요)."
            )
        if batch_size < 1 or flush_ms < 1:
            raise CommandError("--batch-size와 --flush-ms는 1 이상이어야 합니다.")
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
        known = gateways = None
        if not any_device:
            known, gateways = devices.known_devices, devices.gateways
        stop = threading.Event()

        def request_stop(signum, frame):
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        group = f", 공유 구독 그룹 {share}" if share else ""
        self.stdout.write(f"수집 시작: {broker} (클라이언트 {client_id}{group})")
        self.stdout.flush()
        try:
            stats = run_ingester(
                url,
                batch_size=batch_size,
                flush_ms=flush_ms,
                stop_event=stop,
                known_devices=known,
                client_id=client_id,
                share=share,
                gateways=gateways,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"수집 종료: 수신 {stats.received:,}건, 저장 {stats.stored:,}건, "
            f"중복 {stats.duplicates:,}건, 거부 {stats.rejected:,}건 ({stats.batches:,}개 배치)"
        )
