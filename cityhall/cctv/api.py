"""The control centre in the API, under ``/api/v1/cctv/``: the analytics-event webhook (any VMS posts
ONVIF-like events here) and the operators' actions. Thin: ``services`` checks, stores and audits.

The webhook checks the whole request first and stores nothing if any event is wrong (422 with
``loc: ["body", index, field]``). Then, with ``CITYHALL_NATS_URL`` set, it publishes the events to
JetStream for the triage worker (202); without it — the embedded default — it triages them in this
process and answers with what was stored (200).
"""

from __future__ import annotations

import threading
import time
from datetime import date, datetime

import msgspec
from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from cityhall.core.audit import Actor
from cityhall.core.permissions import has_permission
from cityhall.core.services import RecordInvalid

from . import selectors, services, stream, triage
from .choices import DismissReason, HandoverMethod, LegalBasis, Requester

router = Router(tags=["CCTV 통합관제"])
MAX_EVENTS = 1000  # per request

_context_lock = threading.Lock()
_context: services.TriageContext | None = None


def _in_process_context() -> services.TriageContext:
    global _context
    with _context_lock:
        if _context is None:
            _context = services.TriageContext()
        return _context


class Body(Schema):
    model_config = ConfigDict(extra="forbid")


class IntakeOut(Schema):
    queued: bool = Field(description="true: JetStream에 넣었고 분류 작업자가 처리합니다")
    accepted: int
    stored: int = 0
    duplicates: int = 0
    by_status: dict[str, int] = {}


EVENT_SCHEMA = {
    "type": "object",
    "required": ["id", "camera", "type", "confidence", "time"],
    "properties": {
        "id": {"type": "string", "maxLength": 64, "description": "원천(VMS) 이벤트 ID — 중복 판정 키"},
        "camera": {"type": "string", "description": "카메라 코드 (예: CAM-00017)"},
        "rule": {"type": "string", "maxLength": 64, "description": "분석 규칙(구역) 이름"},
        "type": {"type": "string", "enum": list(triage.KIND_POINTS)},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "time": {"type": "string", "format": "date-time", "description": "발생 시각 (ISO 8601, 시간대 포함)"},
        "snapshot": {"type": "string", "maxLength": 300, "description": "VMS 스냅샷 참조"},
        "simulated": {"type": "boolean", "description": "모의 이벤트"},
    },
    "additionalProperties": False,
}


def _require_operator(user) -> None:
    if not has_permission(user, selectors.CCTV_OPERATIONS):
        raise PermissionDenied("관제 이벤트를 보내거나 처리할 권한이 없습니다 (스마트도시과 편집자·관리자).")


def _split(body: bytes) -> list[bytes]:
    """The request body as one event per item: an object, or an array of objects."""
    stripped = body.lstrip()
    if stripped[:1] != b"[":
        return [body]
    try:
        items = msgspec.json.decode(body, type=list[msgspec.Raw])
    except msgspec.MsgspecError as exc:
        raise RecordInvalid({"__all__": [f"JSON으로 읽을 수 없습니다: {exc}"]}) from None
    return [bytes(item) for item in items]


@router.post(
    "/events",
    response={200: IntakeOut, 202: IntakeOut},
    summary="영상분석 이벤트 접수 (웹훅)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "oneOf": [
                            EVENT_SCHEMA,
                            {"type": "array", "items": EVENT_SCHEMA, "maxItems": MAX_EVENTS},
                        ]
                    }
                }
            },
        }
    },
)
def events_intake(request):
    _require_operator(request.user)
    received = time.time()
    payloads = _split(request.body)
    if not payloads:
        raise RecordInvalid({"__all__": ["이벤트가 없습니다."]})
    if len(payloads) > MAX_EVENTS:
        raise RecordInvalid(
            {"__all__": [f"한 번에 {MAX_EVENTS:,}건까지 보낼 수 있습니다 (지금 {len(payloads):,}건)."]}
        )
    items = [services.Incoming(p, received) for p in payloads]
    context = _in_process_context()
    good, bad = services.events_check(items, context)
    if bad:
        raise _Invalid(bad, many=len(payloads) > 1 or request.body.lstrip()[:1] == b"[")
    url = stream.nats_url()
    if url:
        outgoing = [(wire.id, wire.camera, items[index].payload) for index, wire, _camera in good]
        stream.publish_sync(url, outgoing, received_at=received)
        return Status(202, {"queued": True, "accepted": len(good)})
    report = services.events_triage(items, context=context)
    return {
        "queued": False,
        "accepted": len(good),
        "stored": report.stored,
        "duplicates": report.duplicates,
        "by_status": report.by_status,
    }


