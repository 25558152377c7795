"""``cityhall manage streetlights_energy_refresh [--from YYYY-MM-DD] [--to YYYY-MM-DD]``: rebuild the
energy report's per-site daily totals from the telemetry's roll-ups (default: every day there are
roll-ups for). Run it once after upgrading (roll-ups stored before the totals existed), after roll-ups
were written around the roll-up job, or to count moved lights' past days toward their current site.
Safe to run again: it gives the same rows."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from cityhall.streetlights.energy.daily import refresh_range


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} '{value}'은(는) 날짜(YYYY-MM-DD)가 아닙니다.") from None


class Command(BaseCommand):
    help = "전력 절감 보고의 일별 지역 집계를 일별 집계(롤업)로부터 다시 만듭니다 (기본: 전체 기간)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", help="이 날짜(YYYY-MM-DD, 한국 시간)부터")
        parser.add_argument("--to", dest="end", help="이 날짜까지")

    def handle(self, *args, start=None, end=None, **options):
        first, last = _day(start, "--from"), _day(end, "--to")
        if first and last and last < first:
            raise CommandError(f"종료일 {last}이(가) 시작일 {first}보다 이릅니다.")
        days, rows = refresh_range(first, last)
        self.stdout.write(f"days={days} rows={rows}")
