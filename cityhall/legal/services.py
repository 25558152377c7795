"""Writes of the legal app: regulations and their versions, the revision pipeline (audited stage by
stage), bulk revisions, council requests and answers, and the record types' rules. Each validates
first, runs in one transaction and audits through ``cityhall.core.audit``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from cityhall.core import audit, clock
from cityhall.core.audit import Actor
from cityhall.core.permissions import CHANGE, allowed, has_permission
from cityhall.core.records import REGISTRY, Errors
from cityhall.core.services import NON_FIELD, RecordInvalid
from cityhall.organisation import departments
from cityhall.organisation.models import OrgUnit

from . import comparison
from .models import (
    COUNCIL_KINDS,
    DELIBERATED_KINDS,
    BulkRevision,
    Case,
    DataRequest,
    DataRequestAttachment,
    Regulation,
    RegulationVersion,
    Revision,
    RevisionKind,
    RevisionTransition,
    Stage,
)

DELIBERATION_COMMITTEE = "budget-legal-c8"  # 조례규칙심의회 (seed I.3 line 92), a shared committee
LEGAL_STAFF = "legal_staff"  # 예산법무과 (의회법무팀·소송지원팀): edits every legal record
LEGAL_DEPARTMENT = departments.BUDGET_LEGAL
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {
    "application/pdf",
    "application/hwp+zip",
    "application/x-hwp",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "text/plain",
    "image/png",
    "image/jpeg",
}

PIPELINE = [
    Stage.DRAFTING,
    Stage.CONSULTATION,
    Stage.LEGAL_REVIEW,
    Stage.NOTICE,
    Stage.DELIBERATION,
    Stage.COUNCIL,
    Stage.PROMULGATION,
    Stage.IN_FORCE,
]
EDITABLE_STAGES = {Stage.DRAFTING, Stage.CONSULTATION, Stage.LEGAL_REVIEW}
FINAL_STAGES = {Stage.IN_FORCE, Stage.WITHDRAWN}


def legal_department_id() -> int | None:
    return OrgUnit.objects.filter(code=LEGAL_DEPARTMENT).values_list("pk", flat=True).first()


def is_legal_staff(user) -> bool:
    return user is not None and has_permission(user, LEGAL_STAFF)


def _require_legal(actor: Actor) -> None:
    if actor.user is not None and not is_legal_staff(actor.user):
        raise PermissionDenied(_("예산법무과(의회법무팀·소송지원팀)만 처리할 수 있습니다."))


def _audited_save(actor: Actor, name: str, obj, before: dict | None) -> None:
    rtype = REGISTRY[name]
    obj.full_clean()
    obj.save()
    after = rtype.to_data(obj)
    if before is None:
        audit.record(actor, "create", rtype, obj, after=after)
    elif before != after:
        audit.record(actor, "update", rtype, obj, before=before, after=after)


# -- articles -------------------------------------------------------------------------------------


def clean_articles(value: Any, *, field: str = "articles") -> list[dict[str, str]]:
    """Articles as written on a form or sent to the API, checked: a list of ``{number, title, text}``
    with 제N조 numbers, each once, and text."""
    if not isinstance(value, list):
        raise RecordInvalid(_("조문은 목록이어야 합니다."), field=field)
    out, seen, errors = [], set(), []
    for i, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            errors.append(_("%(i)s번째 조문: 객체여야 합니다.") % {"i": i})
            continue
        number = str(item.get("number", "")).replace(" ", "")
        title = str(item.get("title", "")).strip()
        text = str(item.get("text", "")).strip()
        if not comparison.valid_article_number(number):
            errors.append(
                _("%(i)s번째 조문: 조 번호 '%(n)s'은(는) '제3조', '제3조의2' 꼴이어야 합니다.")
                % {"i": i, "n": number}
            )
        elif number in seen:
            errors.append(_("%(i)s번째 조문: %(n)s가 두 번 있습니다.") % {"i": i, "n": number})
        if not text:
            errors.append(_("%(i)s번째 조문(%(n)s): 본문이 비어 있습니다.") % {"i": i, "n": number})
        seen.add(number)
        out.append({"number": number, "title": title, "text": text})
    if errors:
        raise RecordInvalid({field: errors})
    return out


def parse_articles_text(text: str) -> list[dict[str, str]]:
    """Articles from plain text as a 조례 is written: each article starts a line with ``제N조(제목)``;
    the lines after it, up to the next article, are its text."""
    import re

    head = re.compile(r"^\s*(제\s*\d+\s*조(?:\s*의\s*\d+)?)\s*(?:\(([^)]*)\))?\s*(.*)$")
    articles: list[dict[str, str]] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        match = head.match(line)
        if match:
            articles.append(
                {
                    "number": match.group(1).replace(" ", ""),
                    "title": (match.group(2) or "").strip(),
                    "text": match.group(3).strip(),
                }
            )
        elif line.strip():
            if not articles:
                raise RecordInvalid(
                    _("첫 줄은 '제1조(목적) …'처럼 조문으로 시작해야 합니다."), field="articles"
                )
            current = articles[-1]
            current["text"] = f"{current['text']}\n{line.strip()}" if current["text"] else line.strip()
    return articles


def articles_as_text(articles: list[dict[str, str]]) -> str:
    lines = []
    for article in articles:
        heading = f"{article['number']}({article['title']})" if article.get("title") else article["number"]
        lines.append(f"{heading} {article['text']}")
    return "\n".join(lines)


# -- regulations -----------------------------------------------------------------------------------


@transaction.atomic
def regulation_create(
    *,
    code: str,
    kind: str,
    title: str,
    department: OrgUnit,
    articles: Any,
    effective_on: date | None = None,
    sample: bool = False,
    actor: Actor,
) -> Regulation:
    """A regulation with its first version."""
    _require_legal(actor)
    articles = clean_articles(articles)
    regulation = Regulation(code=code, kind=kind, title=title, department=department, sample=sample)
    try:
        _audited_save(actor, "regulations", regulation, None)
    except Exception as exc:
        raise _invalid(exc) from exc
    version = RegulationVersion(
        code=f"{regulation.code}-v1",
        regulation=regulation,
        number=1,
        articles=articles,
        effective_on=effective_on,
    )
    _audited_save(actor, "regulation_versions", version, None)
    return regulation


def _invalid(exc: Exception) -> Exception:
    from django.core.exceptions import ValidationError

    if isinstance(exc, ValidationError):
        return RecordInvalid({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
    return exc


def current_version(regulation: Regulation) -> RegulationVersion | None:
    return regulation.versions.order_by("-number").first()


# -- revisions -------------------------------------------------------------------------------------


def can_edit_revision(user, revision: Revision) -> bool:
    """The legal team always; the drafting department's editors while it is still a draft."""
    if is_legal_staff(user):
        return True
    return revision.stage in EDITABLE_STAGES and allowed(user, CHANGE, REGISTRY["revisions"], revision)


