"""Building telemetry messages for tests (and the PostgreSQL subprocess)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from cityhall.telemetry.validation import telemetry_topic

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def payload(device: str = "SL-0001", msg_id: Any = "m-1", ts: Any = NOW, **fields: Any) -> dict:
    data: dict[str, Any] = {
        "msg_id": msg_id,
        "device_id": device,
        "ts": ts.isoformat().replace("+00:00", "Z") if isinstance(ts, datetime) else ts,
        "lamp_on": True,
        "dim": 70,
        "power_w": 84.5,
        "energy_wh": 123_456,
        "voltage_v": 221.3,
        "current_a": 0.38,
        "temperature_c": 18.5,
        "heartbeat": False,
        "faults": [],
    }
    data.update(fields)
    return data


def message(
    device: str = "SL-0001",
    msg_id: Any = "m-1",
    ts: datetime | str = NOW,
    *,
    received_at: datetime = NOW,
    topic: str | None = None,
    raw: bytes | None = None,
    **fields: Any,
) -> tuple[str, bytes, datetime]:
    body = raw if raw is not None else json.dumps(payload(device, msg_id, ts, **fields)).encode()
    return (topic or telemetry_topic(device), body, received_at)


def stream(devices: int, per_device: int, *, start: datetime = NOW) -> list[tuple[str, bytes, datetime]]:
    """``devices × per_device`` valid readings, one a minute per device, with sequence message IDs."""
    messages = []
    for minute in range(per_device):
        ts = start + timedelta(minutes=minute)
        for number in range(1, devices + 1):
            device = f"SL-{number:04d}"
            messages.append(
                message(device, minute, ts, received_at=ts + timedelta(seconds=1), energy_wh=1000 + minute)
            )
    return messages
