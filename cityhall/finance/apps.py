from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "cityhall.finance"
    label = "finance"
    verbose_name = "재정"

    def ready(self) -> None:
        from cityhall.core import api, permissions
        from cityhall.core.navigation import register_nav

        from . import api as own_api
        from .selectors import BUDGET_STAFF, budget_department_id

        permissions.declare_permission(BUDGET_STAFF, department=budget_department_id)
        api.mount("/finance", own_api.router)
        register_nav("budget", _("재정"), "/finance/", order=10)

        from cityhall.participation.services import register_result_listener

        from .budget_proposal import participation as participatory

        # 주민참여예산: a counted process puts its funded projects into next year's budget proposal.
        register_result_listener(on_counted=participatory.on_counted, links=participatory.links)
