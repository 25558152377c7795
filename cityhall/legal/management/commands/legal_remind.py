"""`cityhall manage legal_remind [--day YYYY-MM-DD] [--today YYYY-MM-DD]`, run daily: tomorrow's (or the
day's) consultation reminders, council data requests nearing their due date, and case deadline warnings
(each sent once, through the shared notifications)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from cityhall.core import clock
from cityhall.core.audit import Actor
from cityhall.legal.consultations.services import consultation_remind
from cityhall.legal.reminders import case_deadline_warnings_send, data_request_reminders_send


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{option}: 날짜를 YYYY-MM-DD 꼴로 주세요 ({exc}).") from exc


class Command(BaseCommand):
    help = "무료법률상담 전날 알림, 의회 요구자료 제출기한 알림, 법무 사건 기한 경고를 보냅니다."

    def add_arguments(self, parser):
        parser.add_argument("--day", help="상담일 (기본: 내일)")
        parser.add_argument("--today", help="기준일 (기본: 오늘)")

    def handle(self, *args, **options):
        today = _date(options["today"], "--today") if options["today"] else clock.today()
        day = _date(options["day"], "--day") if options["day"] else today + dt.timedelta(days=1)
        actor = Actor.system("legal:remind")
        count = consultation_remind(day=day, actor=actor)
        self.stdout.write(f"{day}: 상담 {count}명에게 알림을 보냈습니다.")
        requests = data_request_reminders_send(today=today, actor=actor)
        self.stdout.write(f"{today}: 의회 요구자료 제출기한 알림 {requests}건을 보냈습니다.")
        cases = case_deadline_warnings_send(today=today, actor=actor)
        self.stdout.write(f"{today}: 법무 사건 기한 경고 {cases}건을 보냈습니다.")
