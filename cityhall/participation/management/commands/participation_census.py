"""``cityhall manage participation_census FILE.csv``: load the eligibility list (columns identifier,
birth_year[,district][,works_here]). Identifiers are hashed at once; the file is not kept."""

import csv

from django.core.management.base import BaseCommand, CommandError

from cityhall.core.audit import Actor
from cityhall.core.services import RecordInvalid
from cityhall.participation.services import census_load


class Command(BaseCommand):
    help = "주민 명부(식별번호, 출생 연도, 지역)를 해시로만 저장합니다"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        try:
            with open(options["file"], encoding="utf-8-sig", newline="") as handle:
                rows = [
                    {**row, "works_here": (row.get("works_here") or "").strip().lower() in {"1", "true", "y"}}
                    for row in csv.DictReader(handle)
                ]
        except OSError as exc:
            raise CommandError(f"파일을 읽지 못했습니다: {exc}") from exc
        try:
            count = census_load(rows=rows, actor=Actor.system("command:participation_census"))
        except RecordInvalid as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"주민 명부 {count:,}명을 불러왔습니다 (식별번호는 해시로만 저장).")
