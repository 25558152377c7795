from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "cityhall.performance"
    label = "performance"
    verbose_name = "성과관리"

    def ready(self) -> None:
        from cityhall.core import api

        from . import api as own_api

        api.mount("/performance", own_api.router)
