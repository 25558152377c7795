"""Traffic twin API under ``/api/v1/traffic/``: emergency runs (request → simulated outcome, list,
get), regional hand-over from a neighbouring city's system, signal plans (get, change) and
controllers' online state. Thin: services check, validate (422 with loc/msg) and audit."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from cityhall.core import params
from cityhall.core.audit import Actor
from cityhall.core.permissions import has_permission, require_role

from . import detector_selectors, selectors, services
from .models import EmergencyRun
from .selectors import TRAFFIC_STAFF

router = Router(tags=["교통 디지털트윈"])


class Body(Schema):
    model_config = ConfigDict(extra="forbid")


class RunIn(Body):
    unit: str = Field(description="출동 차량 (예: 김포119-구급1)")
    vehicle_type: str = Field(description="ambulance / fire / police")
    incident: str
    route: list[str] | None = Field(None, description="배차 경로 (링크 ID 목록)")
    origin: str = Field("", description="경로 대신 출발 링크")
    destination: str = Field("", description="경로 대신 도착 링크")
    strategy: str = Field("predictive", description="predictive / naive / none")


class HandoverIn(Body):
    agency: str = Field(description="인계하는 기관 (예: 경기도 긴급차량 우선신호 시스템)")
    unit: str
    vehicle_type: str
    incident: str
    entry_edge: str = Field(description="우리 도로망에 들어오는 경계 링크")
    destination: str


class JunctionOut(Schema):
    tls_id: str
    action: str
    first_call_s: float | None
    green_by_s: float | None
    predicted_arrival_s: float | None
    arrived_s: float | None
    stopped: bool


class RunOut(Schema):
    id: int
    unit: str
    vehicle_type: str
    incident: str
    strategy: str
    status: str
    route: list[str]
    travel_time_s: float | None
    baseline_travel_time_s: float | None
    ev_travel_time_change: float | None
    stops: int | None
    decision_p99_ms: float | None
    others_delay_change: float | None
    warnings: list[str]
    handed_over_from: str
    synthetic: bool
    requested_at: datetime
    junctions: list[JunctionOut]
    handover_out: dict | None = Field(None, description="경계를 넘어 이웃 시스템에 넘길 정보")


class PhaseIn(Body):
    state: str
    duration: int
    kind: str
    min_green: int | None = None


class PlanIn(Body):
    cycle_s: int
    offset_s: int
    phases: list[PhaseIn]


class PlanOut(Schema):
    tls_id: str
    cycle_s: int
    offset_s: int
    phases: list[dict]
    online: bool


class OnlineIn(Body):
    online: bool


def _run_out(run: EmergencyRun) -> dict:
    last = run.route[-1] if run.route else ""
    from pathlib import Path

    from .twin.network import read_network

    info = read_network(Path(run.network.path))
    leaves = last in info.fringe_out
    return {
        "id": run.pk,
        "unit": run.unit,
        "vehicle_type": run.vehicle_type,
        "incident": run.incident,
        "strategy": run.strategy,
        "status": run.status,
        "route": run.route,
        "travel_time_s": run.travel_time_s,
        "baseline_travel_time_s": run.baseline_travel_time_s,
        "ev_travel_time_change": None if run.change is None else round(run.change, 4),
        "stops": run.stops,
        "decision_p99_ms": run.decision_p99_ms,
        "others_delay_change": run.others_delay_change,
        "warnings": run.warnings,
        "handed_over_from": run.handed_over_from,
        "synthetic": run.network.synthetic,
        "requested_at": run.requested_at,
        "junctions": [
            {
                "tls_id": j.tls_id,
                "action": j.action,
                "first_call_s": j.first_call_s,
                "green_by_s": j.green_by_s,
                "predicted_arrival_s": j.predicted_arrival_s,
                "arrived_s": j.arrived_s,
                "stopped": j.stopped,
            }
            for j in run.junctions.all()
        ],
        "handover_out": (
            {"unit": run.unit, "exit_edge": last, "vehicle_type": run.vehicle_type, "incident": run.incident}
            if leaves
            else None
        ),
    }


def _staff(request) -> Actor:
    require_role(request.user)
    if not has_permission(request.user, TRAFFIC_STAFF):
        raise PermissionDenied(_("스마트도시과 편집자·관리자만 할 수 있습니다."))
    return Actor.for_user(request.user)


@router.post("/runs", response={201: RunOut, 422: dict}, summary="긴급차량 우선신호 요청 (디지털트윈 모의)")
def run_request(request, body: RunIn):
    actor = _staff(request)
    run = services.emergency_run_request(actor=actor, **body.model_dump())
    run = services.emergency_run_simulate(run=run, actor=actor)
    return Status(201, _run_out(selectors.run(run.pk)))


@router.post(
    "/handover", response={201: RunOut, 422: dict}, summary="광역 연계: 이웃 시스템이 넘기는 긴급차량 받기"
)
def handover(request, body: HandoverIn):
    actor = _staff(request)
    run = services.emergency_run_request(
        actor=actor,
        unit=body.unit,
        vehicle_type=body.vehicle_type,
        incident=body.incident,
        origin=body.entry_edge,
        destination=body.destination,
        handed_over_from=body.agency,
    )
    run = services.emergency_run_simulate(run=run, actor=actor)
    return Status(201, _run_out(selectors.run(run.pk)))


@router.get("/runs", response=list[RunOut], summary="우선신호 운행 목록 (최근 100건)")
def run_list(request):
    require_role(request.user)
    return [_run_out(r) for r in selectors.runs().prefetch_related("junctions")[:100]]


@router.get("/runs/{pk}", response=RunOut, summary="우선신호 운행")
def run_get(request, pk: int):
    require_role(request.user)
    run = selectors.run(pk)
    if run is None:
        raise Http404(_("우선신호 운행 %(pk)s을(를) 찾을 수 없습니다.") % {"pk": pk})
    return _run_out(run)


def _plan(request, tls_id: str):
    network = services.network_ensure_default(actor=Actor.for_user(request.user))
    plan = selectors.plan_for(network, tls_id)
    if plan is None:
        raise Http404(_("신호 %(tls_id)s의 운영계획을 찾을 수 없습니다.") % {"tls_id": tls_id})
    return plan


def _plan_out(plan) -> dict:
    return {
        "tls_id": plan.controller.tls_id,
        "cycle_s": plan.cycle_s,
        "offset_s": plan.offset_s,
        "phases": plan.phases,
        "online": plan.controller.online,
    }


@router.get("/plans/{tls_id}", response=PlanOut, summary="신호 운영계획")
def plan_get(request, tls_id: str):
    require_role(request.user)
    return _plan_out(_plan(request, tls_id))


@router.put("/plans/{tls_id}", response={200: PlanOut, 422: dict}, summary="신호 운영계획 바꾸기 (검증)")
def plan_put(request, tls_id: str, body: PlanIn):
    actor = _staff(request)
    plan = _plan(request, tls_id)
    phases = [{k: v for k, v in p.model_dump().items() if v is not None} for p in body.phases]
    plan = services.signal_plan_update(
        plan=plan, cycle_s=body.cycle_s, offset_s=body.offset_s, phases=phases, actor=actor
    )
    plan.refresh_from_db()
    return _plan_out(plan)


@router.put("/controllers/{tls_id}/online", response={200: PlanOut, 422: dict}, summary="제어기 온라인 상태")
def controller_online(request, tls_id: str, body: OnlineIn):
    actor = _staff(request)
    plan = _plan(request, tls_id)
    services.controller_set_online(controller=plan.controller, online=body.online, actor=actor)
    plan.controller.refresh_from_db()
    return _plan_out(plan)


# -- ITS detectors (ADR 0029) ------------------------------------------------------------------------

DETECTORS_API = {
    "kind": params.Choice(label=_l("종류"), choices=("vds", "dsrc"), default=""),
    "faulty": params.Bool(label=_l("장애만"), default=False),
}


class DetectorOut(Schema):
    kind: str = Field(description="vds (차량검지기) / dsrc (노변기지국)")
    id: str
    edge: str
    state: str = Field(description="online / silent / never")
    last_ts: datetime | None
    last: str
    faults: list[str] = Field(description="열린 유지보수 지시의 장애 유형")


class TravelTimeOut(Schema):
    edge: str
    start: datetime
    period_s: int
    samples: int
    used: int
    median_s: float | None
    speed_kmh: float | None
    level: str


@router.get(
    "/detectors",
    response={200: list[DetectorOut], 422: dict},
    summary="검지기(VDS)·DSRC 기지국 상태: 최근 보고, 장애",
    openapi_extra={"parameters": params.openapi_parameters(DETECTORS_API)},
)
@params.api(**DETECTORS_API)
def detector_list(request):
    require_role(request.user)
    rows = detector_selectors.detector_rows(kind=request.query.kind, faulty_only=request.query.faulty)
    return [{**r.__dict__, "faults": list(r.faults)} for r in rows]


@router.get(
    "/travel-times", response=list[TravelTimeOut], summary="구간 통행시간 (DSRC, 최근 30분의 최신 구간)"
)
def travel_times(request):
    require_role(request.user)
    return selectors.travel_times_latest()


# -- VMS (ADR 0030) ------------------------------------------------------------------------------------


class DestinationIn(Body):
    name: str = Field(description="목적지 이름 (예: 김포시청)")
    route: list[str] = Field(description="표지에서 목적지까지 링크 ID, 순서대로")


class VmsMessageIn(Body):
    kind: str = Field(description="incident / congestion / travel_time / notice")
    text: str = Field("", description="1–2줄, 줄마다 20자까지 (travel_time이면 비움: 자동 계산)")
    destinations: list[DestinationIn] = Field(default_factory=list, description="travel_time의 목적지 1–2곳")
    signs: list[str] = Field(default_factory=list, description="대상 표지 코드 (비우면 전체)")
    starts_at: datetime | None = None
    ends_at: datetime | None = None


class VmsMessageOut(Schema):
    id: int
    kind: str
    text: str
    destinations: list[dict]
    signs: list[str]
    starts_at: datetime
    ends_at: datetime | None
    status: str
    created_by: str | None
    approved_by: str | None
    approved_at: datetime | None


class VmsSignOut(Schema):
    code: str
    name: str
    edge: str
    should_show: list[str] = Field(description="지금 표출해야 할 문안 (줄)")
    kind: str
    source: str = Field(description="rules / override / message:<id>")
    acked: list[str] = Field(description="표지가 마지막으로 표출을 확인한 문안")
    acked_at: datetime | None
    in_step: bool
    reachable: bool
    simulated: bool = True


def _message_out(m) -> dict:
    return {
        "id": m.pk,
        "kind": m.kind,
        "text": m.text,
        "destinations": m.destinations,
        "signs": m.signs,
        "starts_at": m.starts_at,
        "ends_at": m.ends_at,
        "status": m.status,
        "created_by": m.created_by.get_username() if m.created_by else None,
        "approved_by": m.approved_by.get_username() if m.approved_by else None,
        "approved_at": m.approved_at,
    }


def _vms_message(pk: int):
    message = selectors.vms_message(pk)
    if message is None:
        raise Http404(_("VMS 문안 %(pk)s을(를) 찾을 수 없습니다.") % {"pk": pk})
    return message


@router.get(
    "/vms/signs", response=list[VmsSignOut], summary="도로전광표지: 표출해야 할 문안과 표지가 확인한 문안"
)
def vms_sign_list(request):
    require_role(request.user)
    network = services.network_ensure_default(actor=Actor.for_user(request.user))
    services.vms_ensure_default(actor=Actor.system("traffic:vms-placement"))
    return [
        {
            "code": b.sign.code,
            "name": b.sign.name,
            "edge": b.sign.edge,
            "should_show": list(b.message.lines),
            "kind": b.message.kind,
            "source": b.source,
            "acked": b.sign.acked_text.splitlines(),
            "acked_at": b.sign.acked_at,
            "in_step": b.sign.acked_text == b.message.text,
            "reachable": b.sign.reachable,
        }
        for b in selectors.vms_board(network)
    ]


@router.get("/vms/messages", response=list[VmsMessageOut], summary="VMS 문안 목록 (최근 100건)")
def vms_message_list(request):
    require_role(request.user)
    return [_message_out(m) for m in selectors.vms_messages()[:100]]


@router.post("/vms/messages", response={201: VmsMessageOut, 422: dict}, summary="VMS 문안 등록 (승인 대기)")
def vms_message_create(request, body: VmsMessageIn):
    actor = _staff(request)
    message = services.vms_message_create(
        kind=body.kind,
        text=body.text,
        destinations=[d.model_dump() for d in body.destinations],
        signs=body.signs,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        actor=actor,
    )
    return Status(201, _message_out(selectors.vms_message(message.pk)))


@router.post(
    "/vms/messages/{pk}/approve",
    response={200: VmsMessageOut, 422: dict},
    summary="VMS 문안 승인 (작성자 외 담당자)",
)
def vms_message_approve(request, pk: int):
    actor = _staff(request)
    services.vms_message_approve(message=_vms_message(pk), actor=actor)
    return _message_out(selectors.vms_message(pk))


@router.post("/vms/messages/{pk}/withdraw", response={200: VmsMessageOut, 422: dict}, summary="VMS 문안 철회")
def vms_message_withdraw(request, pk: int):
    actor = _staff(request)
    services.vms_message_withdraw(message=_vms_message(pk), actor=actor)
    return _message_out(selectors.vms_message(pk))