@transaction.atomic
def revision_open(
    *,
    code: str,
    regulation: Regulation,
    kind: str,
    title: str,
    department: OrgUnit,
    draft: Any = None,
    reason: str = "",
    year: int | None = None,
    bulk: BulkRevision | None = None,
    sample: bool = False,
    actor: Actor,
) -> Revision:
    """Open a revision of ``regulation`` in drafting; its draft starts as the version in force."""
    if actor.user is not None and not (
        is_legal_staff(actor.user) or allowed(actor.user, CHANGE, REGISTRY["revisions"], _Owner(department))
    ):
        raise PermissionDenied(_("이 부서의 자치법규 제·개정을 시작할 권한이 없습니다."))
    base = current_version(regulation)
    if kind not in RevisionKind.values:
        raise RecordInvalid(_("구분은 제정·개정·폐지 중 하나여야 합니다."), field="kind")
    if kind != RevisionKind.ENACT and base is None:
        raise RecordInvalid(_("현행 판이 없는 자치법규는 개정·폐지할 수 없습니다."), field="regulation")
    if regulation.repealed:
        raise RecordInvalid(_("폐지된 자치법규입니다."), field="regulation")
    if Revision.objects.filter(regulation=regulation).exclude(stage__in=FINAL_STAGES).exists():
        raise RecordInvalid(_("이 자치법규는 진행 중인 제·개정이 있습니다."), field="regulation")
    if draft is None:
        draft = [] if kind == RevisionKind.REPEAL or base is None else list(base.articles)
    draft = clean_articles(draft, field="draft") if kind != RevisionKind.REPEAL else []
    revision = Revision(
        code=code,
        regulation=regulation,
        kind=kind,
        title=title,
        department=department,
        base_version=base,
        draft=draft,
        reason=reason,
        bulk=bulk,
        year=year or clock.today().year,
        sample=sample,
    )
    try:
        _audited_save(actor, "revisions", revision, None)
    except Exception as exc:
        raise _invalid(exc) from exc
    return revision


