from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "cityhall.plans"
    label = "plans"
    verbose_name = "업무계획"

    def ready(self) -> None:
        from cityhall.core import api, transfer
        from cityhall.core.navigation import register_nav

        from . import api as own_api
        from .models import PlanDocument

        transfer.register_document_model(PlanDocument)
        api.mount("", own_api.router)
        register_nav("office", _("업무계획"), "/tasks/", order=30)
        register_nav("office", _("일정"), "/calendar/", order=40)
