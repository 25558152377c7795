"""``cityhall manage jobs_worker``: a worker process of the task queue (ADR 0019) — runs due tasks and,
unless ``--no-schedule``, enqueues the periodic jobs of ``cityhall.jobs.schedule``. Run one or more
(each worker's scheduler enqueues a slot once). SIGTERM/SIGINT: finish the running task, then stop."""

import threading

from django.core.management.base import BaseCommand, CommandError

from cityhall.jobs import runtime


class Command(BaseCommand):
    help = "백그라운드 작업을 실행하고 정기 작업을 등록합니다 (SIGTERM으로 종료)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="대기열이 비었을 때 확인 간격(초)")
        parser.add_argument("--no-schedule", action="store_true", help="정기 작업을 등록하지 않음")
        parser.add_argument("--worker-id", default=None, help="작업자 이름 (작업자마다 달라야 함)")

    def handle(self, *args, interval, no_schedule, worker_id, **options):
        if interval <= 0:
            raise CommandError("--interval은 0보다 커야 합니다.")
        worker = runtime.new_worker(interval_s=interval, worker_id=worker_id)
        stop = threading.Event()
        if not no_schedule:
            threading.Thread(
                target=runtime.scheduler_loop, args=(stop,), name="jobs-scheduler", daemon=True
            ).start()
        worker.configure_signals()
        self.stdout.write(
            f"jobs worker {worker.worker_id}: {'정기 작업 등록 포함' if not no_schedule else '실행만'}"
        )
        self.stdout.flush()
        try:
            runtime.worker_loop(worker)
        finally:
            stop.set()
