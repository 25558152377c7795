"""``cityhall manage traffic_vds_publish [--minutes 10] [--seed 1] [--url …]``: run the twin and
publish its 288 loops' 30 s reports over MQTT (QoS 1), as the field's VDS do — 모의 data, marked
``simulated`` (ADR 0028). The reports are stamped from now backwards, so the newest is current."""

from cityhall.traffic import services
from cityhall.traffic.management.twin_publish import TwinPublishCommand


class Command(TwinPublishCommand):
    help = "교통 디지털트윈의 차량검지기 측정값(모의)을 MQTT로 보냅니다."

    def reports(self, stretch, **options):
        return services.detector_feed_from_twin(**stretch)

    def sent(self, count, minutes):
        return f"검지기 측정값 {count:,}건을 보냈습니다 (모의, {minutes}분)."
