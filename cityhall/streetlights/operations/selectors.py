"""Reads for the live operations pages and API: what each light, site and the fleet is doing now.

The registry (``Streetlight``) and the telemetry's last state (``DeviceState``) are joined by device
id = light code. There is no foreign key between them (telemetry knows nothing of streetlights), so
the join is done here in Python over flat value lists: one query for the registry and one per 500
lights for their states (three for Gimpo's 638), and a few more for the per-site extras (open repair
orders, command batches) — not one per light.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityhall.core.permissions import VIEW, restrict
from cityhall.core.records import record_type_for

from ..choices import CommandStatus, LightState, RepairStatus
from ..models import Command, RepairOrder, SiteSchedule, Streetlight, StreetlightSite
from ..repairs.faults import OFFLINE_AFTER
from . import dimming as operation
from . import solar

_CODES_PER_QUERY = 500

# Live states of a light, in the order the pages list them.
ON, OFF, OFFLINE, NEVER = "on", "off", "offline", "never"
FAULT = "fault"  # a flag on top of the live state, also a filter value
LIVE_STATES = {
    ON: _("점등"),
    OFF: _("소등"),
    OFFLINE: _("통신 두절"),
    NEVER: _("보고 없음"),
}
STATE_FILTERS = {**LIVE_STATES, FAULT: _("고장")}

# Approximate positions (WGS84) of the seed's sites, read off a map of Gimpo, for sites whose
# registry coordinates are still empty (ADR 0008 leaves them to be filled in). The map says so.
APPROXIMATE_POSITIONS = {
    "HASEONG": (37.725, 126.628),
    "DAEGOT": (37.645, 126.575),
    "YANGCHON": (37.650, 126.625),
    "PUNGMU": (37.603, 126.724),
    "HAGUN41": (37.611, 126.621),
    "HAGUN6": (37.597, 126.600),
}


@dataclass
class LightLive:
    """One light as the live pages show it."""

    code: str
    site_id: int
    base_station: str
    registry_state: str
    rated_power_w: int
    state: str  # ON, OFF, OFFLINE or NEVER
    fault: bool
    faults: list[str]
    dim: int | None = None
    power_w: float | None = None
    last_seen: datetime | None = None
    simulated: bool = False

    @property
    def state_label(self) -> str:
        return str(LIVE_STATES[self.state])


@dataclass
class SiteLive:
    """A site's counters now (a light counts once in reporting/offline/never, and in on/off if reporting)."""

    site: StreetlightSite
    lights: int = 0
    reporting: int = 0
    on: int = 0
    off: int = 0
    faults: int = 0
    offline: int = 0
    never: int = 0
    power_w: float = 0.0
    last_seen: datetime | None = None
    simulated: bool = False
    open_repairs: int = 0
    sun: solar.SunTimes | None = None
    position: tuple[float, float] | None = None
    approximate_position: bool = False

    @property
    def power_kw(self) -> float:
        return self.power_w / 1000

    @property
    def health(self) -> str:
        """``nodata`` (nothing heard), ``bad`` (faults or offline lights), ``warn`` (some never heard),
        ``good``: the colour of the site on the map."""
        if self.reporting + self.offline == 0:
            return "nodata"
        if self.faults or self.offline:
            return "bad"
        if self.never:
            return "warn"
        return "good"


@dataclass
class FleetLive:
    sites: list[SiteLive]
    at: datetime
    total: SiteLive = field(init=False)

    def __post_init__(self) -> None:
        total = SiteLive(site=None)  # type: ignore[arg-type]
        for row in self.sites:
            for name in ("lights", "reporting", "on", "off", "faults", "offline", "never", "open_repairs"):
                setattr(total, name, getattr(total, name) + getattr(row, name))
            total.power_w += row.power_w
            total.simulated = total.simulated or row.simulated
            if row.last_seen and (total.last_seen is None or row.last_seen > total.last_seen):
                total.last_seen = row.last_seen
        self.total = total

    @property
    def nothing_reported(self) -> bool:
        return self.total.reporting + self.total.offline == 0


def sites_visible(user) -> QuerySet[StreetlightSite]:
    return restrict(StreetlightSite.objects.all(), user, VIEW, record_type_for(StreetlightSite))


