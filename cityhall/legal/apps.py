from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "cityhall.legal"
    label = "legal"
    verbose_name = "의회·법무"

    def ready(self) -> None:
        from cityhall.bookings import services as bookings
        from cityhall.core import api, permissions

        from . import api as own_api
        from .consultations.services import RESOURCE_KEY, on_promoted
        from .services import LEGAL_STAFF, legal_department_id

        permissions.declare_permission(LEGAL_STAFF, department=legal_department_id)
        api.mount("/legal", own_api.router)
        bookings.register_listener(RESOURCE_KEY, on_promoted=on_promoted)
        # The consultation requests' personal data is erased when their retention ends.
        from cityhall.core.personal_data import register_retention

        from .consultations.services import consultation_purge

        register_retention(
            "legal.consultation", lambda actor, today: consultation_purge(actor=actor, today=today)
        )
