from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "cityhall.dashboard"
    label = "dashboard"
    verbose_name = "대시보드"

    def ready(self) -> None:
        from cityhall.core.navigation import register_nav

        register_nav("office", _("대시보드"), "/", order=10)
