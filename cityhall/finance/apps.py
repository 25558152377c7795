from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "cityhall.finance"
    label = "finance"
    verbose_name = "재정"

    def ready(self) -> None:
        from cityhall.core import api, permissions

        from . import api as own_api
        from .selectors import BUDGET_STAFF, budget_department_id

        permissions.declare_permission(BUDGET_STAFF, department=budget_department_id)
        api.mount("/finance", own_api.router)
