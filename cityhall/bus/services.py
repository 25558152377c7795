"""Writes of the bus information system. Every write takes an actor and is audited; the network is
generated from ``network.py`` (모의) and regenerated in place, so codes (GTFS IDs) never change."""

from __future__ import annotations

import math
from datetime import UTC, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cityhall.core import audit
from cityhall.core.audit import Actor
from cityhall.core.permissions import has_permission
from cityhall.core.records import record_type_for
from cityhall.core.services import RecordInvalid
from cityhall.maintenance import selectors as maintenance_selectors
from cityhall.maintenance import services as maintenance
from cityhall.maintenance.services import AssetRef
from cityhall.organisation.models import OrgUnit

from . import network as net
from .choices import (
    BIT_OFFLINE_S,
    BIT_REPAIR_DUE_HOURS,
    BIT_REPAIR_KIND,
    DEPARTMENT,
    SEED_NOTICES_2024,
    BitState,
    NoticeStatus,
    ServiceDay,
)
from .models import Bit, BitNotice, NoticeTemplate, Route, RouteStop, ServiceAlert, Stop, Trip, Vehicle
from .selectors import BUS_STAFF

HOLIDAY_HEADWAY_FACTOR = 1.5  # 토·공휴일 배차: fewer buses
TEXT_MAX = 200
RULES_ACTOR = Actor.system("rules:bus-bits")


def _department() -> OrgUnit:
    unit = OrgUnit.objects.filter(code=DEPARTMENT).first()
    if unit is None:
        raise RecordInvalid(_("스마트도시과(smart-city) 조직이 없습니다. 먼저 계획 데이터를 불러오세요."))
    return unit


def _check_staff(actor: Actor) -> None:
    if actor.user is not None and not has_permission(actor.user, BUS_STAFF):
        raise PermissionDenied(_("버스정보시스템을 바꿀 권한이 없습니다."))


def _snapshot(obj, fields: tuple[str, ...]) -> dict:
    out = {}
    for name in fields:
        value = getattr(obj, name)
        out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


# -- network ----------------------------------------------------------------------------------------


def trip_code(route_code: str, service: str, start_s: int) -> str:
    """Stable: the route, the service day and the departure minute (``C10-WD-0530``)."""
    tag = "WD" if service == ServiceDay.WEEKDAY else "HD"
    return f"{route_code}-{tag}-{start_s // 3600:02d}{start_s % 3600 // 60:02d}"


def _departures(route: Route, service: str) -> list[int]:
    first = route.first_departure.hour * 3600 + route.first_departure.minute * 60
    last = route.last_departure.hour * 3600 + route.last_departure.minute * 60
    headway = route.headway_min * 60
    if service == ServiceDay.HOLIDAY:
        headway = round(headway * HOLIDAY_HEADWAY_FACTOR / 60) * 60
    return list(range(first, last + 1, headway))


def _trips_sync(route: Route) -> None:
    """Trips follow the route's timetable: new departures added, dropped ones deleted, kept ones keep
    their code (and so their GTFS trip_id)."""
    wanted = {
        trip_code(route.code, service, start): (service, start)
        for service in ServiceDay.values
        for start in _departures(route, service)
    }
    have = set(Trip.objects.filter(route=route).values_list("code", flat=True))
    Trip.objects.filter(route=route).exclude(code__in=wanted).delete()
    Trip.objects.bulk_create(
        [
            Trip(route=route, code=code, service=s, start_s=start)
            for code, (s, start) in wanted.items()
            if code not in have
        ]
    )


def vehicles_needed(route: Route, loop_s: int) -> int:
    """Buses to keep the headway on a loop: one more for the layover at the terminus."""
    return math.ceil(loop_s / (route.headway_min * 60)) + 1


