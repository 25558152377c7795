from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "cityhall.jobs"
    label = "jobs"
    verbose_name = "백그라운드 작업"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cityhall.core import permissions
        from cityhall.core.models import register_audit_action
        from cityhall.core.navigation import office_wide, register_nav

        from . import records

        # Held by no department: the queue's records are read by the office-wide roles only.
        permissions.declare_permission(records.OFFICE_WIDE, department=lambda: None)

        register_audit_action("retry", _("재시도"))
        register_audit_action("discard", _("폐기"))
        # The page answers the office-wide roles only (views._office_wide); the menu shows it to them.
        register_nav("office", _("실패한 작업"), "/jobs/failed/", order=95, visible=office_wide)
