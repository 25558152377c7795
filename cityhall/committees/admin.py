from cityhall.core.admin import register_audited

from .models import Committee, CommitteeMember

register_audited(
    Committee,
    list_display=("name", "org_unit", "kind", "member_count", "chair"),
    list_filter=("org_unit", "kind"),
    search_fields=("name",),
)
register_audited(CommitteeMember, list_display=("committee", "role", "affiliation"))
