from django.urls import path

from . import views

app_name = "organisation"
urlpatterns = [
    path("organisation/", views.index, name="index"),
    path("organisation/diagnosis/", views.diagnosis, name="diagnosis"),
    path("organisation/diagnosis/workload.xlsx", views.diagnosis_xlsx, name="diagnosis_xlsx"),
    path("departments/<slug:code>/", views.department, name="department"),
    path("teams/<slug:code>/", views.team, name="team"),
    path("public/", views.public, name="public"),
    path("reports/office-summary.xlsx", views.summary_xlsx, name="summary_xlsx"),
    path("reports/office-summary.hwpx", views.summary_hwpx, name="summary_hwpx"),
    path("reports/office-summary/<str:fmt>/generate/", views.summary_generate, name="summary_generate"),
]
