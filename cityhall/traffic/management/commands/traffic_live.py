"""``cityhall manage traffic_live [--url URL] [--simulate]``: the VMS sender for production (signs'
acknowledgements in, approved messages out with retries; ADR 0030) against the configured broker,
until SIGTERM/SIGINT. One per deployment. The detectors' reports are stored by
``traffic_detectors_ingest``, a service of its own."""

from django.core.management.base import BaseCommand, CommandError

from cityhall.telemetry.runtime import add_broker_argument, serve, service_broker_url

from ...runtime import DISPATCH_S, TrafficRuntime


class Command(BaseCommand):
    help = "도로전광표지(VMS) 문안 전송과 표출 확인을 실행합니다 (SIGTERM/SIGINT로 정상 종료)."

    def add_arguments(self, parser):
        add_broker_argument(parser)
        parser.add_argument("--simulate", action="store_true", help="모의 도로전광표지도 함께 실행합니다")
        parser.add_argument("--dispatch-interval", type=float, default=DISPATCH_S, help="전송 주기(초)")

    def handle(self, *args, url=None, simulate, dispatch_interval, **options):
        if dispatch_interval <= 0:
            raise CommandError("--dispatch-interval은 0보다 커야 합니다.")
        runtime = TrafficRuntime(service_broker_url(url), simulate=simulate, dispatch_s=dispatch_interval)
        serve(runtime, self.stdout)
        self.stdout.write(f"도로전광표지 전송 종료: 전송 {runtime.sent:,}건, 표출 확인 {runtime.acked:,}건")
