from cityhall.core.records import register

from .models import OrgUnit, Person, Position

register("org_units", OrgUnit, owner="", search=("name", "code"), filters=("kind", "parent"))
register("positions", Position, owner="org_unit", search=("org_unit__name",), filters=("org_unit", "grade"))
register("people", Person, owner="org_unit", search=("name", "title"), filters=("org_unit",))

# 조직진단 (workload analysis)
from .models import TeamStaffing, WorkloadAnalysis, WorkloadTask  # noqa: E402

register("workload_analyses", WorkloadAnalysis, owner=None, search=("code", "note"), filters=("year",))
register("team_staffings", TeamStaffing, owner="team", search=("team__name",), filters=("team", "is_sample"))
register(
    "workload_tasks",
    WorkloadTask,
    owner="team",
    search=("name", "code", "team__name"),
    filters=("team", "category", "is_sample"),
)
