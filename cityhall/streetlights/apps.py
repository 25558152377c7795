from django.apps import AppConfig


class StreetlightsConfig(AppConfig):
    name = "cityhall.streetlights"
    label = "streetlights"
    verbose_name = "스마트가로등"

    def ready(self) -> None:
        from cityhall.core import api
        from cityhall.core.models import register_audit_action
        from cityhall.telemetry import devices, rollups

        from .choices import AUDIT_COMMAND, AUDIT_COMMAND_LABEL
        from .energy.daily import refresh_days
        from .operations import api as operations_api
        from .registry import api as registry_api
        from .registry.selectors import known_device_ids, light_gateways
        from .repairs import api as repairs_api

        register_audit_action(AUDIT_COMMAND, AUDIT_COMMAND_LABEL)
        rollups.on_days_saved(refresh_days)  # the energy report's per-site daily totals
        devices.register_registry(known=known_device_ids, device_gateways=light_gateways)
        api.mount("/streetlights", registry_api.router)  # NGSI-LD
        api.mount("/streetlights", operations_api.router)  # live state and commands
        api.mount("/streetlights/repairs", repairs_api.router)
