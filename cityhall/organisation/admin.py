from django.contrib import admin

from cityhall.core.admin import register_audited

from .models import OrgUnit, Person, Position, RoleAssignment

register_audited(
    OrgUnit,
    list_display=("name", "code", "kind", "parent", "budget"),
    list_filter=("kind",),
    search_fields=("name", "code"),
)
register_audited(Position, list_display=("org_unit", "grade", "quota", "current"), list_filter=("org_unit",))
register_audited(
    Person,
    list_display=("name", "title", "org_unit", "extension"),
    search_fields=("name", "title"),
    list_filter=("org_unit",),
)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "department")
    list_filter = ("role", "department")
