from django.urls import path

from . import views

app_name = "maintenance"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<str:number>/", views.order_detail, name="order"),
]
