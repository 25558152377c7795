from cityhall.core.admin import register_audited

from .models import FundingShare, Program

register_audited(
    Program,
    list_display=("name", "org_unit", "year", "group", "budget", "period"),
    list_filter=("org_unit", "year", "group"),
    search_fields=("name", "code"),
)
register_audited(
    FundingShare, list_display=("program", "source", "amount", "percent"), list_filter=("source",)
)
