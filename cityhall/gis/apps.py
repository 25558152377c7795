from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GisConfig(AppConfig):
    name = "cityhall.gis"
    label = "gis"
    verbose_name = "공간정보"

    def ready(self) -> None:
        from cityhall.core import api
        from cityhall.core.models import register_audit_action
        from cityhall.core.navigation import register_nav

        from . import api as own_api
        from .services import AUDIT_IMPORT, AUDIT_IMPORT_LABEL

        register_audit_action(AUDIT_IMPORT, AUDIT_IMPORT_LABEL)
        api.mount("/gis", own_api.router)
        register_nav("smart", _("공간정보"), "/gis/", order=40)
