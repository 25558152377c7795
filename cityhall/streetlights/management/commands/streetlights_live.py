"""``cityhall manage streetlights_live [--url URL] [--simulate]``: the live runtime for production
(ingester, command dispatch, fault and roll-up jobs) against a real broker, until SIGTERM/SIGINT.
The web application runs as a process of its own (``cityhall serve``). ADR 0009."""

from django.core.management.base import BaseCommand, CommandError

from cityhall.telemetry.runtime import add_broker_argument, serve, service_broker_url

from ...operations.runtime import JOBS_INTERVAL_S, LiveRuntime


class Command(BaseCommand):
    help = "가로등 실시간 운영(수집, 명령 전송, 고장 판정, 집계)을 실행합니다 (SIGTERM/SIGINT로 정상 종료)."

    def add_arguments(self, parser):
        add_broker_argument(parser)
        parser.add_argument("--simulate", action="store_true", help="모의 가로등도 함께 실행합니다")
        parser.add_argument(
            "--embedded",
            action="store_true",
            help="설정된 브로커 대신 내장 MQTT 브로커(127.0.0.1:1884)를 띄워 사용합니다 (시험용)",
        )
        parser.add_argument(
            "--share",
            metavar="GROUP",
            help="공유 구독 그룹 (MQTT 5): 같은 그룹의 telemetry_ingest 수집기와 메시지를 나눠 받습니다",
        )
        parser.add_argument(
            "--jobs-interval", type=float, default=JOBS_INTERVAL_S, help="고장 판정·집계 주기(초)"
        )

    def handle(self, *args, url=None, simulate, embedded, jobs_interval, share=None, **options):
        if embedded and url:
            raise CommandError("--url과 --embedded는 함께 쓸 수 없습니다.")
        if jobs_interval <= 0:
            raise CommandError("--jobs-interval은 0보다 커야 합니다.")
        if not embedded:
            url = service_broker_url(url)
        runtime = LiveRuntime(
            url=None if embedded else url,
            simulate=simulate,
            jobs_interval_s=jobs_interval,
            # With more ingesters on other nodes (docs/production.md): one shared subscription, each
            # message stored by one of them.
            ingester_options={"share": share} if share else None,
        )
        serve(runtime, self.stdout)
        stats = runtime.stats
        answered = stats.acks.acked + stats.acks.failed
        self.stdout.write(
            f"실시간 운영 종료: 명령 전송 {stats.dispatched:,}건, "
            f"응답 {answered:,}건, 만료 {stats.expired:,}건"
        )
