"""``cityhall manage telemetry_rollup``: roll up the readings stored since the last run (the live
runtime's job, once or ``--every N`` seconds until SIGTERM/SIGINT), or recompute whole local days
with ``--from YYYY-MM-DD [--to YYYY-MM-DD]`` (ADR 0007, "Storage")."""

import signal
import threading
from dataclasses import asdict
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from cityhall.telemetry.rollups import rollup_days, rollup_recent


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} '{value}'은(는) 날짜(YYYY-MM-DD)가 아닙니다.") from None


class Command(BaseCommand):
    help = "측정값을 장치별·일별로 집계합니다 (기본: 지난 실행 이후 저장된 측정값)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", help="이 날짜(YYYY-MM-DD, 한국 시간)부터 다시 집계")
        parser.add_argument("--to", dest="end", help="이 날짜까지 다시 집계 (기본: --from과 같은 날)")
        parser.add_argument("--every", type=int, help="N초마다 반복 (SIGTERM/SIGINT로 종료)")

    def handle(self, *args, start=None, end=None, every=None, **options):
        if end and not start:
            raise CommandError("--to는 --from과 함께 써야 합니다.")
        if start:
            if every:
                raise CommandError("--every는 --from과 함께 쓸 수 없습니다.")
            first = _day(start, "--from")
            last = _day(end, "--to") if end else first
            try:
                report = rollup_days(first, last)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            self._print(report)
            return
        if every is not None and every < 1:
            raise CommandError("--every는 1 이상이어야 합니다.")
        stop = threading.Event()
        if every:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
        while True:
            self._print(rollup_recent())
            if not every or stop.wait(every):
                return

    def _print(self, report) -> None:
        self.stdout.write(" ".join(f"{k}={v}" for k, v in asdict(report).items()))
        self.stdout.flush()
