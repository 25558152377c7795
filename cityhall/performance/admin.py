from cityhall.core.admin import register_audited

from . import models as m

register_audited(
    m.Indicator,
    list_display=("code", "year", "department", "name", "kind", "source", "target", "sample"),
    list_filter=("year", "department", "source", "kind", "sample"),
    search_fields=("name", "code"),
)
register_audited(m.IndicatorActual, list_display=("indicator", "quarter", "value", "recorded_by"))
register_audited(m.IndicatorGrade, list_display=("indicator", "grade"), list_filter=("grade",))
register_audited(m.EvaluationCycle, list_display=("year", "stage", "sample"))
register_audited(m.IncentiveRule, list_display=("year", "kind", "pool", "sample"))
register_audited(m.DepartmentScore, list_display=("cycle", "department", "score", "staff", "amount"))
