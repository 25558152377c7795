"""``cityhall manage cctv_worker [--partition N]``: the triage worker of one partition of the event
stream on NATS JetStream (durable consumer ``triage-N``; ``CITYHALL_CCTV_PARTITIONS`` partitions,
one worker each)."""

import asyncio
import json

from django.core.management.base import BaseCommand, CommandError

from cityhall.cctv import services, stream


class Command(BaseCommand):
    help = "영상분석 이벤트를 JetStream에서 읽어 분류·저장합니다 (내구 소비자, 명시적 확인)"

    def add_arguments(self, parser):
        parser.add_argument("--url", default=None, help="NATS 주소 (기본: CITYHALL_NATS_URL)")
        parser.add_argument(
            "--partition", type=int, default=0, help="맡을 분할 번호 (0부터, CITYHALL_CCTV_PARTITIONS 미만)"
        )
        parser.add_argument("--batch", type=int, default=stream.BATCH)
        parser.add_argument(
            "--idle-exit", type=float, default=None, help="이만큼(초) 메시지가 없으면 끝냅니다"
        )
        parser.add_argument("--stream", default=stream.STREAM)
        parser.add_argument("--subject", default=stream.SUBJECT)
        parser.add_argument("--json", action="store_true", help="끝날 때 통계를 JSON으로 (벤치마크)")
        parser.add_argument(
            "--ack-only",
            action="store_true",
            help="분류·저장 없이 확인만 합니다 (벤치마크: 같은 클라이언트로 잰 브로커 단독 속도)",
        )

    def _ready(self) -> None:
        self.stdout.write("ready")
        self.stdout.flush()

    def handle(self, *args, **options):
        url = options["url"] or stream.nats_url()
        if not url:
            raise CommandError("NATS 주소가 없습니다: --url 이나 CITYHALL_NATS_URL 을 주세요.")
        count = stream.partitions()
        if not 0 <= options["partition"] < count:
            raise CommandError(
                f"--partition 은 0 이상 {count} 미만이어야 합니다 (CITYHALL_CCTV_PARTITIONS={count})."
            )
        if options["ack_only"]:

            def handler(msgs):
                return services.TriageReport()

        else:
            # This worker alone receives its partition's cameras: their rate limits stay in memory.
            context = services.TriageContext(exclusive=True)
            context.refresh()
            handler = stream.triage_handler(context)
        try:
            stats = asyncio.run(
                stream.consume(
                    url,
                    handler,
                    batch=options["batch"],
                    idle_exit_s=options["idle_exit"],
                    stream=options["stream"],
                    subject=options["subject"],
                    partition=options["partition"],
                    count=count,
                    on_ready=self._ready,
                )
            )
        except KeyboardInterrupt:
            return
        if options["json"]:
            summary = {
                "received": stats.received,
                "stored": stats.stored,
                "duplicates": stats.duplicates,
                "rejected": stats.rejected,
                "redelivered": stats.redelivered,
                "last_commit": stats.last_commit,
                "latencies": sorted(stats.latencies),
            }
            self.stdout.write(json.dumps(summary))
            return
        self.stdout.write(
            f"받음 {stats.received:,} · 저장 {stats.stored:,} · "
            f"중복 {stats.duplicates:,} · 거부 {stats.rejected:,}"
        )
