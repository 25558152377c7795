"""``cityhall manage telemetry_prune``: delete raw readings past the retention period (only days
already rolled up) and old dead letters (ADR 0007, "Storage")."""

from dataclasses import asdict

from django.core.management.base import BaseCommand, CommandError

from cityhall.telemetry.rollups import readings_prune


class Command(BaseCommand):
    help = "보관 기간이 지난 원시 측정값(집계된 날만)과 거부된 메시지를 삭제합니다."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-days",
            type=int,
            help="이보다 오래된 날의 원시 측정값을 삭제 (기본: 설정 TELEMETRY_READING_RETENTION_DAYS, 396일)",
        )
        parser.add_argument(
            "--dead-letter-days",
            type=int,
            help="이보다 오래된 거부된 메시지를 삭제 (기본: 설정 TELEMETRY_DEAD_LETTER_RETENTION_DAYS, 90일)",
        )
        parser.add_argument("--chunk-size", type=int, default=20_000, help="한 트랜잭션에서 지울 최대 건수")

    def handle(self, *args, older_than_days=None, dead_letter_days=None, chunk_size, **options):
        try:
            report = readings_prune(
                older_than_days=older_than_days, dead_letter_days=dead_letter_days, chunk_size=chunk_size
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(" ".join(f"{k}={v}" for k, v in asdict(report).items()))
