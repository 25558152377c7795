"""Writes of the traffic twin: the default network and its controllers, OSM imports, signal plans
(validated so no plan can run unsafely, also through the generic record pages), controller state,
emergency-vehicle preemption runs (request, simulate, hand over) and benchmark reports."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from cityhall.core import audit
from cityhall.core.audit import Actor
from cityhall.core.records import record_type_for
from cityhall.core.services import RecordInvalid, record_update
from cityhall.telemetry.services import IngestReport, Message, dead_letters_record
from cityhall.telemetry.validation import Rejection

from . import selectors, twin_text, vds
from . import vms as vms_rules
from .choices import (
    DEPARTMENT,
    JunctionAction,
    NetworkSource,
    RunStatus,
    Strategy,
    VehicleType,
    VmsMessageStatus,
    VmsSendStatus,
)
from .models import (
    BenchmarkReport,
    DetectorReading,
    EmergencyRun,
    JunctionPlan,
    SignalController,
    SignalPlan,
    TrafficNetwork,
    VmsMessage,
    VmsSend,
    VmsSign,
)
from .twin import detectors as twin_detectors
from .twin import network as twin_network
from .twin import scenario as twin_scenario
from .twin import signals as twin_signals
from .twin import simulation
from .twin.demand import Trip, background_trips, vehicles_per_hour_at
from .twin.sumo import SumoError

# libsumo runs one simulation per process: runs queue here.
_SIMULATION_LOCK = threading.Lock()
SYNTHETIC_CODE = "synthetic-grid"
RUN_DEPART_S = 120  # the emergency vehicle leaves after two minutes of background traffic
RUN_DEMAND_S = 600


def twin_directory() -> Path:
    return Path(settings.DATA_DIR) / "traffic"


def _department():
    from cityhall.organisation.models import OrgUnit

    unit = OrgUnit.objects.filter(code=DEPARTMENT).first()
    if unit is None:
        raise RecordInvalid(
            _("관리부서(%(code)s)가 없습니다. 먼저 계획 데이터를 불러오세요.") % {"code": DEPARTMENT}
        )
    return unit


def plan_to_record(plan: twin_signals.Plan) -> dict:
    return {"cycle_s": plan.cycle, "offset_s": plan.offset, "phases": [p.as_dict() for p in plan.phases]}


@transaction.atomic
def _register_network(*, code: str, name: str, source: str, path: Path, actor: Actor) -> TrafficNetwork:
    unit = _department()
    info = twin_network.read_network(path)
    TrafficNetwork.objects.filter(active=True).update(active=False)
    network = TrafficNetwork.objects.create(code=code, name=name, source=source, path=str(path), active=True)
    plans = twin_scenario.coordinated_plans(info)
    label = "모의 교차로" if source == NetworkSource.SYNTHETIC else "교차로"
    controllers = SignalController.objects.bulk_create(
        SignalController(
            network=network,
            org_unit=unit,
            code=f"{code}-{tls_id}"[:170],
            tls_id=tls_id,
            name=f"{label} {tls_id}",
            x=round(signal.x),
            y=round(signal.y),
            link_count=signal.link_count,
        )
        for tls_id, signal in sorted(info.signals.items())
        if tls_id in plans
    )
    SignalPlan.objects.bulk_create(
        SignalPlan(controller=c, **plan_to_record(plans[c.tls_id])) for c in controllers
    )
    rtype = record_type_for(SignalController)
    audit.record_many(
        audit.event(actor, "create", rtype, c, after={"network": name, "tls_id": c.tls_id})
        for c in controllers
    )
    return network


def network_ensure_default(*, actor: Actor) -> TrafficNetwork:
    """The active network; the synthetic 6 × 6 grid (모의) is built on first use. Two first uses at
    once register it once: the network code is unique and the loser reads the winner's."""
    network = selectors.active_network()
    if network is not None:
        return network
    path = twin_directory() / "default" / twin_network.NET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
            os.replace(twin_network.build_grid(Path(tmp)), path)  # whole file or none
    try:
        return _register_network(
            code=SYNTHETIC_CODE,
            name="모의 격자망 6×6 (스마트교차로 36개소)",
            source=NetworkSource.SYNTHETIC,
            path=path,
            actor=actor,
        )
    except IntegrityError:
        return TrafficNetwork.objects.get(code=SYNTHETIC_CODE)


