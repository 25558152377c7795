"""Which devices the ingester accepts and which gateway may speak for which device.

Telemetry keeps no device registry of its own: an app that has one (streetlights) registers its reads in
``AppConfig.ready``. Without one, the ingester accepts any device id.
"""

from __future__ import annotations

from collections.abc import Callable

KnownDevices = Callable[[], set[str]]
Gateways = Callable[[], dict[str, str]]

known_devices: KnownDevices | None = None
gateways: Gateways | None = None


def register_registry(*, known: KnownDevices, device_gateways: Gateways) -> None:
    global known_devices, gateways
    known_devices, gateways = known, device_gateways