class _Owner:
    """A stand-in with a department, for asking whether a user may change records of it."""

    def __init__(self, department: OrgUnit):
        self.department = department


@transaction.atomic
def revision_update_draft(
    *, revision: Revision, draft: Any, reason: str | None = None, actor: Actor
) -> Revision:
    revision = Revision.objects.select_for_update().get(pk=revision.pk)
    if actor.user is not None and not can_edit_revision(actor.user, revision):
        raise PermissionDenied(_("이 개정안을 고칠 권한이 없습니다."))
    if revision.stage not in EDITABLE_STAGES:
        raise RecordInvalid(
            _("개정안은 입안·사전협의·법제심사 단계에서만 고칠 수 있습니다 (지금: %(stage)s).")
            % {"stage": revision.get_stage_display()},
            field="draft",
        )
    before = REGISTRY["revisions"].to_data(revision)
    revision.draft = clean_articles(draft, field="draft")
    if reason is not None:
        revision.reason = reason
    _audited_save(actor, "revisions", revision, before)
    return revision


def next_stages(revision: Revision) -> list[str]:
    """Where a revision may go from its stage: the next step that applies to its kind (훈령·예규 skip the
    심의회 and, like 규칙, the council), or withdrawal."""
    if revision.stage in FINAL_STAGES:
        return []
    index = PIPELINE.index(Stage(revision.stage))
    for stage in PIPELINE[index + 1 :]:
        if stage == Stage.DELIBERATION and revision.regulation.kind not in DELIBERATED_KINDS:
            continue
        if stage == Stage.COUNCIL and revision.regulation.kind not in COUNCIL_KINDS:
            continue
        return [stage, Stage.WITHDRAWN]
    return [Stage.WITHDRAWN]


@transaction.atomic
def revision_advance(
    *, revision: Revision, to_stage: str, on: date | None = None, note: str = "", actor: Actor
) -> Revision:
    """Move a revision to its next stage (audited, with a transition row). Entering 입법예고 sets its
    period (20 days, counted by the calendar); leaving it needs the period over; 공포 writes the new
    version (or repeals); 시행 records the day it took effect."""
    from . import deadlines

    _require_legal(actor)
    revision = Revision.objects.select_for_update().select_related("regulation").get(pk=revision.pk)
    on = on or clock.today()
    allowed_next = next_stages(revision)
    if to_stage not in allowed_next:
        raise RecordInvalid(
            _("'%(from)s'에서 '%(to)s'(으)로 갈 수 없습니다. 가능한 단계: %(next)s")
            % {
                "from": revision.get_stage_display(),
                "to": Stage(to_stage).label if to_stage in Stage.values else to_stage,
                "next": ", ".join(str(Stage(s).label) for s in allowed_next) or "-",
            },
            field="to_stage",
        )
    last = revision.transitions.order_by("-on", "-id").first()
    if last is not None and on < last.on:
        raise RecordInvalid(
            _("일자(%(on)s)가 앞 단계 일자(%(last)s)보다 이릅니다.") % {"on": on, "last": last.on}, field="on"
        )
    before = REGISTRY["revisions"].to_data(revision)
    if revision.stage == Stage.NOTICE and to_stage != Stage.WITHDRAWN:
        if revision.notice_ends_on and on <= revision.notice_ends_on:
            raise RecordInvalid(
                _("입법예고 기간(%(end)s까지)이 끝난 뒤에 다음 단계로 갈 수 있습니다.")
                % {"end": revision.notice_ends_on},
                field="on",
            )
    if to_stage == Stage.NOTICE:
        revision.notice_starts_on = on
        revision.notice_ends_on = deadlines.compute("legislative_notice", on).due
    elif to_stage == Stage.DELIBERATION:
        revision.deliberated_on = on
        revision.deliberation_meeting = deliberation_meeting(on=on, agenda=[revision.title], actor=actor)
    elif to_stage == Stage.COUNCIL:
        revision.council_passed_on = on
        revision.received_on = on
    elif to_stage == Stage.PROMULGATION:
        if revision.kind != RevisionKind.REPEAL and not revision.draft:
            raise RecordInvalid(_("개정안 조문이 없습니다."), field="draft")
        revision.promulgated_on = on
        _promulgate(revision, on, actor)
    elif to_stage == Stage.IN_FORCE:
        revision.effective_on = on
        if revision.new_version_id:
            version = revision.new_version
            version_before = REGISTRY["regulation_versions"].to_data(version)
            version.effective_on = on
            _audited_save(actor, "regulation_versions", version, version_before)
    RevisionTransition.objects.create(
        revision=revision,
        from_stage=revision.stage,
        to_stage=to_stage,
        on=on,
        actor=actor.name[:150],
        note=note[:300],
    )
    revision.stage = to_stage
    _audited_save(actor, "revisions", revision, before)
    return revision


