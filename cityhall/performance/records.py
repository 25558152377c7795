from cityhall.core.records import register

from . import models as m

register(
    "indicators",
    m.Indicator,
    owner="department",
    search=("name", "code"),
    filters=("department", "year", "kind", "source"),
)
register(
    "indicator_actuals", m.IndicatorActual, owner="indicator__department", filters=("indicator", "quarter")
)
# Grades come from the province and are entered by the planning team (office-wide roles).
register("indicator_grades", m.IndicatorGrade, owner=None, filters=("indicator", "grade"))
register("evaluation_cycles", m.EvaluationCycle, owner=None, filters=("year", "stage"))
register("incentive_rules", m.IncentiveRule, owner=None, filters=("year", "kind"))
# Computed by incentive_allocate; not edited by hand through the generic pages.
register("department_scores", m.DepartmentScore, owner=None, filters=("cycle", "department"))
