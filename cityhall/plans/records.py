from cityhall.core.records import register

from . import models as m

register("visions", m.Vision, owner=None, search=("text",))
register("core_tasks", m.CoreTask, owner="department", search=("text",), filters=("department",))
register(
    "work_plan_tasks", m.WorkPlanTask, owner="department", search=("title", "code"), filters=("department",)
)
register(
    "task_items", m.TaskItem, owner="task__department", search=("text", "heading"), filters=("task", "kind")
)
register("milestones", m.Milestone, owner="task__department", search=("action",), filters=("task", "stage"))
register(
    "task_owners",
    m.TaskOwner,
    owner="task__department",
    search=("person__name",),
    filters=("task", "person", "role"),
)
register("task_partners", m.TaskPartner, owner="task__department", search=("name",), filters=("task",))
register("achievements", m.Achievement, owner="department", search=("title",), filters=("department", "year"))
register(
    "achievement_items",
    m.AchievementItem,
    owner="achievement__department",
    search=("text",),
    filters=("achievement",),
)
register(
    "awards",
    m.Award,
    owner="achievement__department",
    search=("name", "result", "evaluator"),
    filters=("achievement", "kind", "year"),
)
register(
    "figures", m.Figure, owner="department", search=("label", "key"), filters=("department", "key", "year")
)
