from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cityhall.notifications"
    label = "notifications"
    verbose_name = "알림"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cityhall.core.models import register_audit_action

        register_audit_action("send", _("발송"))
