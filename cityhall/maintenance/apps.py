from django.apps import AppConfig


class MaintenanceConfig(AppConfig):
    name = "cityhall.maintenance"
    label = "maintenance"
    verbose_name = "유지보수"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cityhall.core import api
        from cityhall.core.models import register_audit_action
        from cityhall.core.navigation import register_nav

        from . import api as maintenance_api
        from .choices import AUDIT_ACTIONS

        for value, label in AUDIT_ACTIONS:
            register_audit_action(value, label)

        api.mount("/maintenance", maintenance_api.router)
        register_nav("office", _("유지보수 요청"), "/maintenance/", order=80)