@transaction.atomic
def network_ensure(*, actor: Actor) -> int:
    """Create the synthetic network (모의) if it is missing: routes, stops, patterns, trips, vehicles
    and BITs at about 40 % of the stops (the seed's 39.4 %, l.1093). Idempotent; two callers at once
    create it once (unique codes). Returns the number of routes created."""
    _check_staff(actor)
    if Route.objects.filter(simulated=True).exists():
        return 0
    unit = _department()
    created = 0
    rtype_route, rtype_stop = record_type_for(Route), record_type_for(Stop)
    stops: dict[str, Stop] = {s.code: s for s in Stop.objects.all()}
    for spec in net.ROUTES:
        pattern = net.pattern(spec)
        for ps in pattern:
            if ps.stop.code not in stops:
                lon, lat = net.to_lonlat(ps.stop.x, ps.stop.y)
                stop = Stop.objects.create(
                    code=ps.stop.code,
                    name=ps.stop.name,
                    x=ps.stop.x,
                    y=ps.stop.y,
                    lon=lon,
                    lat=lat,
                    simulated=True,
                    org_unit=unit,
                )
                stops[stop.code] = stop
                audit.record(actor, "create", rtype_stop, stop, after=_snapshot(stop, ("code", "name")))
        try:
            with transaction.atomic():
                route = Route.objects.create(
                    code=spec.code,
                    number=spec.number,
                    name=f"{spec.number}번 ({' → '.join(spec.loop)} 순환)",
                    kind=spec.kind,
                    color=spec.color,
                    headway_min=spec.headway_min,
                    first_departure=time.fromisoformat(spec.first_departure),
                    last_departure=time.fromisoformat(spec.last_departure),
                    simulated=True,
                    org_unit=unit,
                )
        except IntegrityError:
            continue  # someone else made it
        created += 1
        RouteStop.objects.bulk_create(
            [
                RouteStop(
                    route=route,
                    sequence=ps.sequence,
                    stop=stops[ps.stop.code],
                    distance_m=ps.distance_m,
                    offset_s=ps.offset_s,
                )
                for ps in pattern
            ]
        )
        _trips_sync(route)
        Vehicle.objects.bulk_create(
            [
                Vehicle(code=f"{spec.code}-{n:02d}", route=route, plate="", simulated=True, org_unit=unit)
                for n in range(1, vehicles_needed(route, pattern[-1].offset_s) + 1)
            ]
        )
        audit.record(
            actor, "create", rtype_route, route, after=_snapshot(route, ("code", "number", "headway_min"))
        )
    rtype_bit = record_type_for(Bit)
    for i, code in enumerate(sorted(stops)):
        if i % 5 in (0, 2) and not Bit.objects.filter(stop=stops[code]).exists():
            bit = Bit.objects.create(code=f"BIT-{code}", stop=stops[code], simulated=True, org_unit=unit)
            audit.record(actor, "create", rtype_bit, bit, after={"code": bit.code, "stop": code})
    return created


def stop_rename(*, code: str, name: str, actor: Actor) -> Stop:
    """정류소명 변경: the feed is regenerated from the tables, so its stop_id (the code) stays."""
    _check_staff(actor)
    name = (name or "").strip()
    if not name:
        raise RecordInvalid(_("정류소명을 입력해 주세요."), field="name")
    if len(name) > 100:
        raise RecordInvalid(_("정류소명은 100자 이내로 입력해 주세요."), field="name")
    with transaction.atomic():
        stop = Stop.objects.select_for_update().filter(code=code).first()
        if stop is None:
            raise RecordInvalid(_("정류소 '%(code)s'이(가) 없습니다.") % {"code": code}, field="code")
        before = _snapshot(stop, ("name",))
        stop.name = name
        stop.save(update_fields=["name", "updated_at"])
        audit.record(actor, "update", record_type_for(Stop), stop, before=before, after={"name": name})
    return stop


