from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "cityhall.participation"
    label = "participation"
    verbose_name = "주민참여"

    def ready(self) -> None:
        from cityhall.core import api, permissions
        from cityhall.core.models import register_audit_action
        from cityhall.core.navigation import register_nav

        from . import api as own_api
        from .services import PARTICIPATION_STAFF, budget_department_id

        permissions.declare_permission(PARTICIPATION_STAFF, department=budget_department_id)
        register_audit_action("verify", _("본인 확인"))
        api.mount("/participation", own_api.router)
        register_nav("policy", _("주민참여"), "/participation/", order=40)
        register_nav("public", _("주민참여"), "/participation/", order=30)

        from cityhall.gis.collections import register_collection

        from . import selectors

        # The shared map (gis) draws the proposals that have a location (samples: 예시 위치).
        register_collection(
            "participation-proposals",
            title=_("주민참여 제안 위치"),
            description=_(
                "주민참여예산·제안 사업의 위치. 예시 자료의 위치는 지역 중심 근처의 예시 위치입니다."
            ),
            features=selectors.proposal_features,
            app="participation",
        )
