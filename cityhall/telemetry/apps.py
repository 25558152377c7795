from django.apps import AppConfig


class TelemetryConfig(AppConfig):
    name = "cityhall.telemetry"
    label = "telemetry"
    verbose_name = "현장 텔레메트리"
