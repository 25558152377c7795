from django.urls import path

from . import views

app_name = "bus"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("live/panel/", views.live_panel, name="live_panel"),
    path("live/map.json", views.live_map, name="live_map"),
    path("network/", views.network_setup, name="network_setup"),
    path("routes/", views.route_map, name="routes"),
    path("bits/", views.bits, name="bits"),
    path("notices/", views.notices, name="notices"),
    path("siting/", views.siting, name="siting"),
    path("accuracy/", views.accuracy_page, name="accuracy"),
    path("stops/<str:code>/", views.stop_page, name="stop"),
    path("stops/<str:code>/panel/", views.stop_panel, name="stop_panel"),
    path("stops/<str:code>/qr.svg", views.stop_qr, name="stop_qr"),
    path("gtfs.zip", views.gtfs_zip, name="gtfs"),
    path("gtfs-rt/<str:feed>.pb", views.gtfs_rt, name="gtfs_rt"),
]
