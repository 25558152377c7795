"""Public pages of the free legal consultation (no login)."""

from django.urls import path

from .consultations import views

app_name = "legal_public"

urlpatterns = [
    path("", views.public_days, name="days"),
    path("book/<int:slot>/", views.public_book, name="book"),
    path("done/<str:code>/", views.public_done, name="done"),
    path("cancel/", views.public_cancel, name="cancel"),
]
