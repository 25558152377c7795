from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "cityhall.dashboard"
    label = "dashboard"
    verbose_name = "대시보드"
