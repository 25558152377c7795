"""정보통신과 endpoints under /api/v1/it/ beyond the generated CRUD: the yearly review statistics, a
project's gate, moving a project on, requesting and deciding reviews, the replacement plan. Thin: each
calls a selector or a service, which checks the same permissions as the pages."""

from __future__ import annotations

from datetime import date

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from ninja import Router, Schema, Status

from cityhall.core import clock, params
from cityhall.core.api import Problems
from cityhall.core.audit import Actor
from cityhall.core.permissions import VIEW, allowed, require_role
from cityhall.core.records import record_type_for

from . import selectors, services
from .inspections import selectors as inspection_selectors
from .inspections import services as inspection_services
from .models import InformatizationProject, ProjectReview, TelecomInspection

router = Router(tags=["정보통신"])
YEAR = params.Int(label=gettext_lazy("연도"), default=None, min=2000, max=2100)
QUERY_DOC = {"parameters": params.openapi_parameters({"year": YEAR})}


class StatOut(Schema):
    label: str
    count: int
    stated: float | None
    stated_line: int | None
    matches: bool | None


class GateItemOut(Schema):
    kind: str
    label: str
    result: str | None
    passed: bool


class GateOut(Schema):
    project: str
    phase: str
    next_phase: str | None
    open: bool
    required: list[GateItemOut]


class ReviewRequestIn(Schema):
    kind: str
    requested_on: date | None = None


class ReviewDecideIn(Schema):
    result: str
    findings: str = ""
    decided_on: date | None = None


class ReviewOut(Schema):
    id: int
    project: str
    kind: str
    requested_on: date
    decided_on: date | None
    result: str
    findings: str


class ReplacementOut(Schema):
    year: int
    due: int
    by_kind: dict[str, int]


def _stat(row: selectors.StatRow) -> dict:
    return {
        "label": row.label,
        "count": row.count,
        "stated": float(row.stated.value) if row.stated else None,
        "stated_line": row.stated.line if row.stated else None,
        "matches": row.matches,
    }


def _project(request, code: str) -> InformatizationProject:
    project = get_object_or_404(InformatizationProject.objects.select_related("department"), code=code)
    if not allowed(request.user, VIEW, record_type_for(InformatizationProject), project):
        raise Http404
    return project


def _gate_out(project: InformatizationProject) -> dict:
    gate = selectors.project_gate(project)
    return {
        "project": project.code,
        "phase": project.phase,
        "next_phase": gate.next_phase,
        "open": gate.open,
        "required": [
            {
                "kind": item.kind.value,
                "label": str(item.kind.label),
                "result": item.result,
                "passed": item.passed,
            }
            for item in gate.required
        ],
    }


def _review_out(review: ProjectReview) -> dict:
    return {
        "id": review.pk,
        "project": review.project.code,
        "kind": review.kind,
        "requested_on": review.requested_on,
        "decided_on": review.decided_on,
        "result": review.result,
        "findings": review.findings,
    }


@router.get(
    "/statistics", response=list[StatOut], summary="정보화사업 검토 연간 실적", openapi_extra=QUERY_DOC
)
@params.api(year=YEAR)
def statistics(request):
    require_role(request.user)
    year = request.query.year or clock.today().year - 1
    return [_stat(row) for row in selectors.review_statistics(year)]


@router.get("/projects/{code}/gate", response=GateOut, summary="단계 관문(필요한 검토)")
def project_gate(request, code: str):
    require_role(request.user)
    return _gate_out(_project(request, code))


@router.post("/projects/{code}/advance", response={200: GateOut, 422: Problems}, summary="다음 단계로")
def project_advance(request, code: str):
    project = services.project_advance(project=_project(request, code), actor=Actor.for_user(request.user))
    return _gate_out(project)


@router.post("/projects/{code}/reviews", response={201: ReviewOut, 422: Problems}, summary="검토 요청")
def review_request(request, code: str, body: ReviewRequestIn):
    review = services.review_request(
        project=_project(request, code), actor=Actor.for_user(request.user), **body.dict()
    )
    return Status(201, _review_out(review))


