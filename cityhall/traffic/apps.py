from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrafficConfig(AppConfig):
    name = "cityhall.traffic"
    label = "traffic"
    verbose_name = "교통 디지털트윈"

    def ready(self) -> None:
        from cityhall.core import api
        from cityhall.core.navigation import register_nav
        from cityhall.core.permissions import declare_permission

        from . import api as traffic_api
        from .selectors import TRAFFIC_STAFF, department_id

        declare_permission(TRAFFIC_STAFF, department=department_id)
        api.mount("/traffic", traffic_api.router)
        register_nav("smart", _("교통 디지털트윈"), "/traffic/", order=20)
