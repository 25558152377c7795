"""What ``traffic_vds_publish`` and ``traffic_dsrc_publish`` share: run the twin for ``--minutes``
stamped from now backwards (so the newest report is current) and publish every report over MQTT at
QoS 1, waiting for each to be sent. Each command says only which devices report and how it words
the result."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cityhall.core.audit import Actor
from cityhall.core.services import RecordInvalid
from cityhall.telemetry.mqtt import broker_from_url, new_client

# Simulated first and not sent: the network starts empty and fills with traffic (as the live twin).
WARMUP_MIN = 3


class TwinPublishCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument(
            "--url", help="브로커 주소 (기본: CITYHALL_MQTT_URL, 없으면 mqtt://127.0.0.1:1883)"
        )
        parser.add_argument("--minutes", type=int, default=10, help="모의 시간(분), 1–180")
        parser.add_argument("--seed", type=int, default=1, help="난수 시드")
        parser.add_argument("--vehicles-per-hour", type=int, default=None, help="배경 교통량(대/시)")
        parser.add_argument(
            "--warmup", type=int, default=WARMUP_MIN, help="보내지 않고 먼저 모의하는 시간(분), 0–60"
        )

    def reports(self, stretch: dict[str, Any], **options) -> list[tuple[str, bytes]]:
        """The twin's reports as (topic, payload). ``stretch``: the keyword arguments of the feed
        (``minutes``, ``start``, ``seed``, ``vehicles_per_hour``, ``actor``, ``warmup_minutes``);
        ``options``: the rest of the command line (the command's own arguments among Django's)."""
        raise NotImplementedError

    def sent(self, count: int, minutes: int) -> str:
        """The line printed once every report is sent."""
        raise NotImplementedError

    def handle(self, *args, url=None, minutes, seed, vehicles_per_hour, warmup, **options):
        if not 0 <= warmup <= 60:
            raise CommandError("--warmup은 0–60분이어야 합니다.")
        try:
            broker = broker_from_url(url)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        start = timezone.now().replace(microsecond=0) - timedelta(minutes=minutes)
        name = self.__module__.rsplit(".", 1)[-1]  # the command's name, as the audit's actor
        try:
            stretch = {
                "minutes": minutes,
                "start": start,
                "seed": seed,
                "vehicles_per_hour": vehicles_per_hour,
                "actor": Actor.system(f"command:{name}"),
                "warmup_minutes": warmup,
            }
            messages = self.reports(stretch, **options)
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
        self.stdout.write(self.sent(len(messages), minutes))
