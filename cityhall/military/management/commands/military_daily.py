"""Daily jobs of the military module: delete the personal data whose retention period has ended and
list the councils whose regular meeting falls due (the reminder, sent once per due date through the
shared notifications). Idempotent; run from cron or the task runner."""

from django.core.management.base import BaseCommand

from cityhall.core import clock
from cityhall.core.audit import Actor
from cityhall.military import services


class Command(BaseCommand):
    help = (
        "개인정보 보유기간이 끝난 군소음 보상 신청의 개인정보를 파기하고, 개최 시기가 된 협의체를 알립니다."
    )

    def handle(self, *args, **options):
        actor = Actor.system("command:military_daily")
        today = clock.today()
        purged = services.personal_data_purge(today=today, actor=actor)
        self.stdout.write(f"개인정보 파기: {purged}건")
        for council, due in services.councils_due(today):
            self.stdout.write(f"개최 알림: {council.name} — 기한 {due:%Y-%m-%d}")
        sent = services.council_reminders_send(today=today, actor=actor)
        self.stdout.write(f"알림 발송: {sent}건")
