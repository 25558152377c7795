"""What telemetry adds to /readyz and /metrics (core.observability): the broker, and how far behind
the newest stored reading is (the live runtime's ingest lag)."""

from __future__ import annotations

import os
import threading

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from cityhall.core.observability import CheckResult

from .models import DeviceState
from .mqtt import broker_from_url, new_client

BROKER_TIMEOUT_S = 2.0


def broker_connects() -> CheckResult:
    """An MQTT CONNECT to ``CITYHALL_MQTT_URL`` answered with success within two seconds. Unset, the
    deployment runs the demo's embedded broker inside the runtime's process: nothing to reach."""
    if not os.environ.get("CITYHALL_MQTT_URL"):
        return CheckResult(True, "CITYHALL_MQTT_URL unset: embedded broker, not checked")
    broker = broker_from_url()
    client, connect = new_client(broker)
    answered = threading.Event()
    outcome: list[str] = []

    def on_connect(client, userdata, flags, reason_code, properties):
        outcome.append("" if not reason_code.is_failure else str(reason_code))
        answered.set()

    client.on_connect = on_connect
    try:
        client.connect(**{**connect, "keepalive": 5})
    except OSError as exc:
        return CheckResult(False, f"{broker}: {exc.strerror or exc}")
    client.loop_start()
    try:
        if not answered.wait(BROKER_TIMEOUT_S):
            return CheckResult(False, f"{broker}: no CONNACK within {BROKER_TIMEOUT_S:g}s")
    finally:
        client.disconnect()
        client.loop_stop()
    return CheckResult(not outcome[0], f"{broker}: {outcome[0] or 'connected'}")


def broker_up() -> float | None:
    if not os.environ.get("CITYHALL_MQTT_URL"):
        return None
    return 1.0 if broker_connects().ok else 0.0


def ingest_lag_seconds() -> float | None:
    """Seconds since the newest reading was stored (any device); None before the first one. Read from
    the devices' last state (one row per device), never from the readings table."""
    newest = DeviceState.objects.aggregate(newest=Max("last_seen"))["newest"]
    return None if newest is None else max(0.0, (timezone.now() - newest).total_seconds())


def runtime_ingesting() -> CheckResult:
    lag = ingest_lag_seconds()
    if lag is None:
        return CheckResult(False, "no reading stored yet")
    limit = settings.CITYHALL_TELEMETRY_MAX_AGE
    return CheckResult(lag <= limit, f"newest reading {lag:.0f}s old (limit {limit}s)")
