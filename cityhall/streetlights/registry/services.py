"""Writes to the streetlight registry: built once from the seed, then changed device by device.

Every change goes through ``cityhall.core.services`` (validation, permission, audit) or, for the
bulk build, writes the same audit events in one batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count

from cityhall.core import audit
from cityhall.core.periods import PeriodError, parse_period
from cityhall.core.records import Errors, record_type_for
from cityhall.core.services import RecordInvalid, record_create, record_update
from cityhall.facilities.models import Equipment

from ..choices import LightState, StationState
from ..models import BaseStation, Streetlight, StreetlightSite

LIGHT_KIND = "가로등"
STATION_KIND = "기지국"

# Site codes for the seed's locations (ASCII: they become device ids on MQTT topics). A location not
# listed here gets ``S<line>`` from its line in the source.
SITE_CODES = {
    "하성 마곡-시암": "HASEONG",
    "대곶면": "DAEGOT",
    "양촌 산업단지 일부(해병대 사거리)": "YANGCHON",
    "풍무동 도시숲": "PUNGMU",
    "학운 4-1": "HAGUN41",
    "학운 6": "HAGUN6",
}


class RegistryMismatch(Exception):
    """The registry and the seed disagree; ``reasons`` says where, for machines."""

    def __init__(self, message: str, reasons: list[dict[str, Any]]):
        super().__init__(message)
        self.reasons = reasons


@dataclass(frozen=True)
class SeedSite:
    code: str
    name: str
    org_unit_id: int
    installed: str
    section: str
    line: int | None
    lights: int
    stations: int


@dataclass(frozen=True)
class BuildResult:
    sites: int
    base_stations: int
    lights: int
    created: bool  # False: the registry was already built (nothing written)


def station_code(site_code: str, number: int) -> str:
    return f"BS-{site_code}-{number:02d}"


def light_code(site_code: str, number: int) -> str:
    return f"SL-{site_code}-{number:03d}"


def seed_sites() -> list[SeedSite]:
    """The seed's streetlight sites (Equipment rows of system "streetlight"), in source order."""
    rows = Equipment.objects.filter(system=Equipment.System.STREETLIGHT).order_by("line", "id")
    by_location: dict[str, dict[str, Any]] = {}
    for row in rows:
        site = by_location.setdefault(
            row.location,
            {
                "name": row.location,
                "org_unit_id": row.org_unit_id,
                "installed": row.installed,
                "section": row.section,
                "line": row.line,
                "lights": 0,
                "stations": 0,
            },
        )
        if row.kind == LIGHT_KIND:
            site["lights"] += row.count or 0
        elif row.kind == STATION_KIND:
            site["stations"] += row.count or 0
    return [
        SeedSite(code=SITE_CODES.get(name, f"S{data['line']}"), **data) for name, data in by_location.items()
    ]


def _existing_counts() -> dict[str, tuple[int, int]]:
    lights = dict(Streetlight.objects.values_list("site__code").annotate(n=Count("id")))
    stations = dict(BaseStation.objects.values_list("site__code").annotate(n=Count("id")))
    codes = set(StreetlightSite.objects.values_list("code", flat=True))
    return {code: (lights.get(code, 0), stations.get(code, 0)) for code in codes}


@transaction.atomic
def registry_build_from_seed(*, actor: audit.Actor) -> BuildResult:
    """Create the sites, base stations and lights that the seed counts (638 lights on 25 stations).

    Idempotent: when the registry already matches the seed's counts site by site, nothing is
    written. A registry that holds other counts (devices added, moved or removed since) is not
    touched: that raises ``RegistryMismatch`` naming each differing site.
    """
    sites = seed_sites()
    if not sites:
        raise RegistryMismatch(
            "원문 장비현황에 스마트가로등 행이 없어 가로등 대장을 만들 수 없습니다.",
            [{"reason": "no_seed_rows"}],
        )
    existing = _existing_counts()
    if existing:
        reasons = []
        for site in sites:
            have = existing.get(site.code)
            if have != (site.lights, site.stations):
                reasons.append(
                    {
                        "reason": "count_mismatch",
                        "site": site.code,
                        "location": site.name,
                        "seed": {"lights": site.lights, "base_stations": site.stations},
                        "registry": None if have is None else {"lights": have[0], "base_stations": have[1]},
                    }
                )
        extra = sorted(set(existing) - {s.code for s in sites})
        reasons += [{"reason": "site_not_in_seed", "site": code} for code in extra]
        if reasons:
            where = ", ".join(r.get("location", r["site"]) for r in reasons)
            raise RegistryMismatch(
                f"가로등 대장이 원문 장비현황과 다릅니다({where}). 원문에서 다시 만들 수 없습니다.",
                reasons,
            )
        return BuildResult(
            sites=len(sites),
            base_stations=sum(s.stations for s in sites),
            lights=sum(s.lights for s in sites),
            created=False,
        )

    site_type = record_type_for(StreetlightSite)
    station_type = record_type_for(BaseStation)
    light_type = record_type_for(Streetlight)
    events = []
    n_stations = n_lights = 0
    for seed in sites:
        site = StreetlightSite(
            code=seed.code,
            name=seed.name,
            org_unit_id=seed.org_unit_id,
            installed=seed.installed,
            section=seed.section,
            line=seed.line,
        )
        try:
            period = parse_period(seed.installed) if seed.installed else None
        except PeriodError as exc:
            raise RegistryMismatch(
                f"{seed.name}의 설치시기 '{seed.installed}'을(를) 읽을 수 없습니다: {exc}",
                [{"reason": "bad_period", "site": seed.code, "installed": seed.installed}],
            ) from exc
        site.installed_start = period.start if period else None
        site.installed_end = period.end if period else None
        site.save()
        events.append(audit.event(actor, "create", site_type, site, after=site_type.to_data(site)))

        stations = BaseStation.objects.bulk_create(
            [BaseStation(code=station_code(seed.code, i), site=site) for i in range(1, seed.stations + 1)]
        )
        if seed.lights and not stations:
            raise RegistryMismatch(
                f"{seed.name}에는 가로등 {seed.lights}대가 있으나 기지국이 없습니다.",
                [{"reason": "lights_without_station", "site": seed.code}],
            )
        lights = Streetlight.objects.bulk_create(
            [
                Streetlight(
                    code=light_code(seed.code, i),
                    site=site,
                    base_station=stations[(i - 1) % len(stations)],
                    installed=site.installed_start,
                )
                for i in range(1, seed.lights + 1)
            ],
            batch_size=500,
        )
        # bulk_create sets primary keys on SQLite and PostgreSQL; the audit trail needs them.
        events += [
            audit.event(actor, "create", station_type, s, after=station_type.to_data(s)) for s in stations
        ]
        events += [
            audit.event(actor, "create", light_type, lt, after=light_type.to_data(lt)) for lt in lights
        ]
        n_stations += len(stations)
        n_lights += len(lights)
    audit.record_many(events)
    return BuildResult(sites=len(sites), base_stations=n_stations, lights=n_lights, created=True)


