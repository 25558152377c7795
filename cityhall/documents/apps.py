from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "cityhall.documents"
    label = "documents"
    verbose_name = "증명서"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cityhall.core.models import register_audit_action

        register_audit_action("issue", _("발급"))
        register_audit_action("revoke", _("발급 취소"))
