from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    name = "cityhall.legal"
    label = "legal"
    verbose_name = "의회·법무"

    def ready(self) -> None:
        from cityhall.bookings import services as bookings
        from cityhall.core import api, permissions
        from cityhall.core.navigation import register_nav

        from . import api as own_api
        from .consultations.services import RESOURCE_KEY, on_promoted
        from .services import LEGAL_STAFF, legal_department_id

        permissions.declare_permission(LEGAL_STAFF, department=legal_department_id)
        api.mount("/legal", own_api.router)
        bookings.register_listener(RESOURCE_KEY, on_promoted=on_promoted)
        register_nav("budget", _("의회·법무"), "/legal/", order=20)
        register_nav("public", _("법률상담 예약"), "/public/legal-consultation/", order=40)
        # The consultation requests' personal data is erased when their retention ends.
        from cityhall.core.personal_data import register_retention

        from .consultations.services import consultation_purge

        register_retention(
            "legal.consultation", lambda actor, today: consultation_purge(actor=actor, today=today)
        )
