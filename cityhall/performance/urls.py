from django.urls import path

from . import views

app_name = "performance"

urlpatterns = [
    path("performance/", views.overview, name="overview"),
    path("performance/indicators/<slug:code>/", views.indicator_detail, name="indicator"),
    path("performance/indicators/<slug:code>/actuals/", views.actual_record, name="actual_record"),
    path("performance/indicators/<slug:code>/grade/", views.grade_set, name="grade_set"),
    path("performance/cycles/<int:year>/advance/", views.cycle_advance, name="cycle_advance"),
    path("performance/incentives/<int:year>/", views.incentives, name="incentives"),
    path(
        "performance/incentives/<int:year>/allocate/", views.incentives_allocate, name="incentives_allocate"
    ),
    path("performance/incentives/<int:year>.xlsx", views.incentives_xlsx, name="incentives_xlsx"),
]
