"""AVL intake (자동차량위치): what buses report over MQTT, validated, matched to route, trip and stop,
and turned into the vehicle's live state, stop events (door open = arrived, door closed = departed)
and segment travel times (ADR 0015).

A message is a JSON object on ``cityhall/v1/bus/{vehicle}/avl``::

    {"msg_id": "C10-01:1733200000", "vehicle": "C10-01", "ts": "2025-03-04T08:00:05+09:00",
     "lon": 126.71, "lat": 37.61, "speed_kmh": 23.5, "door": "closed", "occupancy": "FEW_SEATS_AVAILABLE"}

Bad messages go to telemetry's dead-letter store with a Korean reason; nothing of them is stored
here. Redelivered messages store nothing twice: a report older than the vehicle's last is ignored,
and stop events and segment rows are unique per trip, day and stop sequence.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from cityhall.core import deadlines
from cityhall.telemetry.choices import Reason
from cityhall.telemetry.services import dead_letters_record
from cityhall.telemetry.validation import Rejection

from . import network as net
from .choices import Occupancy, ServiceDay
from .models import RouteStop, SegmentTravel, StopEvent, Trip, Vehicle, VehicleState

TOPIC_PREFIX = "cityhall/v1/bus"
TOPIC_RE = re.compile(r"^cityhall/v1/bus/(?P<vehicle>[A-Za-z0-9_-]{1,20})/avl$")
SUBSCRIPTION = f"{TOPIC_PREFIX}/+/avl"
AT_STOP_M = 40.0  # doors opening this close to a stop are at that stop
MAX_PAYLOAD_BYTES = 2048
MAX_CLOCK_SKEW = timedelta(minutes=5)


def avl_topic(vehicle: str) -> str:
    return f"{TOPIC_PREFIX}/{vehicle}/avl"


@dataclass(frozen=True)
class AvlReport:
    msg_id: str
    vehicle: str
    ts: datetime
    lon: float
    lat: float
    speed_kmh: float
    door_open: bool
    occupancy: str


def parse(topic: str, payload: bytes, *, now: datetime) -> AvlReport | Rejection:
    """One message → a report, or a rejection saying what is wrong and where (never raises)."""
    m = TOPIC_RE.match(topic)
    if m is None:
        return Rejection(Reason.BAD_TOPIC, f"AVL 토픽 형식이 아닙니다: {topic[:80]}", "topic")
    if len(payload) > MAX_PAYLOAD_BYTES:
        return Rejection(Reason.PAYLOAD_TOO_LARGE, f"AVL 메시지는 {MAX_PAYLOAD_BYTES}바이트 이하여야 합니다.")
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        return Rejection(Reason.MALFORMED_JSON, f"JSON 형식 오류: {exc}")
    if not isinstance(data, dict):
        return Rejection(Reason.NOT_AN_OBJECT, "AVL 메시지는 JSON 객체여야 합니다.")
    for name in ("msg_id", "vehicle", "ts", "lon", "lat", "speed_kmh", "door"):
        if name not in data:
            return Rejection(Reason.MISSING_FIELD, f"'{name}' 항목이 없습니다.", name)
    if data["vehicle"] != m["vehicle"]:
        return Rejection(Reason.TOPIC_DEVICE_MISMATCH, "토픽의 차량 ID와 'vehicle'이 다릅니다.", "vehicle")
    if not isinstance(data["msg_id"], str) or not 0 < len(data["msg_id"]) <= 64:
        return Rejection(Reason.WRONG_TYPE, "'msg_id'는 64자 이하 문자열이어야 합니다.", "msg_id")
    try:
        ts = datetime.fromisoformat(str(data["ts"]))
    except ValueError:
        return Rejection(Reason.BAD_TIMESTAMP, "'ts'는 ISO 8601 시각이어야 합니다.", "ts")
    if ts.tzinfo is None:
        return Rejection(Reason.BAD_TIMESTAMP, "'ts'에 시간대가 없습니다 (예: +09:00).", "ts")
    if ts > now + MAX_CLOCK_SKEW:
        return Rejection(Reason.TS_IN_FUTURE, "'ts'가 미래 시각입니다.", "ts")
    numbers = {}
    for name, low, high in (("lon", -180, 180), ("lat", -90, 90), ("speed_kmh", 0, 200)):
        value = data[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return Rejection(Reason.WRONG_TYPE, f"'{name}'은(는) 숫자여야 합니다.", name)
        if not low <= value <= high:
            return Rejection(Reason.OUT_OF_RANGE, f"'{name}'은(는) {low}~{high} 사이여야 합니다.", name)
        numbers[name] = float(value)
    if data["door"] not in ("open", "closed"):
        return Rejection(Reason.WRONG_TYPE, "'door'는 open 또는 closed여야 합니다.", "door")
    occupancy = data.get("occupancy", "")
    if occupancy and occupancy not in Occupancy.values:
        return Rejection(
            Reason.OUT_OF_RANGE,
            f"'occupancy'는 {', '.join(Occupancy.values)} 중 하나여야 합니다.",
            "occupancy",
        )
    return AvlReport(
        msg_id=data["msg_id"],
        vehicle=data["vehicle"],
        ts=ts,
        door_open=data["door"] == "open",
        occupancy=occupancy,
        **numbers,
    )


# -- matching ---------------------------------------------------------------------------------------


@dataclass
class _Pattern:
    route_id: int
    code: str
    stops: list[RouteStop]
    length_m: float
    spec: net.RouteSpec | None

    @property
    def last_index(self) -> int:
        return len(self.stops) - 1


def _patterns(route_ids: set[int]) -> dict[int, _Pattern]:
    specs = {s.code: s for s in net.ROUTES}
    out: dict[int, _Pattern] = {}
    for rs in (
        RouteStop.objects.filter(route_id__in=route_ids).select_related("route", "stop").order_by("sequence")
    ):
        p = out.setdefault(
            rs.route_id, _Pattern(rs.route_id, rs.route.code, [], 0.0, specs.get(rs.route.code))
        )
        p.stops.append(rs)
        p.length_m = max(p.length_m, rs.distance_m)
    return out


def _project(pattern: _Pattern, x: float, y: float) -> float:
    """Distance along the loop of the point of the route's path nearest (x, y) — map matching."""
    pts = net.shape(pattern.spec) if pattern.spec else [(rs.stop.x, rs.stop.y) for rs in pattern.stops]
    best, best_d2, along = 0.0, math.inf, 0.0
    for (x1, y1), (x2, y2) in zip(pts, pts[1:], strict=False):
        dx, dy = x2 - x1, y2 - y1
        length2 = dx * dx + dy * dy
        t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / length2))
        px, py = x1 + t * dx, y1 + t * dy
        d2 = (x - px) ** 2 + (y - py) ** 2
        if d2 < best_d2:
            best, best_d2 = along + t * math.sqrt(length2), d2
        along += math.sqrt(length2)
    return best % pattern.length_m if pattern.length_m else best


