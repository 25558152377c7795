"""Field telemetry (현장 텔레메트리): validated, idempotent, append-only ingestion of device readings."""
