from django.urls import path

from . import views

app_name = "military"
YEAR = "military/noise/<int:year>"
APP = f"{YEAR}/applications/<int:number>"

urlpatterns = [
    path("military/", views.overview, name="overview"),
    path("military/noise/", views.years, name="years"),
    path("military/noise/compute/", views.compute_page, name="compute"),
    path(f"{YEAR}/", views.year_detail, name="year"),
    path(f"{YEAR}/apply/", views.apply, name="apply"),
    path(f"{YEAR}/<slug:step>/", views.year_step, name="year_step"),
    path(f"{YEAR}/decisions.xlsx", views.decisions_xlsx, name="decisions_xlsx"),
    path(f"{YEAR}/decisions.hwpx", views.decisions_hwpx, name="decisions_hwpx"),
    path(f"{YEAR}/payments.csv", views.payments_csv, name="payments_csv"),
    path(f"{APP}/", views.application_detail, name="application"),
    path(f"{APP}/reveal/", views.application_reveal, name="reveal"),
    path(f"{APP}/objections/", views.objection_file, name="objection_file"),
    path(f"{APP}/objections/<int:pk>/decide/", views.objection_decide, name="objection_decide"),
    path("military/support/", views.support, name="support"),
    path("military/cooperation/", views.cooperation, name="cooperation"),
    path("military/cooperation/councils/<slug:code>/meetings/", views.meeting_record, name="meeting_record"),
    path("military/cooperation/tasks/<slug:code>/follow-up/", views.task_follow_up, name="task_follow_up"),
]
