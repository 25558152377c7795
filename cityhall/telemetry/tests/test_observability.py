"""What telemetry adds to /readyz and /metrics: the broker (a real Mosquitto) and the ingest lag."""

from datetime import timedelta

from django.utils import timezone

from cityhall.core.tests.test_observability import _sample
from cityhall.telemetry import observability
from cityhall.telemetry.models import DeviceState
from cityhall.telemetry.tests.test_ingester import _free_port, broker  # noqa: F401 - fixture

LAMP = {"lamp_on": True, "dim": 100, "power_w": 80.0, "energy_wh": 1, "voltage_v": 220.0,
        "current_a": 0.4, "temperature_c": 20.0}  # fmt: skip


def _heard(device_id: str, seconds_ago: float) -> None:
    seen = timezone.now() - timedelta(seconds=seconds_ago)
    DeviceState.objects.create(
        device_id=device_id, last_ts=seen, last_message_id="m1", last_seen=seen, **LAMP
    )


def test_runtime_is_stalled_until_a_reading_is_stored_and_when_it_is_old(db, settings):
    DeviceState.objects.all().delete()
    assert observability.runtime_ingesting() == observability.CheckResult(False, "no reading stored yet")
    assert observability.ingest_lag_seconds() is None
    settings.CITYHALL_TELEMETRY_MAX_AGE = 300
    _heard("SL-A", 400)
    assert not observability.runtime_ingesting().ok
    _heard("SL-B", 5)  # the newest reading of any device counts
    assert observability.runtime_ingesting().ok
    assert 5 <= observability.ingest_lag_seconds() < 60


def test_ingest_lag_and_runtime_in_metrics_and_readiness(db, client):
    DeviceState.objects.all().delete()
    _heard("SL-A", 30)
    body = client.get("/metrics").content.decode()
    assert 30 <= _sample(body, "cityhall_telemetry_ingest_lag_seconds") < 90
    assert _sample(body, "cityhall_ready", check="runtime") == 1.0
    assert client.get("/readyz").json()["checks"]["runtime"]["ok"] is True


def test_broker_check_against_a_real_broker(db, client, broker, monkeypatch):  # noqa: F811
    monkeypatch.setenv("CITYHALL_MQTT_URL", broker.url)
    result = observability.broker_connects()
    assert result.ok, result.detail
    assert _sample(client.get("/metrics").content.decode(), "cityhall_broker_up") == 1.0
    broker.stop()
    down = observability.broker_connects()
    assert not down.ok
    assert down.detail.startswith(f"127.0.0.1:{broker.port}")
    assert _sample(client.get("/metrics").content.decode(), "cityhall_broker_up") == 0.0


def test_broker_not_configured_is_the_embedded_default(db, client, monkeypatch):
    monkeypatch.delenv("CITYHALL_MQTT_URL", raising=False)
    assert observability.broker_connects().ok
    assert _sample(client.get("/metrics").content.decode(), "cityhall_broker_up") is None


def test_a_port_nobody_listens_on_is_reported(db, settings, client, monkeypatch):
    monkeypatch.setenv("CITYHALL_MQTT_URL", f"mqtt://127.0.0.1:{_free_port()}")
    settings.CITYHALL_READY_REQUIRE = ["database", "broker"]
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False
