"""Reads of the streetlight registry, through the permission choke point."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from cityhall.core.permissions import VIEW, restrict
from cityhall.core.records import record_type_for

from ..choices import LightState, StationState
from ..models import BaseStation, Streetlight


def lights_in_service(user) -> QuerySet[Streetlight]:
    """The lights in the field (not retired) that ``user`` may see, with site and base station."""
    qs = Streetlight.objects.exclude(state=LightState.RETIRED).select_related("site", "base_station")
    return restrict(qs, user, VIEW, record_type_for(Streetlight)).order_by("code")


def stations_in_service(user) -> QuerySet[BaseStation]:
    """The active base stations ``user`` may see, each with ``n_lights`` (its lights in service)."""
    qs = (
        BaseStation.objects.filter(state=StationState.ACTIVE)
        .select_related("site")
        .annotate(n_lights=Count("lights", filter=~Q(lights__state=LightState.RETIRED)))
    )
    return restrict(qs, user, VIEW, record_type_for(BaseStation)).order_by("code")


def device_states(codes: list[str]) -> dict[str, Any]:
    """The telemetry's last state of each device that has reported, by device id (= light code)."""
    from cityhall.telemetry.models import DeviceState

    return {s.device_id: s for s in DeviceState.objects.filter(device_id__in=codes)}


def known_device_ids() -> set[str]:
    """Device ids the ingester accepts (``telemetry.services.ingest_batch(known_devices=...)``):
    every light not retired and every active base station (ADR 0007: a base station is a device
    of its own). Not restricted by user: the ingester is a system process."""
    lights = Streetlight.objects.exclude(state=LightState.RETIRED).values_list("code", flat=True)
    stations = BaseStation.objects.filter(state=StationState.ACTIVE).values_list("code", flat=True)
    return set(lights) | set(stations)


def light_gateways() -> dict[str, str]:
    """Each light's base station code: the gateway whose batch messages may carry its readings
    (``telemetry.ingester.run_ingester(gateways=...)``, ADR 0007). A system read, like the one above."""
    return dict(
        Streetlight.objects.exclude(state=LightState.RETIRED).values_list("code", "base_station__code")
    )
