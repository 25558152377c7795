"""`cityhall manage legal_load_sample`: load the labelled sample legal records (예시)."""

from django.core.management.base import BaseCommand

from cityhall.legal.services import legal_load_sample


class Command(BaseCommand):
    help = "의회·법무 예시 자료(2024년 통계를 재현)를 불러옵니다."

    def handle(self, *args, **options):
        counts = legal_load_sample()
        self.stdout.write(", ".join(f"{k} {v}" for k, v in counts.items()))