def network_import_osm(*, osm_file: Path, actor: Actor, name: str = "") -> TrafficNetwork:
    """Builds a network from an OpenStreetMap extract (netconvert) and makes it the active one."""
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    try:
        path = twin_network.import_osm(Path(osm_file), twin_directory() / f"osm-{stamp}")
    except SumoError as exc:
        raise RecordInvalid(twin_text.error_text(exc), field="file") from exc
    info = twin_network.read_network(path)
    if not any(len(s.green_states) >= 2 for s in info.signals.values()):
        message = _("신호교차로가 없는 OSM 파일입니다: %(file)s") % {"file": osm_file}
        raise RecordInvalid(message, field="file")
    return _register_network(
        code=f"osm-{stamp}",
        name=name or f"OSM {Path(osm_file).name}",
        source=NetworkSource.OSM,
        path=path,
        actor=actor,
    )


def signal_plan_rules(obj: SignalPlan, before: dict | None) -> dict[str, list[str]]:
    """The plan must run safely: phases cover the cycle, offset below the cycle, minimum greens,
    yellows and all-reds kept, no conflicting priority greens (checked on every write)."""
    try:
        plan = selectors.plan_from_record(obj)
    except (KeyError, TypeError, ValueError) as exc:
        return {"phases": [_("현시 형식이 잘못되었습니다: %(error)s") % {"error": exc}]}
    signal = None
    controller = obj.controller
    if controller is not None:
        info = twin_network.read_network(Path(controller.network.path))
        signal = info.signals.get(controller.tls_id)
    errors: dict[str, list[str]] = {}
    for loc, message in twin_signals.plan_errors(
        plan,
        link_count=signal.link_count if signal else None,
        foes=signal.foes if signal else (),
    ):
        field = {"cycle": "cycle_s", "offset": "offset_s"}.get(loc, "phases")
        message = twin_text.translated(message)
        shown = message if loc in ("cycle", "offset", "phases") else f"{loc}: {message}"
        errors.setdefault(field, []).append(shown)
    return errors


def signal_plan_update(
    *, plan: SignalPlan, cycle_s: int, offset_s: int, phases: list[dict], actor: Actor
) -> SignalPlan:
    return record_update(
        rtype=record_type_for(SignalPlan),
        obj=plan,
        data={"cycle_s": cycle_s, "offset_s": offset_s, "phases": phases},
        actor=actor,
    )


def controller_set_online(*, controller: SignalController, online: bool, actor: Actor) -> SignalController:
    return record_update(
        rtype=record_type_for(SignalController), obj=controller, data={"online": online}, actor=actor
    )


def _route_errors(network: TrafficNetwork, route: list[str]) -> list[str]:
    info = twin_network.read_network(Path(network.path))
    if len(route) < 2:
        return [_("경로는 링크 두 개 이상이어야 합니다.")]
    missing = twin_network.route_is_valid(info, route)
    if missing:
        return [_("도로망에 없는 링크입니다: %(links)s") % {"links": ", ".join(missing[:5])}]
    for n, (a, b) in enumerate(zip(route, route[1:], strict=False)):
        if info.edge_nodes[a][1] != info.edge_nodes[b][0]:
            message = _("%(n)s번째 링크 %(a)s와(과) 다음 링크 %(b)s가 이어지지 않습니다.")
            return [message % {"n": n + 1, "a": a, "b": b}]
    return []


def emergency_run_request(
    *,
    unit: str,
    vehicle_type: str,
    incident: str,
    actor: Actor,
    route: list[str] | None = None,
    origin: str = "",
    destination: str = "",
    strategy: str = Strategy.PREDICTIVE,
    seed: int = 1,
    handed_over_from: str = "",
) -> EmergencyRun:
    """A vehicle asks for priority on its dispatched route (or from ``origin`` to ``destination``)."""
    network = network_ensure_default(actor=actor)
    errors: dict[str, list[str]] = {}
    if not unit.strip():
        errors["unit"] = [_("출동 차량을 입력하세요.")]
    if vehicle_type not in VehicleType.values:
        errors["vehicle_type"] = [
            _("차종 '%(value)s'은(는) %(choices)s 중 하나여야 합니다.")
            % {"value": vehicle_type, "choices": ", ".join(VehicleType.values)}
        ]
    if not incident.strip():
        errors["incident"] = [_("사건을 입력하세요.")]
    if strategy not in Strategy.values:
        errors["strategy"] = [
            _("우선신호 방식 '%(value)s'은(는) %(choices)s 중 하나여야 합니다.")
            % {"value": strategy, "choices": ", ".join(Strategy.values)}
        ]
    if not route:
        info = twin_network.read_network(Path(network.path))
        if origin not in info.edges or destination not in info.edges:
            bad = [e for e in (origin, destination) if e not in info.edges]
            shown = ", ".join(bad) or _("(빈 값)")
            errors["route"] = [_("도로망에 없는 링크입니다: %(links)s") % {"links": shown}]
        else:
            from .twin.demand import shortest_route

            route = shortest_route(Path(network.path), origin, destination)
            if not route:
                errors["route"] = [
                    _("%(origin)s에서 %(destination)s(으)로 가는 경로가 없습니다.")
                    % {"origin": origin, "destination": destination}
                ]
    if route and "route" not in errors:
        route_problems = _route_errors(network, route)
        if route_problems:
            errors["route"] = route_problems
    if errors:
        raise RecordInvalid(errors)
    with transaction.atomic():
        run = EmergencyRun.objects.create(
            network=network,
            org_unit=_department(),
            unit=unit.strip(),
            vehicle_type=vehicle_type,
            incident=incident.strip(),
            route=route,
            strategy=strategy,
            seed=seed,
            handed_over_from=handed_over_from,
            requested_by=actor.user if actor.user is not None and actor.user.pk else None,
        )
        rtype = record_type_for(EmergencyRun)
        audit.record(actor, "create", rtype, run, after=rtype.to_data(run))
    return run


