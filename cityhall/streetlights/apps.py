from django.apps import AppConfig


class StreetlightsConfig(AppConfig):
    name = "cityhall.streetlights"
    label = "streetlights"
    verbose_name = "스마트가로등"

    def ready(self) -> None:
        from cityhall.core import api
        from cityhall.core.models import register_audit_action

        from . import api as own_api
        from .choices import AUDIT_COMMAND, AUDIT_COMMAND_LABEL

        register_audit_action(AUDIT_COMMAND, AUDIT_COMMAND_LABEL)
        api.mount("/streetlights", own_api.router)
