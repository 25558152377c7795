from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "cityhall.organisation"
    label = "organisation"
    verbose_name = "조직"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from cityhall.core import api, permissions
        from cityhall.core.navigation import register_nav

        from . import api as own_api
        from . import roles
        from .models import RoleAssignment
        from .selectors import PLANNING_STAFF, planning_department_id

        permissions.register_roles(roles.role_rows)
        post_save.connect(roles.forget, sender=RoleAssignment, dispatch_uid="organisation.roles.saved")
        post_delete.connect(roles.forget, sender=RoleAssignment, dispatch_uid="organisation.roles.deleted")
        permissions.declare_permission(PLANNING_STAFF, department=planning_department_id)
        api.mount("/organisation", own_api.router)
        api.mount("", own_api.account)
        register_nav(
            "office",
            _("조직"),
            "/organisation/",
            order=20,
            prefixes=("/organisation/", "/departments/", "/teams/"),
        )
        register_nav("policy", _("조직진단"), "/organisation/diagnosis/", order=30)
        register_nav("public", _("기획조정실 안내"), "/public/", order=10)