def run_demand(run: EmergencyRun) -> int:
    """Background traffic for the hour (Asia/Seoul) the run was requested, from the demand profile."""
    return vehicles_per_hour_at(timezone.localtime(run.requested_at).hour)


def _run_scenario(run: EmergencyRun) -> simulation.Scenario:
    network = run.network
    info = twin_network.read_network(Path(network.path))
    trips = background_trips(
        info, vehicles_per_hour=run_demand(run), begin=0, end=RUN_DEMAND_S, seed=run.seed
    )
    ev = "ev"
    trips.append(Trip(ev, float(RUN_DEPART_S), run.route[0], run.route[-1], emergency=True))
    plans = selectors.signal_plans(network)
    offline = frozenset(network.controllers.filter(online=False).values_list("tls_id", flat=True))
    return simulation.Scenario(
        net_path=Path(network.path),
        trips=trips,
        ev_routes={ev: list(run.route)},
        plans=plans,
        end=RUN_DEMAND_S,
        seed=run.seed,
        offline=offline,
        until_evs_arrive=True,
    )


def emergency_run_simulate(*, run: EmergencyRun, actor: Actor) -> EmergencyRun:
    """Runs the twin twice on the same traffic — without preemption and with the run's strategy — and
    stores the junction plans, the vehicle's track and the outcome."""
    scenario = _run_scenario(run)
    with _SIMULATION_LOCK:
        base = simulation.run(scenario, Strategy.NONE)
        result = simulation.run(scenario, run.strategy, trace=True)
    trace = result.evs["ev"]
    with transaction.atomic():
        run = EmergencyRun.objects.select_for_update().get(pk=run.pk)
        run.junctions.all().delete()
        JunctionPlan.objects.bulk_create(
            JunctionPlan(
                run=run,
                order=n,
                tls_id=jp.tls_id,
                action=jp.action if jp.action in JunctionAction.values else JunctionAction.NONE,
                first_call_s=_rel(jp.first_call),
                predicted_arrival_s=_rel(jp.predicted_arrival),
                green_by_s=_rel(jp.green_by),
                arrived_s=_rel(jp.arrived),
                stopped=jp.stopped,
            )
            for n, jp in enumerate(trace.junctions.values())
        )
        run.travel_time_s = _whole(trace.travel_time)
        run.baseline_travel_time_s = _whole(base.evs["ev"].travel_time)
        run.stops = trace.stops
        run.baseline_stops = base.evs["ev"].stops
        run.decision_p99_ms = Decimal(f"{result.decision_p99_ms:.3f}")
        change = result.others_delay_change(base)
        run.others_delay_change = None if change is None else Decimal(f"{change:.4f}")
        run.warnings = trace.warnings
        run.link_speeds = trace.link_speeds
        run.commands = [
            [round(t - RUN_DEPART_S), tls, event, int(phase)] for t, tls, event, phase in result.commands
        ]
        run.demand_veh_h = run_demand(run)
        run.positions = [[round(t - RUN_DEPART_S), x, y, v] for t, x, y, v in trace.positions]
        run.status = RunStatus.COMPLETED if trace.travel_time is not None else RunStatus.FAILED
        run.completed_at = timezone.now()
        run.save()
        audit.record(
            actor,
            "update",
            record_type_for(EmergencyRun),
            run,
            after={"status": run.status, "travel_time_s": run.travel_time_s},
        )
    return run


def _whole(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds)


def _rel(t: float | None) -> float | None:
    return None if t is None else round(t - RUN_DEPART_S, 1)


def benchmark_save(*, result: dict, smoke: bool) -> BenchmarkReport:
    return BenchmarkReport.objects.create(result=result, smoke=smoke)