def _next_light_code(site: StreetlightSite) -> str:
    prefix = f"SL-{site.code}-"
    numbers = [
        int(code[len(prefix) :])
        for code in Streetlight.objects.filter(code__startswith=prefix).values_list("code", flat=True)
        if code[len(prefix) :].isdigit()
    ]
    return light_code(site.code, max(numbers, default=0) + 1)


def _least_loaded_station(site: StreetlightSite) -> BaseStation:
    station = (
        BaseStation.objects.filter(site=site, state=StationState.ACTIVE)
        .annotate(n=Count("lights"))
        .order_by("n", "code")
        .first()
    )
    if station is None:
        raise RecordInvalid({"base_station": [f"{site.name}에 운영 중인 기지국이 없습니다."]})
    return station


def _check_station(site: StreetlightSite, station: BaseStation) -> None:
    if station.site_id != site.pk:
        raise RecordInvalid({"base_station": [f"기지국 {station.code}은(는) {site.name}에 있지 않습니다."]})


def streetlight_rules(light: Streetlight, before: dict[str, Any] | None) -> Errors:
    """The registry's rules for a light, checked on every write (record pages, API, these services):
    a retired light stays where it was; a light is placed (new, moved or back in service) only on a
    base station in service."""
    placed = (light.site.code, light.base_station.code)
    if before is not None and before.get("state") == LightState.RETIRED and light.state == LightState.RETIRED:
        if (before.get("site"), before.get("base_station")) != placed:
            return {"state": [f"가로등 {light.code}은(는) 철거되어 옮길 수 없습니다."]}
        return {}
    moved = before is None or (before.get("site"), before.get("base_station")) != placed
    returning = before is not None and before.get("state") == LightState.RETIRED
    if light.state != LightState.RETIRED and (moved or returning):
        if light.base_station.state != StationState.ACTIVE:
            return {"base_station": [f"기지국 {light.base_station.code}은(는) 철거되었습니다."]}
    return {}


@transaction.atomic
def streetlight_add(
    *,
    site: StreetlightSite,
    actor: audit.Actor,
    base_station: BaseStation | None = None,
    code: str | None = None,
    model: str = "",
    rated_power_w: int | None = None,
    installed: str | None = None,
) -> Streetlight:
    """Register a new light at ``site`` (on the given base station, else the least loaded one).

    The code defaults to the site's next ``SL-<site>-NNN``; ``installed`` is an ISO date.
    """
    station = base_station or _least_loaded_station(site)
    _check_station(site, station)
    data: dict[str, Any] = {
        "code": code or _next_light_code(site),
        "site": site.code,
        "base_station": station.code,
        "model": model,
        "state": LightState.ACTIVE,
    }
    if rated_power_w is not None:
        data["rated_power_w"] = rated_power_w
    if installed is not None:
        data["installed"] = installed
    light = record_create(rtype=record_type_for(Streetlight), data=data, actor=actor)
    assert isinstance(light, Streetlight)
    return light


@transaction.atomic
def streetlight_move(
    *,
    light: Streetlight,
    actor: audit.Actor,
    site: StreetlightSite | None = None,
    base_station: BaseStation | None = None,
) -> Streetlight:
    """Move a light to another base station, and/or another site (its least loaded station if none
    is given). Needs the right to change lights in both the old and the new site's department."""
    if light.state == LightState.RETIRED:
        raise RecordInvalid({"state": [f"가로등 {light.code}은(는) 철거되어 옮길 수 없습니다."]})
    target_site = site or (base_station.site if base_station else light.site)
    station = base_station or _least_loaded_station(target_site)
    _check_station(target_site, station)
    moved = record_update(
        rtype=record_type_for(Streetlight),
        obj=light,
        data={"site": target_site.code, "base_station": station.code},
        actor=actor,
    )
    assert isinstance(moved, Streetlight)
    return moved


@transaction.atomic
def streetlight_retire(*, light: Streetlight, actor: audit.Actor) -> Streetlight:
    """Retire a light (철거): it stays in the registry, with its history, in state "retired"."""
    if light.state == LightState.RETIRED:
        raise RecordInvalid({"state": [f"가로등 {light.code}은(는) 이미 철거되었습니다."]})
    retired = record_update(
        rtype=record_type_for(Streetlight), obj=light, data={"state": LightState.RETIRED}, actor=actor
    )
    assert isinstance(retired, Streetlight)
    return retired
