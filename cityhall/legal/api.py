"""Legal endpoints under /api/v1/legal/ beyond the generated CRUD: the phrase search, revisions (open,
draft, advance, comparison table), bulk revisions, the year's statistics and a case's deadlines. Thin:
each calls a service or selector, which check the same permissions as the pages."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from cityhall.core import clock, params
from cityhall.core.api import Problems
from cityhall.core.audit import Actor
from cityhall.core.permissions import VIEW, allowed, require_role
from cityhall.core.records import REGISTRY
from cityhall.core.services import RecordInvalid
from cityhall.organisation.models import OrgUnit

from . import selectors, services
from .models import Case, Regulation

router = Router(tags=["의회·법무"])


class ArticleIO(Schema):
    number: str
    title: str = ""
    text: str


class SegmentOut(Schema):
    text: str
    marked: bool


class RowOut(Schema):
    number: str
    change: str
    old: list[SegmentOut]
    new: list[SegmentOut]


class RevisionOut(Schema):
    code: str
    regulation: str
    kind: str
    title: str
    stage: str
    year: int
    notice_starts_on: date | None
    notice_ends_on: date | None
    promulgated_on: date | None
    effective_on: date | None
    draft: list[ArticleIO]


class RevisionOpenIn(Schema):
    code: str
    regulation: str
    kind: str
    title: str
    department: str
    reason: str = ""
    draft: list[ArticleIO] | None = None


class DraftIn(Schema):
    draft: list[ArticleIO]
    reason: str | None = None


class AdvanceIn(Schema):
    to_stage: str
    on: date | None = None
    note: str = ""


class BulkIn(Schema):
    code: str
    title: str
    phrase: str
    replacement: str = ""
    regex: bool = False
    reason: str = ""


class BulkOut(Schema):
    code: str
    title: str
    revisions: list[str]


class MatchOut(Schema):
    regulation: str
    title: str
    kind: str
    articles: list[str]
    busy: bool


class StatisticsOut(Schema):
    year: int
    total: int
    by_kind: dict[str, int]
    by_regulation_kind: dict[str, int]
    meetings: int
    sample: bool


class DeadlineOut(Schema):
    rule: str
    label: str
    source: str
    start: date
    due: date
    days_left: int | None
    explanation: list[str]


def _revision_out(r) -> dict:
    return {
        "code": r.code,
        "regulation": r.regulation.code,
        "kind": r.kind,
        "title": r.title,
        "stage": r.stage,
        "year": r.year,
        "notice_starts_on": r.notice_starts_on,
        "notice_ends_on": r.notice_ends_on,
        "promulgated_on": r.promulgated_on,
        "effective_on": r.effective_on,
        "draft": r.draft,
    }


def _revision(code: str):
    found = selectors.revision(code)
    if found is None:
        raise Http404
    return found


@router.get("/search", response={200: list[MatchOut], 422: Problems}, summary="자치법규 문구 검색")
@params.api(q=params.Text(label="문구", max_length=200), regex=params.Bool(label="정규식"))
def search(request):
    require_role(request.user)
    if not request.query.q:
        return []
    try:
        hits = selectors.regulations_containing(request.query.q, regex=bool(request.query.regex))
    except Exception as exc:  # a bad regular expression
        raise RecordInvalid(_("정규식이 올바르지 않습니다: %(e)s") % {"e": exc}, field="q") from exc
    return [
        {
            "regulation": h.regulation.code,
            "title": h.regulation.title,
            "kind": h.regulation.kind,
            "articles": [m.number for m in h.matches],
            "busy": h.busy,
        }
        for h in hits
    ]


@router.get("/revisions/{code}", response=RevisionOut, summary="자치법규 제·개정")
def revision_get(request, code: str):
    require_role(request.user)
    return _revision_out(_revision(code))


@router.post("/revisions", response={201: RevisionOut, 422: Problems}, summary="제·개정 시작")
def revision_open(request, body: RevisionOpenIn):
    require_role(request.user)
    regulation = Regulation.objects.filter(code=body.regulation).first()
    if regulation is None:
        raise RecordInvalid(
            _("코드 '%(c)s'인 자치법규가 없습니다.") % {"c": body.regulation}, field="regulation"
        )
    department = OrgUnit.objects.filter(code=body.department).first()
    if department is None:
        raise RecordInvalid(_("코드 '%(c)s'인 부서가 없습니다.") % {"c": body.department}, field="department")
    r = services.revision_open(
        code=body.code,
        regulation=regulation,
        kind=body.kind,
        title=body.title,
        department=department,
        reason=body.reason,
        draft=[a.dict() for a in body.draft] if body.draft is not None else None,
        actor=Actor.for_user(request.user),
    )
    return Status(201, _revision_out(r))


@router.put(
    "/revisions/{code}/draft", response={200: RevisionOut, 422: Problems}, summary="개정안 조문 고치기"
)
def revision_draft(request, code: str, body: DraftIn):
    require_role(request.user)
    r = services.revision_update_draft(
        revision=_revision(code),
        draft=[a.dict() for a in body.draft],
        reason=body.reason,
        actor=Actor.for_user(request.user),
    )
    return _revision_out(r)


@router.post("/revisions/{code}/advance", response={200: RevisionOut, 422: Problems}, summary="다음 단계로")
def revision_advance(request, code: str, body: AdvanceIn):
    require_role(request.user)
    r = services.revision_advance(
        revision=_revision(code),
        to_stage=body.to_stage,
        on=body.on,
        note=body.note,
        actor=Actor.for_user(request.user),
    )
    return _revision_out(r)


@router.get("/revisions/{code}/comparison", response=list[RowOut], summary="신구조문대비표")
def revision_comparison(request, code: str):
    require_role(request.user)
    rows = services.revision_comparison(_revision(code))
    return [
        {
            "number": row.number,
            "change": row.change,
            "old": [{"text": s.text, "marked": s.marked} for s in row.old],
            "new": [{"text": s.text, "marked": s.marked} for s in row.new],
        }
        for row in rows
    ]


@router.post("/bulk-revisions", response={201: BulkOut, 422: Problems}, summary="일괄개정 시작")
def bulk_open(request, body: BulkIn):
    require_role(request.user)
    bulk = services.bulk_revision_open(**body.dict(), actor=Actor.for_user(request.user))
    return Status(
        201, {"code": bulk.code, "title": bulk.title, "revisions": [r.code for r in bulk.revisions.all()]}
    )


@router.get("/statistics/{year}", response=StatisticsOut, summary="자치법규 제·개정 통계")
def statistics(request, year: int):
    require_role(request.user)
    s = selectors.year_statistics(year)
    return {
        "year": s.year,
        "total": s.total,
        "by_kind": dict(s.by_kind),
        "by_regulation_kind": dict(s.by_regulation_kind),
        "meetings": s.meetings,
        "sample": s.sample,
    }


@router.get("/cases/{code}/deadlines", response=list[DeadlineOut], summary="사건 기한")
def case_deadlines(request, code: str):
    require_role(request.user)
    case = get_object_or_404(Case, code=code)
    if not allowed(request.user, VIEW, REGISTRY["cases"], case):
        raise PermissionDenied(_("이 사건을 볼 권한이 없습니다."))
    return [
        {
            "rule": d.rule.code,
            "label": str(d.rule.label),
            "source": d.rule.source,
            "start": d.start,
            "due": d.due,
            "days_left": d.days_left,
            "explanation": list(d.explanation),
        }
        for d in selectors.case_deadlines(case, today=clock.today())
    ]
