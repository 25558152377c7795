from django.urls import path

from . import detector_views, views

app_name = "traffic"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("live-map.json", views.live_map, name="live_map"),
    path("runs/", views.runs, name="runs"),
    path("runs/<int:pk>/", views.run, name="run"),
    path("plans/<str:tls_id>/", views.plan, name="plan"),
    path("benchmark/", views.benchmark, name="benchmark"),
    path("detectors/", detector_views.detectors, name="detectors"),
    path("vms/", views.vms, name="vms"),
    path("vms/messages/", views.vms_messages, name="vms_messages"),
    path("vms/<str:code>/", views.vms_sign, name="vms_sign"),
]
