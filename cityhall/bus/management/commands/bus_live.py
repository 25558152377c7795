"""``cityhall manage bus_live [--url URL] [--simulate]``: the buses' live runtime for production (AVL
and BIT health subscriber, BIT health and prediction-recording jobs) against the configured broker,
until SIGTERM/SIGINT (ADR 0015). One per deployment: the subscriber has a clean session."""

from django.core.management.base import BaseCommand

from cityhall.core.audit import Actor
from cityhall.telemetry.runtime import add_broker_argument, serve, service_broker_url

from ... import services
from ...runtime import BusRuntime


class Command(BaseCommand):
    help = (
        "버스정보 실시간 운영(AVL 수집, BIT 상태 점검, 도착 예정 기록)을 실행합니다 "
        "(SIGTERM/SIGINT로 정상 종료)."
    )

    def add_arguments(self, parser):
        add_broker_argument(parser)
        parser.add_argument("--simulate", action="store_true", help="모의 버스와 BIT도 함께 실행합니다")

    def handle(self, *args, url=None, simulate, **options):
        url = service_broker_url(url)
        # The AVL reports name vehicles and stops of the network; it is created once (모의 노선망).
        services.network_ensure(actor=Actor.system("command:bus_live"))
        runtime = BusRuntime(url, simulate=simulate)
        serve(runtime, self.stdout)
        self.stdout.write(f"버스정보 실시간 운영 종료: 저장 {runtime.stored:,}건")
