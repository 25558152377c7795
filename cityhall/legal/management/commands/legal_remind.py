"""`cityhall manage legal_remind [--day YYYY-MM-DD]`: remind tomorrow's (or the day's) consultations."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from cityhall.core import clock
from cityhall.core.audit import Actor
from cityhall.legal.consultations.services import consultation_remind


class Command(BaseCommand):
    help = "무료법률상담 전날 알림(이메일·문자)을 보냅니다."

    def add_arguments(self, parser):
        parser.add_argument("--day", help="상담일 (기본: 내일)")

    def handle(self, *args, **options):
        try:
            day = (
                dt.date.fromisoformat(options["day"])
                if options["day"]
                else clock.today() + dt.timedelta(days=1)
            )
        except ValueError as exc:
            raise CommandError(f"--day: 날짜를 YYYY-MM-DD 꼴로 주세요 ({exc}).") from exc
        count = consultation_remind(day=day, actor=Actor.system("legal:remind"))
        self.stdout.write(f"{day}: {count}명에게 알림을 보냈습니다.")
