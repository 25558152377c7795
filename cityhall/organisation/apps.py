from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "cityhall.organisation"
    label = "organisation"
    verbose_name = "조직"