def deliberation_committee():
    """The 조례규칙심의회 among the legal department's committees (the shared committees app), or None."""
    from cityhall.committees import selectors as committee_selectors

    unit = OrgUnit.objects.filter(code=LEGAL_DEPARTMENT).first()
    if unit is None:
        return None
    return next(
        (c for c in committee_selectors.committees_of([unit]) if c.code == DELIBERATION_COMMITTEE), None
    )


def deliberation_meeting(*, on: date, agenda: list[str], actor: Actor):
    """The 심의회 meeting of ``on`` (the shared committee meetings), created with ``agenda`` when the
    day has none yet; None without the committee."""
    from cityhall.committees import selectors as committee_selectors
    from cityhall.committees import services as committee_services

    committee = deliberation_committee()
    if committee is None:
        return None
    same_day = [m for m in committee_selectors.meetings_of(committee, on.year) if m.held_on == on]
    if same_day:
        return same_day[0]
    return committee_services.meeting_create(committee=committee, held_on=on, agenda=agenda, actor=actor)


def _promulgate(revision: Revision, on: date, actor: Actor) -> None:
    regulation = revision.regulation
    if revision.kind == RevisionKind.REPEAL:
        before = REGISTRY["regulations"].to_data(regulation)
        regulation.repealed = True
        _audited_save(actor, "regulations", regulation, before)
        return
    number = (current_version(regulation).number + 1) if current_version(regulation) else 1
    version = RegulationVersion(
        code=f"{regulation.code}-v{number}",
        regulation=regulation,
        number=number,
        articles=revision.draft,
        promulgated_on=on,
        note=revision.title[:200],
    )
    _audited_save(actor, "regulation_versions", version, None)
    revision.new_version = version


def revision_comparison(revision: Revision, *, include_unchanged: bool = False) -> list[comparison.Row]:
    """The 신구조문대비표 of a revision: the version it started from against its draft (or, once
    promulgated, the version it made)."""
    old = revision.base_version.articles if revision.base_version_id else []
    new = revision.new_version.articles if revision.new_version_id else revision.draft
    return comparison.compare(old, new, include_unchanged=include_unchanged)


# -- bulk revisions -------------------------------------------------------------------------------


