from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/outbox/", views.outbox, name="outbox"),
    path("notifications/preferences/", views.preferences, name="preferences"),
]
