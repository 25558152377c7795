"""``cityhall manage traffic_detectors_evaluate``: one pass of the detectors' periodic work — link
travel times from DSRC pairs, roll-ups of the 30-s readings, fault rules opening and closing
maintenance orders (ADR 0029)."""

from django.core.management.base import BaseCommand

from cityhall.traffic import detector_services


class Command(BaseCommand):
    help = "검지기 통행시간·집계·장애 판정을 한 번 실행합니다."

    def handle(self, *args, **options):
        r = detector_services.detectors_evaluate()
        self.stdout.write(
            f"통행시간 {r['travel_times']:,}건, 집계 {r['rollups']:,}건, "
            f"장애 접수 {r['opened']:,}건, 복구 {r['closed']:,}건"
        )