@transaction.atomic
def bulk_revision_open(
    *,
    code: str,
    title: str,
    phrase: str,
    replacement: str,
    regex: bool = False,
    reason: str = "",
    year: int | None = None,
    sample: bool = False,
    actor: Actor,
) -> BulkRevision:
    """One revision, drafted with the phrase replaced, for every regulation in force whose text contains
    it (regulations with a revision under way are refused, named)."""
    import re

    from . import selectors

    _require_legal(actor)
    if not phrase.strip():
        raise RecordInvalid(_("찾을 문구를 입력하세요."), field="phrase")
    if regex:
        try:
            re.compile(phrase)
        except re.error as exc:
            raise RecordInvalid(_("정규식이 올바르지 않습니다: %(e)s") % {"e": exc}, field="phrase") from exc
    hits = selectors.regulations_containing(phrase, regex=regex)
    if not hits:
        raise RecordInvalid(_("'%(p)s'이(가) 들어 있는 자치법규가 없습니다.") % {"p": phrase}, field="phrase")
    busy = [h.regulation.title for h in hits if h.busy]
    if busy:
        raise RecordInvalid(
            _("진행 중인 제·개정이 있는 자치법규: %(names)s") % {"names": ", ".join(busy)}, field="phrase"
        )
    bulk = BulkRevision(
        code=code, title=title, phrase=phrase, replacement=replacement, regex=regex, reason=reason
    )
    _audited_save(actor, "bulk_revisions", bulk, None)
    for i, hit in enumerate(hits, start=1):
        draft, _count = comparison.replace_phrase(hit.version.articles, phrase, replacement, regex=regex)
        revision_open(
            code=f"{code}-{i}",
            regulation=hit.regulation,
            kind=RevisionKind.AMEND,
            title=f"{hit.regulation.title} 일부개정 ({title})"[:200],
            department=hit.regulation.department,
            draft=draft,
            reason=reason,
            year=year,
            bulk=bulk,
            sample=sample,
            actor=actor,
        )
    return bulk


# -- council requests ------------------------------------------------------------------------------


def data_request_rules(obj: DataRequest, before: dict | None) -> Errors:
    errors: Errors = {}
    if obj.status == DataRequest.Status.ANSWERED and not obj.answered_on:
        errors["answered_on"] = [_("제출 완료에는 제출일이 필요합니다.")]
    if obj.answered_on and obj.answered_on < obj.requested_on:
        errors["answered_on"] = [_("제출일은 요구일보다 앞설 수 없습니다.")]
    return errors


@transaction.atomic
def data_request_answer(
    *,
    request: DataRequest,
    answer: str,
    files: list[tuple[str, str, bytes]] = (),  # type: ignore[assignment]
    answered_on: date | None = None,
    actor: Actor,
) -> DataRequest:
    """The department's answer with its attachments (name, content type, bytes)."""
    request = DataRequest.objects.select_for_update().get(pk=request.pk)
    rtype = REGISTRY["data_requests"]
    if actor.user is not None and not (
        is_legal_staff(actor.user) or allowed(actor.user, CHANGE, rtype, request)
    ):
        raise PermissionDenied(_("이 요구자료에 답할 권한이 없습니다."))
    errors: Errors = {}
    if not answer.strip():
        errors["answer"] = [_("제출 내용을 입력하세요.")]
    for name, content_type, content in files:
        if len(content) > MAX_ATTACHMENT_BYTES:
            errors.setdefault("files", []).append(_("%(name)s: 10MB를 넘습니다.") % {"name": name})
        if content_type not in ATTACHMENT_TYPES:
            errors.setdefault("files", []).append(
                _("%(name)s: 이 형식(%(type)s)은 올릴 수 없습니다 (PDF·HWPX·XLSX·DOCX·TXT·PNG·JPEG).")
                % {"name": name, "type": content_type}
            )
    if errors:
        raise RecordInvalid(errors)
    before = rtype.to_data(request)
    request.answer = answer.strip()
    request.answered_on = answered_on or clock.today()
    request.status = DataRequest.Status.ANSWERED
    errors = data_request_rules(request, before)
    if errors:
        raise RecordInvalid(errors)
    _audited_save(actor, "data_requests", request, before)
    for name, content_type, content in files:
        DataRequestAttachment.objects.create(
            request=request, name=name[:200], content_type=content_type, content=content, size=len(content)
        )
        audit.record(
            actor,
            "update",
            rtype,
            request,
            after={"attachment": name[:200], "content_type": content_type, "size": len(content)},
        )
    return request


# -- cases -----------------------------------------------------------------------------------------