def _stop_at(pattern: _Pattern, x: float, y: float) -> RouteStop | None:
    for rs in pattern.stops:
        if math.hypot(rs.stop.x - x, rs.stop.y - y) <= AT_STOP_M:
            return rs
    return None


def service_of(day: date) -> str:
    """평일 or 토·공휴일 (Korean public holidays from core.deadlines)."""
    return ServiceDay.HOLIDAY if day.weekday() >= 5 or deadlines.is_holiday(day) else ServiceDay.WEEKDAY


def seconds_of_day(moment: datetime) -> int:
    local = timezone.localtime(moment)
    return local.hour * 3600 + local.minute * 60 + local.second


def seconds_into(service_date: date, moment: datetime) -> int:
    """Seconds of ``moment`` counted from the start of ``service_date`` (past 24:00 for a trip that
    runs after midnight, as GTFS times do)."""
    local = timezone.localtime(moment)
    return (local.date() - service_date).days * 86400 + seconds_of_day(moment)


def _match_trip(
    pattern: _Pattern, sequence: int, moment: datetime, vehicle_id: int, batch: dict[int, VehicleState]
) -> tuple[Trip, date] | None:
    """The trip (and its service date) whose timetable puts a bus at stop ``sequence`` nearest to
    ``moment`` (within 30 min): today's, or yesterday's still running past midnight. Among those no
    other bus runs or has already served this stop with: two buses on one trip would write over each
    other's stop events (one bus's arrival, the other's departure). ``batch``: the states of this
    batch's vehicles, not saved yet."""
    offset = pattern.stops[sequence].offset_s
    today = timezone.localtime(moment).date()
    best: tuple[int, Trip, date] | None = None
    for day in (today, today - timedelta(days=1)):
        at = seconds_into(day, moment) - offset
        held = (
            VehicleState.objects.filter(service_date=day, trip__isnull=False)
            .exclude(vehicle_id=vehicle_id)
            .values("trip_id")
        )
        served = (
            StopEvent.objects.filter(service_date=day, sequence=sequence)
            .exclude(vehicle_id=vehicle_id)
            .values("trip_id")
        )
        trips = Trip.objects.filter(route_id=pattern.route_id, service=service_of(day)).exclude(pk__in=held)
        trips = trips.exclude(pk__in=served).exclude(
            pk__in=[
                s.trip_id
                for s in batch.values()
                if s.trip_id is not None and s.vehicle_id != vehicle_id and s.service_date == day
            ]
        )
        before = trips.filter(start_s__lte=at).order_by("-start_s").first()
        after = trips.filter(start_s__gt=at).order_by("start_s").first()
        for trip in (before, after):
            if trip is not None and (best is None or abs(trip.start_s - at) < best[0]):
                best = (abs(trip.start_s - at), trip, day)
    return (best[1], best[2]) if best is not None and best[0] <= 1800 else None


