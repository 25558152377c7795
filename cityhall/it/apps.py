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
        # Applicants' and learners' names and phones are erased when their retention ends.
        from cityhall.core.personal_data import register_retention

        from .destruction.services import destruction_purge_expired
        from .education.services import enrolments_purge_expired

        register_retention(
            "it.destruction", lambda actor, today: destruction_purge_expired(actor=actor, today=today)
        )
        register_retention(
            "it.education", lambda actor, today: enrolments_purge_expired(actor=actor, today=today)
        )
