from django.apps import AppConfig


class StreetlightsConfig(AppConfig):
    name = "cityhall.streetlights"
    label = "streetlights"
    verbose_name = "스마트가로등"