def _delay(trip: Trip, service_date: date, pattern: _Pattern, sequence: int, moment: datetime) -> int:
    return seconds_into(service_date, moment) - (trip.start_s + pattern.stops[sequence].offset_s)


@dataclass
class IngestReport:
    stored: int = 0
    ignored: int = 0  # older than the vehicle's last report, or a redelivery
    rejected: int = 0
    arrivals: int = 0
    departures: int = 0
    segments: int = 0
    unknown: list[str] = field(default_factory=list)


def avl_ingest(messages: list[tuple[str, bytes]], *, now: datetime | None = None) -> IngestReport:
    """Store a batch of AVL messages in one transaction (the MQTT subscriber calls this)."""
    now = now or timezone.now()
    report = IngestReport()
    reports: list[AvlReport] = []
    rejections = []
    for topic, payload in messages:
        parsed = parse(topic, payload, now=now)
        if isinstance(parsed, Rejection):
            rejections.append((topic, payload, now, parsed))
        else:
            reports.append(parsed)
    with transaction.atomic():
        vehicles = {v.code: v for v in Vehicle.objects.filter(code__in={r.vehicle for r in reports})}
        for r in reports:
            if r.vehicle not in vehicles:
                rejections.append(
                    (
                        avl_topic(r.vehicle),
                        b"",
                        now,
                        Rejection(
                            Reason.UNKNOWN_DEVICE,
                            f"등록되지 않은 차량입니다: {r.vehicle}",
                            "vehicle",
                            r.vehicle,
                        ),
                    )
                )
                report.unknown.append(r.vehicle)
        patterns = _patterns({v.route_id for v in vehicles.values()})
        # One locked read and one write per vehicle and batch, however many reports it sent.
        states = {
            s.vehicle_id: s
            for s in VehicleState.objects.select_for_update().filter(vehicle__in=vehicles.values())
        }
        changed: dict[int, VehicleState] = {}
        for r in sorted(reports, key=lambda r: r.ts):
            vehicle = vehicles.get(r.vehicle)
            if vehicle is None:
                continue
            state = _apply(vehicle, states.get(vehicle.pk), patterns.get(vehicle.route_id), r, report, states)
            if state is not None:
                states[vehicle.pk] = changed[vehicle.pk] = state
        for state in changed.values():
            state.save()
        if rejections:
            dead_letters_record(rejections)
    report.rejected = len(rejections)
    return report


