from django.contrib import admin
from django.urls import include, path

from cityhall.core.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("cityhall.dashboard.urls")),
    path("", include("cityhall.organisation.urls")),
    path("", include("cityhall.plans.urls")),
    path("", include("cityhall.pledges.urls")),
    path("", include("cityhall.performance.urls")),
    path("streetlights/", include("cityhall.streetlights.urls")),
    path("traffic/", include("cityhall.traffic.urls")),
    path("", include("cityhall.bookings.urls")),
    path("", include("cityhall.notifications.urls")),
    path("", include("cityhall.documents.urls")),
    path("", include("cityhall.core.urls")),
]
