"""``cityhall manage traffic_dsrc_publish [--minutes 10] [--seed 1] [--share 0.2] [--url …]``: run the
twin and publish its 96 DSRC readers' 30-s reports over MQTT (QoS 1) — 모의, marked ``simulated``
(ADR 0029). Stamped from now backwards, so the newest is current."""

from cityhall.traffic import detector_services
from cityhall.traffic.management.twin_publish import TwinPublishCommand


class Command(TwinPublishCommand):
    help = "교통 디지털트윈의 DSRC 기지국 보고(모의)를 MQTT로 보냅니다."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--share", type=float, default=None, help="단말기 장착률 (기본: CITYHALL_DSRC_PENETRATION)"
        )

    def reports(self, stretch, *, share=None, **options):
        return detector_services.dsrc_feed_from_twin(**stretch, share=share)

    def sent(self, count, minutes):
        return f"DSRC 기지국 보고 {count:,}건을 보냈습니다 (모의, {minutes}분)."
