from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "cityhall.plans"
    label = "plans"
    verbose_name = "업무계획"
