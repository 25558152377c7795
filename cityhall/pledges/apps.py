from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "cityhall.pledges"
    label = "pledges"
    verbose_name = "공약"

    def ready(self) -> None:
        from cityhall.core import api

        from . import api as own_api

        api.mount("/pledges", own_api.router)
