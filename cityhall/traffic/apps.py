from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrafficConfig(AppConfig):
    name = "cityhall.traffic"
    label = "traffic"
    verbose_name = "교통 디지털트윈"

    def ready(self) -> None:
        from cityhall.core import api
        from cityhall.core.models import register_audit_action
        from cityhall.core.navigation import register_nav
        from cityhall.core.permissions import declare_permission
        from cityhall.gis.collections import register_collection

        from . import api as traffic_api
        from . import features
        from .selectors import TRAFFIC_STAFF, department_id

        declare_permission(TRAFFIC_STAFF, department=department_id)
        register_audit_action("approve", _("승인"))
        register_audit_action("withdraw", _("철회"))
        api.mount("/traffic", traffic_api.router)
        register_collection(
            "traffic-signals",
            title=_("교통 신호교차로"),
            description=_("교통 디지털트윈의 신호교차로와 제어기 상태. 기본 도로망은 모의 격자망입니다."),
            features=features.signal_features,
            app="traffic",
        )
        register_collection(
            "traffic-links",
            title=_("교통 도로 구간"),
            description=_("교통 디지털트윈의 도로 구간과 최근 운행의 소통 등급. 기본 도로망은 모의입니다."),
            features=features.link_features,
            geometry_type="LineString",
            app="traffic",
        )
        register_nav("smart", _("교통 디지털트윈"), "/traffic/", order=20)
        # Raw 30-s readings and the DSRC sightings (hashed OBUs: pseudonymous personal data) go when
        # their retention ends; their roll-ups and travel times stay (ADR 0029).
        from cityhall.core.personal_data import register_retention

        from .detector_services import detector_data_purge

        register_retention(
            "traffic.detectors", lambda actor, today: detector_data_purge(actor=actor, today=today)
        )
