from cityhall.core.records import register

from .models import FundingShare, Program

register(
    "programs",
    Program,
    owner="org_unit",
    search=("name", "scale", "code"),
    filters=("org_unit", "year", "group", "task", "parent"),
    columns=("code", "name", "org_unit", "year", "budget", "period", "scale"),
)
register(
    "funding_shares",
    FundingShare,
    owner="program__org_unit",
    search=("program__name", "note"),
    filters=("program", "source"),
)