# -- ITS: detector readings over MQTT (ADR 0028) ------------------------------------------------------


def detector_readings_ingest(
    messages: list[Message], *, known_devices: set[str] | None = None, gateways: object = None
) -> IngestReport:
    """Stores one batch of VDS messages (``vds.parse_vds``) in one transaction: valid reports as
    ``DetectorReading`` rows, once per (detector, interval end) — a redelivery or a repeat stores
    nothing — and every refused message as a dead letter in telemetry's store with its reason. A bad
    message never stops the batch; a database error rolls the whole batch back (nothing half-written)
    and the ingester does not acknowledge it. ``known_devices``: the detector IDs to accept (the
    active network's, ``selectors.detector_edges``), None for any well-formed ID (a detector not on
    the network is stored without its link)."""
    report = IngestReport(received=len(messages))
    edges = selectors.detector_edges()
    known = known_devices
    valid: dict[tuple[str, object], tuple[vds.VdsReport, datetime]] = {}
    rejected: list[tuple[str, bytes, datetime, Rejection]] = []
    for topic, payload, received_at in messages:
        try:
            verdict = vds.parse_vds(topic, payload, known, now=received_at)
        except Exception as exc:  # noqa: BLE001 - a bug on one message must not stall the batch
            verdict = Rejection("unexpected", f"메시지를 처리하는 중 오류가 났습니다: {type(exc).__name__}")
        if isinstance(verdict, Rejection):
            rejected.append((topic, payload, received_at, verdict))
            report.rejected[verdict.reason] = report.rejected.get(verdict.reason, 0) + 1
        elif (verdict.detector_id, verdict.ts) in valid:
            report.duplicates += 1
        else:
            valid[(verdict.detector_id, verdict.ts)] = (verdict, received_at)
    with transaction.atomic():
        if rejected:
            dead_letters_record(rejected)
        keys = sorted(valid, key=lambda key: (key[0], key[1]))
        stored_before = _stored_intervals(keys)
        rows = [
            DetectorReading(
                detector_id=r.detector_id,
                edge=edges.get(r.detector_id, ""),
                ts=r.ts,
                interval_s=r.interval_s,
                volume=r.volume,
                speed_kmh=r.speed_kmh,
                occupancy_pct=r.occupancy_pct,
                simulated=r.simulated,
                received_at=received_at,
            )
            for key in keys
            if key not in stored_before
            for r, received_at in [valid[key]]
        ]
        # The unique constraint is the guarantee: a concurrent ingester's row is skipped, not doubled.
        DetectorReading.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    report.stored = len(rows)
    report.duplicates += len(stored_before)
    report.devices = len({r.detector_id for r in rows})
    return report


def _stored_intervals(keys: list[tuple[str, object]]) -> set[tuple[str, object]]:
    """The (detector, interval end) pairs of ``keys`` already stored (one indexed query per 400)."""
    found: set[tuple[str, object]] = set()
    for start in range(0, len(keys), 400):
        chunk = set(keys[start : start + 400])
        rows = DetectorReading.objects.filter(
            detector_id__in={d for d, _ in chunk}, ts__in={t for _, t in chunk}
        ).values_list("detector_id", "ts")
        found.update(pair for pair in rows if pair in chunk)
    return found


# -- VMS (도로전광표지) ----------------------------------------------------------------------------------

VMS_COUNT = 29  # seed: VMS 29