def case_rules(obj: Case, before: dict | None) -> Errors:
    errors: Errors = {}
    if obj.filed_on and obj.filed_on < obj.received_on and obj.kind not in {"civil", "administrative"}:
        errors["filed_on"] = [_("청구일은 접수일보다 앞설 수 없습니다.")]
    if obj.judgment_on and obj.filed_on and obj.judgment_on < obj.filed_on:
        errors["judgment_on"] = [
            _("판결일(%(j)s)이 제소일(%(f)s)보다 앞섭니다.") % {"j": obj.judgment_on, "f": obj.filed_on}
        ]
    if obj.status == Case.Status.CLOSED and not obj.closed_on:
        errors["closed_on"] = [_("종결한 사건에는 종결일이 필요합니다.")]
    if obj.instance and obj.kind not in {"civil", "administrative"}:
        errors["instance"] = [_("심급은 소송에만 씁니다.")]
    if errors:
        return errors
    return {}


def revision_rules(obj: Revision, before: dict | None) -> Errors:
    if obj.kind == RevisionKind.REPEAL and obj.draft:
        return {"draft": [_("폐지에는 개정안 조문이 없습니다.")]}
    return {}


__all__ = [
    "LEGAL_STAFF",
    "NON_FIELD",
    "bulk_revision_open",
    "data_request_answer",
    "regulation_create",
    "revision_advance",
    "revision_open",
    "revision_update_draft",
]


# -- sample records (예시) ----------------------------------------------------------------------------


