"""Workflow endpoints for pledge check-ins under /api/v1/pledges/ (the generated CRUD for
pledges, checkin-rounds and pledge-checkins comes from the registry). Thin: each calls a service,
which checks the same permissions as the pages."""

from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from cityhall.core.api import Problems
from cityhall.core.audit import Actor
from cityhall.core.permissions import require_role
from cityhall.core.services import RecordInvalid

from . import selectors, services
from .models import CheckinRound, Pledge, PledgeCheckin

router = Router(tags=["공약"])


class RoundOpenIn(Schema):
    year: int
    quarter: int
    closes_on: date


class RoundOut(Schema):
    id: int
    code: str
    year: int
    quarter: int
    opened_on: date
    closes_on: date
    state: str


class CheckinIn(Schema):
    pledge: str  # the pledge's code
    status: str
    progress: int
    evidence: str
    status_reason: str = ""


class CheckinOut(Schema):
    id: int
    round: str
    pledge: str
    status: str
    progress: int
    review: str
    review_comment: str


class ReviewIn(Schema):
    decision: str  # accept | return
    comment: str = ""


class StatusCountOut(Schema):
    status: str
    label: str
    count: int
    share: float


class SummaryOut(Schema):
    total: int
    by_category: dict[str, int]
    statuses: list[StatusCountOut]


class MissingOut(Schema):
    department: str
    pledges: list[int]


def _round_out(r: CheckinRound) -> dict:
    return {k: getattr(r, k) for k in ("id", "code", "year", "quarter", "opened_on", "closes_on", "state")}


def _checkin_out(c: PledgeCheckin) -> dict:
    return {
        "id": c.pk,
        "round": c.round.code,
        "pledge": c.pledge.code,
        "status": c.status,
        "progress": c.progress,
        "review": c.review,
        "review_comment": c.review_comment,
    }


@router.get("/portfolio/summary", response=SummaryOut, summary="공약 추진상황 요약")
def summary(request):
    require_role(request.user)
    s = selectors.portfolio_summary()
    return {
        "total": s.total,
        "by_category": s.by_category,
        "statuses": [
            {"status": c.status, "label": c.label, "count": c.count, "share": float(c.share)}
            for c in s.statuses
        ],
    }


@router.post("/rounds/open", response={201: RoundOut, 422: Problems}, summary="점검 회차 열기")
def round_open(request, body: RoundOpenIn):
    r = services.round_open(**body.dict(), actor=Actor.for_user(request.user))
    return Status(201, _round_out(r))


@router.post("/rounds/{round_id}/close", response={200: RoundOut, 422: Problems}, summary="점검 회차 마감")
def round_close(request, round_id: int):
    r = get_object_or_404(CheckinRound, pk=round_id)
    services.round_close(round_=r, actor=Actor.for_user(request.user))
    r.refresh_from_db()
    return _round_out(r)


@router.get("/rounds/{round_id}/missing", response=list[MissingOut], summary="미제출 공약(부서별)")
def missing(request, round_id: int):
    require_role(request.user)
    r = get_object_or_404(CheckinRound, pk=round_id)
    return [
        {"department": unit.code, "pledges": [p.number for p in pledges]}
        for unit, pledges in selectors.missing_submissions(r).items()
    ]


@router.post(
    "/rounds/{round_id}/checkins", response={200: CheckinOut, 422: Problems}, summary="추진현황 제출"
)
def checkin_submit(request, round_id: int, body: CheckinIn):
    r = get_object_or_404(CheckinRound, pk=round_id)
    data = body.dict()
    pledge = Pledge.objects.select_related("lead_department").filter(code=data.pop("pledge")).first()
    if pledge is None:
        raise RecordInvalid(_("공약 코드를 찾을 수 없습니다."), field="pledge")
    c = services.checkin_submit(round_=r, pledge=pledge, actor=Actor.for_user(request.user), **data)
    return _checkin_out(c)


@router.post("/checkins/{checkin_id}/review", response={200: CheckinOut, 422: Problems}, summary="제출 검토")
def checkin_review(request, checkin_id: int, body: ReviewIn):
    c = get_object_or_404(PledgeCheckin.objects.select_related("round", "pledge"), pk=checkin_id)
    c = services.checkin_review(checkin=c, actor=Actor.for_user(request.user), **body.dict())
    return _checkin_out(c)
