"""OGC API – Features (``/gis/ogc/``): JSON answers for other systems, no pages of their own."""

from django.urls import path

from . import ogc

app_name = "ogc"

urlpatterns = [
    path("", ogc.landing, name="landing"),
    path("conformance", ogc.conformance, name="conformance"),
    path("collections", ogc.collections, name="collections"),
    path("collections/<str:collection_id>", ogc.collection, name="collection"),
    path("collections/<str:collection_id>/items", ogc.items, name="items"),
    path("collections/<str:collection_id>/items/<str:feature_id>", ogc.item, name="item"),
]
