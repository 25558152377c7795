from cityhall.core.records import register

from .models import Committee, CommitteeMember

register(
    "committees",
    Committee,
    owner="org_unit",
    search=("name", "purpose", "chair"),
    filters=("org_unit", "kind"),
)
register(
    "committee_members",
    CommitteeMember,
    owner="committee__org_unit",
    search=("name",),
    filters=("committee",),
    personal=("name",),
)
