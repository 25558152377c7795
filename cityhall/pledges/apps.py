from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "cityhall.pledges"
    label = "pledges"
    verbose_name = "공약"

    def ready(self) -> None:
        from cityhall.core import api
        from cityhall.core.navigation import register_nav

        from . import api as own_api

        api.mount("/pledges", own_api.router)
        register_nav("policy", _("공약"), "/pledges/", order=10)
        register_nav("public", _("공약 이행 현황"), "/public/pledges/", order=20)
