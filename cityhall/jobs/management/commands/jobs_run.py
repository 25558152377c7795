"""``cityhall manage jobs_run [NAME ...] [--now] [--list]``: enqueue periodic jobs of the schedule by
name (a worker runs them), or run them here and now with ``--now``. ``--list`` shows the schedule."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.module_loading import import_string

from cityhall.jobs import queue, schedule


class Command(BaseCommand):
    help = "정기 작업을 이름으로 등록(또는 --now로 바로 실행)합니다."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="작업 이름 (--list로 확인)")
        parser.add_argument("--now", action="store_true", help="작업자 없이 여기서 바로 실행")
        parser.add_argument("--list", action="store_true", help="일정 보기")

    def handle(self, *args, names, now, list, **options):
        if list or not names:
            for p in schedule.SCHEDULE:
                when = f"매 {p.every.total_seconds():.0f}초" if p.every else f"매일 {p.at:%H:%M}"
                live = " (실시간 런타임)" if p.live and not schedule.live_jobs_on_queue() else ""
                self.stdout.write(f"{p.name:32} {when:12} {p.label}{live}")
            return
        unknown = [n for n in names if schedule.by_name(n) is None]
        if unknown:
            raise CommandError(f"일정에 없는 작업입니다: {', '.join(unknown)} (--list로 확인)")
        for name in names:
            periodic = schedule.by_name(name)
            result = import_string(periodic.task).enqueue(**periodic.kwargs(periodic.slot(timezone.now())))
            self.stdout.write(f"{name}: 등록 {result.id}")
        if now:
            ran = queue.run_due(limit=1000)
            self.stdout.write(f"실행: {ran}건")