@router.post("/reviews/{review_id}/decide", response={200: ReviewOut, 422: Problems}, summary="검토 결정")
def review_decide(request, review_id: int, body: ReviewDecideIn):
    review = get_object_or_404(ProjectReview.objects.select_related("project"), pk=review_id)
    _project(request, review.project.code)
    review = services.review_decide(review=review, actor=Actor.for_user(request.user), **body.dict())
    return _review_out(review)


@router.get(
    "/replacement-plan", response=list[ReplacementOut], summary="정보자산 교체 계획", openapi_extra=QUERY_DOC
)
@params.api(year=YEAR)
def replacement_plan(request):
    require_role(request.user)
    first = request.query.year or clock.today().year + 1
    return [{"year": r.year, "due": r.due, "by_kind": r.by_kind} for r in selectors.replacement_plan(first)]


# -- 사용전검사 ----------------------------------------------------------------------------------


class InspectionIn(Schema):
    building: str
    address: str
    applicant: str
    applicant_contact: str = ""
    received_on: date | None = None


class InspectionStepIn(Schema):
    day: date | None = None


class InspectionDecideIn(Schema):
    passed: bool
    findings: str = ""
    decided_on: date | None = None


class InspectionOut(Schema):
    code: str
    building: str
    status: str
    received_on: date
    due_on: date
    due_rule: str
    decided_on: date | None
    certificate_number: str
    reinspect_by: date | None


class InspectionStatsOut(Schema):
    year: int
    cases: int
    average_days: float | None
    within_limit: int
    stated_cases: float | None
    stated_average_days: float | None


def _inspection_out(case: TelecomInspection) -> dict:
    return {
        "code": case.code,
        "building": case.building,
        "status": case.status,
        "received_on": case.received_on,
        "due_on": case.due_on,
        "due_rule": str(inspection_services.processing_deadline(case.received_on).rule.label),
        "decided_on": case.decided_on,
        "certificate_number": case.certificate_number,
        "reinspect_by": case.reinspect_by,
    }


def _case(code: str) -> TelecomInspection:
    return get_object_or_404(TelecomInspection, code=code)


@router.get(
    "/inspections/statistics",
    response=InspectionStatsOut,
    summary="사용전검사 연간 실적",
    openapi_extra=QUERY_DOC,
)
@params.api(year=YEAR)
def inspection_statistics(request):
    require_role(request.user)
    s = inspection_selectors.statistics(request.query.year or clock.today().year - 1)
    return {
        "year": s.year,
        "cases": s.cases,
        "average_days": float(s.average_days) if s.average_days is not None else None,
        "within_limit": s.within_limit,
        "stated_cases": float(s.stated_cases.value) if s.stated_cases else None,
        "stated_average_days": float(s.stated_average.value) if s.stated_average else None,
    }


@router.post("/inspections", response={201: InspectionOut, 422: Problems}, summary="사용전검사 접수")
def inspection_receive(request, body: InspectionIn):
    case = inspection_services.inspection_receive(**body.dict(), actor=Actor.for_user(request.user))
    return Status(201, _inspection_out(case))


@router.post(
    "/inspections/{code}/documents-checked",
    response={200: InspectionOut, 422: Problems},
    summary="서류 검토 완료",
)
def inspection_documents(request, code: str, body: InspectionStepIn):
    case = inspection_services.inspection_check_documents(
        inspection=_case(code), checked_on=body.day, actor=Actor.for_user(request.user)
    )
    return _inspection_out(case)


@router.post(
    "/inspections/{code}/inspected", response={200: InspectionOut, 422: Problems}, summary="현장 검사 완료"
)
def inspection_inspected(request, code: str, body: InspectionStepIn):
    case = inspection_services.inspection_inspect(
        inspection=_case(code), inspected_on=body.day, actor=Actor.for_user(request.user)
    )
    return _inspection_out(case)


@router.post(
    "/inspections/{code}/decide", response={200: InspectionOut, 422: Problems}, summary="합격·불합격"
)
def inspection_decide(request, code: str, body: InspectionDecideIn):
    case = inspection_services.inspection_decide(
        inspection=_case(code), actor=Actor.for_user(request.user), **body.dict()
    )
    return _inspection_out(case)
