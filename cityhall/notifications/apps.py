from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cityhall.notifications"
    label = "notifications"
    verbose_name = "알림"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cityhall.core.models import register_audit_action

        register_audit_action("send", _("발송"))
        # Recipients' addresses and the messages' text are erased after the retention period.
        from cityhall.core.personal_data import register_retention

        from .services import notifications_purge_expired

        register_retention(
            "notifications.outbox", lambda actor, today: notifications_purge_expired(actor=actor, today=today)
        )
