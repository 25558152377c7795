"""Finance operations under /api/v1/finance/ beyond the generated CRUD of every finance record:
the ledger import, the execution overview, the ranking (with a what-if), the grant totals, and the
savings-reward workflow, and the council's decision on the budget proposal's items. Thin: each
parses, calls a service or selector, answers."""

from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from cityhall.core import params
from cityhall.core.api import Problems
from cityhall.core.audit import Actor
from cityhall.core.permissions import require_role
from cityhall.core.services import RecordInvalid
from cityhall.organisation.models import OrgUnit

from . import filters
from .budget_proposal import services as budget_proposal
from .execution import selectors as execution
from .execution.importer import execution_import, execution_month_close
from .grants import selectors as grants
from .models import ProposedItem, SavingsClaim
from .priorities import selectors as priorities
from .rewards import services as rewards
from .services import require_budget_staff

router = Router(tags=["재정"])
MAX_UPLOAD = 20 * 1024 * 1024


class ImportOut(Schema):
    month: str
    rows: int
    replaced: int
    new_lines: int
    current_budget: int
    executed: int


class GroupOut(Schema):
    key: str
    label: str
    budget: int
    executed: int
    rate: str | None
    expected: str | None
    shortfall: int


class OverviewOut(Schema):
    year: int | None = None  # None: no execution imported yet
    month: int | None = None
    total: GroupOut | None = None
    by_department: list[GroupOut] = []
    by_source: list[GroupOut] = []
    by_nature: list[GroupOut] = []
    behind: list[GroupOut] = []
    behind_count: int = 0


class RankedOut(Schema):
    rank: int
    code: str
    name: str
    score: str
    selected: bool
    moved: int
    explanation: str


class KindTotalOut(Schema):
    kind: str
    label: str
    applied: int
    selected: int
    amount: int
    matching: int


class ClaimIn(Schema):
    department: str
    fiscal_year: int
    title: str
    kind: str
    amount: int
    evidence: str


class ReviewIn(Schema):
    approve: bool
    reviewed_on: date
    note: str = ""


class PayIn(Schema):
    paid_on: date


class CouncilDecisionIn(Schema):
    council_decision: str
    decided_amount: int | None = None  # won; 원안 가결 takes the request, 전액 삭감 0
    decided_on: date | None = None
    note: str = ""


class ProposedItemOut(Schema):
    id: int
    year: int
    name: str
    amount: int
    council_decision: str
    decided_amount: int | None
    decided_on: date | None
    council_note: str


class ClaimOut(Schema):
    code: str
    state: str
    amount: int
    reward: int | None
    paid_on: date | None


def _group(g) -> dict:
    s = g.standing
    return {
        "key": g.key,
        "label": g.label,
        "budget": s.budget,
        "executed": s.executed,
        "rate": str(s.rate) if s.rate is not None else None,
        "expected": str(s.expected) if s.expected is not None else None,
        "shortfall": s.shortfall,
    }


@router.post(
    "/execution/{year}/{month}/import",
    response={200: ImportOut, 422: Problems},
    summary="월별 집행 자료 가져오기",
)
def import_month(request, year: int, month: int, file: File[UploadedFile]):
    if file.size and file.size > MAX_UPLOAD:
        raise RecordInvalid("파일이 20MB를 넘습니다.", field="file")
    result = execution_import(
        year=year,
        month=month,
        content=file.read(),
        file_name=file.name or "",
        actor=Actor.for_user(request.user),
    )
    m = result.month
    return {
        "month": m.code,
        "rows": result.rows,
        "replaced": result.replaced,
        "new_lines": result.new_lines,
        "current_budget": m.current_budget,
        "executed": m.executed,
    }


@router.post("/execution/{year}/{month}/close", response={200: dict, 422: Problems}, summary="월 마감")
def close_month(request, year: int, month: int):
    m = execution_month_close(year=year, month=month, actor=Actor.for_user(request.user))
    return {"month": m.code, "state": m.state}