def route_set_headway(*, code: str, headway_min: int, actor: Actor) -> Route:
    """배차간격 변경: trips are regenerated; the departures that remain keep their trip IDs."""
    _check_staff(actor)
    if not isinstance(headway_min, int) or not 3 <= headway_min <= 120:
        raise RecordInvalid(_("배차간격은 3분에서 120분 사이의 정수여야 합니다."), field="headway_min")
    with transaction.atomic():
        route = Route.objects.select_for_update().filter(code=code).first()
        if route is None:
            raise RecordInvalid(_("노선 '%(code)s'이(가) 없습니다.") % {"code": code}, field="code")
        before = {"headway_min": route.headway_min}
        route.headway_min = headway_min
        route.save(update_fields=["headway_min", "updated_at"])
        _trips_sync(route)
        audit.record(
            actor, "update", record_type_for(Route), route, before=before, after={"headway_min": headway_min}
        )
    return route


# -- service alerts ---------------------------------------------------------------------------------


def alert_create(
    *,
    header: str,
    description: str,
    starts_at: datetime,
    ends_at: datetime,
    actor: Actor,
    route: str = "",
    stop: str = "",
) -> ServiceAlert:
    """운행 알림 등록 (GTFS-Realtime ServiceAlerts)."""
    _check_staff(actor)
    errors: dict[str, list[str]] = {}
    header = (header or "").strip()
    if not header or len(header) > 100:
        errors["header"] = [_("제목을 100자 이내로 입력해 주세요.")]
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        errors["ends_at"] = [_("종료 시각은 시작 시각보다 뒤여야 합니다.")]
    target_route = Route.objects.filter(code=route).first() if route else None
    target_stop = Stop.objects.filter(code=stop).first() if stop else None
    if route and target_route is None:
        errors["route"] = [_("노선 '%(code)s'이(가) 없습니다.") % {"code": route}]
    if stop and target_stop is None:
        errors["stop"] = [_("정류소 '%(code)s'이(가) 없습니다.") % {"code": stop}]
    if not route and not stop:
        errors["route"] = [_("노선이나 정류소 중 하나 이상을 지정해 주세요.")]
    if errors:
        raise RecordInvalid(errors)
    with transaction.atomic():  # the alert and its audit event, or neither
        alert = ServiceAlert.objects.create(
            header=header,
            description=(description or "").strip(),
            route=target_route,
            stop=target_stop,
            starts_at=starts_at,
            ends_at=ends_at,
            org_unit=_department(),
        )
        audit.record(actor, "create", record_type_for(ServiceAlert), alert, after={"header": header})
    return alert


# -- BIT notices (시정홍보) --------------------------------------------------------------------------


def _next_notice_number(year: int) -> str:
    prefix = f"BN-{year}-"
    last = (
        BitNotice.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:03d}"


def notice_create(
    *,
    starts_at: datetime,
    ends_at: datetime,
    actor: Actor,
    text: str = "",
    template: str = "",
    values: dict[str, str] | None = None,
    requested_by: str = "",
) -> BitNotice:
    """시정홍보 요청: a text, or a template filled with ``values``; shown only once approved."""
    _check_staff(actor)
    errors: dict[str, list[str]] = {}
    tpl = None
    if template:
        tpl = NoticeTemplate.objects.filter(code=template).first()
        if tpl is None:
            errors["template"] = [_("양식 '%(code)s'이(가) 없습니다.") % {"code": template}]
        else:
            try:
                text = tpl.body.format(**(values or {}))
            except (KeyError, IndexError, ValueError) as exc:
                errors["template"] = [_("양식에 채울 값이 빠졌거나 잘못되었습니다: %(key)s") % {"key": exc}]
    text = (text or "").strip()
    if not errors.get("template") and (not text or len(text) > TEXT_MAX):
        errors["text"] = [_("표출 문구를 %(n)d자 이내로 입력해 주세요.") % {"n": TEXT_MAX}]
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        errors["ends_at"] = [_("표출 종료는 표출 시작보다 뒤여야 합니다.")]
    if errors:
        raise RecordInvalid(errors)
    for _attempt in range(3):  # two requests at once: the number is unique, the loser takes the next
        try:
            with transaction.atomic():
                notice = BitNotice.objects.create(
                    number=_next_notice_number(timezone.localtime(starts_at).year),
                    template=tpl,
                    text=text,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    requested_by=(requested_by or "").strip()[:100],
                    org_unit=_department(),
                )
                audit.record(actor, "create", record_type_for(BitNotice), notice, after={"text": text})
                return notice
        except IntegrityError:
            continue
    raise RecordInvalid(_("번호를 정하지 못했습니다. 다시 시도해 주세요."))


