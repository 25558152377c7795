"""Reform record types: listed, filtered, exported, edited and audited through the generic record pages
and API (정책기획과 and the owning department edit)."""

from cityhall.core.records import register

from .models import Contest, ContestEntry, RegulationCase
from .services import case_rules

register(
    "regulation_cases",
    RegulationCase,
    owner="department",
    search=("code", "title", "regulation", "legal_basis", "ministry"),
    filters=("source", "improvement", "answer", "status", "department", "sample"),
    columns=("title", "department", "source", "improvement", "ministry", "answer", "status"),
    rules=case_rules,
)
register("reform_contests", Contest, owner=None, search=("code", "title"), filters=("year", "sample"))
register(
    "reform_contest_entries",
    ContestEntry,
    owner="department",
    search=("title",),
    personal=("presenter",),
    filters=("contest", "department", "award"),
    columns=("contest", "title", "department", "presenter", "score", "award"),
)
