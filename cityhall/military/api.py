"""Workflow endpoints under /api/v1/military/ (the councils, tasks, agreements, rule tables and support
progress come from the registry's generic CRUD). Personal data never leaves masked here."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from cityhall.core.api import Problems
from cityhall.core.audit import Actor
from cityhall.core.permissions import has_permission, require_role
from cityhall.core.services import RecordInvalid
from cityhall.organisation.selectors import PLANNING_STAFF

from . import selectors, services
from .compensation import CompensationError, Facts, compute
from .models import CompensationYear, NoiseRuleVersion

router = Router(tags=["군소음 보상"])


class ComputeIn(Schema):
    residence_year: int
    zone: str
    moved_in_on: date
    moved_out_on: date | None = None
    workplace_outside_months: list[int] = []
    base_established_on: date | None = None
    rule_version: str = ""


class ComputeOut(Schema):
    amount: int
    rule_version: str
    lines: list[str]


class ApplicationOut(Schema):
    number: int
    name: str
    resident_number: str
    zone: str
    moved_in_on: date
    bank: str
    account: str
    status: str
    computed_amount: int | None
    decided_amount: int | None
    sample: bool


class ApplicationIn(Schema):
    name: str
    resident_number: str
    address: str
    zone: str
    moved_in_on: str
    moved_out_on: str = ""
    workplace_outside_months: list[int] = []
    applied_on: str
    bank_code: str
    account_number: str
    account_holder: str = ""


class ObjectionIn(Schema):
    filed_on: date
    reason: str
    corrections: dict = {}


class ObjectionOut(Schema):
    id: int
    due_on: date
    outcome: str
    amount_before: int | None
    amount_after: int | None


def _planning(request) -> None:
    require_role(request.user)
    if not has_permission(request.user, PLANNING_STAFF):
        raise PermissionDenied(_("군소음 보상은 정책기획과만 처리합니다."))


def _row_out(row) -> dict:
    return {k: getattr(row, k) for k in ApplicationOut.model_fields}


@router.post("/noise/compute", response={200: ComputeOut, 422: Problems}, summary="보상금 산정 (저장 없음)")
def noise_compute(request, body: ComputeIn):
    require_role(request.user)
    version = (
        NoiseRuleVersion.objects.filter(code=body.rule_version).first()
        if body.rule_version
        else NoiseRuleVersion.objects.order_by("-effective_from").first()
    )
    if version is None:
        raise RecordInvalid(_("규칙표를 찾을 수 없습니다."), field="rule_version")
    facts = Facts(
        year=body.residence_year,
        zone=body.zone,
        moved_in_on=body.moved_in_on,
        moved_out_on=body.moved_out_on,
        workplace_outside_months=tuple(body.workplace_outside_months),
        base_established_on=body.base_established_on,
    )
    try:
        result = compute(facts, services.rule_table_of(version))
    except CompensationError as exc:
        raise RecordInvalid(str(exc), field=exc.field) from exc
    return {"amount": result.amount, "rule_version": version.code, "lines": result.lines}


@router.get("/noise/{year}/applications", response=list[ApplicationOut], summary="신청 목록 (마스킹)")
def noise_applications(request, year: int):
    _planning(request)
    obj = get_object_or_404(CompensationYear, year=year)
    return [_row_out(r) for r in selectors.application_rows(obj)]


@router.post("/noise/{year}/applications", response={201: ApplicationOut, 422: Problems}, summary="신청 접수")
def noise_apply(request, year: int, body: ApplicationIn):
    _planning(request)
    obj = get_object_or_404(CompensationYear, year=year)
    app = services.application_submit(year=obj, data=body.dict(), actor=Actor.for_user(request.user))
    return Status(201, _row_out(selectors.masked(app)))


@router.post(
    "/noise/{year}/applications/{number}/objections",
    response={201: ObjectionOut, 422: Problems},
    summary="이의신청",
)
def noise_object(request, year: int, number: int, body: ObjectionIn):
    _planning(request)
    obj = get_object_or_404(CompensationYear, year=year)
    app = selectors.application_of(obj, number)
    if app is None:
        raise RecordInvalid(_("접수번호를 찾을 수 없습니다."), field="number")
    objection = services.objection_file(
        application=app,
        filed_on=body.filed_on,
        reason=body.reason,
        corrections=body.corrections,
        actor=Actor.for_user(request.user),
    )
    return Status(201, {k: getattr(objection, k) for k in ObjectionOut.model_fields})