class _Invalid(Exception):
    def __init__(self, problems, *, many: bool) -> None:
        super().__init__("invalid events")
        self.problems = problems
        self.many = many


def problems_detail(problems, *, many: bool) -> list[dict]:
    detail = []
    for index, problem in problems:
        loc: list = ["body", index] if many else ["body"]
        if problem.field:
            loc.append(problem.field)
        detail.append({"loc": loc, "msg": problem.message, "type": problem.reason})
    return detail


def install_handlers(api) -> None:
    @api.exception_handler(_Invalid)
    def _invalid_events(request, exc: _Invalid):
        return api.create_response(
            request, {"detail": problems_detail(exc.problems, many=exc.many)}, status=422
        )


# -- the operators' actions ------------------------------------------------------------------------------


class EventOut(Schema):
    event_id: str
    camera: str
    kind: str
    rule: str
    confidence: float
    occurred_at: str
    received_at: str
    severity: int
    reasons: list[dict]
    status: str
    handled_by: str | None
    handled_at: str | None
    dismiss_reason: str
    simulated: bool


def _out(event) -> dict:
    return {
        "event_id": event.code,
        "camera": event.camera.code,
        "kind": event.kind,
        "rule": event.rule,
        "confidence": event.confidence,
        "occurred_at": event.occurred_at.isoformat(),
        "received_at": event.received_at.isoformat(),
        "severity": event.severity,
        "reasons": event.reasons,
        "status": event.status,
        "handled_by": event.handled_by.get_username() if event.handled_by_id else None,
        "handled_at": event.handled_at.isoformat() if event.handled_at else None,
        "dismiss_reason": event.dismiss_reason,
        "simulated": event.simulated,
    }


def _get(request, event_id: str):
    _require_operator(request.user)
    event = selectors.event(event_id)
    if event is None:
        raise Http404(f"이벤트 {event_id}을(를) 찾을 수 없습니다.")
    return event


class WallTileOut(Schema):
    slot: int
    operator: int
    camera: str
    site: str
    waiting: int
    event: EventOut


@router.get("/wall", response=list[WallTileOut], summary="관제 화면: 위험 점수 상위 카메라")
def wall(request):
    _require_operator(request.user)
    return [
        {
            "slot": t.slot,
            "operator": t.operator,
            "camera": t.camera.code,
            "site": t.camera.site.name,
            "waiting": t.waiting,
            "event": _out(t.event),
        }
        for t in selectors.wall()
    ]


class AckIn(Body):
    note: str = ""


class DismissIn(Body):
    reason: str = Field(description=" / ".join(f"{v}({label})" for v, label in DismissReason.choices))
    note: str = ""


class EscalateIn(Body):
    station: str
    detail: str


class PoliceRequestOut(Schema):
    number: str
    event_id: str
    station: str
    detail: str


@router.get("/events/{event_id}", response=EventOut, summary="이벤트 하나")
def event_get(request, event_id: str):
    return _out(_get(request, event_id))


@router.post("/events/{event_id}/acknowledge", response=EventOut, summary="확인")
def event_acknowledge(request, event_id: str, body: AckIn):
    event = services.event_acknowledge(
        event=_get(request, event_id), actor=Actor.for_user(request.user), **body.dict()
    )
    return _out(selectors.event(event.code))


@router.post("/events/{event_id}/dismiss", response=EventOut, summary="종결 (사유 필수)")
def event_dismiss(request, event_id: str, body: DismissIn):
    event = services.event_dismiss(
        event=_get(request, event_id), actor=Actor.for_user(request.user), **body.dict()
    )
    return _out(selectors.event(event.code))


@router.post("/events/{event_id}/escalate", response={201: PoliceRequestOut}, summary="경찰 협조 요청")
def event_escalate(request, event_id: str, body: EscalateIn):
    police = services.event_escalate(
        event=_get(request, event_id), actor=Actor.for_user(request.user), **body.dict()
    )
    return Status(
        201,
        {"number": police.number, "event_id": event_id, "station": police.station, "detail": police.detail},
    )


