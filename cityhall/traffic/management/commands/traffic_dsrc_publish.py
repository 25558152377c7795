"""``cityhall manage traffic_dsrc_publish [--minutes 10] [--seed 1] [--share 0.2] [--url …]``: run the
twin and publish its 96 DSRC readers' 30-s reports over MQTT (QoS 1) — 모의, marked ``simulated``
(ADR 0029). Stamped from now backwards, so the newest is current."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cityhall.core.audit import Actor
from cityhall.core.services import RecordInvalid
from cityhall.telemetry.mqtt import broker_from_url, new_client
from cityhall.traffic import detector_services


class Command(BaseCommand):
    help = "교통 디지털트윈의 DSRC 기지국 보고(모의)를 MQTT로 보냅니다."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", help="브로커 주소 (기본: CITYHALL_MQTT_URL, 없으면 mqtt://127.0.0.1:1883)"
        )
        parser.add_argument("--minutes", type=int, default=10, help="모의 시간(분), 1–180")
        parser.add_argument("--seed", type=int, default=1, help="난수 시드")
        parser.add_argument("--vehicles-per-hour", type=int, default=None, help="배경 교통량(대/시)")
        parser.add_argument(
            "--share", type=float, default=None, help="단말기 장착률 (기본: CITYHALL_DSRC_PENETRATION)"
        )

    def handle(self, *args, url=None, minutes, seed, vehicles_per_hour, share, **options):
        try:
            broker = broker_from_url(url)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        start = timezone.now().replace(microsecond=0) - timedelta(minutes=minutes)
        try:
            messages = detector_services.dsrc_feed_from_twin(
                minutes=minutes,
                start=start,
                seed=seed,
                vehicles_per_hour=vehicles_per_hour,
                share=share,
                actor=Actor.system("command:traffic_dsrc_publish"),
            )
        except RecordInvalid as exc:
            raise CommandError(" ".join(m for msgs in exc.errors.values() for m in msgs)) from None
        client, connect = new_client(broker)
        client.connect(**connect)
        client.loop_start()
        try:
            infos = [client.publish(topic, payload, qos=1) for topic, payload in messages]
            for info in infos:
                info.wait_for_publish(timeout=30)
        finally:
            client.disconnect()
            client.loop_stop()
        self.stdout.write(f"DSRC 기지국 보고 {len(messages):,}건을 보냈습니다 (모의, {minutes}분).")