@transaction.atomic
def legal_load_sample(*, actor: Actor | None = None, today: date | None = None) -> dict[str, int]:
    """Load the labelled sample records reproducing the seed's 2024 counts (see ``samples``): the 120
    revisions with their regulations and versions, the cases, and a few council records and open cases
    around ``today`` for the pages. Idempotent: an existing sample is replaced."""
    from datetime import timedelta

    from . import samples
    from .models import Bill, CaseEvent, CouncilSession

    actor = actor or Actor.system("legal:load-sample")
    today = today or clock.today()
    departments = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT).order_by("order", "code"))
    if not departments:
        raise RecordInvalid(_("부서가 없습니다. 먼저 계획을 불러오세요."))
    legal = next((d for d in departments if d.code == LEGAL_DEPARTMENT), departments[0])
    # Replace an earlier sample (children first).
    Bill.objects.filter(sample=True).delete()
    DataRequest.objects.filter(sample=True).delete()
    CouncilSession.objects.filter(sample=True).delete()
    Case.objects.filter(sample=True).delete()
    sample_revisions = Revision.objects.filter(sample=True)
    bulk_ids = set(sample_revisions.exclude(bulk=None).values_list("bulk_id", flat=True))
    RevisionTransition.objects.filter(revision__sample=True).delete()
    sample_revisions.delete()
    BulkRevision.objects.filter(pk__in=bulk_ids).delete()
    Regulation.objects.filter(sample=True).delete()
    # The 심의회's meetings stay in the committee's record: a reload finds them by their day.

    bulk = BulkRevision.objects.create(
        code="sample-2024-age",
        title="'만 나이' 규정 일괄개정 (예시)",
        phrase=r"만\s?(\d+)세",
        replacement=r"\1세",
        regex=True,
        reason="'만 나이' 통일법('23.6.8.) 시행에 따라 자치법규 내 '만 나이' 규정 일괄개정 (행 277)",
    )
    counts = {"regulations": 0, "revisions": 0, "cases": 0}
    rows = samples.sample_revisions()
    regulations = Regulation.objects.bulk_create(
        [
            Regulation(
                code=f"sample-reg-{row['n']:03d}",
                kind=row["regulation_kind"],
                title=row["title"],
                department=departments[row["n"] % len(departments)],
                repealed=row["kind"] == "repeal",
                sample=True,
            )
            for row in rows
        ]
    )
    versions, revisions = [], []
    for row, regulation in zip(rows, regulations, strict=True):
        articles = samples.base_articles(row["title"], age_phrase=row["age_bulk"])
        meeting = row["meeting"] or date(2024, 1 + row["n"] % 12, 10)
        promulgated = meeting + timedelta(days=28)
        base = None
        new_articles = articles
        if row["kind"] != "enact":
            base = RegulationVersion(
                code=f"{regulation.code}-v1",
                regulation=regulation,
                number=1,
                articles=articles,
                effective_on=date(2020, 1, 1),
            )
            versions.append(base)
            if row["kind"] == "amend":
                new_articles = (
                    comparison.replace_phrase(articles, bulk.phrase, bulk.replacement, regex=True)[0]
                    if row["age_bulk"]
                    else samples.revised_articles(articles, row["index"])
                )
        new = None
        if row["kind"] != "repeal":
            new = RegulationVersion(
                code=f"{regulation.code}-v{2 if base else 1}",
                regulation=regulation,
                number=2 if base else 1,
                articles=new_articles,
                promulgated_on=promulgated,
                effective_on=promulgated,
            )
            versions.append(new)
        revisions.append((row, regulation, base, new, meeting, promulgated))
    RegulationVersion.objects.bulk_create(versions)
    meetings = {}
    agendas: dict = {}
    for row, regulation, *_rest in revisions:
        if row["meeting"]:
            agendas.setdefault(row["meeting"], []).append(
                f"{regulation.title} {dict(RevisionKind.choices)[row['kind']]}안"
            )
    for day, agenda in sorted(agendas.items()):
        meetings[day] = deliberation_meeting(on=day, agenda=agenda, actor=actor)
    made = Revision.objects.bulk_create(
        [
            Revision(
                code=f"sample-2024-{row['n']:03d}",
                regulation=regulation,
                kind=row["kind"],
                title=f"{regulation.title} {dict(RevisionKind.choices)[row['kind']]}",
                department=regulation.department,
                stage=Stage.IN_FORCE,
                base_version=base,
                draft=new.articles if new else [],
                bulk=bulk if row["age_bulk"] else None,
                notice_starts_on=meeting - timedelta(days=40),
                notice_ends_on=meeting - timedelta(days=21),
                deliberated_on=row["meeting"],
                deliberation_meeting=meetings.get(row["meeting"]),
                council_passed_on=meeting + timedelta(days=14)
                if row["regulation_kind"] == "ordinance"
                else None,
                received_on=meeting + timedelta(days=18) if row["regulation_kind"] == "ordinance" else None,
                promulgated_on=promulgated,
                effective_on=promulgated,
                new_version=new,
                year=2024,
                sample=True,
            )
            for row, regulation, base, new, meeting, promulgated in revisions
        ]
    )
    counts["regulations"], counts["revisions"] = len(regulations), len(made)

    # Cases of 2024 (행 282–284), closed; a few open ones around today for the deadline pages.
    cases = []
    for kind, count in samples.CASES_2024.items():
        for i in range(count):
            received = date(2024, 1, 2) + timedelta(days=(i * 7) % 360)
            lawsuit = kind in {"civil", "administrative"}
            cases.append(
                Case(
                    code=f"sample-2024-{kind}-{i + 1:03d}",
                    kind=kind,
                    title=f"{dict(samples_case_labels())[kind]} 예시 {i + 1}",
                    department=departments[i % len(departments)],
                    court="인천지방법원 부천지원"
                    if lawsuit
                    else ("경기도행정심판위원회" if kind == "appeal" else ""),
                    case_number=f"2024{'가단' if kind == 'civil' else '구단'}{1000 + i}" if lawsuit else "",
                    instance=Case.Instance.FIRST if lawsuit else "",
                    received_on=received,
                    filed_on=received if lawsuit else None,
                    status=Case.Status.CLOSED,
                    closed_on=received + timedelta(days=3),
                    year=2024,
                    sample=True,
                )
            )
    open_cases = [
        ("civil", "손해배상(기) 청구 (예시)", 160, {"judgment_served_on": 6, "judgment_on": 9}),
        ("administrative", "영업정지처분 취소 (예시)", 200, {"judgment_served_on": 2, "judgment_on": 5}),
        ("appeal", "정보공개 거부처분 취소심판 (예시)", 5, {}),
        ("advisory", "공유재산 사용허가 관련 자문 (예시)", 3, {}),
        ("taxpayer", "재산세 부과 고충민원 (예시)", 2, {}),
        ("staff_protection", "민원인 폭행 고발 (예시)", 10, {}),
    ]
    for i, (kind, title, ago, dates) in enumerate(open_cases, start=1):
        received = today - timedelta(days=ago)
        lawsuit = kind in {"civil", "administrative"}
        case = Case(
            code=f"sample-open-{i}",
            kind=kind,
            title=title,
            department=departments[i % len(departments)],
            court="인천지방법원 부천지원" if lawsuit else "",
            case_number=f"{today.year}가단{500 + i}" if lawsuit else "",
            opponent="홍길동",
            instance=Case.Instance.FIRST if lawsuit else "",
            lawyer="소송전담 변호사 (예시)" if lawsuit else "",
            received_on=received,
            filed_on=received if lawsuit else None,
            year=today.year,
            sample=True,
        )
        if dates:
            case.judgment_on = today - timedelta(days=dates["judgment_on"])
            case.judgment_served_on = today - timedelta(days=dates["judgment_served_on"])
        cases.append(case)
    made_cases = Case.objects.bulk_create(cases, batch_size=500)
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                case=c,
                kind=CaseEvent.Kind.HEARING,
                on=c.received_on + timedelta(days=1),
                note="제1회 변론기일 (예시)",
            )
            for c in made_cases
            if c.code.startswith("sample-open-") and c.kind in {"civil", "administrative"}
        ]
    )
    counts["cases"] = len(made_cases)

    # Council (예시): two sessions, requests routed to departments, a bill from a revision.
    session = CouncilSession.objects.create(
        code="sample-session-1",
        number=250,
        kind=CouncilSession.Kind.EXTRAORDINARY,
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=10),
        sample=True,
    )
    CouncilSession.objects.create(
        code="sample-session-2",
        number=251,
        kind=CouncilSession.Kind.REGULAR,
        starts_on=today + timedelta(days=30),
        ends_on=today + timedelta(days=50),
        sample=True,
    )
    DataRequest.objects.bulk_create(
        [
            DataRequest(
                code=f"sample-request-{i}",
                kind=DataRequest.Kind.AUDIT if i % 3 == 0 else DataRequest.Kind.MEMBER,
                session=session,
                member=f"의원 {chr(0xAC00 + i * 300)}",
                subject=subject,
                department=departments[i % len(departments)],
                requested_on=today - timedelta(days=5),
                due_on=today + timedelta(days=i),
                sample=True,
            )
            for i, subject in enumerate(
                [
                    "최근 3년간 위원회 운영 현황",
                    "부서별 예산 집행 현황",
                    "공유재산 사용허가 현황",
                    "소송 진행 현황 및 비용",
                    "자치법규 제·개정 추진 현황",
                    "민간위탁 사무 현황",
                ],
                start=1,
            )
        ]
    )
    bill = Bill.objects.create(
        code="sample-bill-1",
        kind=Bill.Kind.ORDINANCE,
        title="김포시 청년 기본 조례 일부개정조례안 (예시)",
        session=session,
        department=legal,
        committee="행정복지위원회",
        submitted_on=today - timedelta(days=3),
        sample=True,
    )
    from .council import bill_advance

    bill_advance(bill=bill, to_stage=Bill.Stage.COMMITTEE, on=today - timedelta(days=1), actor=actor)
    counts["consultations"] = _load_sample_consultations()
    audit.record(actor, "create", REGISTRY["bulk_revisions"], bulk, after={"sample": counts})
    return counts


def _load_sample_consultations() -> int:
    """2024's consultations (행 281, 예시): held, without personal data (past their use for the sample)."""
    from cityhall.core import deadlines as calendar

    from . import samples
    from .models import Consultation, ConsultationTopic, Eligibility

    Consultation.objects.filter(sample=True).delete()
    topics, eligibilities = ConsultationTopic.values, Eligibility.values
    rows, n = [], 0
    for day, count in samples.consultation_days_2024(calendar.is_holiday):
        for i in range(count):
            n += 1
            rows.append(
                Consultation(
                    code=f"sample-lc-{n:03d}",
                    day=day,
                    lawyer=f"마을변호사 {1 + i % 2}",
                    status=Consultation.Status.ATTENDED,
                    eligibility=eligibilities[n % len(eligibilities)],
                    topic=topics[n % len(topics)],
                    purged=True,
                    sample=True,
                )
            )
    Consultation.objects.bulk_create(rows)
    return len(rows)


def samples_case_labels():
    from .models import CaseKind

    return CaseKind.choices
