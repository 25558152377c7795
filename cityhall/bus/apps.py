from django.apps import AppConfig


class BusConfig(AppConfig):
    name = "cityhall.bus"
    label = "bus"
    verbose_name = "버스정보시스템"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cityhall.core import api
        from cityhall.core.navigation import register_nav
        from cityhall.core.permissions import declare_permission
        from cityhall.gis.collections import register_collection

        from . import api as bus_api
        from . import features
        from .selectors import BUS_STAFF, department_id

        declare_permission(BUS_STAFF, department=department_id)
        api.mount("/bus", bus_api.router)
        register_collection(
            "bus-stops",
            title=_("버스 정류소 (모의)"),
            description=_("모의 버스망의 정류소와 BIT 설치 여부. 교통 디지털트윈 격자 위의 가상 위치입니다."),
            features=features.stop_features,
            app="bus",
        )
        register_collection(
            "bus-routes",
            title=_("버스 노선 (모의)"),
            description=_("모의 버스망의 노선 경로 (시내·마을버스)."),
            features=features.route_features,
            geometry_type="LineString",
            app="bus",
        )
        register_nav("smart", _("버스정보"), "/bus/", order=25)