def notice_decide(*, number: str, approve: bool, actor: Actor, now: datetime | None = None) -> BitNotice:
    """승인 (or 철회): only a draft is approved; an approved one may be withdrawn."""
    _check_staff(actor)
    with transaction.atomic():
        notice = BitNotice.objects.select_for_update().filter(number=number).first()
        if notice is None:
            raise RecordInvalid(_("시정홍보 '%(n)s'이(가) 없습니다.") % {"n": number}, field="number")
        before = {"status": notice.status}
        if approve:
            if notice.status != NoticeStatus.DRAFT:
                raise RecordInvalid(_("작성 상태의 시정홍보만 승인할 수 있습니다."), field="status")
            notice.status = NoticeStatus.APPROVED
            notice.approved_by = actor.user
            notice.approved_at = now or timezone.now()
        else:
            if notice.status == NoticeStatus.WITHDRAWN:
                raise RecordInvalid(_("이미 철회된 시정홍보입니다."), field="status")
            notice.status = NoticeStatus.WITHDRAWN
        notice.save(update_fields=["status", "approved_by", "approved_at"])
        audit.record(
            actor,
            "approve" if approve else "withdraw",
            record_type_for(BitNotice),
            notice,
            before=before,
            after={"status": notice.status},
        )
    return notice


SAMPLE_TEMPLATES = (
    ("event", "행사 안내", "{title} {when} {place}"),
    ("safety", "안전 안내", "{title} — {detail}"),
    ("civil", "민원·행정 안내", "{title} 문의 {contact}"),
)
# What the city's notices on BITs were about (seed l.356 counts 77 in 2024, without listing them):
# labelled samples (예시), spread over the year.
SAMPLE_SUBJECTS = (
    ("event", {"title": "[예시] 김포 문화행사", "when": "주말", "place": "시청 광장"}),
    ("safety", {"title": "[예시] 폭염 대비", "detail": "무더위쉼터를 이용하세요"}),
    ("civil", {"title": "[예시] 자동차세 연납 신청", "contact": "세정과"}),
    ("safety", {"title": "[예시] 겨울철 빙판길", "detail": "보행 안전에 유의하세요"}),
    ("event", {"title": "[예시] 김포 한강 야경 축제", "when": "10월", "place": "한강중앙공원"}),
)


@transaction.atomic
def notices_load_samples(*, actor: Actor) -> int:
    """The 77 notices of 2024 (seed l.356) as approved samples (예시), one every ~4.7 days, a week
    each; and the three templates. Idempotent."""
    _check_staff(actor)
    unit = _department()
    for code, name, body in SAMPLE_TEMPLATES:
        NoticeTemplate.objects.get_or_create(
            code=code, defaults={"name": name, "body": body, "org_unit": unit}
        )
    if BitNotice.objects.filter(sample=True).exists():
        return 0
    templates = {t.code: t for t in NoticeTemplate.objects.all()}
    start = datetime(2024, 1, 1, tzinfo=UTC) - timedelta(hours=9)  # 00:00 KST
    rows = []
    for i in range(SEED_NOTICES_2024):
        code, values = SAMPLE_SUBJECTS[i % len(SAMPLE_SUBJECTS)]
        begins = start + timedelta(days=round(i * 365 / SEED_NOTICES_2024))
        rows.append(
            BitNotice(
                number=f"BN-2024-{i + 1:03d}",
                template=templates[code],
                text=templates[code].body.format(**values),
                starts_at=begins,
                ends_at=begins + timedelta(days=7),
                status=NoticeStatus.APPROVED,
                requested_by="[예시] 홍보담당관",
                sample=True,
                org_unit=unit,
            )
        )
    BitNotice.objects.bulk_create(rows)
    first = BitNotice.objects.get(number="BN-2024-001")
    audit.record(actor, "load_samples", record_type_for(BitNotice), first, after={"count": len(rows)})
    return len(rows)


