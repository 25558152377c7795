from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "cityhall.organisation"
    label = "organisation"
    verbose_name = "조직"

    def ready(self) -> None:
        from cityhall.core import api, permissions

        from . import api as own_api
        from .selectors import PLANNING_STAFF, planning_department_id, role_rows

        permissions.register_roles(role_rows)
        permissions.declare_permission(PLANNING_STAFF, department=planning_department_id)
        api.mount("/organisation", own_api.router)
        api.mount("", own_api.account)
