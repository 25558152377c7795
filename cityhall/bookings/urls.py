from django.urls import path

from . import views

app_name = "bookings"

urlpatterns = [
    path("bookings/", views.resources, name="resources"),
]
