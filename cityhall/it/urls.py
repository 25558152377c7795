from django.urls import path

from . import views

app_name = "it"
PROJECT = "it/projects/<slug:code>"

urlpatterns = [
    path("it/", views.overview, name="overview"),
    path(f"{PROJECT}/", views.project_detail, name="project"),
    path(f"{PROJECT}/advance/", views.project_advance, name="advance"),
    path(f"{PROJECT}/reviews/", views.review_request, name="review_request"),
    path(f"{PROJECT}/reviews/<int:review_id>/decide/", views.review_decide, name="review_decide"),
]