def site_position(site: StreetlightSite) -> tuple[tuple[float, float] | None, bool]:
    """``((lat, lon), approximate)``: the registry's coordinates, else the approximate table."""
    if site.lat is not None and site.lon is not None:
        return (float(site.lat), float(site.lon)), False
    if site.code in APPROXIMATE_POSITIONS:
        return APPROXIMATE_POSITIONS[site.code], True
    return None, True


def _classify(state, now: datetime) -> str:
    if state is None:
        return NEVER
    if now - state.last_seen > OFFLINE_AFTER:
        return OFFLINE
    return ON if state.lamp_on else OFF


class _State:
    """The columns of ``DeviceState`` the live pages read (values(), not model instances: cheaper)."""

    __slots__ = ("lamp_on", "dim", "power_w", "last_seen", "faults", "simulated")

    def __init__(self, lamp_on, dim, power_w, last_seen, faults, simulated):
        self.lamp_on, self.dim, self.power_w = lamp_on, dim, power_w
        self.last_seen, self.faults, self.simulated = last_seen, faults or [], simulated


def _states(codes: list[str]) -> dict[str, _State]:
    """The last state of each of ``codes`` that has reported. The telemetry table holds other systems'
    devices too, so it is read by code, in chunks under SQLite's bound-parameter limit."""
    from cityhall.telemetry.models import DeviceState

    found: dict[str, _State] = {}
    for start in range(0, len(codes), _CODES_PER_QUERY):
        rows = (
            DeviceState.objects.order_by()
            .filter(device_id__in=codes[start : start + _CODES_PER_QUERY])
            .values_list("device_id", "lamp_on", "dim", "power_w", "last_seen", "faults", "simulated")
        )
        found.update((row[0], _State(*row[1:])) for row in rows)
    return found


def lights_live(
    user,
    *,
    site: StreetlightSite | None = None,
    state: str | None = None,
    base_station: str | None = None,
    now: datetime | None = None,
) -> list[LightLive]:
    """The visible lights in service (optionally of one site / base station), each with its live state;
    ``state`` filters by a key of ``STATE_FILTERS``. Two queries per 500 lights."""
    now = now or timezone.now()
    qs = Streetlight.objects.exclude(state=LightState.RETIRED).order_by("code")
    qs = restrict(qs, user, VIEW, record_type_for(Streetlight))
    if site is not None:
        qs = qs.filter(site=site)
    if base_station:
        qs = qs.filter(base_station__code=base_station)
    registry = list(qs.values_list("code", "site_id", "base_station__code", "state", "rated_power_w"))
    states = _states([r[0] for r in registry])
    lights = []
    for code, site_id, station, registry_state, rated in registry:
        last = states.get(code)
        live = _classify(last, now)
        reported = list(last.faults) if last is not None else []
        fault = registry_state == LightState.FAULT or bool(reported and live != OFFLINE)
        light = LightLive(
            code=code,
            site_id=site_id,
            base_station=station,
            registry_state=registry_state,
            rated_power_w=rated,
            state=live,
            fault=fault,
            faults=reported,
            dim=last.dim if last else None,
            power_w=last.power_w if last else None,
            last_seen=last.last_seen if last else None,
            simulated=bool(last and last.simulated),
        )
        if matches(light, state):
            lights.append(light)
    return lights


def matches(light: LightLive, state: str | None) -> bool:
    """Whether the light passes the state filter (a key of ``STATE_FILTERS``, or None for all)."""
    if state == FAULT:
        return light.fault
    return state is None or light.state == state


def _summarise(row: SiteLive, lights: list[LightLive]) -> None:
    for light in lights:
        row.lights += 1
        if light.state == NEVER:
            row.never += 1
        elif light.state == OFFLINE:
            row.offline += 1
        else:
            row.reporting += 1
            row.power_w += light.power_w or 0.0
            if light.state == ON:
                row.on += 1
            else:
                row.off += 1
        if light.fault:
            row.faults += 1
        if light.last_seen and (row.last_seen is None or light.last_seen > row.last_seen):
            row.last_seen = light.last_seen
        row.simulated = row.simulated or light.simulated


