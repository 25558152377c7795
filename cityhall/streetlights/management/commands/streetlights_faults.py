"""``cityhall manage streetlights_faults [--loop SECONDS]``: apply the fault rules once (or every
SECONDS until SIGTERM/SIGINT) and print what they opened and saw recover."""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from ...repairs.faults import faults_evaluate


class Command(BaseCommand):
    help = "가로등 고장 규칙을 적용해 보수 요청을 열고 복구를 표시합니다 (--loop 초: 반복)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop",
            type=float,
            metavar="SECONDS",
            help="이 간격(초)으로 반복합니다 (SIGTERM/SIGINT로 정상 종료)",
        )

    def handle(self, *args, loop=None, **options):
        if loop is not None and loop < 1:
            raise CommandError("--loop 간격은 1초 이상이어야 합니다.")
        stop = threading.Event()
        if loop is not None:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda signum, frame: stop.set())
        while True:
            try:
                report = faults_evaluate()
            except DatabaseError as exc:
                if loop is None:
                    raise CommandError(f"데이터베이스 오류로 규칙을 적용하지 못했습니다: {exc}") from exc
                self.stderr.write(f"데이터베이스 오류, 다음 주기에 다시 시도합니다: {exc}")
            else:
                self.stdout.write(report.summary())
                for label, numbers in (
                    ("신규", report.opened),
                    ("복구 확인", report.recovered),
                    ("재발", report.relapsed),
                ):
                    if numbers:
                        self.stdout.write(f"  {label}: {', '.join(numbers)}")
                self.stdout.flush()
            if loop is None or stop.wait(loop):
                return
