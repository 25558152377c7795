"""``cityhall manage pledges_remind [--round 2025-q2]``: what each lead department has not yet
submitted (or must resubmit) in the open round, for reminders (독려)."""

from django.core.management.base import BaseCommand, CommandError

from cityhall.pledges import selectors
from cityhall.pledges.models import CheckinRound, PledgeCheckin


class Command(BaseCommand):
    help = "공약 점검 회차의 미제출·보완요청 공약을 부서별로 출력합니다."

    def add_arguments(self, parser):
        parser.add_argument(
            "--round", dest="round_code", help="회차 코드 (예: 2025-q2; 기본: 진행 중인 회차)"
        )

    def handle(self, *args, round_code=None, **options):
        round_ = (
            CheckinRound.objects.filter(code=round_code).first() if round_code else selectors.open_round()
        )
        if round_ is None:
            raise CommandError(
                "해당 점검 회차가 없습니다." if round_code else "진행 중인 점검 회차가 없습니다."
            )
        missing = selectors.missing_submissions(round_)
        self.stdout.write(f"{round_} (제출기한 {round_.closes_on:%Y-%m-%d})")
        if not missing:
            self.stdout.write("모든 공약이 제출되었습니다.")
            return
        returned = set(
            PledgeCheckin.objects.filter(round=round_, review=PledgeCheckin.Review.RETURNED).values_list(
                "pledge_id", flat=True
            )
        )
        for unit, pledges in missing.items():
            self.stdout.write(f"{unit.name}: {len(pledges)}건")
            for p in pledges:
                note = " (보완요청)" if p.pk in returned else ""
                self.stdout.write(f"  - {p.number}. {p.title}{note}")
