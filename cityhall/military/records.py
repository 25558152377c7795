"""Military record types. Applications and objections are not generic records: their personal data
stays on this app's pages (masked, access audited). A compensation year changes through its cycle
(``managed_at``); a rule table used in a decision is frozen (rules)."""

from cityhall.core.records import register

from .models import (
    Agreement,
    CompensationYear,
    CooperationCouncil,
    CooperationTask,
    NoiseRuleRow,
    NoiseRuleVersion,
    SupportProjectProgress,
)
from .services import rule_rows_rules

register("noise_rule_versions", NoiseRuleVersion, owner=None, search=("code", "title"), rules=rule_rows_rules)
register(
    "noise_rule_rows",
    NoiseRuleRow,
    owner=None,
    search=("source",),
    filters=("version", "kind", "verified", "is_setting"),
    columns=("version", "kind", "key", "amount", "rate", "source", "verified", "is_setting"),
    rules=rule_rows_rules,
)
register(
    "noise_compensation_years",
    CompensationYear,
    owner="org_unit",
    filters=("state", "sample"),
    columns=("year", "area", "state", "rule_version", "budget"),
    managed_at="military:years",
)
register(
    "support_project_progress",
    SupportProjectProgress,
    owner="program__org_unit",
    filters=("status",),
    columns=("program", "status", "progress", "settled_amount"),
)
register(
    "cooperation_councils",
    CooperationCouncil,
    owner="committee__org_unit",
    search=("code",),
    filters=("tier",),
    columns=("committee", "tier", "cadence_months"),
)
register(
    "cooperation_tasks",
    CooperationTask,
    owner="owner",
    search=("code", "title", "partner_unit", "next_step"),
    filters=("council", "status", "owner", "sample"),
    columns=("title", "council", "partner_unit", "next_step", "due_on", "status"),
)
register(
    "military_agreements",
    Agreement,
    owner="org_unit",
    search=("partner", "title"),
    filters=("status",),
    columns=("title", "partner", "status", "signed_on", "renewal_due_on"),
)
