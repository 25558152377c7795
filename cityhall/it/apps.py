from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ItConfig(AppConfig):
    name = "cityhall.it"
    label = "it"
    verbose_name = "정보통신"

    def ready(self) -> None:
        from cityhall.bookings import services as bookings
        from cityhall.core import api, permissions
        from cityhall.core.navigation import register_nav

        from . import api as own_api
        from .education.services import RESOURCE, on_promoted
        from .selectors import it_department_id
        from .writes import IT_STAFF

        permissions.declare_permission(IT_STAFF, department=it_department_id)
        bookings.register_listener(RESOURCE, on_promoted=on_promoted)
        api.mount("/it", own_api.router)
        register_nav("ict", _("정보통신"), "/it/", order=10)
        register_nav("public", _("디지털 교육 신청"), "/public/classes/", order=50)
        register_nav("public", _("저장매체 파기 신청"), "/public/media-destruction/", order=60)
