from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "cityhall.bookings"
    label = "bookings"
    verbose_name = "예약"

    def ready(self) -> None:
        from cityhall.core.models import register_audit_action

        from .choices import AUDIT_ACTIONS

        for value, label in AUDIT_ACTIONS:
            register_audit_action(value, label)
