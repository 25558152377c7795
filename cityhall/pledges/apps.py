from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "cityhall.pledges"
    label = "pledges"
    verbose_name = "공약"
