from django.urls import path

from . import tile_views, views

app_name = "gis"

urlpatterns = [
    path("", views.index, name="index"),
    path("layers/<slug:code>/", views.layer_detail, name="layer"),
    path("import/", views.layer_import, name="import"),
    path("projects/", views.project_list, name="projects"),
    path("projects/<slug:code>/", views.project_detail, name="project"),
    path("projects/<slug:code>/progress/", views.progress_add, name="progress_add"),
    path("tiles/<str:collection_id>/<str:z>/<str:x>/<str:y>.mvt", tile_views.tile, name="tile"),
]
