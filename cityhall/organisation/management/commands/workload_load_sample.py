"""`cityhall manage workload_load_sample`: load the labelled sample workload data (조직진단 예시 자료)."""

from django.core.management.base import BaseCommand

from cityhall.core import audit
from cityhall.organisation.services import workload_load_sample


class Command(BaseCommand):
    help = "조직진단 업무량 분석 예시 자료(팀별 현원, 단위업무)를 불러옵니다. 다시 실행해도 안전합니다."

    def handle(self, *args, **options):
        counts = workload_load_sample(actor=audit.Actor.system("manage workload_load_sample"))
        self.stdout.write(
            f"예시 자료: 팀 현원 {counts['staffing']}건, 단위업무 {counts['tasks']}건, "
            f"분석 기준 {counts['analyses']}건을 불러왔습니다."
        )
