from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "cityhall.plans"
    label = "plans"
    verbose_name = "업무계획"

    def ready(self) -> None:
        from cityhall.core import api, transfer

        from . import api as own_api
        from .models import PlanDocument

        transfer.register_document_model(PlanDocument)
        api.mount("", own_api.router)
