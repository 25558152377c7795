from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "cityhall.performance"
    label = "performance"
    verbose_name = "성과관리"

    def ready(self) -> None:
        from cityhall.core import api
        from cityhall.core.navigation import register_nav

        from . import api as own_api

        api.mount("/performance", own_api.router)
        register_nav("policy", _("성과관리"), "/performance/", order=20)
