from django.contrib import admin
from django.urls import include, path

from cityhall.core import observability
from cityhall.core.api import api

urlpatterns = [
    # Liveness, readiness and metrics (docs/production.md, "Observability").
    path("healthz", observability.healthz, name="healthz"),
    path("readyz", observability.readyz, name="readyz"),
    path("metrics", observability.metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("cityhall.dashboard.urls")),
    path("", include("cityhall.organisation.urls")),
    path("", include("cityhall.plans.urls")),
    path("", include("cityhall.pledges.urls")),
    path("", include("cityhall.participation.urls")),
    path("", include("cityhall.performance.urls")),
    path("", include("cityhall.it.urls")),
    path("", include("cityhall.military.urls")),
    path("", include("cityhall.reform.urls")),
    path("", include("cityhall.finance.urls")),
    path("streetlights/", include("cityhall.streetlights.urls")),
    path("legal/", include("cityhall.legal.urls")),
    path("public/legal-consultation/", include("cityhall.legal.public_urls")),
    path("gis/", include("cityhall.gis.urls")),
    path("gis/ogc/", include("cityhall.gis.ogc_urls")),
    path("cctv/", include("cityhall.cctv.urls")),
    path("traffic/", include("cityhall.traffic.urls")),
    path("bus/", include("cityhall.bus.urls")),
    path("maintenance/", include("cityhall.maintenance.urls")),
    path("", include("cityhall.bookings.urls")),
    path("", include("cityhall.notifications.urls")),
    path("", include("cityhall.jobs.urls")),
    path("", include("cityhall.documents.urls")),
    path("", include("cityhall.core.urls")),
]
