from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard, name="home"),
    path("search/", views.search, name="search"),
    path("dashboard/plan-check/", views.plan_check, name="plan_check"),
]
