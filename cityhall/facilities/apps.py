from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "cityhall.facilities"
    label = "facilities"
    verbose_name = "시설·장비"
