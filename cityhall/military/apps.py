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
        # Resident and account numbers are encrypted at rest; rotation re-encrypts them (core.personal_data).
        from cityhall.core.personal_data import register_encrypted

        from .models import NoiseApplication

        register_encrypted(NoiseApplication, "resident_number", "account_number")
        from cityhall.core.personal_data import register_retention

        from .services import personal_data_purge

        register_retention(
            "military.compensation", lambda actor, today: personal_data_purge(today=today, actor=actor)
        )
        api.mount("/military", own_api.router)
        register_nav("policy", _("군 협력·군소음"), "/military/", order=60)
