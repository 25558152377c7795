from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CctvConfig(AppConfig):
    name = "cityhall.cctv"
    label = "cctv"
    verbose_name = "CCTV 통합관제"

    def ready(self) -> None:
        from cityhall.core import api, permissions
        from cityhall.core.models import register_audit_action
        from cityhall.core.navigation import register_nav

        from . import api as own_api
        from .choices import (
            AUDIT_ACKNOWLEDGE,
            AUDIT_ACKNOWLEDGE_LABEL,
            AUDIT_DISMISS,
            AUDIT_DISMISS_LABEL,
            AUDIT_ESCALATE,
            AUDIT_ESCALATE_LABEL,
            AUDIT_VIDEO_DECIDE,
            AUDIT_VIDEO_DECIDE_LABEL,
            AUDIT_VIDEO_HANDOVER,
            AUDIT_VIDEO_HANDOVER_LABEL,
        )
        from .selectors import CCTV_OPERATIONS, smart_city_department_id

        register_audit_action(AUDIT_ACKNOWLEDGE, AUDIT_ACKNOWLEDGE_LABEL)
        register_audit_action(AUDIT_DISMISS, AUDIT_DISMISS_LABEL)
        register_audit_action(AUDIT_ESCALATE, AUDIT_ESCALATE_LABEL)
        register_audit_action(AUDIT_VIDEO_DECIDE, AUDIT_VIDEO_DECIDE_LABEL)
        register_audit_action(AUDIT_VIDEO_HANDOVER, AUDIT_VIDEO_HANDOVER_LABEL)
        # 스마트도시과 (도시안전정보센터) runs the centre: its editors and managers operate the wall.
        permissions.declare_permission(CCTV_OPERATIONS, department=smart_city_department_id)
        api.mount("/cctv", own_api.router)
        own_api.install_handlers(api.api)
        register_nav("smart", _("CCTV 관제"), "/cctv/", order=30)
        # Video requesters' personal data is erased when the request's retention ends.
        from cityhall.core.personal_data import register_retention

        from .services import video_requests_purge_expired

        register_retention(
            "cctv.video_requests", lambda actor, today: video_requests_purge_expired(actor=actor, today=today)
        )
