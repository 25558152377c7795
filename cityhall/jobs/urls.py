from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("jobs/failed/", views.failed, name="failed"),
    path("jobs/failed/<int:pk>/<str:action>/", views.resolve, name="resolve"),
]
