"""``cityhall manage cctv_simulate``: simulated analytics events (모의) for the registry's cameras,
to JetStream when a NATS address is given, else triaged in this process (the embedded default)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cityhall.cctv import services, simulator, stream
from cityhall.cctv.choices import CameraStatus
from cityhall.cctv.models import Camera


class Command(BaseCommand):
    help = "CCTV 7,430대의 모의 영상분석 이벤트를 보냅니다 (폭주·오탐 포함, '모의' 표시)"

    def add_arguments(self, parser):
        parser.add_argument("--rate", type=float, default=5.0, help="초당 이벤트 수")
        parser.add_argument("--seconds", type=float, default=60.0, help="보낼 시간(초); 0이면 끝없이")
        parser.add_argument(
            "--url", default=None, help="NATS 주소 (기본: CITYHALL_NATS_URL; 없으면 바로 분류)"
        )
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args, **options):
        cameras = list(Camera.objects.filter(status=CameraStatus.ACTIVE).values_list("code", flat=True))
        if not cameras:
            raise CommandError("카메라가 없습니다. 'cityhall demo'로 예시 대장을 먼저 만드세요.")
        if options["rate"] <= 0:
            raise CommandError("--rate 는 0보다 커야 합니다.")
        url = options["url"] or stream.nats_url()
        context = services.TriageContext()
        started = time.monotonic()
        sent = 0
        try:
            while options["seconds"] <= 0 or time.monotonic() - started < options["seconds"]:
                tick = time.monotonic()
                n = max(1, round(options["rate"]))
                batch = list(simulator.events(cameras, n, now=timezone.now(), seed=options["seed"]))
                if url:
                    stream.publish_sync(url, batch)
                else:
                    now = time.time()
                    services.events_triage([services.Incoming(p, now) for _, _, p in batch], context=context)
                sent += len(batch)
                time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
        except KeyboardInterrupt:
            pass
        self.stdout.write(f"모의 이벤트 {sent:,}건을 보냈습니다 ({'JetStream' if url else '바로 분류'}).")