# -- BIT health -------------------------------------------------------------------------------------


def bits_heartbeat(*, codes: list[str], at: datetime) -> int:
    """Units answered (a telemetry heartbeat: not audited one by one, like readings)."""
    return Bit.objects.filter(code__in=codes).update(last_seen=at)


def bit_asset(bit: Bit) -> AssetRef:
    """The BIT as a maintenance order's asset (``bus`` / ``bit:<code>``)."""
    return AssetRef(
        app="bus",
        key=f"bit:{bit.code}",
        label=_("BIT %(code)s") % {"code": bit.code},
        org_unit=bit.org_unit,
        location=str(bit.stop),
        lat=bit.stop.lat,
        lon=bit.stop.lon,
        simulated=bit.simulated,
    )


def bits_evaluate(*, now: datetime | None = None, actor: Actor = RULES_ACTOR) -> list[Bit]:
    """A BIT silent for ``BIT_OFFLINE_S`` — or that has never answered since it was registered that
    long ago — goes offline (audited); one that answers again comes back. Every offline BIT has one
    open repair order (a shared maintenance order, opened idempotently: two evaluators at once open
    one); a BIT back online has its order closed as recovered. Returns the units that went offline now.
    """
    now = now or timezone.now()
    limit = now - timedelta(seconds=BIT_OFFLINE_S)
    rtype = record_type_for(Bit)
    silent = Q(last_seen__lt=limit) | Q(last_seen__isnull=True, registered_at__lt=limit)
    went_offline = []
    with transaction.atomic():
        for bit in Bit.objects.select_for_update().filter(silent, state=BitState.ONLINE):
            bit.state = BitState.OFFLINE
            bit.save(update_fields=["state"])
            audit.record(actor, "offline", rtype, bit, before={"state": "online"}, after={"state": "offline"})
            went_offline.append(bit)
        for bit in Bit.objects.select_for_update().filter(state=BitState.OFFLINE, last_seen__gte=limit):
            bit.state = BitState.ONLINE
            bit.save(update_fields=["state"])
            audit.record(actor, "online", rtype, bit, before={"state": "offline"}, after={"state": "online"})
    bit_repairs_sync(now=now, actor=actor)
    return went_offline


def bit_repairs_sync(*, now: datetime | None = None, actor: Actor = RULES_ACTOR) -> tuple[int, int]:
    """Open a repair order for every offline BIT without one, close the order of every BIT that is
    online again. Idempotent; returns (opened, closed)."""
    now = now or timezone.now()
    orders = maintenance_selectors.open_orders_by_asset("bus")
    opened = closed = 0
    for bit in Bit.objects.select_related("stop", "org_unit").order_by("code"):
        key = f"bit:{bit.code}"
        has_order = any(o.kind == BIT_REPAIR_KIND for o in orders.get(key, ()))
        if bit.state == BitState.OFFLINE and not has_order:
            seen = (
                timezone.localtime(bit.last_seen).strftime("%Y-%m-%d %H:%M:%S")
                if bit.last_seen
                else _("응답 기록 없음")
            )
            _order, created = maintenance.order_open(
                asset=bit_asset(bit),
                kind=BIT_REPAIR_KIND,
                kind_label=_("BIT 통신 두절"),
                due_hours=BIT_REPAIR_DUE_HOURS,
                detail=_("%(s)d초 이상 상태 보고가 없습니다 (최종 응답: %(seen)s).")
                % {"s": BIT_OFFLINE_S, "seen": seen},
                actor=actor,
                now=now,
            )
            opened += created
        elif bit.state == BitState.ONLINE and has_order:
            maintenance.order_close_for_asset(
                app="bus",
                key=key,
                kind=BIT_REPAIR_KIND,
                resolution=_("단말기 응답 재개 (자동 복구 확인)"),
                actor=actor,
                now=now,
            )
            closed += 1
    return opened, closed