# -- video-information requests and the new-site ranking --------------------------------------------------


class VideoRequestIn(Body):
    camera: str
    requester_kind: str = Field(description=" / ".join(f"{v}({label})" for v, label in Requester.choices))
    requester_name: str
    requester_org: str = ""
    period_start: datetime
    period_end: datetime
    purpose: str
    legal_basis: str = Field(description=" / ".join(f"{v}({label})" for v, label in LegalBasis.choices))


class DecideIn(Body):
    approve: bool
    masking_required: bool = True
    note: str = ""
    retention_until: date | None = None


class HandoverIn(Body):
    method: str = Field(description=" / ".join(f"{v}({label})" for v, label in HandoverMethod.choices))
    recipient: str
    masked: bool = False
    note: str = ""


class VideoRequestOut(Schema):
    number: str
    requester_kind: str
    camera: str
    period_start: str
    period_end: str
    legal_basis: str
    status: str
    masking_required: bool
    retention_until: str | None
    vms_ref: str
    handovers: int


def _video_out(item) -> dict:
    return {
        "number": item.number,
        "requester_kind": item.requester_kind,
        "camera": item.camera.code,
        "period_start": item.period_start.isoformat(),
        "period_end": item.period_end.isoformat(),
        "legal_basis": item.legal_basis,
        "status": item.status,
        "masking_required": item.masking_required,
        "retention_until": item.retention_until.isoformat() if item.retention_until else None,
        "vms_ref": item.vms_ref,
        "handovers": item.handovers.count(),
    }


def _video(request, number: str):
    if not has_permission(request.user, selectors.CCTV_OPERATIONS):
        raise PermissionDenied("영상정보 요청은 스마트도시과 관제 담당(편집자·관리자)만 다룹니다.")
    item = selectors.video_request(number)
    if item is None:
        raise Http404(f"영상정보 요청 {number}을(를) 찾을 수 없습니다.")
    return item


@router.get("/video-requests", response=list[VideoRequestOut], summary="영상정보 열람·제공 요청 목록")
def video_requests(request):
    if not has_permission(request.user, selectors.CCTV_OPERATIONS):
        raise PermissionDenied("영상정보 요청은 스마트도시과 관제 담당(편집자·관리자)만 다룹니다.")
    return [_video_out(r) for r in selectors.video_requests()]


@router.post("/video-requests", response={201: VideoRequestOut}, summary="영상정보 요청 접수")
def video_request_create(request, body: VideoRequestIn):
    item = services.video_request_create(actor=Actor.for_user(request.user), **body.dict())
    return Status(201, _video_out(item))


@router.get("/video-requests/{number}", response=VideoRequestOut, summary="영상정보 요청 하나")
def video_request_get(request, number: str):
    return _video_out(_video(request, number))


@router.post("/video-requests/{number}/decide", response=VideoRequestOut, summary="승인·거부")
def video_request_decide(request, number: str, body: DecideIn):
    item = services.video_request_decide(
        request=_video(request, number), actor=Actor.for_user(request.user), **body.dict()
    )
    return _video_out(item)


@router.post("/video-requests/{number}/hand-over", response={201: VideoRequestOut}, summary="제공(인계) 기록")
def video_request_hand_over(request, number: str, body: HandoverIn):
    services.video_request_hand_over(
        request=_video(request, number), actor=Actor.for_user(request.user), **body.dict()
    )
    return Status(201, _video_out(selectors.video_request(number)))


class FactorOut(Schema):
    factor: str
    label: str
    points: float
    max_points: int


class RankedOut(Schema):
    rank: int
    code: str
    name: str
    score: float
    coverage_gap: float
    factors: list[FactorOut]


@router.get("/sites/ranking", response=list[RankedOut], summary="신규 설치 후보지 순위 (점수 근거 포함)")
def site_ranking(request):
    return [
        {
            "rank": r.rank,
            "code": r.candidate.code,
            "name": r.candidate.name,
            "score": r.score,
            "coverage_gap": round(r.gap, 4),
            "factors": [
                {"factor": f.factor, "label": f.label, "points": f.points, "max_points": f.max_points}
                for f in r.factors
            ],
        }
        for r in selectors.site_ranking()
    ]
