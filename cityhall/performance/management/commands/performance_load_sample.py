"""``cityhall manage performance_load_sample``: load the labelled 성과관리 sample dataset."""

from django.core.management.base import BaseCommand

from cityhall.core.audit import Actor
from cityhall.performance.services import performance_load_sample


class Command(BaseCommand):
    help = (
        "성과관리 예시 자료(지표·실적·등급·평가 주기·성과급 기준)를 불러옵니다. "
        "모든 기록은 예시(sample)로 표시됩니다."
    )

    def handle(self, *args, **options):
        counts = performance_load_sample(actor=Actor.system("command:performance_load_sample"))
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}건 추가")