@router.get(
    "/execution",
    response={200: OverviewOut, 422: Problems},
    summary="집행 현황 (월 누계, 목표 대비; 기본: 최근 연도·월)",
    openapi_extra={"parameters": params.openapi_parameters(filters.EXECUTION_API)},
)
@params.api(**filters.EXECUTION_API)
def overview(request):
    require_role(request.user)
    years = execution.years()
    year = request.query.year or (years[0] if years else None)
    o = execution.overview(year, request.query.month) if year else None
    if o is None:
        return {"year": year}
    return {
        "year": o.year,
        "month": o.month,
        "total": _group(o.total),
        "by_department": [_group(g) for g in o.by_department],
        "by_source": [_group(g) for g in o.by_source],
        "by_nature": [_group(g) for g in o.by_nature],
        "behind": [_group(g) for g in o.behind],
        "behind_count": o.behind_count,
    }


@router.get(
    "/priorities/ranking",
    response={200: list[RankedOut], 422: Problems},
    summary="정책가계부 순위 (가중치 바꿔 보기)",
    openapi_extra={"parameters": params.openapi_parameters(filters.RANKING_API)},
)
@params.api(**filters.RANKING_API)
def ranking(request):
    """``plan``: the plan's code (default: the latest); ``weights``: criterion=weight pairs, comma
    separated (e.g. ``sample-pledge=40,sample-urgency=10``)."""
    require_role(request.user)
    plans = priorities.plans()
    plan = plans.filter(code=request.query.plan).first() if request.query.plan else plans.first()
    if plan is None:
        return []  # no such plan (or none yet): nothing ranked
    override: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in (request.query.weights or "").split(","))):
        key, _sep, value = part.partition("=")
        if not value.isdigit() or int(value) > 100:
            raise RecordInvalid(f"가중치 '{part}'은(는) 기준코드=0–100 형식이어야 합니다.", field="weights")
        override[key] = int(value)
    b = priorities.board(plan, override or None)
    return [
        {
            "rank": r.rank,
            "code": r.candidate.key,
            "name": r.candidate.name,
            "score": str(r.score),
            "selected": r.selected,
            "moved": r.moved,
            "explanation": r.explanation,
        }
        for r in b.ranked
    ]


@router.get("/grants/{year}/totals", response=list[KindTotalOut], summary="이전재원·공모사업 연간 합계")
def grant_totals(request, year: int):
    require_role(request.user)
    return [t.__dict__ for t in grants.totals(year)]


def _claim_out(c: SavingsClaim) -> dict:
    return {"code": c.code, "state": c.state, "amount": c.amount, "reward": c.reward, "paid_on": c.paid_on}


@router.post("/claims", response={201: ClaimOut, 422: Problems}, summary="예산성과금 신청")
def claim_submit(request, body: ClaimIn):
    require_role(request.user)
    data = body.dict()
    department = OrgUnit.objects.filter(code=data.pop("department")).first()
    if department is None:
        raise RecordInvalid("부서 코드를 찾을 수 없습니다.", field="department")
    c = rewards.claim_submit(department=department, actor=Actor.for_user(request.user), **data)
    return Status(201, _claim_out(c))


@router.post("/claims/{code}/review", response={200: ClaimOut, 422: Problems}, summary="예산성과금 심사 결과")
def claim_review(request, code: str, body: ReviewIn):
    c = get_object_or_404(SavingsClaim, code=code)
    return _claim_out(rewards.claim_review(claim=c, actor=Actor.for_user(request.user), **body.dict()))


@router.post("/claims/{code}/pay", response={200: ClaimOut, 422: Problems}, summary="예산성과금 지급")
def claim_pay(request, code: str, body: PayIn):
    c = get_object_or_404(SavingsClaim, code=code)
    return _claim_out(rewards.claim_pay(claim=c, actor=Actor.for_user(request.user), **body.dict()))


@router.post(
    "/proposed-items/{item_id}/council-decision",
    response={200: ProposedItemOut, 422: Problems},
    summary="예산안 반영 사업의 의회 의결",
)
def proposed_item_council_decision(request, item_id: int, body: CouncilDecisionIn):
    actor = Actor.for_user(request.user)
    require_budget_staff(actor, "의회 의결 기록")  # before the lookup: others learn nothing of the ids
    get_object_or_404(ProposedItem, pk=item_id)
    item = budget_proposal.council_decision_record(
        item_id=item_id,
        decision=body.council_decision,
        decided_amount=body.decided_amount,
        decided_on=body.decided_on,
        note=body.note,
        actor=actor,
    )
    return {f: getattr(item, f) for f in ProposedItemOut.model_fields}
