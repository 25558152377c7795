"""Erase the citizens' personal data whose retention period has ended, in every app that keeps some
(run daily, e.g. from cron or the task queue: ``cityhall manage personal_data_purge``)."""

from django.core.management.base import BaseCommand

from cityhall.core.audit import Actor
from cityhall.core.clock import today
from cityhall.core.personal_data import retention_jobs


class Command(BaseCommand):
    help = "보존기간이 끝난 개인정보를 모든 업무에서 파기합니다 (개인정보 보호법 제21조)"

    def handle(self, *args, **options):
        actor = Actor.system("command:personal_data_purge")
        day = today()
        for name, job in sorted(retention_jobs().items()):
            self.stdout.write(f"{name}: {job(actor, day)}건 파기")