def vms_ensure_default(*, actor: Actor) -> int:
    """The 29 signs on the active network, placed as 예시 (the seed counts them, not their sites):
    every fifth link into a signal, in link order, watching its own link and the next one straight
    ahead. Idempotent: signs already there are kept. Returns how many were created."""
    if VmsSign.objects.count() >= VMS_COUNT:
        return 0  # the usual case: nothing to read or lock
    network = network_ensure_default(actor=actor)
    info = twin_network.read_network(Path(network.path))
    approaches = sorted(edge for edge, (_a, to) in info.edge_nodes.items() if to in info.signals)
    chosen = approaches[:: max(1, len(approaches) // VMS_COUNT)][:VMS_COUNT]
    unit = _department()
    with transaction.atomic():
        # Two first visits at once: the second waits here, then finds the signs the first created.
        TrafficNetwork.objects.select_for_update().filter(pk=network.pk).first()
        existing = set(VmsSign.objects.values_list("code", flat=True))
        signs = []
        for n, edge in enumerate(chosen, start=1):
            code = f"VMS-{n:02d}"
            if code in existing:
                continue
            start, end = info.edge_nodes[edge]
            ahead = twin_network_straight_ahead(info, edge)
            signs.append(
                VmsSign(
                    code=code,
                    name=f"예시 {start}→{end} 접근로",
                    edge=edge,
                    watch=[edge, ahead] if ahead else [edge],
                    org_unit=unit,
                )
            )
        created = VmsSign.objects.bulk_create(signs)
        rtype = record_type_for(VmsSign)
        audit.record_many(
            audit.event(actor, "create", rtype, s, after={"code": s.code, "edge": s.edge}) for s in created
        )
    return len(created)


def twin_network_straight_ahead(info: twin_network.NetworkInfo, edge: str) -> str | None:
    """The link leaving ``edge``'s end most nearly in its direction (no U-turn), if any."""
    start, end = info.edge_nodes[edge]
    shape = info.edges[edge]
    dx, dy = shape[-1][0] - shape[0][0], shape[-1][1] - shape[0][1]
    best, best_cos = None, 0.5  # within 60°
    for other, (a, b) in sorted(info.edge_nodes.items()):
        if a != end or b == start:
            continue
        o = info.edges[other]
        ox, oy = o[-1][0] - o[0][0], o[-1][1] - o[0][1]
        norm = ((dx * dx + dy * dy) * (ox * ox + oy * oy)) ** 0.5
        cos = (dx * ox + dy * oy) / norm if norm else 0.0
        if cos > best_cos:
            best, best_cos = other, cos
    return best


def vms_override_set(*, sign: VmsSign, text: str, reason: str, actor: Actor) -> VmsSign:
    """An operator puts their own message on a sign, with a reason (audited); it stays until cleared."""
    errors = vms_rules.override_errors(text, reason)
    if errors:
        raise RecordInvalid(errors)
    with transaction.atomic():
        locked = VmsSign.objects.select_for_update().get(pk=sign.pk)
        before = {"override_text": locked.override_text, "override_reason": locked.override_reason}
        locked.override_text = vms_rules.normalise(text)
        locked.override_reason = reason.strip()
        locked.override_by = actor.user if actor.user is not None and actor.user.pk else None
        locked.override_at = timezone.now()
        locked.save(update_fields=["override_text", "override_reason", "override_by", "override_at"])
        audit.record(
            actor,
            "update",
            record_type_for(VmsSign),
            locked,
            before=before,
            after={"override_text": locked.override_text, "override_reason": locked.override_reason},
        )
    return locked


def vms_override_clear(*, sign: VmsSign, actor: Actor) -> VmsSign:
    """Back to the composed message (audited; clearing a sign with no override changes nothing)."""
    with transaction.atomic():
        locked = VmsSign.objects.select_for_update().get(pk=sign.pk)
        if not locked.override_text:
            return locked
        before = {"override_text": locked.override_text, "override_reason": locked.override_reason}
        locked.override_text = locked.override_reason = ""
        locked.override_by = None
        locked.override_at = None
        locked.save(update_fields=["override_text", "override_reason", "override_by", "override_at"])
        audit.record(
            actor,
            "update",
            record_type_for(VmsSign),
            locked,
            before=before,
            after={"override_text": "", "override_reason": ""},
        )
    return locked


@dataclass(frozen=True)
class TwinStretch:
    """A stretch of the active network simulated for a feed: the run, the network read, and the
    seconds of warm-up before the reported part (which ends at ``end_s``)."""

    result: simulation.RunResult
    info: twin_network.NetworkInfo
    warmup_s: int
    end_s: int


def twin_stretch(
    *,
    minutes: int,
    start: datetime,
    seed: int,
    vehicles_per_hour: int | None,
    actor: Actor,
    warmup_minutes: int = 0,
    detectors: bool = False,
    dsrc_penetration: float | None = None,
) -> TwinStretch:
    """Runs the active network for ``minutes`` of the demand at ``start``'s hour (or
    ``vehicles_per_hour``) under the controllers' plans, after ``warmup_minutes`` simulated first and
    not reported (the network fills with traffic), observing what the feed needs."""
    if not 1 <= minutes <= 180:
        raise RecordInvalid({"minutes": [_("모의 시간은 1–180분이어야 합니다.")]})
    network = network_ensure_default(actor=actor)
    info = twin_network.read_network(Path(network.path))
    demand = vehicles_per_hour or vehicles_per_hour_at(timezone.localtime(start).hour)
    warmup = warmup_minutes * 60
    end = warmup + minutes * 60
    plans = selectors.signal_plans(network)
    scenario = simulation.Scenario(
        net_path=Path(network.path),
        trips=background_trips(info, vehicles_per_hour=demand, begin=0, end=end, seed=seed),
        ev_routes={},
        plans=plans,
        end=end,
        seed=seed,
        detectors=detectors,
        dsrc_penetration=dsrc_penetration,
    )
    with _SIMULATION_LOCK:
        result = simulation.run(scenario, Strategy.NONE)
    return TwinStretch(result, info, warmup, end)


def detector_feed_from_twin(
    *,
    minutes: int,
    start: datetime,
    seed: int = 1,
    vehicles_per_hour: int | None = None,
    actor: Actor,
    warmup_minutes: int = 0,
) -> list[tuple[str, bytes]]:
    """The twin's 288 loops reporting as the field's VDS do (모의, ``simulated: true``): each loop's
    30 s reports of a ``twin_stretch`` as (topic, payload), interval ends counted from ``start``."""
    stretch = twin_stretch(
        minutes=minutes,
        start=start,
        seed=seed,
        vehicles_per_hour=vehicles_per_hour,
        actor=actor,
        warmup_minutes=warmup_minutes,
        detectors=True,
    )
    out = []
    for r in stretch.result.vds:
        if r.end_s > stretch.end_s or r.end_s <= stretch.warmup_s:
            continue
        wire = vds.VdsWire(
            detector_id=r.detector,
            ts=(start + timedelta(seconds=r.end_s - stretch.warmup_s)).isoformat().replace("+00:00", "Z"),
            volume=r.volume,
            occupancy_pct=r.occupancy_pct,
            interval_s=twin_detectors.VDS_PERIOD_S,
            speed_kmh=r.speed_kmh if r.volume else None,
            simulated=True,
        )
        out.append((vds.vds_topic(r.detector), vds.encode(wire)))
    return out


# -- VMS messages, approval and sending to the signs (ADR 0030) ---------------------------------------

VMS_SEND_ACTOR = Actor.system("traffic:vms-sender")
VMS_MAX_ATTEMPTS = 5  # unanswered sends of one message before the sign counts as unreachable
VMS_REPAIR_KIND = "vms_unreachable"
VMS_PROBE_AFTER_S = 600  # an unreachable sign is sent its message again this long after it failed
VMS_REPAIR_DUE_HOURS = 24
VMS_TOPIC_PREFIX = "cityhall/v1/traffic"


def vms_cmd_topic(code: str) -> str:
    return f"{VMS_TOPIC_PREFIX}/{code}/cmd"


def vms_message_create(
    *,
    kind: str,
    text: str = "",
    destinations: list[dict] | None = None,
    signs: list[str] | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    actor: Actor,
) -> VmsMessage:
    """A message template waiting for approval by a second person (audited)."""
    destinations = destinations or []
    signs = [s.strip() for s in (signs or []) if s.strip()]
    network = selectors.active_network()
    link_ids = set(twin_network.read_network(Path(network.path)).edges) if network is not None else set()
    errors = vms_rules.message_errors(kind, text, destinations, link_ids)
    known = set(VmsSign.objects.values_list("code", flat=True))
    unknown = [s for s in signs if s not in known]
    if unknown:
        errors["signs"] = [_("없는 도로전광표지입니다: %(sign)s") % {"sign": unknown[0]}]
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if value is not None and timezone.is_naive(value):
            errors[name] = [_("시각에 시간대를 붙여 주세요 (예: 2025-06-01T09:00:00+09:00).")]
    starts_at = starts_at or timezone.now()
    if ends_at is not None and not errors.keys() & {"starts_at", "ends_at"} and ends_at <= starts_at:
        errors["ends_at"] = [_("표출 종료는 시작보다 뒤여야 합니다.")]
    if errors:
        raise RecordInvalid(errors)
    clean_destinations = [
        {"name": str(d["name"]).strip(), "route": [str(e) for e in d["route"]]} for d in destinations
    ]
    with transaction.atomic():
        message = VmsMessage.objects.create(
            kind=kind,
            text="" if kind == vms_rules.TRAVEL_TIME else vms_rules.normalise(text),
            destinations=clean_destinations if kind == vms_rules.TRAVEL_TIME else [],
            signs=signs,
            starts_at=starts_at,
            ends_at=ends_at,
            created_by=actor.user if actor.user is not None and actor.user.pk else None,
        )
        rtype = record_type_for(VmsMessage)
        audit.record(actor, "create", rtype, message, after=rtype.to_data(message))
    return message


def vms_message_approve(*, message: VmsMessage, actor: Actor) -> VmsMessage:
    """The second person's approval (audited): not the author, only a message waiting for it."""
    with transaction.atomic():
        locked = VmsMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status != VmsMessageStatus.DRAFT:
            raise RecordInvalid({"status": [_("승인 대기 중인 문안만 승인할 수 있습니다.")]})
        user = actor.user if actor.user is not None and actor.user.pk else None
        if user is None:
            raise RecordInvalid({"approved_by": [_("승인은 사람이 해야 합니다.")]})
        if locked.created_by_id == user.pk:
            raise RecordInvalid(
                {"approved_by": [_("작성자 본인은 승인할 수 없습니다. 다른 담당자가 승인하세요.")]}
            )
        locked.status = VmsMessageStatus.APPROVED
        locked.approved_by = user
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at"])
        audit.record(
            actor,
            "approve",
            record_type_for(VmsMessage),
            locked,
            before={"status": VmsMessageStatus.DRAFT},
            after={"status": VmsMessageStatus.APPROVED},
        )
    return locked


def vms_message_withdraw(*, message: VmsMessage, actor: Actor) -> VmsMessage:
    """Take a message off the signs (audited); a withdrawn one stays withdrawn."""
    with transaction.atomic():
        locked = VmsMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status == VmsMessageStatus.WITHDRAWN:
            return locked
        before = locked.status
        locked.status = VmsMessageStatus.WITHDRAWN
        locked.save(update_fields=["status"])
        audit.record(
            actor,
            "withdraw",
            record_type_for(VmsMessage),
            locked,
            before={"status": before},
            after={"status": VmsMessageStatus.WITHDRAWN},
        )
    return locked


def vms_sends_plan(*, now: datetime | None = None) -> int:
    """A new send for every sign whose wanted message differs from its latest send's (the older
    unfinished ones are superseded), and for every sign whose latest send failed
    ``VMS_PROBE_AFTER_S`` ago: a repaired sign comes back by itself. Returns how many were created."""
    import uuid

    now = now or timezone.now()
    network = selectors.active_network()
    if network is None:
        return 0
    board = selectors.vms_board(network, now=now)
    created = 0
    with transaction.atomic():
        # Only each sign's newest send is read: the table keeps every send ever made.
        newest = (
            VmsSend.objects.filter(sign=OuterRef("pk"))
            .exclude(status=VmsSendStatus.SUPERSEDED)
            .order_by("-created_at", "-pk")
        )
        latest = {
            row[0]: row[1:]
            for row in VmsSign.objects.annotate(
                send_text=Subquery(newest.values("text")[:1]),
                send_status=Subquery(newest.values("status")[:1]),
                send_due=Subquery(newest.values("next_attempt_at")[:1]),
            ).values_list("pk", "send_text", "send_status", "send_due")
        }
        for b in board:
            text = b.message.text
            sent_text, status, due = latest.get(b.sign.pk, (None, None, None))
            probe = (
                status == VmsSendStatus.FAILED
                and due is not None
                and now - due >= timedelta(seconds=VMS_PROBE_AFTER_S)
            )
            if sent_text == text and not probe:
                continue
            VmsSend.objects.filter(
                sign=b.sign, status__in=[VmsSendStatus.PENDING, VmsSendStatus.SENT]
            ).update(status=VmsSendStatus.SUPERSEDED)
            VmsSend.objects.create(
                sign=b.sign,
                cmd_id=uuid.uuid4(),
                text=text,
                kind=b.message.kind,
                source=b.source,
                created_at=now,
                next_attempt_at=now,
            )
            created += 1
    return created


@dataclass
class VmsDispatchReport:
    planned: int = 0
    sent: int = 0
    failed: int = 0
    orders_opened: int = 0


def vms_payload(send, now: datetime) -> bytes:
    return json.dumps(
        {
            "cmd_id": str(send.cmd_id),
            "device_id": send.sign.code,
            "action": "display",
            "lines": send.text.splitlines(),
            "kind": send.kind,
            "ts": now.isoformat().replace("+00:00", "Z"),
        },
        ensure_ascii=False,
    ).encode()


def vms_dispatch(
    publish, *, now: datetime | None = None, max_attempts: int = VMS_MAX_ATTEMPTS
) -> VmsDispatchReport:
    """Plan, then publish every due send (``publish([(topic, payload)]) -> [bool]``): a send not
    acknowledged by its ``next_attempt_at`` is sent again with backoff (``vms.backoff_s``); after
    ``max_attempts`` unanswered sends it fails, the sign is unreachable and one maintenance order is
    open for it (``order_open`` is idempotent and race-safe)."""
    now = now or timezone.now()
    report = VmsDispatchReport(planned=vms_sends_plan(now=now))
    due = list(
        VmsSend.objects.select_related("sign")
        .filter(status__in=[VmsSendStatus.PENDING, VmsSendStatus.SENT], next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")[:200]
    )
    exhausted = [s for s in due if s.attempts >= max_attempts]
    to_send = [s for s in due if s.attempts < max_attempts]
    for send in exhausted:
        with transaction.atomic():
            changed = VmsSend.objects.filter(pk=send.pk, status=VmsSendStatus.SENT).update(
                status=VmsSendStatus.FAILED, result=f"응답 없음 ({send.attempts}회 전송)"
            )
            if not changed:
                continue
            report.failed += 1
            VmsSign.objects.filter(pk=send.sign_id).update(reachable=False)
            # in the same transaction: an unreachable sign always has its order
            report.orders_opened += _vms_repair_open(send.sign, send.attempts, now=now)
    if to_send:
        verdicts = publish([(vms_cmd_topic(s.sign.code), vms_payload(s, now)) for s in to_send])
        for send, ok in zip(to_send, verdicts, strict=True):
            if not ok:
                continue
            attempts = send.attempts + 1
            VmsSend.objects.filter(pk=send.pk, status__in=[VmsSendStatus.PENDING, VmsSendStatus.SENT]).update(
                status=VmsSendStatus.SENT,
                attempts=attempts,
                sent_at=send.sent_at or now,
                next_attempt_at=now + timedelta(seconds=vms_rules.backoff_s(attempts)),
            )
            report.sent += 1
    return report


def _vms_repair_open(sign: VmsSign, attempts: int, *, now: datetime) -> int:
    from cityhall.maintenance import services as maintenance
    from cityhall.maintenance.services import AssetRef

    _order, created = maintenance.order_open(
        asset=AssetRef(
            app="traffic",
            key=f"vms:{sign.code}",
            label=_("도로전광표지 %(code)s") % {"code": sign.code},
            org_unit=sign.org_unit,
            location=sign.name,
            simulated=True,
        ),
        kind=VMS_REPAIR_KIND,
        kind_label=_("도로전광표지 통신 두절"),
        due_hours=VMS_REPAIR_DUE_HOURS,
        detail=_("문안을 %(n)d회 보냈으나 표출 확인 응답이 없습니다.") % {"n": attempts},
        actor=VMS_SEND_ACTOR,
        now=now,
    )
    return int(created)


@dataclass
class VmsAckReport:
    acked: int = 0
    duplicates: int = 0
    rejected: int = 0


def vms_acknowledge(messages: list[tuple[str, bytes]], *, now: datetime | None = None) -> VmsAckReport:
    """Signs' answers on ``cityhall/v1/traffic/{code}/cmd/ack``: ``{"cmd_id", "device_id", "result":
    "ok"|"error", "reason", "ts"}``. An ok closes the send (even a late one of a failed send: the
    sign says what it shows), records what the sign shows and makes it reachable again (its repair
    order is closed). Bad answers are counted and dropped, never raised."""
    from cityhall.maintenance import services as maintenance

    now = now or timezone.now()
    report = VmsAckReport()
    for topic, payload in messages:
        parts = topic.split("/")
        try:
            body = json.loads(payload)
            ok = (
                len(parts) == 6
                and parts[-2:] == ["cmd", "ack"]
                and isinstance(body, dict)
                and body.get("device_id") == parts[3]
                and body.get("result") in ("ok", "error")
            )
            cmd_id = str(body.get("cmd_id", "")) if ok else ""
        except (ValueError, UnicodeDecodeError):
            ok = False
        if not ok:
            report.rejected += 1
            continue
        with transaction.atomic():
            send = (
                VmsSend.objects.select_for_update()
                .select_related("sign")
                .filter(cmd_id=cmd_id if _is_uuid(cmd_id) else None, sign__code=parts[3])
                .first()
            )
            if send is None:
                report.rejected += 1
                continue
            if send.status == VmsSendStatus.ACKED or body["result"] != "ok" and send.result:
                report.duplicates += 1
                continue
            if body["result"] != "ok":
                send.result = f"error: {str(body.get('reason', ''))[:180]}"
                send.save(update_fields=["result"])
                report.acked += 1
                continue
            send.status = VmsSendStatus.ACKED
            send.acked_at = now
            send.result = "ok"
            send.save(update_fields=["status", "acked_at", "result"])
            sign = send.sign
            newer_acked = VmsSend.objects.filter(
                sign=sign, status=VmsSendStatus.ACKED, created_at__gt=send.created_at
            ).exists()
            if not newer_acked:
                VmsSign.objects.filter(pk=sign.pk).update(acked_text=send.text, acked_at=now, reachable=True)
            report.acked += 1
            if not sign.reachable:  # in the same transaction: reachable again and its order closed
                maintenance.order_close_for_asset(
                    app="traffic",
                    key=f"vms:{sign.code}",
                    kind=VMS_REPAIR_KIND,
                    resolution=_("표출 확인 응답 재개 (자동 복구 확인)"),
                    actor=VMS_SEND_ACTOR,
                    now=now,
                )
    return report


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
