from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MilitaryConfig(AppConfig):
    name = "cityhall.military"
    label = "military"
    verbose_name = "군관협력·군소음 보상"

    def ready(self) -> None:
        from cityhall.core import api
        from cityhall.core.models import register_audit_action
        from cityhall.core.navigation import register_nav

        from . import api as own_api
        from .services import AUDIT_REVEAL, AUDIT_REVEAL_LABEL

        register_audit_action(AUDIT_REVEAL, AUDIT_REVEAL_LABEL)
        api.mount("/military", own_api.router)
        register_nav("policy", _("군 협력·군소음"), "/military/", order=60)
