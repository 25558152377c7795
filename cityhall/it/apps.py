from django.apps import AppConfig


class ItConfig(AppConfig):
    name = "cityhall.it"
    label = "it"
    verbose_name = "정보통신"

    def ready(self) -> None:
        from cityhall.bookings import services as bookings
        from cityhall.core import api, permissions

        from . import api as own_api
        from .education.services import RESOURCE, on_promoted
        from .selectors import it_department_id
        from .writes import IT_STAFF

        permissions.declare_permission(IT_STAFF, department=it_department_id)
        bookings.register_listener(RESOURCE, on_promoted=on_promoted)
        api.mount("/it", own_api.router)
