from django.urls import path

from . import views

app_name = "reform"

urlpatterns = [path("reform/", views.dashboard, name="dashboard")]
