from django.urls import path

from . import views

app_name = "cctv"

urlpatterns = [
    path("", views.wall, name="wall"),
    path("wall/panel/", views.wall_panel, name="wall_panel"),
    path("registry/", views.registry, name="registry"),
    path("events/<str:event_id>/", views.event_detail, name="event"),
    path("events/<str:event_id>/acknowledge/", views.event_acknowledge, name="event_acknowledge"),
    path("events/<str:event_id>/dismiss/", views.event_dismiss, name="event_dismiss"),
    path("events/<str:event_id>/escalate/", views.event_escalate, name="event_escalate"),
]
