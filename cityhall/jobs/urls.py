from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("jobs/failed/", views.failed, name="failed"),
    path("jobs/failed/<int:pk>/<str:action>/", views.resolve, name="resolve"),
    path("jobs/runs/<int:pk>/", views.run, name="run"),
    path("jobs/runs/<int:pk>/download/", views.run_download, name="run_download"),
]
