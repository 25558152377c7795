"""The registry as NGSI-LD entities (normalised form) after the FIWARE Smart Data Models
``Streetlight`` and ``StreetlightControlCabinet`` (dataModel.Streetlighting).

Pure functions from registry rows (and a telemetry state, if any) to JSON-ready dicts; the API in
``api.py`` serves them as ``application/ld+json``. The ``@context`` is a URL, written out and never
fetched.
"""

from __future__ import annotations

from typing import Any

from ..choices import LightState
from ..models import BaseStation, Streetlight

CONTEXT = "https://raw.githubusercontent.com/smart-data-models/dataModel.Streetlighting/master/context.jsonld"
CONTENT_TYPE = "application/ld+json"
LIGHT_TYPE = "Streetlight"
CABINET_TYPE = "StreetlightControlCabinet"
TYPES = (LIGHT_TYPE, CABINET_TYPE)

# Streetlight.status is an enum in the model: ok, defectiveLamp, columnIssue, brokenLantern.
_LIGHT_STATUS = {LightState.ACTIVE: "ok", LightState.FAULT: "defectiveLamp"}


def entity_id(kind: str, code: str) -> str:
    return f"urn:ngsi-ld:{kind}:{code}"


def parse_entity_id(value: str) -> tuple[str, str] | None:
    """``urn:ngsi-ld:<type>:<code>`` → (type, code), or None if it is not one of ours."""
    parts = value.split(":", 3)
    if len(parts) != 4 or parts[0] != "urn" or parts[1] != "ngsi-ld" or parts[2] not in TYPES or not parts[3]:
        return None
    return parts[2], parts[3]


def _prop(value: Any, **extra: Any) -> dict[str, Any]:
    return {"type": "Property", "value": value, **extra}


def _rel(target: str) -> dict[str, Any]:
    return {"type": "Relationship", "object": target}


def _location(site) -> dict[str, Any] | None:
    if site.lat is None or site.lon is None:
        return None
    return {
        "type": "GeoProperty",
        "value": {"type": "Point", "coordinates": [float(site.lon), float(site.lat)]},
    }


def light_entity(light: Streetlight, state: Any | None = None) -> dict[str, Any]:
    """One light. ``state`` is its telemetry ``DeviceState`` (None if it has not reported yet)."""
    site = light.site
    status = _LIGHT_STATUS.get(LightState(light.state), "ok")
    if state is not None and state.faults:
        status = "defectiveLamp"
    entity: dict[str, Any] = {
        "id": entity_id(LIGHT_TYPE, light.code),
        "type": LIGHT_TYPE,
        "name": _prop(light.code),
        "areaServed": _prop(site.name),
        "status": _prop(status),
        "refStreetlightControlCabinet": _rel(entity_id(CABINET_TYPE, light.base_station.code)),
        "ratedPower": _prop(light.rated_power_w, unitCode="WTT"),
    }
    if light.installed is not None:
        entity["dateServiceStarted"] = _prop({"@type": "Date", "@value": light.installed.isoformat()})
    if light.model:
        entity["refStreetlightModel"] = _prop(light.model)
    location = _location(site)
    if location is not None:
        entity["location"] = location
    if state is not None:
        observed = state.last_ts.isoformat().replace("+00:00", "Z")
        entity["powerState"] = _prop("on" if state.lamp_on else "off", observedAt=observed)
        entity["illuminanceLevel"] = _prop(round(state.dim / 100, 2), observedAt=observed)
        entity["activePower"] = _prop(state.power_w, observedAt=observed, unitCode="WTT")
    entity["@context"] = CONTEXT
    return entity


def cabinet_entity(station: BaseStation, lights: int) -> dict[str, Any]:
    """One base station (기지국) as a control cabinet; ``lights`` = its lights in service."""
    site = station.site
    entity: dict[str, Any] = {
        "id": entity_id(CABINET_TYPE, station.code),
        "type": CABINET_TYPE,
        "name": _prop(station.code),
        "areaServed": _prop(site.name),
        "workingMode": _prop("automatic"),
        "numberOfStreetlights": _prop(lights),
    }
    if site.installed_start is not None:
        entity["dateServiceStarted"] = _prop({"@type": "Date", "@value": site.installed_start.isoformat()})
    location = _location(site)
    if location is not None:
        entity["location"] = location
    entity["@context"] = CONTEXT
    return entity
