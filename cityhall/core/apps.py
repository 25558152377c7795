from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cityhall.core"
    label = "core"
    verbose_name = "공통"

    def ready(self) -> None:
        from . import checks, records  # noqa: F401 - checks registers the deployment checks
        from .navigation import register_nav

        # Every app describes its record types in records.py; they register in INSTALLED_APPS order,
        # which is also the order an import loads them in.
        for config in apps.get_app_configs():
            module = f"{config.name}.records"
            if config.name.startswith("cityhall.") and find_spec(module):
                import_module(module)
        records.finalise()
        # The API's record routers are built from the complete registry; apps mount theirs after this.
        from . import api  # noqa: F401

        register_nav("office", _("전체 기록"), "/records/", order=90)
        # Sign-ins, sign-outs, failures and lock-outs go to the audit trail.
        from .security import connect_signals

        connect_signals()
