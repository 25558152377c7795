from cityhall.core.admin import register_audited

from . import models as m

register_audited(m.PlanDocument)
register_audited(m.Vision)
register_audited(m.CoreTask, list_display=("department", "order", "text"))
register_audited(
    m.WorkPlanTask,
    list_display=("code", "department", "number", "title"),
    list_filter=("department",),
    search_fields=("title",),
)
register_audited(
    m.TaskItem, list_display=("task", "order", "kind", "text"), list_filter=("kind",), search_fields=("text",)
)
register_audited(m.Milestone, list_display=("task", "period", "action", "stage"), list_filter=("stage",))
register_audited(m.TaskOwner, list_display=("task", "role", "person"))
register_audited(m.TaskPartner, list_display=("task", "name"))
register_audited(m.Achievement, list_display=("department", "order", "title"), list_filter=("department",))
register_audited(m.AchievementItem, list_display=("achievement", "order", "text"))
register_audited(m.Award, list_display=("achievement", "kind", "name", "result", "evaluator", "year"))
register_audited(
    m.Figure, list_display=("key", "label", "value", "unit", "line"), search_fields=("key", "label")
)
