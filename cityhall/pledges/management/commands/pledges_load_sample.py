"""``cityhall manage pledges_load_sample``: load the sample portfolio (56 예시 공약, the seed's figures)."""

from django.core.management.base import BaseCommand, CommandError

from cityhall.core.audit import Actor
from cityhall.core.services import RecordInvalid
from cityhall.pledges import services


class Command(BaseCommand):
    help = "예시 공약 56건(업무보고 수치 재현)을 불러옵니다."

    def handle(self, *args, **options):
        try:
            count = services.pledges_load_sample(actor=Actor.system("command:pledges_load_sample"))
        except RecordInvalid as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"예시 공약 {count}건을 불러왔습니다.")