def fleet_live(user, *, now: datetime | None = None, day: date | None = None) -> FleetLive:
    """Per-site counters for the overview (sites the user may see), with open repair orders and the
    day's sunrise/sunset. A handful of queries, whatever the number of lights."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    sites = list(sites_visible(user).order_by("installed_start", "code"))
    by_site: dict[int, list[LightLive]] = {s.pk: [] for s in sites}
    for light in lights_live(user, now=now):
        by_site.setdefault(light.site_id, []).append(light)
    repairs = dict(
        RepairOrder.objects.exclude(status=RepairStatus.CLOSED)
        .filter(site__in=[s.pk for s in sites])
        .order_by()
        .values_list("site_id")
        .annotate(n=Count("id"))
    )
    rows = []
    for site in sites:
        position, approximate = site_position(site)
        lat, lon = position or (solar.GIMPO_LAT, solar.GIMPO_LON)
        row = SiteLive(
            site=site,
            open_repairs=repairs.get(site.pk, 0),
            sun=solar.sun_times(day, lat, lon),
            position=position,
            approximate_position=approximate,
        )
        _summarise(row, by_site.get(site.pk, []))
        rows.append(row)
    return FleetLive(sites=rows, at=now)


def site_live(
    user,
    site: StreetlightSite,
    *,
    now: datetime | None = None,
    state: str | None = None,
    base_station: str = "",
) -> tuple[SiteLive, list[LightLive]]:
    """A site's counters, and its lights that pass the filters (state, base station code). Three
    queries: the counters and the list come from the same read."""
    position, approximate = site_position(site)
    row = SiteLive(
        site=site,
        open_repairs=RepairOrder.objects.filter(site=site).exclude(status=RepairStatus.CLOSED).count(),
        position=position,
        approximate_position=approximate,
    )
    lights = lights_live(user, site=site, now=now)
    _summarise(row, lights)
    shown = [
        light
        for light in lights
        if matches(light, state) and (not base_station or light.base_station == base_station)
    ]
    return row, shown


# -- map ---------------------------------------------------------------------------------------------

#: The states the shared map's live overlay shows (cityhall.gis.live): a light's live state, with a
#: fault first (a faulty light is red whatever it last reported), in legend order.
MAP_STATES = (
    (ON, _("점등"), "ok"),
    (OFF, _("소등"), "idle"),
    (FAULT, _("고장"), "bad"),
    (OFFLINE, _("통신 두절"), "lost"),
    (NEVER, _("보고 없음"), "none"),
)


def map_state(light: LightLive) -> str:
    return FAULT if light.fault else light.state


def live_map(user, *, now: datetime | None = None):
    """The visible lights in service as the shared map's live overlay: each at its site's position
    (lights have no coordinates of their own yet; the map fans them out around it), coloured by
    ``map_state``. Returns ``(states, points)`` for ``cityhall.gis.live.live_response``."""
    from django.urls import reverse

    from cityhall.gis.live import LivePoint, LiveState

    sites = {s.pk: s for s in sites_visible(user)}
    positions = {pk: site_position(site) for pk, site in sites.items()}
    points = []
    for light in lights_live(user, now=now):
        position, approximate = positions.get(light.site_id, (None, True))
        if position is None:
            continue
        site = sites[light.site_id]
        points.append(
            LivePoint(
                id=light.code,
                lat=position[0],
                lon=position[1],
                state=map_state(light),
                title=light.code,
                href=reverse("streetlights:light", args=[light.code]),
                properties={
                    str(_("지역")): site.name,
                    str(_("기지국")): light.base_station,
                    str(_("밝기(%)")): light.dim,
                    str(_("전력(W)")): light.power_w,
                    str(_("최근 수신")): light.last_seen,
                    str(_("고장 내용")): ", ".join(light.faults),
                    str(_("위치")): str(_("지역 좌표(대략)") if approximate else _("지역 좌표")),
                    str(_("모의")): light.simulated,
                },
            )
        )
    states = [LiveState(key, str(label), tone) for key, label, tone in MAP_STATES]
    return states, points


# -- commands and schedules --------------------------------------------------------------------------


def command_batches(
    *, site: StreetlightSite | None = None, light: Streetlight | None = None, limit: int = 10
):
    """The latest command batches (newest first) with the count of their commands in each status.
    One query."""
    qs = Command.objects.order_by()
    if site is not None:
        qs = qs.filter(light__site=site)
    if light is not None:
        qs = qs.filter(light=light)
    counts = {s: Count("id", filter=Q(status=s)) for s in CommandStatus.values}
    rows = (
        qs.values("batch", "action", "level", "issued_by__username")
        .annotate(
            issued_at=Min("issued_at"),
            last_ack=Max("acked_at"),
            n=Count("id"),
            first_light=Min("light__code"),
            **counts,
        )
        .order_by("-issued_at")[:limit]
    )
    labels = dict(CommandStatus.choices)
    from ..choices import CommandAction

    actions = dict(CommandAction.choices)
    batches = []
    for row in rows:
        row["statuses"] = [(s, labels[s], row[s]) for s in CommandStatus.values if row[s]]
        row["action_label"] = actions.get(row["action"], row["action"])
        row["done"] = not (row[CommandStatus.PENDING] or row[CommandStatus.SENT])
        batches.append(row)
    return batches


def schedule_of(site: StreetlightSite) -> tuple[SiteSchedule | None, operation.DimmingSchedule]:
    """The site's stored schedule row (None if it follows the default) and the schedule in force."""
    stored = SiteSchedule.objects.filter(site=site).first()
    return stored, stored.as_schedule() if stored is not None else operation.DEFAULT_SCHEDULE


