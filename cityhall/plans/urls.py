from django.urls import path

from . import views

app_name = "plans"
REPORTS = "reports/departments/<slug:code>"

urlpatterns = [
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<slug:code>/", views.task_detail, name="task"),
    path("tasks/<slug:code>/milestones/<int:pk>/done/", views.milestone_done, name="milestone_done"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path(f"{REPORTS}-plan.xlsx", views.department_plan_xlsx, name="department_plan_xlsx"),
    path(f"{REPORTS}-plan.hwpx", views.department_plan_hwpx, name="department_plan_hwpx"),
]
