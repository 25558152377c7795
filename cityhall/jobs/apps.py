from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "cityhall.jobs"
    label = "jobs"
    verbose_name = "백그라운드 작업"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cityhall.core.models import register_audit_action

        register_audit_action("retry", _("재시도"))
        register_audit_action("discard", _("폐기"))