def tonight(site: StreetlightSite, schedule: operation.DimmingSchedule, night: date):
    """``(sunset, sunrise, segments)`` for the night starting on the local date ``night``."""
    position, _approximate = site_position(site)
    lat, lon = position or (solar.GIMPO_LAT, solar.GIMPO_LON)
    segments = operation.night_plan(night, schedule, lat, lon)
    evening = solar.sun_times(night, lat, lon)
    morning = solar.sun_times(night + timedelta(days=1), lat, lon)
    return evening.set, morning.rise, segments


def power_series(code: str, *, now: datetime | None = None, hours: int = 24, buckets: int = 144):
    """The light's power over the last ``hours`` from its readings, averaged into ``buckets`` equal
    slots: ``[(slot_start, mean W | None)]`` (None where nothing was read), and whether any reading
    was simulated."""
    from cityhall.telemetry.models import Reading

    now = now or timezone.now()
    start = now - timedelta(hours=hours)
    step = (now - start) / buckets
    sums = [0.0] * buckets
    counts = [0] * buckets
    simulated = False
    rows = Reading.objects.filter(device_id=code, ts__gte=start, ts__lt=now).values_list(
        "ts", "power_w", "simulated"
    )
    for ts, power, sim in rows.iterator(chunk_size=2000):
        index = min(int((ts - start) / step), buckets - 1)
        sums[index] += power
        counts[index] += 1
        simulated = simulated or sim
    series = [(start + step * i, sums[i] / counts[i] if counts[i] else None) for i in range(buckets)]
    return series, simulated


def power_chart(series, *, rated_w: int, width: int = 720, height: int = 220) -> dict:
    """Geometry of the server-rendered SVG power chart: polylines (broken where nothing was read)
    through the slot midpoints, y ticks in W, x ticks at every 6th local hour."""
    left, right, top, bottom = 48, 12, 12, 28
    inner_w, inner_h = width - left - right, height - top - bottom
    values = [v for _, v in series if v is not None]
    top_w = max([float(rated_w), *values]) * 1.1
    start = series[0][0]
    step = series[1][0] - start
    span = step * len(series)

    def x(moment: datetime) -> float:
        return round(left + inner_w * ((moment - start) / span), 1)

    def y(v: float) -> float:
        return round(top + inner_h * (1 - v / top_w), 1)

    lines, current = [], []
    for moment, value in series:
        if value is None:
            if current:
                lines.append(" ".join(current))
            current = []
        else:
            current.append(f"{x(moment + step / 2)},{y(value)}")
    if current:
        lines.append(" ".join(current))
    tick = 10 ** math.floor(math.log10(top_w / 2))
    while top_w / tick > 6:
        tick *= 2
    y_ticks = [{"y": y(tick * k), "label": f"{tick * k:g}"} for k in range(int(top_w // tick) + 1)]
    local = timezone.localtime(start).replace(minute=0, second=0, microsecond=0)
    x_ticks = []
    while local < start + span:
        if local >= start and local.hour % 6 == 0:
            x_ticks.append({"x": x(local), "label": local.strftime("%H:%M")})
        local += timedelta(hours=1)
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "top": top,
        "bottom": height - bottom,
        "lines": lines,
        "y_ticks": y_ticks,
        "x_ticks": x_ticks,
        "rated_y": y(float(rated_w)),
        "rated_w": rated_w,
        "has_data": bool(values),
        "max_w": max(values) if values else None,
    }
