from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReformConfig(AppConfig):
    name = "cityhall.reform"
    label = "reform"
    verbose_name = "규제혁신·적극행정"

    def ready(self) -> None:
        from cityhall.core.navigation import register_nav

        register_nav("policy", _("규제혁신"), "/reform/", order=50)