def _apply(
    vehicle: Vehicle,
    state: VehicleState | None,
    pattern: _Pattern | None,
    r: AvlReport,
    report: IngestReport,
    batch: dict[int, VehicleState],
) -> VehicleState | None:
    """The state after report ``r`` (unsaved), or None when ``r`` is not newer than what we have."""
    if state is not None and (r.ts <= state.observed_at or r.msg_id == state.last_message_id):
        report.ignored += 1
        return None
    x, y = net.to_xy(r.lon, r.lat)
    was_open = state.door_open if state is not None else False
    if state is None:
        state = VehicleState(vehicle=vehicle, lon=r.lon, lat=r.lat, observed_at=r.ts)
    state.lon, state.lat, state.speed_kmh, state.occupancy = r.lon, r.lat, r.speed_kmh, r.occupancy
    state.observed_at, state.last_message_id = r.ts, r.msg_id
    if pattern is not None and pattern.stops:
        state.distance_m = _project(pattern, x, y)
        at = _stop_at(pattern, x, y)
        if at is not None and r.door_open and not was_open:
            _arrive(state, pattern, at, r.ts, report, batch)
        elif at is not None and not r.door_open and was_open:
            _depart(state, pattern, at, r.ts, report, batch)
    state.door_open = r.door_open
    report.stored += 1
    return state


def _arrival_sequence(state: VehicleState, pattern: _Pattern, at: RouteStop) -> int:
    """Which visit of the stop this is: the first stop of a loop is also its last."""
    if at.sequence == 0 and state.trip_id is not None and state.last_stop_index >= 1:
        return pattern.last_index
    return at.sequence


def _arrive(
    state: VehicleState,
    pattern: _Pattern,
    at: RouteStop,
    ts: datetime,
    report: IngestReport,
    batch: dict[int, VehicleState],
) -> None:
    sequence = _arrival_sequence(state, pattern, at)
    if state.trip_id is None or sequence <= state.last_stop_index and sequence != 0:
        matched = _match_trip(pattern, sequence, ts, state.vehicle_id, batch)
        state.trip, state.service_date = matched or (None, None)
        state.last_stop_index, state.departed_at = -1, None
    if sequence == 0 and state.last_stop_index != -1:
        state.last_stop_index, state.departed_at = -1, None
    if state.trip is None:  # off the timetable (an extra run, past the last bus): tracked, not recorded
        state.last_stop_index, state.delay_s = sequence, None
        return
    delay = _delay(state.trip, state.service_date, pattern, sequence, ts)
    _, created = StopEvent.objects.get_or_create(
        trip=state.trip,
        service_date=state.service_date,
        sequence=sequence,
        defaults={"stop": at.stop, "vehicle": state.vehicle, "arrived_at": ts, "delay_s": delay},
    )
    report.arrivals += int(created)
    if state.departed_at is not None and state.last_stop_index == sequence - 1:
        _, made = SegmentTravel.objects.get_or_create(
            trip=state.trip,
            service_date=state.service_date,
            segment_index=sequence - 1,
            defaults={
                "route_id": pattern.route_id,
                "vehicle": state.vehicle,
                "departed_at": state.departed_at,
                "travel_s": (ts - state.departed_at).total_seconds(),
                "simulated": state.vehicle.simulated,
            },
        )
        report.segments += int(made)
    state.delay_s = delay
    state.last_stop_index = sequence


def _depart(
    state: VehicleState,
    pattern: _Pattern,
    at: RouteStop,
    ts: datetime,
    report: IngestReport,
    batch: dict[int, VehicleState],
) -> None:
    sequence = at.sequence if state.last_stop_index != pattern.last_index else 0
    if sequence == 0 and (state.trip_id is None or state.last_stop_index == pattern.last_index):
        # the loop's end is the next trip's start
        matched = _match_trip(pattern, 0, ts, state.vehicle_id, batch)
        state.trip, state.service_date = matched or (None, None)
    if sequence != 0 and state.last_stop_index != sequence:
        return  # doors closed at a stop we did not see it arrive at: wait for the next arrival
    if state.trip is None:
        state.last_stop_index, state.departed_at = sequence, ts
        return
    event, created = StopEvent.objects.get_or_create(
        trip=state.trip,
        service_date=state.service_date,
        sequence=sequence,
        defaults={"stop": at.stop, "vehicle": state.vehicle, "departed_at": ts},
    )
    if not created and event.vehicle_id == state.vehicle_id:  # never another bus's event
        StopEvent.objects.filter(pk=event.pk).update(departed_at=ts)
    if sequence == 0:
        state.delay_s = _delay(state.trip, state.service_date, pattern, 0, ts)
    report.departures += 1
    state.last_stop_index = sequence
    state.departed_at = ts
