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
urlpatterns += [
    path("video-requests/", views.video_requests, name="video_requests"),
    path("video-requests/<str:number>/", views.video_request, name="video_request"),
    path("video-requests/<str:number>/decide/", views.video_request_decide, name="video_request_decide"),
    path(
        "video-requests/<str:number>/hand-over/",
        views.video_request_hand_over,
        name="video_request_hand_over",
    ),
    path("sites/ranking/", views.site_ranking, name="site_ranking"),
]
