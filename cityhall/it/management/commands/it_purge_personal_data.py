"""Erase applicants' and learners' names and phone numbers whose retention period has ended (run
daily, e.g. from cron: ``cityhall manage it_purge_personal_data``)."""

from django.core.management.base import BaseCommand

from cityhall.core.audit import Actor
from cityhall.it.destruction.services import destruction_purge_expired
from cityhall.it.education.services import enrolments_purge_expired


class Command(BaseCommand):
    help = "보유 기간이 끝난 저장매체 파기 신청인·수강생의 이름과 연락처를 파기합니다."

    def handle(self, *args, **options):
        actor = Actor.system("it:purge-personal-data")
        applications = destruction_purge_expired(actor=actor)
        enrolments = enrolments_purge_expired(actor=actor)
        self.stdout.write(f"파기: 저장매체 파기 신청 {applications}건, 수강 신청 {enrolments}건")
