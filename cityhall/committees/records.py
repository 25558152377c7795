from cityhall.core.records import register

from .models import AgendaItem, Committee, CommitteeMember, Meeting
from .services import agenda_item_rules, meeting_rules

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
register(
    "committee_meetings",
    Meeting,
    owner="committee__org_unit",
    search=("code", "place"),
    filters=("committee", "kind"),
    columns=("code", "committee", "number", "held_on", "members_total", "quorum", "present_count"),
    rules=meeting_rules,
)
register(
    "committee_agenda_items",
    AgendaItem,
    owner="meeting__committee__org_unit",
    search=("title",),
    filters=("meeting", "decision"),
    columns=("meeting", "order", "title", "decision", "votes_for", "votes_against", "votes_abstain"),
    rules=agenda_item_rules,
)
