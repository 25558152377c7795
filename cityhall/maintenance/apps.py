from django.apps import AppConfig


class MaintenanceConfig(AppConfig):
    name = "cityhall.maintenance"
    label = "maintenance"
    verbose_name = "유지보수"

    def ready(self) -> None:
        from cityhall.core.models import register_audit_action

        from .choices import AUDIT_ACTIONS

        for value, label in AUDIT_ACTIONS:
            register_audit_action(value, label)
