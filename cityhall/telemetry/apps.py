from django.apps import AppConfig


class TelemetryConfig(AppConfig):
    name = "cityhall.telemetry"
    label = "telemetry"
    verbose_name = "현장 텔레메트리"

    def ready(self) -> None:
        from cityhall.core.observability import register_gauge, register_readiness_check

        from . import observability

        register_readiness_check("broker", observability.broker_connects)
        register_readiness_check("runtime", observability.runtime_ingesting)
        register_gauge(
            "cityhall_broker_up", "MQTT broker answers a CONNECT (1) or not (0)", observability.broker_up
        )
        register_gauge(
            "cityhall_telemetry_ingest_lag_seconds",
            "Seconds since the newest telemetry reading was stored",
            observability.ingest_lag_seconds,
        )
