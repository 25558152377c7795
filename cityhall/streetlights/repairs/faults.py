"""Fault rules (고장 판정) over the telemetry's last states, and the repair orders they open, with an
SLA clock (처리 기한).

``faults_evaluate()`` is called by the live runtime every ~30 s and by ``cityhall manage
streetlights_faults``. It reads the whole fleet in a fixed handful of queries (registry, device
states, schedules, recent acknowledged commands, recent readings for flicker, orders not closed),
decides per rule and target whether the fault is present, absent or unknown, and then:

- present, no order open  → open one (``RO-YYYY-NNNNN``, due = opened + SLA of the kind);
- present, order recovered → clear ``recovered_at`` (the fault came back);
- absent, order open      → set ``recovered_at`` (the order stays for the operator to close);
- unknown (the light is offline, or a schedule switch is under way) → nothing.

Running it twice on the same data changes nothing the second time. docs/streetlights.md ("Faults
and repair orders") gives the thresholds and why.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cityhall.core import audit
from cityhall.core.records import record_type_for

from ..choices import CommandAction, CommandStatus, FaultKind, LightState, RepairStatus, StationState
from ..energy.model import Luminaire
from ..models import BaseStation, Command, RepairOrder, SiteSchedule, Streetlight
from ..operations import dimming as operation
from ..operations import solar

# -- thresholds (settings may override each; see docs/streetlights.md) --------------------------------

#: Not heard for longer than this → offline. Devices send a heartbeat every minute (ADR 0007), so five
#: missed heartbeats: one lost message or a broker restart does not open an order.
OFFLINE_AFTER = timedelta(seconds=getattr(settings, "STREETLIGHTS_OFFLINE_AFTER_S", 300))
#: A base station is down when at least this share of its commissioned lights is offline ("nearly
#: all": one light still heard through a neighbouring station's radio does not hide the outage) …
STATION_OFFLINE_SHARE = getattr(settings, "STREETLIGHTS_STATION_OFFLINE_SHARE", 0.9)
#: … and it has at least this many commissioned lights (with fewer, a light and its station cannot be
#: told apart, and the lights get orders of their own).
STATION_MIN_LIGHTS = 3
#: Measured power may differ from ``Luminaire(rated).power_w(on, dim)`` by this share, or by
#: ``POWER_TOLERANCE_W``, whichever is larger (drivers, supply voltage and meter accuracy vary).
POWER_TOLERANCE = getattr(settings, "STREETLIGHTS_POWER_TOLERANCE", 0.25)
POWER_TOLERANCE_W = 5.0
#: A lamp drawing less than this (W) while reporting on is dark ("≈0 W").
LAMP_DARK_W = 1.0
#: Around a schedule switch (sunset, a dimming step, sunrise) the lamp and the clock may differ by
#: a little; a reading this close to a switch is not judged.
SWITCH_GRACE = timedelta(minutes=2)
#: An acknowledged operator command (on/off/dim) overrides the schedule until an ``auto`` command
#: (스케줄 복귀) is acknowledged: what the devices do (ADR 0007 ``cmd``; the simulator likewise).
#: Flicker: this many on/off changes within the window in the stored readings.
FLICKER_WINDOW = timedelta(minutes=10)
FLICKER_CHANGES = 4

LAMP_FAULT_CODES = frozenset({"LAMP_FAIL", "DRIVER_FAIL"})
POWER_FAULT_CODES = frozenset({"OVER_CURRENT", "OVER_VOLTAGE", "UNDER_VOLTAGE"})
FLICKER_FAULT_CODES = frozenset({"FLICKER"})

#: SLA (처리 기한) per kind, in hours from opening. A station outage darkens a whole street and takes
#: the remote control with it: same working day. A silent light may still burn on its own timer: a
#: day. A dark lamp needs a crew with a bucket truck and a spare: two days. A lamp that burns but
#: draws wrongly or flickers is a nuisance, not a hazard: three days.
SLA_HOURS = {
    FaultKind.STATION_OFFLINE: 4,
    FaultKind.LIGHT_OFFLINE: 24,
    FaultKind.LAMP_FAILURE: 48,
    FaultKind.ABNORMAL_POWER: 72,
    FaultKind.FLICKER: 72,
}

RULES_ACTOR = audit.Actor.system("rules:streetlights_faults")
NUMBER_PREFIX = "RO"

PRESENT, ABSENT, UNKNOWN = "present", "absent", "unknown"


def sla_due(kind: str, opened_at: datetime) -> datetime:
    """When an order of ``kind`` opened at ``opened_at`` is due."""
    return opened_at + timedelta(hours=SLA_HOURS[FaultKind(kind)])


# -- numbering and opening --------------------------------------------------------------------------


def _number_year(moment: datetime) -> int:
    return timezone.localtime(moment, operation.SEOUL).year


def next_number(moment: datetime) -> str:
    """The next free ``RO-YYYY-NNNNN`` of the (Seoul) year of ``moment``."""
    year = _number_year(moment)
    prefix = f"{NUMBER_PREFIX}-{year}-"
    last = (
        RepairOrder.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    n = int(last[len(prefix) :]) + 1 if last and last[len(prefix) :].isdigit() else 1
    return f"{prefix}{n:05d}"


def open_order_for(
    kind: str, *, light: Streetlight | None, station: BaseStation | None
) -> RepairOrder | None:
    qs = RepairOrder.objects.exclude(status=RepairStatus.CLOSED).filter(kind=kind)
    if light is not None:
        return qs.filter(light=light).first()
    return qs.filter(light__isnull=True, base_station=station).first()


def order_insert(
    *,
    kind: str,
    light: Streetlight | None,
    station: BaseStation | None,
    detail: str,
    simulated: bool,
    now: datetime,
    actor: audit.Actor,
) -> RepairOrder | None:
    """Insert one order and audit it; ``None`` when one is already open for the target and kind
    (another process won the race). A number taken meanwhile is retried with the next one."""
    site = light.site if light is not None else station.site
    rtype = record_type_for(RepairOrder)
    for _attempt in range(5):
        order = RepairOrder(
            number=next_number(now),
            kind=kind,
            site=site,
            light=light,
            base_station=station if light is None else light.base_station,
            detail=detail,
            simulated=simulated,
            opened_at=now,
            due_at=sla_due(kind, now),
        )
        try:
            with transaction.atomic():
                order.save()
                audit.record(actor, "create", rtype, order, after=rtype.to_data(order))
                if kind == FaultKind.LAMP_FAILURE and light is not None:
                    light_state_set(light, LightState.FAULT, actor, only_from=LightState.ACTIVE)
        except IntegrityError:
            if open_order_for(kind, light=light, station=station if light is None else None) is not None:
                return None
            continue  # the number was taken by a concurrent insert
        return order
    raise IntegrityError("보수 요청 번호를 배정하지 못했습니다(동시 등록이 계속 충돌합니다).")


def light_state_set(light: Streetlight, state: str, actor: audit.Actor, *, only_from: str) -> bool:
    """Move a light's registry state ``only_from`` → ``state`` (a conditional update: a retired or
    already changed light is left alone); audited. True if it changed."""
    rtype = record_type_for(Streetlight)
    before = rtype.to_data(light)
    if not Streetlight.objects.filter(pk=light.pk, state=only_from).update(state=state):
        return False
    light.state = state
    before["state"] = only_from
    audit.record(actor, "update", rtype, light, before=before, after=rtype.to_data(light))
    return True


# -- the rules --------------------------------------------------------------------------------------


@dataclass
class Verdict:
    state: str  # PRESENT / ABSENT / UNKNOWN
    detail: str = ""
    simulated: bool = False


@dataclass
class FaultReport:
    """What one evaluation saw and did."""

    evaluated_at: datetime
    lights_checked: int = 0  # lights in service that have reported at least once
    lights_offline: int = 0
    stations_down: int = 0
    opened: list[str] = field(default_factory=list)  # order numbers
    recovered: list[str] = field(default_factory=list)
    relapsed: list[str] = field(default_factory=list)  # recovered orders whose fault came back
    present: dict[str, int] = field(default_factory=dict)  # kind → targets with the fault now

    def summary(self) -> str:
        return _(
            "점검 %(checked)d대 · 통신 두절 %(offline)d대 · 기지국 장애 %(stations)d곳 · "
            "신규 %(opened)d건 · 복구 확인 %(recovered)d건 · 재발 %(relapsed)d건"
        ) % {
            "checked": self.lights_checked,
            "offline": self.lights_offline,
            "stations": self.stations_down,
            "opened": len(self.opened),
            "recovered": len(self.recovered),
            "relapsed": len(self.relapsed),
        }


class _SiteClock:
    """``operation.lamp_command_at`` for one site, with each night's plan computed once (638 lights
    on 6 sites need six plans, not 638 solar calculations)."""

    def __init__(self, schedule: operation.DimmingSchedule, lat: float, lon: float):
        self.schedule, self.lat, self.lon = schedule, lat, lon
        self._plan = lru_cache(maxsize=8)(self._night)

    def _night(self, night: date) -> list[operation.NightSegment]:
        return operation.night_plan(night, self.schedule, self.lat, self.lon)

    def command_at(self, when: datetime) -> tuple[bool, int]:
        local_day = when.astimezone(self.schedule.tz).date()
        for night in (local_day, local_day - timedelta(days=1)):
            for segment in self._plan(night):
                if segment.start <= when < segment.end:
                    return (segment.level > 0, segment.level)
        return (False, 0)


def _site_clocks(sites: dict[int, Any]) -> dict[int, _SiteClock]:
    stored = {s.site_id: s for s in SiteSchedule.objects.filter(site_id__in=list(sites))}
    clocks = {}
    for site_id, site in sites.items():
        schedule = operation.DEFAULT_SCHEDULE
        if site_id in stored:
            try:
                schedule = stored[site_id].as_schedule()
            except operation.ScheduleError:
                pass  # validated on save; a broken row falls back rather than stopping every rule
        lat = float(site.lat) if site.lat is not None else solar.GIMPO_LAT
        lon = float(site.lon) if site.lon is not None else solar.GIMPO_LON
        clocks[site_id] = _SiteClock(schedule, lat, lon)
    return clocks


Override = tuple[tuple[bool, int] | None, datetime]


def _overrides(light_ids: list[int], now: datetime) -> dict[int, Override]:
    """The newest acknowledged command per light: ``((on, dim), acked_at)`` it asks for, or
    ``(None, acked_at)`` for ``auto`` (back to the schedule). Two queries whatever the length of the
    command history: the newest ack time per light (grouped in the database), then those commands."""
    acked = Command.objects.filter(status=CommandStatus.ACKED, acked_at__lte=now)
    newest = dict(acked.values("light_id").annotate(last=Max("acked_at")).values_list("light_id", "last"))
    if not newest:
        return {}
    wanted = set(light_ids)
    rows = (
        acked.filter(acked_at__in=set(newest.values()))
        .order_by("acked_at", "id")
        .values_list("light_id", "acked_at", "action", "level")
    )
    found: dict[int, Override] = {}
    for light_id, acked_at, action, level in rows:
        if light_id not in wanted or newest.get(light_id) != acked_at:
            continue
        if action == CommandAction.ON:
            found[light_id] = ((True, 100), acked_at)
        elif action == CommandAction.OFF:
            found[light_id] = ((False, 0), acked_at)
        elif action == CommandAction.DIM:
            found[light_id] = (((level or 0) > 0, level or 0), acked_at)
        else:
            found[light_id] = (None, acked_at)
    return found


def _flicker_changes(codes: list[str], now: datetime) -> dict[str, int]:
    """On/off changes per device in its readings of the last ``FLICKER_WINDOW`` (by device time)."""
    from cityhall.telemetry.models import Reading

    changes: dict[str, int] = defaultdict(int)
    last: dict[str, bool] = {}
    # In chunks: the (device_id, ts) index serves ``device_id IN (...) AND ts >= ...``; SQLite limits
    # the bound parameters of one statement.
    for i in range(0, len(codes), 500):
        rows = (
            Reading.objects.filter(
                device_id__in=codes[i : i + 500], ts__gte=now - FLICKER_WINDOW, ts__lte=now
            )
            .order_by("device_id", "ts")
            .values_list("device_id", "lamp_on")
        )
        for device, lamp_on in rows:
            if device in last and last[device] != lamp_on:
                changes[device] += 1
            last[device] = lamp_on
    return changes


def _fmt(moment: datetime) -> str:
    return timezone.localtime(moment, operation.SEOUL).strftime("%Y-%m-%d %H:%M")


def _lamp_verdict(state, expected: tuple[bool, int] | None, by_operator: bool, flicker: Verdict) -> Verdict:
    codes = LAMP_FAULT_CODES.intersection(state.faults or [])
    sim = state.simulated
    if codes:
        return Verdict(PRESENT, _("고장 코드 %(codes)s 보고") % {"codes": ", ".join(sorted(codes))}, sim)
    if expected is None or flicker.state == PRESENT:
        return Verdict(UNKNOWN)  # too close to a switch, or dark for a moment of a flicker
    should_on, level = expected
    dark = not state.lamp_on or state.power_w < LAMP_DARK_W
    if should_on and dark:
        source = _("운영자 명령") if by_operator else _("스케줄")
        return Verdict(
            PRESENT,
            _("%(source)s상 점등(%(level)d%%)이어야 하나 %(state)s, %(power).1f W 보고 (%(at)s)")
            % {
                "source": source,
                "level": level,
                "state": _("점등") if state.lamp_on else _("소등"),
                "power": state.power_w,
                "at": _fmt(state.last_ts),
            },
            sim,
        )
    return Verdict(ABSENT)


def _power_verdict(light: dict, state, lamp: Verdict, flicker: Verdict) -> Verdict:
    codes = POWER_FAULT_CODES.intersection(state.faults or [])
    sim = state.simulated
    if codes:
        return Verdict(PRESENT, _("고장 코드 %(codes)s 보고") % {"codes": ", ".join(sorted(codes))}, sim)
    if lamp.state == PRESENT or flicker.state == PRESENT:
        return Verdict(UNKNOWN)  # a dark or flickering lamp is its own fault, not a power anomaly
    expected = Luminaire(rated_w=light["rated_power_w"]).power_w(state.lamp_on, min(max(state.dim, 0), 100))
    band = max(expected * POWER_TOLERANCE, POWER_TOLERANCE_W)
    if abs(state.power_w - expected) > band:
        return Verdict(
            PRESENT,
            _(
                "측정 %(power).1f W, 기대 %(expected).1f W"
                "(%(state)s %(dim)d%%, 정격 %(rated)d W) ± %(band).1f W 벗어남"
            )
            % {
                "power": state.power_w,
                "expected": expected,
                "state": _("점등") if state.lamp_on else _("소등"),
                "dim": state.dim,
                "rated": light["rated_power_w"],
                "band": band,
            },
            sim,
        )
    return Verdict(ABSENT)


def _flicker_verdict(state, changes: int) -> Verdict:
    sim = state.simulated
    if FLICKER_FAULT_CODES.intersection(state.faults or []):
        return Verdict(PRESENT, _("고장 코드 FLICKER 보고"), sim)
    if changes >= FLICKER_CHANGES:
        minutes = int(FLICKER_WINDOW.total_seconds() // 60)
        return Verdict(
            PRESENT, _("최근 %(m)d분 사이 점등·소등 %(n)d회 반복") % {"m": minutes, "n": changes}, sim
        )
    return Verdict(ABSENT)


def faults_evaluate(*, now: datetime | None = None, actor: audit.Actor = RULES_ACTOR) -> FaultReport:
    """Apply every rule to the fleet once; idempotent (see the module docstring)."""
    from cityhall.telemetry.models import DeviceState

    now = now or timezone.now()
    report = FaultReport(evaluated_at=now)

    lights = list(
        Streetlight.objects.exclude(state=LightState.RETIRED).values(
            "id", "code", "site_id", "base_station_id", "rated_power_w"
        )
    )
    sites = {s.pk: s for s in _sites([lt["site_id"] for lt in lights])}
    clocks = _site_clocks(sites)
    states = {s.device_id: s for s in DeviceState.objects.all()}
    stations = {s.pk: s for s in BaseStation.objects.filter(state=StationState.ACTIVE).select_related("site")}
    heard = [lt for lt in lights if lt["code"] in states]
    report.lights_checked = len(heard)
    offline_ids = {lt["id"] for lt in heard if now - states[lt["code"]].last_seen > OFFLINE_AFTER}
    report.lights_offline = len(offline_ids)

    # Base stations first: a station whose lights are (nearly) all silent is one fault, not many.
    verdicts: dict[tuple[str, str, int], Verdict] = {}
    by_station: dict[int, list[dict]] = defaultdict(list)
    for lt in heard:
        by_station[lt["base_station_id"]].append(lt)
    down: set[int] = set()
    for station_id in stations:
        members = by_station.get(station_id, [])
        silent = [lt for lt in members if lt["id"] in offline_ids]
        if len(members) >= STATION_MIN_LIGHTS and len(silent) >= math.ceil(
            STATION_OFFLINE_SHARE * len(members)
        ):
            down.add(station_id)
            newest = max(states[lt["code"]].last_seen for lt in silent)
            verdicts[(FaultKind.STATION_OFFLINE, "station", station_id)] = Verdict(
                PRESENT,
                _("가로등 %(n)d대 중 %(m)d대 통신 두절 (마지막 수신 %(at)s)")
                % {"n": len(members), "m": len(silent), "at": _fmt(newest)},
                all(states[lt["code"]].simulated for lt in silent),
            )
        else:
            verdicts[(FaultKind.STATION_OFFLINE, "station", station_id)] = Verdict(ABSENT)
    report.stations_down = len(down)

    overrides = _overrides([lt["id"] for lt in heard], now)
    online_codes = [lt["code"] for lt in heard if lt["id"] not in offline_ids]
    flicker = _flicker_changes(online_codes, now)
    for lt in heard:
        state = states[lt["code"]]
        key = lt["id"]
        if key in offline_ids:
            if lt["base_station_id"] in down:
                verdict = Verdict(UNKNOWN)  # covered by the station's order
            else:
                verdict = Verdict(
                    PRESENT,
                    _("마지막 수신 %(at)s (%(min)d분 넘게 응답 없음)")
                    % {"at": _fmt(state.last_seen), "min": int(OFFLINE_AFTER.total_seconds() // 60)},
                    state.simulated,
                )
            verdicts[(FaultKind.LIGHT_OFFLINE, "light", key)] = verdict
            # The last state of a silent light is stale: the lamp rules cannot tell either way.
            for kind in (FaultKind.LAMP_FAILURE, FaultKind.ABNORMAL_POWER, FaultKind.FLICKER):
                verdicts[(kind, "light", key)] = Verdict(UNKNOWN)
            continue
        verdicts[(FaultKind.LIGHT_OFFLINE, "light", key)] = Verdict(ABSENT)
        expected, by_operator = _expected(clocks[lt["site_id"]], overrides, key, state.last_ts)
        flickering = _flicker_verdict(state, flicker.get(lt["code"], 0))
        lamp = _lamp_verdict(state, expected, by_operator, flickering)
        verdicts[(FaultKind.LAMP_FAILURE, "light", key)] = lamp
        verdicts[(FaultKind.ABNORMAL_POWER, "light", key)] = _power_verdict(lt, state, lamp, flickering)
        verdicts[(FaultKind.FLICKER, "light", key)] = flickering

    for (kind, _target, _id), verdict in verdicts.items():
        if verdict.state == PRESENT:
            report.present[kind] = report.present.get(kind, 0) + 1
    _apply(verdicts, stations, now, actor, report)
    return report


def _sites(site_ids: list[int]):
    from ..models import StreetlightSite

    return StreetlightSite.objects.filter(pk__in=set(site_ids))


def _expected(
    clock: _SiteClock, overrides: dict[int, Override], light_id: int, at: datetime
) -> tuple[tuple[bool, int] | None, bool]:
    """What the lamp should do at ``at`` (its state's time) and whether an operator said so; None
    when that cannot be judged: a schedule switch is too close, or the state is older than the
    newest command's acknowledgement (the report of the change may still be on its way)."""
    if light_id in overrides:
        wanted, acked_at = overrides[light_id]
        if at < acked_at:
            return None, False
        if wanted is not None:
            return wanted, True
    now_cmd = clock.command_at(at)
    if clock.command_at(at - SWITCH_GRACE) != now_cmd or clock.command_at(at + SWITCH_GRACE) != now_cmd:
        return None, False
    return now_cmd, False


def _apply(
    verdicts: dict[tuple[str, str, int], Verdict],
    stations: dict[int, BaseStation],
    now: datetime,
    actor: audit.Actor,
    report: FaultReport,
) -> None:
    rtype = record_type_for(RepairOrder)
    live = RepairOrder.objects.exclude(status=RepairStatus.CLOSED).only(
        "id", "number", "kind", "light_id", "base_station_id", "recovered_at", "status"
    )
    orders: dict[tuple[str, str, int], RepairOrder] = {}
    for order in live:
        if order.light_id is not None:
            orders[(order.kind, "light", order.light_id)] = order
        else:
            orders[(order.kind, "station", order.base_station_id)] = order

    recover, relapse = [], []
    for key, verdict in verdicts.items():
        order = orders.get(key)
        if verdict.state == PRESENT and order is None:
            kind, target, target_id = key
            light = station = None
            if target == "light":
                light = Streetlight.objects.select_related("site", "base_station").get(pk=target_id)
            else:
                station = stations[target_id]
            created = order_insert(
                kind=kind,
                light=light,
                station=station,
                detail=verdict.detail,
                simulated=verdict.simulated,
                now=now,
                actor=actor,
            )
            if created is not None:
                report.opened.append(created.number)
        elif verdict.state == PRESENT and order.recovered_at is not None:
            relapse.append(order)
        elif verdict.state == ABSENT and order is not None and order.recovered_at is None:
            recover.append(order)

    for group, value, bucket in ((recover, now, report.recovered), (relapse, None, report.relapsed)):
        if not group:
            continue
        with transaction.atomic():
            # Conditional: an order closed (or already marked) meanwhile is not touched.
            condition = Q(recovered_at__isnull=True) if value is not None else Q(recovered_at__isnull=False)
            changed = set(
                RepairOrder.objects.filter(condition, pk__in=[o.pk for o in group])
                .exclude(status=RepairStatus.CLOSED)
                .values_list("pk", flat=True)
            )
            RepairOrder.objects.filter(condition, pk__in=changed).update(recovered_at=value)
            events = []
            for order in group:
                if order.pk not in changed:
                    continue
                before = {"recovered_at": order.recovered_at.isoformat() if order.recovered_at else None}
                after = {"recovered_at": value.isoformat() if value else None}
                order.recovered_at = value
                events.append(audit.event(actor, "update", rtype, order, before=before, after=after))
                bucket.append(order.number)
            audit.record_many(events)
