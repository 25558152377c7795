"""Writes of the participation engine: processes and phases, proposals and their review, committee
scores, verification of voters, ballots (online and paper) and the count. Each validates first,
runs in one transaction and leaves an audit event — except the online ballot itself, whose only
trace is the voters' roll (``Participation``) and the unlinked ``Ballot`` (ADR 0013)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Avg, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cityhall.core import deadlines
from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.permissions import CHANGE, has_permission, scope_of
from cityhall.core.records import Errors
from cityhall.core.services import NON_FIELD, RecordInvalid
from cityhall.gis.area import CITY_BOUNDS
from cityhall.notifications import services as notifications
from cityhall.organisation import departments
from cityhall.organisation.models import OrgUnit
from cityhall.organisation.selectors import PLANNING_STAFF

from . import cache, counting, identity, rules
from .choices import (
    BallotKind,
    Channel,
    ConflictKind,
    ConflictState,
    CountingRule,
    Eligibility,
    PhaseKind,
    ProcessKind,
    ProposalStatus,
    ProposerKind,
    ReviewStage,
    SuggestionGrade,
    VerificationMethod,
)
from .models import (
    Ballot,
    Category,
    CensusEntry,
    CommitteeScore,
    Conflict,
    Heading,
    PaperEntry,
    Participation,
    Phase,
    Process,
    ProgressReport,
    Proposal,
    StageDecision,
    StatusChange,
    Tally,
    Verification,
)

PARTICIPATION_STAFF = "participation_staff"  # 예산법무과 editors/managers, the director, administrators
BUDGET_DEPARTMENT = departments.BUDGET_LEGAL
ADOPTED_GRADES = [g for g in SuggestionGrade.values if g != SuggestionGrade.NOT_ADOPTED]
MAX_COST = 100_000_000_000  # won: a proposal above 1,000억원 is a typo
TITLE_MAX, DESCRIPTION_MAX = 200, 5000


# -- listeners: what the apps above do when a process's result is decided -------------------------


@dataclass(frozen=True)
class ResultLink:
    """Where a project went after the decision (the budget proposal's item), as its owner says."""

    label: str
    url: str


@dataclass(frozen=True)
class _ResultListener:
    on_counted: Callable[..., None]  # (process=, actor=): inside the count's transaction
    links: Callable[[str, list[int]], dict[int, ResultLink]] | None


_result_listeners: list[_ResultListener] = []


def register_result_listener(
    *,
    on_counted: Callable[..., None],
    links: Callable[[str, list[int]], dict[int, ResultLink]] | None = None,
) -> None:
    """Call ``on_counted(process=, actor=)`` whenever a 주민참여예산 process is counted (its result
    decided), in the same transaction: the count and what follows from it are kept or undone
    together. ``links(process_code, numbers)`` tells the project pages where each project went. An
    app above this one registers in its ``AppConfig.ready`` (finance: the budget proposal), so this
    app imports none of them."""
    if not any(lst.on_counted == on_counted for lst in _result_listeners):
        _result_listeners.append(_ResultListener(on_counted, links))


def result_links(process_code: str, numbers: list[int]) -> dict[int, list[ResultLink]]:
    found: dict[int, list[ResultLink]] = {}
    for listener in list(_result_listeners):
        if listener.links is None:
            continue
        for number, link in listener.links(process_code, numbers).items():
            found.setdefault(number, []).append(link)
    return found


def budget_department_id() -> int | None:
    return OrgUnit.objects.filter(code=BUDGET_DEPARTMENT).values_list("pk", flat=True).first()


def is_staff(user, process: Process | None = None) -> bool:
    """주민참여예산: 예산법무과; 제안제도: 정책기획과; office-wide roles for both."""
    if user is None or not user.is_authenticated:
        return False
    if process is not None and process.kind == ProcessKind.SUGGESTION:
        return has_permission(user, PLANNING_STAFF)
    return has_permission(user, PARTICIPATION_STAFF)


def _require_staff(actor: Actor, process: Process | None = None) -> None:
    if actor.user is not None and not is_staff(actor.user, process):
        raise PermissionDenied(_("참여 절차는 담당 부서(예산법무과·정책기획과)만 관리할 수 있습니다."))


def _audit(
    actor: Actor, action: str, record_type: str, pk: Any, label: str, after: dict | None = None
) -> None:
    AuditEvent.objects.create(
        user=actor.user if actor.user is not None and actor.user.pk else None,
        actor=actor.name[:150],
        action=action,
        record_type=record_type,
        record_id=pk,
        record_repr=label[:200],
        after=after,
    )


def _now() -> datetime:
    return timezone.now()


def open_phase(process: Process, now: datetime | None = None) -> str | None:
    return rules.open_phase(((p.kind, p.starts_at, p.ends_at) for p in process.phases.all()), now or _now())


# -- processes ----------------------------------------------------------------------------------


@transaction.atomic
def process_create(
    *,
    code: str,
    title: str,
    year: int,
    budget: int,
    actor: Actor,
    kind: str = ProcessKind.BUDGET,
    ballot_kind: str = BallotKind.KNAPSACK,
    counting_rule: str = CountingRule.GREEDY,
    max_projects: int | None = None,
    min_projects: int = 0,
    min_budget_percent: int = 0,
    committee_weight: int = 0,
    vote_weight: int = 100,
    eligibility: str = Eligibility.RESIDENTS,
    min_age: int = 14,
    review_days: int = 30,
    review_rule: str = "civil_petition_days",
    description: str = "",
    headings: list[tuple[str, str, int]] | None = None,
    categories: list[str] = (),  # type: ignore[assignment]
    committee: Any = None,
    phases: dict[str, tuple[datetime, datetime]] | None = None,
    sample: bool = False,
    section: str = "",
    line: int | None = None,
) -> Process:
    """A process with its headings (code, name, ceiling; default one city-wide heading with the
    whole budget), categories and phase dates."""
    _require_staff(actor)
    errors: Errors = {}
    if Process.objects.filter(code=code).exists():
        errors["code"] = [_("코드 '%(code)s'인 참여 절차가 이미 있습니다.") % {"code": code}]
    if not isinstance(budget, int) or budget <= 0:
        errors["budget"] = [_("예산 한도는 0원보다 커야 합니다.")]
    if ballot_kind == BallotKind.APPROVAL and not max_projects:
        errors["max_projects"] = [_("찬성형 투표에는 최대 선택 사업 수(k)가 필요합니다.")]
    if counting_rule == CountingRule.COMBINED and committee_weight + vote_weight != 100:
        errors["committee_weight"] = [_("위원회 점수와 투표 비중의 합은 100%여야 합니다.")]
    headings = headings or [("city", _("시 전체"), budget)]
    if review_rule not in deadlines.RULES:
        errors["review_rule"] = [_("알 수 없는 기한 계산 규칙입니다.")]
    if sum(h[2] for h in headings) > budget:
        errors["headings"] = [_("예산 구분의 한도 합계가 절차의 예산 한도를 넘습니다.")]
    if errors:
        raise RecordInvalid(errors)
    process = Process(
        code=code,
        kind=kind,
        title=title,
        year=year,
        budget=budget,
        ballot_kind=ballot_kind,
        counting_rule=counting_rule,
        max_projects=max_projects,
        min_projects=min_projects,
        min_budget_percent=min_budget_percent,
        committee_weight=committee_weight,
        vote_weight=vote_weight,
        eligibility=eligibility,
        min_age=min_age,
        description=description,
        sample=sample,
        review_days=review_days,
        review_rule=review_rule,
        committee=committee,
        section=section,
        line=line,
    )
    process.full_clean()
    process.save()
    for heading_code, name, ceiling in headings:
        Heading.objects.create(process=process, code=heading_code, name=name, budget=ceiling)
    for name in categories:
        Category.objects.create(process=process, name=name)
    for phase_kind, (starts_at, ends_at) in (phases or {}).items():
        phase = Phase(process=process, kind=phase_kind, starts_at=starts_at, ends_at=ends_at)
        phase.full_clean()
        phase.save()
    if phases and PhaseKind.VOTING in phases and phases[PhaseKind.VOTING][0] <= _now():
        process.rule_locked_at = _now()
        process.save(update_fields=["rule_locked_at"])
    _audit(actor, "create", "participation_processes", process.pk, str(process), {"code": code})
    cache.forget(code=code)
    for heading_id in process.headings.values_list("pk", flat=True):
        cache.forget(heading_id=heading_id)
    return process


@transaction.atomic
def process_set_rule(
    *, process: Process, counting_rule: str, actor: Actor, committee_weight: int = 0, vote_weight: int = 100
) -> Process:
    """Change the counting rule — only before it is locked (at the latest when voting opens)."""
    _require_staff(actor, process)
    process = Process.objects.select_for_update().get(pk=process.pk)
    voting = process.phases.filter(kind=PhaseKind.VOTING).first()
    if process.rule_locked_at or (voting and voting.starts_at <= _now()):
        raise RecordInvalid(
            _("집계 방식은 투표가 시작되기 전에 확정되어 더 바꿀 수 없습니다."), field="counting_rule"
        )
    if counting_rule not in CountingRule.values:
        raise RecordInvalid(_("알 수 없는 집계 방식입니다."), field="counting_rule")
    if counting_rule == CountingRule.COMBINED and committee_weight + vote_weight != 100:
        raise RecordInvalid(_("위원회 점수와 투표 비중의 합은 100%여야 합니다."), field="committee_weight")
    process.counting_rule, process.committee_weight, process.vote_weight = (
        counting_rule,
        committee_weight,
        vote_weight,
    )
    process.save()
    _audit(
        actor, "update", "participation_processes", process.pk, str(process), {"counting_rule": counting_rule}
    )
    cache.forget(code=process.code)
    return process


@transaction.atomic
def process_lock_rule(*, process: Process, actor: Actor) -> Process:
    _require_staff(actor, process)
    process = Process.objects.select_for_update().get(pk=process.pk)
    if process.rule_locked_at is None:
        process.rule_locked_at = _now()
        process.save(update_fields=["rule_locked_at"])
        _audit(actor, "update", "participation_processes", process.pk, str(process), {"rule_locked": True})
    return process


# -- proposals ----------------------------------------------------------------------------------


def _status(proposal: Proposal, to: str, reason: str, at: datetime | None = None) -> None:
    StatusChange.objects.create(
        proposal=proposal, from_status=proposal.status, to_status=to, reason=reason, at=at or _now()
    )
    proposal.status = to
    cache.forget(heading_id=proposal.heading_id)  # the ballot paper shown by this server process


def _proposal_errors(
    process: Process,
    *,
    title: str,
    description: str,
    estimated_cost: Any,
    heading: Heading | None,
    category: Category | None,
) -> Errors:
    errors: Errors = {}
    if not title.strip():
        errors["title"] = [_("제목을 적으세요.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("제목은 %(max)s자 이내로 적으세요.") % {"max": TITLE_MAX}]
    if not description.strip():
        errors["description"] = [_("내용을 적으세요.")]
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = [_("내용은 %(max)s자 이내로 적으세요.") % {"max": DESCRIPTION_MAX}]
    free = process.kind == ProcessKind.SUGGESTION  # a suggestion need not cost anything
    if (
        isinstance(estimated_cost, bool)
        or not isinstance(estimated_cost, int)
        or estimated_cost < (0 if free else 1)
    ):
        errors["estimated_cost"] = [_("추정 사업비는 0원보다 큰 금액이어야 합니다.")]
    elif estimated_cost > MAX_COST:
        errors["estimated_cost"] = [_("추정 사업비가 너무 큽니다 (1,000억원 이하).")]
    if heading is None or heading.process_id != process.pk:
        errors["heading"] = [_("이 절차의 예산 구분을 고르세요.")]
    if category is not None and category.process_id != process.pk:
        errors["category"] = [_("이 절차의 분야를 고르세요.")]
    return errors


@transaction.atomic
def proposal_submit(
    *,
    process: Process,
    title: str,
    description: str,
    estimated_cost: int,
    actor: Actor,
    heading: Heading | None = None,
    category: Category | None = None,
    district: str = "",
    latitude: Any = None,
    longitude: Any = None,
    sample: bool = False,
    status: str = ProposalStatus.SUBMITTED,
    at: datetime | None = None,
    proposer_kind: str = ProposerKind.CITIZEN,
) -> Proposal:
    """A citizen's proposal, while the accepting phase is open (staff may enter one at any time,
    e.g. from a paper form)."""
    if actor.user is None or not actor.user.is_authenticated:
        if not actor.label.startswith(("command:", "test:", "demo")):
            raise PermissionDenied(_("제안하려면 로그인하세요."))
    process = Process.objects.select_for_update().get(pk=process.pk)  # numbers in order
    heading = heading or process.headings.order_by("code").first()
    errors = _proposal_errors(
        process,
        title=title,
        description=description,
        estimated_cost=estimated_cost,
        heading=heading,
        category=category,
    )
    latitude, longitude, misplaced = rules.proposal_location(latitude, longitude, CITY_BOUNDS)
    errors.update(misplaced)
    staff = actor.user is None or is_staff(actor.user, process)
    if not staff and open_phase(process) != PhaseKind.ACCEPTING:
        errors[NON_FIELD] = [_("제안 접수 기간이 아닙니다.")]
    if errors:
        raise RecordInvalid(errors)
    number = (process.proposals.aggregate(m=Max("number"))["m"] or 0) + 1
    proposal = Proposal(
        process=process,
        heading=heading,
        category=category,
        number=number,
        title=title.strip(),
        description=description.strip(),
        district=district,
        latitude=latitude,
        longitude=longitude,
        estimated_cost=estimated_cost,
        author=actor.user if actor.user is not None else None,
        sample=sample,
        proposer_kind=proposer_kind,
    )
    proposal.full_clean()
    proposal.save()
    StatusChange.objects.create(proposal=proposal, to_status=ProposalStatus.SUBMITTED, at=at or _now())
    if status != ProposalStatus.SUBMITTED:
        _status(proposal, status, "", at)
        proposal.save(update_fields=["status"])
    if not sample:
        _audit(actor, "create", "participation_proposals", proposal.pk, str(proposal))
    return proposal


@transaction.atomic
def proposal_attach(*, proposal: Proposal, files: list[tuple[str, bytes]], actor: Actor) -> int:
    """Attach files (name, bytes) to the author's proposal while it can still be edited; every file is
    checked first (``uploads.check``) and none is saved if one is refused."""
    from . import uploads
    from .models import Attachment

    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if actor.user is None or proposal.author_id != actor.user.pk:
        raise PermissionDenied(_("제안한 사람만 파일을 붙일 수 있습니다."))
    if proposal.status != ProposalStatus.SUBMITTED:
        raise RecordInvalid(_("검토가 시작된 제안에는 파일을 붙일 수 없습니다."), field="files")
    if proposal.attachments.count() + len(files) > uploads.MAX_FILES:
        raise RecordInvalid(
            _("파일은 %(max)s개까지 붙일 수 있습니다.") % {"max": uploads.MAX_FILES}, field="files"
        )
    checked, problems = [], []
    for name, data in files:
        try:
            checked.append((*uploads.check(name, data), data))
        except ValueError as exc:
            problems.append(str(exc))
    if problems:
        raise RecordInvalid({"files": problems})
    for name, content_type, data in checked:
        Attachment.objects.create(
            proposal=proposal,
            name=name,
            content_type=content_type,
            size=len(data),
            content=data,
            uploaded_at=_now(),
        )
    return len(checked)


def can_edit(user, proposal: Proposal) -> bool:
    """The author, while the accepting phase is open and nobody has reviewed the proposal yet."""
    return (
        user is not None
        and user.is_authenticated
        and proposal.author_id == user.pk
        and proposal.status == ProposalStatus.SUBMITTED
        and open_phase(proposal.process) == PhaseKind.ACCEPTING
    )


WITHDRAWN_FOR_GOOD = (
    ProposalStatus.SELECTED,
    ProposalStatus.NOT_SELECTED,
    ProposalStatus.MERGED,
    ProposalStatus.WITHDRAWN,
)


def can_withdraw(user, proposal: Proposal) -> bool:
    """The author, until the count (a selected or merged proposal stays)."""
    return (
        user is not None
        and user.is_authenticated
        and proposal.author_id == user.pk
        and proposal.status not in WITHDRAWN_FOR_GOOD
    )


KEEP: Any = object()  # proposal_edit: the position is not being changed


@transaction.atomic
def proposal_edit(
    *,
    proposal: Proposal,
    title: str,
    description: str,
    estimated_cost: int,
    actor: Actor,
    category: Category | None = None,
    district: str = "",
    latitude: Any = KEEP,
    longitude: Any = KEEP,
) -> Proposal:
    """The author edits until the accepting phase ends, while nobody has reviewed it yet. The
    position is both coordinates inside the city, or none (clearing it takes the proposal off the
    maps); left out, it stays as it was."""
    proposal = Proposal.objects.select_for_update().select_related("process").get(pk=proposal.pk)
    if actor.user is None or proposal.author_id != actor.user.pk:
        raise PermissionDenied(_("제안한 사람만 고칠 수 있습니다."))
    errors = _proposal_errors(
        proposal.process,
        title=title,
        description=description,
        estimated_cost=estimated_cost,
        heading=proposal.heading,
        category=category,
    )
    if latitude is KEEP and longitude is KEEP:
        latitude, longitude = proposal.latitude, proposal.longitude
    latitude, longitude, misplaced = rules.proposal_location(latitude, longitude, CITY_BOUNDS)
    errors.update(misplaced)
    if open_phase(proposal.process) != PhaseKind.ACCEPTING or proposal.status != ProposalStatus.SUBMITTED:
        errors[NON_FIELD] = [_("제안 접수 기간이 끝났거나 검토가 시작되어 고칠 수 없습니다.")]
    if errors:
        raise RecordInvalid(errors)
    before = {
        "title": proposal.title,
        "description": proposal.description,
        "estimated_cost": proposal.estimated_cost,
        "category": proposal.category_id,
        "district": proposal.district,
        "position": _position(proposal),
    }
    proposal.title, proposal.description, proposal.estimated_cost = (
        title.strip(),
        description.strip(),
        estimated_cost,
    )
    proposal.category, proposal.district = category, district
    proposal.latitude, proposal.longitude = latitude, longitude
    proposal.save()
    after = {
        "title": proposal.title,
        "description": proposal.description,
        "estimated_cost": proposal.estimated_cost,
        "category": proposal.category_id,
        "district": proposal.district,
        "position": _position(proposal),
    }
    changed = sorted(name for name in after if after[name] != before[name])
    _audit(
        actor,
        "update",
        "participation_proposals",
        proposal.pk,
        str(proposal),
        {"changed": changed, "before": {n: before[n] for n in changed}},
    )
    return proposal


def _position(proposal: Proposal) -> str:
    """The position as the audit keeps it ("" when none), comparable before and after a save."""
    if proposal.latitude is None or proposal.longitude is None:
        return ""
    return f"{Decimal(proposal.latitude):.6f},{Decimal(proposal.longitude):.6f}"


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, reason: str, actor: Actor) -> Proposal:
    """The proposer withdraws a proposal before the count; it leaves the ballot and the lists."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if actor.user is None or proposal.author_id != actor.user.pk:
        raise PermissionDenied(_("제안한 사람만 철회할 수 있습니다."))
    if proposal.status in WITHDRAWN_FOR_GOOD:
        raise RecordInvalid(_("집계가 끝났거나 병합·철회된 제안은 철회할 수 없습니다."))
    _status(proposal, ProposalStatus.WITHDRAWN, reason.strip())
    proposal.save()
    _audit(actor, "update", "participation_proposals", proposal.pk, str(proposal), {"withdrawn": True})
    return proposal


@transaction.atomic
def proposal_assign(
    *, proposal: Proposal, department: OrgUnit, actor: Actor, due: date | None = None
) -> Proposal:
    """Send a proposal to the responsible department's review queue, with a deadline: given, or
    counted from the day it was received by the process's rule (shared calendar)."""
    proposal = Proposal.objects.select_for_update().select_related("process").get(pk=proposal.pk)
    _require_staff(actor, proposal.process)
    if due is None:
        due = review_deadline(proposal).due_date
    if proposal.status not in (ProposalStatus.SUBMITTED, ProposalStatus.REVIEWING):
        raise RecordInvalid(_("접수되었거나 검토 중인 제안만 부서에 보낼 수 있습니다."))
    proposal.department, proposal.review_due = department, due
    _status(
        proposal,
        ProposalStatus.REVIEWING,
        _("%(department)s 검토 (기한 %(due)s)") % {"department": department.name, "due": due.isoformat()},
    )
    proposal.save()
    _audit(
        actor,
        "update",
        "participation_proposals",
        proposal.pk,
        str(proposal),
        {"department": department.code},
    )
    return proposal


def review_deadline(proposal: Proposal) -> deadlines.Deadline:
    """The decision deadline: ``review_days`` from receipt under the process's named rule."""
    received = timezone.localdate(proposal.created_at) if proposal.created_at else timezone.localdate()
    return deadlines.due(proposal.process.review_rule, received, proposal.process.review_days)


def _tell_author(proposal: Proposal, template: str, context: dict[str, Any], actor: Actor) -> None:
    """The proposer hears of decisions on their proposal (e-mail, through the shared notifications)."""
    author = proposal.author
    if author is None or not getattr(author, "email", ""):
        return
    notifications.notify(
        template=f"participation/{template}",
        kind="proposers",
        user=author,
        actor=actor,
        context={
            "name": author.get_username(),
            "number": proposal.number,
            "title": proposal.title,
            "process": proposal.process.title,
            **context,
        },
    )


def can_review(user, proposal: Proposal) -> bool:
    if is_staff(user, proposal.process):
        return True
    return proposal.department_id is not None and proposal.department_id in scope_of(user).departments[CHANGE]


@transaction.atomic
def proposal_review(
    *,
    proposal: Proposal,
    eligible: bool,
    reason: str,
    actor: Actor,
    revised_cost: int | None = None,
    internal_note: str = "",
) -> Proposal:
    """The department's decision: eligible (maybe with a revised cost) or not, with a public reason."""
    proposal = Proposal.objects.select_for_update().select_related("process").get(pk=proposal.pk)
    if actor.user is not None and not can_review(actor.user, proposal):
        raise PermissionDenied(_("검토 부서의 편집자만 검토 의견을 낼 수 있습니다."))
    errors: Errors = {}
    if proposal.status != ProposalStatus.REVIEWING:
        errors[NON_FIELD] = [_("부서 검토 중인 제안이 아닙니다.")]
    if not reason.strip():
        errors["reason"] = [_("검토 의견(사유)을 적으세요.")]
    if revised_cost is not None and (not isinstance(revised_cost, int) or revised_cost <= 0):
        errors["revised_cost"] = [_("검토 사업비는 0원보다 커야 합니다.")]
    if errors:
        raise RecordInvalid(errors)
    proposal.review_reason, proposal.internal_note = reason.strip(), internal_note
    if revised_cost is not None:
        proposal.revised_cost = revised_cost
    _status(proposal, ProposalStatus.ELIGIBLE if eligible else ProposalStatus.NOT_ELIGIBLE, reason.strip())
    proposal.save()
    _tell_author(
        proposal, "reviewed", {"decision": proposal.get_status_display(), "reason": reason.strip()}, actor
    )
    _audit(actor, "update", "participation_proposals", proposal.pk, str(proposal), {"eligible": eligible})
    return proposal


@transaction.atomic
def progress_report(
    *, proposal: Proposal, percent: Any, note: str, actor: Actor, on: date | None = None
) -> ProgressReport:
    """Follow-up in public: the responsible department (or the process's staff) reports how far a
    selected project or adopted suggestion has got."""
    proposal = Proposal.objects.select_for_update().select_related("process").get(pk=proposal.pk)
    if actor.user is not None and not can_review(actor.user, proposal):
        raise PermissionDenied(_("추진 상황은 담당 부서나 절차 담당자만 보고할 수 있습니다."))
    errors: Errors = {}
    if proposal.status != ProposalStatus.SELECTED:
        errors[NON_FIELD] = [_("선정된 사업(채택된 제안)만 추진 상황을 보고합니다.")]
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        errors["percent"] = [_("추진율은 0~100 사이의 정수로 적으세요.")]
    if not note.strip():
        errors["note"] = [_("추진 내용을 적으세요.")]
    elif len(note) > 1000:
        errors["note"] = [_("추진 내용은 1,000자 이내로 적으세요.")]
    if errors:
        raise RecordInvalid(errors)
    report = ProgressReport.objects.create(
        proposal=proposal,
        reported_on=on or timezone.localdate(),
        percent=percent,
        note=note.strip(),
        reported_by=actor.name[:150],
    )
    _audit(actor, "create", "participation_progress", report.pk, str(proposal), {"percent": percent})
    return report


@transaction.atomic
def proposal_merge(*, proposal: Proposal, into: Proposal, reason: str, actor: Actor) -> Proposal:
    """A duplicate joins another proposal; its history says into which, and why."""
    proposal = Proposal.objects.select_for_update().select_related("process").get(pk=proposal.pk)
    _require_staff(actor, proposal.process)
    if (
        into.pk == proposal.pk
        or into.process_id != proposal.process_id
        or into.status == ProposalStatus.MERGED
    ):
        raise RecordInvalid(_("같은 절차의 다른 (병합되지 않은) 제안에만 합칠 수 있습니다."), field="into")
    if proposal.status in (ProposalStatus.SELECTED, ProposalStatus.NOT_SELECTED, ProposalStatus.MERGED):
        raise RecordInvalid(_("집계가 끝났거나 이미 병합된 제안은 합칠 수 없습니다."))
    proposal.merged_into = into
    _status(
        proposal,
        ProposalStatus.MERGED,
        _("%(number)s번 제안과 중복: %(reason)s") % {"number": into.number, "reason": reason},
    )
    proposal.save()
    _audit(
        actor, "update", "participation_proposals", proposal.pk, str(proposal), {"merged_into": into.number}
    )
    return proposal


# -- suggestions (제안제도) ----------------------------------------------------------------------


@transaction.atomic
def suggestion_refer(
    *, proposal: Proposal, referred: bool, actor: Actor, grade: str = "", reason: str = ""
) -> StageDecision:
    """제안심사실무심의회 (seed line 60): after the department found a suggestion eligible, it either
    refers it to 제안심사위원회 with the 창안등급 it recommends, or closes it with a public reason.
    Once per suggestion (a unique stage row); only referred suggestions can be graded."""
    process = proposal.process
    _require_staff(actor, process)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    errors: Errors = {}
    if process.kind != ProcessKind.SUGGESTION:
        errors[NON_FIELD] = [_("실무심의회 심의는 제안제도 절차에서만 합니다.")]
    elif proposal.status != ProposalStatus.ELIGIBLE:
        errors[NON_FIELD] = [_("부서 검토에서 적격 판정을 받은 제안만 실무심의회에 올립니다.")]
    elif proposal.stages.filter(stage=ReviewStage.WORKING).exists():
        errors[NON_FIELD] = [_("이 제안은 이미 실무심의회 심의를 마쳤습니다.")]
    if referred and grade not in ADOPTED_GRADES:
        errors["grade"] = [_("상정하는 제안에는 권고 창안등급(금상~노력상)을 고르세요.")]
    if not referred and not reason.strip():
        errors["reason"] = [_("상정하지 않는 사유를 적으세요 (제안자에게 공개됩니다).")]
    if errors:
        raise RecordInvalid(errors)
    decision = StageDecision.objects.create(
        proposal=proposal,
        stage=ReviewStage.WORKING,
        referred=referred,
        grade=grade if referred else "",
        reason=reason.strip(),
        decided_by=actor.name[:150],
        decided_at=_now(),
    )
    if not referred:
        why = _("실무심의회 미상정: %(reason)s") % {"reason": reason.strip()}
        _status(proposal, ProposalStatus.NOT_SELECTED, why)
        proposal.save(update_fields=["status", "updated_at"])
    _audit(
        actor,
        "update",
        "participation_proposals",
        proposal.pk,
        str(proposal),
        {"stage": ReviewStage.WORKING, "referred": referred, "grade": decision.grade},
    )
    return decision


def has_citizen_vote(process: Process) -> bool:
    """A round whose suggestions citizens vote on (new in 2025, seed line 514): it has a voting phase."""
    return any(p.kind == PhaseKind.VOTING for p in process.phases.all())


def count_votes(ballots) -> Counter[int]:
    """Votes per proposal number from the ballots' choice lists (each ballot counts a number once)."""
    votes: Counter[int] = Counter()
    for chosen in ballots:
        votes.update(set(chosen))
    return votes


def suggestion_votes(process: Process) -> Counter[int]:
    """The citizens' online votes on a suggestion round, counted from the secret ballots."""
    return count_votes(Ballot.objects.filter(heading__process=process).values_list("projects", flat=True))


@transaction.atomic
def suggestion_grade(
    *, proposal: Proposal, grade: str, actor: Actor, award: int = 0, reason: str = ""
) -> Proposal:
    """제안심사위원회's decision on an eligible suggestion: a 창안등급 with award money (부상금) from
    the round's award budget (``Process.budget``), or 불채택. The round's row is locked, so two
    decisions at once cannot overspend the budget."""
    process = Process.objects.select_for_update().get(pk=proposal.process_id)
    _require_staff(actor, process)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    errors: Errors = {}
    if process.kind != ProcessKind.SUGGESTION:
        errors[NON_FIELD] = [_("창안등급은 제안제도 절차에서만 정합니다.")]
    working = proposal.stages.filter(stage=ReviewStage.WORKING).first()
    if NON_FIELD in errors:
        pass
    elif proposal.status not in (
        ProposalStatus.ELIGIBLE,
        ProposalStatus.SELECTED,
        ProposalStatus.NOT_SELECTED,
    ):
        errors[NON_FIELD] = [_("검토에서 적격 판정을 받은 제안만 등급을 정합니다.")]
    elif working is None or not working.referred:
        errors[NON_FIELD] = [_("실무심의회가 상정한 제안만 제안심사위원회가 등급을 정합니다.")]
    elif open_phase(process) == PhaseKind.VOTING:
        errors[NON_FIELD] = [_("시민 투표가 끝난 뒤에 등급을 정합니다.")]
    if grade not in SuggestionGrade.values:
        errors["grade"] = [_("알 수 없는 창안등급입니다.")]
    if isinstance(award, bool) or not isinstance(award, int) or award < 0:
        errors["award"] = [_("부상금은 0원 이상이어야 합니다.")]
    elif grade == SuggestionGrade.NOT_ADOPTED and award:
        errors["award"] = [_("불채택 제안에는 부상금을 줄 수 없습니다.")]
    else:
        others = sum(process.proposals.exclude(pk=proposal.pk).values_list("award", flat=True))
        if others + award > process.budget:
            errors["award"] = [
                _("부상금 합계 %(total)s원이 예산 %(budget)s원을 넘습니다.")
                % {"total": f"{others + award:,}", "budget": f"{process.budget:,}"}
            ]
    if errors:
        raise RecordInvalid(errors)
    proposal.grade, proposal.award = grade, award
    adopted = grade != SuggestionGrade.NOT_ADOPTED
    label = SuggestionGrade(grade).label
    _status(
        proposal,
        ProposalStatus.SELECTED if adopted else ProposalStatus.NOT_SELECTED,
        (_("창안등급 %(grade)s, 부상금 %(award)s원") % {"grade": label, "award": f"{award:,}"})
        if adopted
        else (_("불채택: %(reason)s") % {"reason": reason}),
    )
    proposal.save()
    StageDecision.objects.update_or_create(  # a regrading replaces the committee's earlier decision
        proposal=proposal,
        stage=ReviewStage.COMMITTEE,
        defaults={
            "referred": adopted,
            "grade": grade,
            "votes": suggestion_votes(process)[proposal.number] if has_citizen_vote(process) else None,
            "reason": reason.strip(),
            "decided_by": actor.name[:150],
            "decided_at": _now(),
        },
    )
    _audit(
        actor,
        "update",
        "participation_proposals",
        proposal.pk,
        str(proposal),
        {"grade": grade, "award": award},
    )
    _tell_author(proposal, "graded", {"decision": label, "award": f"{award:,}"}, actor)
    return proposal


# -- the committee's meeting (shared committee meetings) ------------------------------------------


def scoring_meeting_create(*, process: Process, held_on: date, actor: Actor):
    """The deciding committee's meeting on this process's eligible proposals: one agenda item each,
    through the committees app (attendance, quorum, decisions and minutes live there)."""
    from cityhall.committees import services as committees

    _require_staff(actor, process)
    if process.committee is None:
        raise RecordInvalid(_("이 절차에 심의 위원회가 정해져 있지 않습니다."), field="committee")
    agenda = [
        _("제안 %(number)s번 「%(title)s」 심사") % {"number": number, "title": title}
        for number, title in process.proposals.filter(status=ProposalStatus.ELIGIBLE)
        .order_by("number")
        .values_list("number", "title")
    ]
    if not agenda:
        raise RecordInvalid(_("심사할 적격 제안이 없습니다."))
    return committees.meeting_create(committee=process.committee, held_on=held_on, agenda=agenda, actor=actor)


# -- committee scoring --------------------------------------------------------------------------


@transaction.atomic
def score_submit(
    *, proposal: Proposal, score: int | None, actor: Actor, reason: str = "", recused: bool = False
) -> CommitteeScore:
    """A scorer's line on the score sheet (0–100), or a recusal for a conflict of interest."""
    proposal = Proposal.objects.select_related("process").get(pk=proposal.pk)
    user = actor.user
    if user is None or not proposal.process.scorers.filter(pk=user.pk).exists():
        raise PermissionDenied(_("이 절차의 심사 위원만 점수를 줄 수 있습니다."))
    if proposal.status != ProposalStatus.ELIGIBLE:
        raise RecordInvalid(_("적격 판정을 받은 제안만 심사합니다."))
    if recused:
        if not reason.strip():
            raise RecordInvalid(_("제척·회피 사유를 적으세요."), field="reason")
        score = None
    elif isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100:
        raise RecordInvalid(_("점수는 0에서 100 사이의 정수여야 합니다."), field="score")
    line, _created = CommitteeScore.objects.update_or_create(
        proposal=proposal,
        member=user,
        defaults={"score": score, "recused": recused, "reason": reason.strip()},
    )
    _audit(
        actor,
        "update",
        "participation_proposals",
        proposal.pk,
        str(proposal),
        {"score": score, "recused": recused},
    )
    return line


# -- verification -------------------------------------------------------------------------------


@transaction.atomic
def census_load(*, rows: list[dict[str, Any]], actor: Actor) -> int:
    """Load the eligibility list: each row's identifier is hashed at once (``identity.person_key``)
    and only the hash kept. Replaces the list; returns how many entries."""
    _require_staff(actor)
    entries, errors = {}, []
    now = _now()
    for index, row in enumerate(rows, start=1):
        try:
            key = identity.person_key(str(row.get("identifier", "")))
            year = int(row["birth_year"])
        except (ValueError, KeyError, TypeError) as exc:
            errors.append(_("%(row)s행: %(problem)s") % {"row": index, "problem": exc})
            continue
        entries[key] = CensusEntry(
            person_key=key,
            birth_year=year,
            district=str(row.get("district", "")),
            works_here=bool(row.get("works_here", False)),
            loaded_at=now,
        )
    if errors:
        raise RecordInvalid({"rows": errors[:20]})
    CensusEntry.objects.all().delete()
    CensusEntry.objects.bulk_create(entries.values(), batch_size=1000)
    _audit(actor, "create", "participation_census", 0, _("주민 명부"), {"entries": len(entries)})
    return len(entries)


def _verify(  # not atomic around the conflict: the queue entry stays when the request fails
    *, user, key: str, method: str, birth_year: int, district: str, resident: bool, actor: Actor
) -> Verification:
    existing = Verification.objects.filter(user=user).first()
    if existing is not None:
        if existing.person_key == key:
            return existing
        raise RecordInvalid(_("이 계정은 이미 다른 사람으로 확인되었습니다."))
    try:
        with transaction.atomic():
            verification = Verification.objects.create(
                user=user,
                person_key=key,
                method=method,
                birth_year=birth_year,
                district=district,
                resident=resident,
                verified_by=actor.name if method == VerificationMethod.IN_PERSON else "",
                verified_at=_now(),
            )
            # with the verification: one is never stored without the other
            _audit(
                actor,
                "verify",
                "participation_verifications",
                verification.pk,
                user.get_username(),
                {"method": method},
            )
    except IntegrityError:
        with transaction.atomic():  # the queue entry stays, though the request fails
            _conflict_open(
                actor,
                kind=ConflictKind.TWO_ACCOUNTS,
                person_key=key,
                user=user,
                detail=_("이미 다른 계정으로 확인된 사람이 이 계정으로도 확인을 요청했습니다."),
            )
        raise RecordInvalid(
            _("이미 다른 계정으로 확인된 주민입니다. 관리자에게 확인을 요청했습니다 (한 사람 한 표).")
        ) from None
    return verification


def _conflict_open(actor: Actor, **fields) -> Conflict:
    """A case for the administrators' queue, audited (the caller holds the transaction)."""
    conflict = Conflict.objects.create(created_at=_now(), **fields)
    _audit(
        actor,
        "create",
        "participation_conflicts",
        conflict.pk,
        conflict.get_kind_display(),
        {"kind": conflict.kind, "detail": conflict.detail},
    )
    return conflict


def verify_census(*, user, identifier: str, birth_year: int, actor: Actor) -> Verification:
    """The voter gives their resident identifier; it is hashed and looked up in the census list."""
    try:
        key = identity.person_key(identifier)
    except ValueError as exc:
        raise RecordInvalid(str(exc), field="identifier") from None
    entry = CensusEntry.objects.filter(person_key=key).first()
    if entry is None or entry.birth_year != birth_year:
        raise RecordInvalid(_("주민 명부에서 찾을 수 없습니다. 식별번호와 출생 연도를 확인하세요."))
    return _verify(
        user=user,
        key=key,
        method=VerificationMethod.CENSUS,
        birth_year=entry.birth_year,
        district=entry.district,
        resident=not entry.works_here,
        actor=actor,
    )


def verify_in_person(
    *, user, identifier: str, birth_year: int, actor: Actor, district: str = "", resident: bool = True
) -> Verification:
    """A staff member checked the person's ID card at a desk (audited with the staff member's name)."""
    _require_staff(actor)
    if not 1900 <= birth_year <= 2100:
        raise RecordInvalid(_("출생 연도는 네 자리 숫자여야 합니다."), field="birth_year")
    try:
        key = identity.person_key(identifier)
    except ValueError as exc:
        raise RecordInvalid(str(exc), field="identifier") from None
    return _verify(
        user=user,
        key=key,
        method=VerificationMethod.IN_PERSON,
        birth_year=birth_year,
        district=district,
        resident=resident,
        actor=actor,
    )


def verify_with_provider(*, user, provider: str, data: dict[str, str], actor: Actor) -> Verification:
    """An external identity provider's answer (본인인증), through the one interface."""
    found = identity.providers().get(provider)
    if found is None:
        raise RecordInvalid(_("사용할 수 없는 본인인증 방식입니다."), field="provider")
    try:
        person = found.verify(data)
        key = identity.person_key(person.identifier)
    except ValueError as exc:
        raise RecordInvalid(str(exc)) from None
    return _verify(
        user=user,
        key=key,
        method=VerificationMethod.IDENTITY_PROVIDER,
        birth_year=person.birth_year,
        district=person.district,
        resident=person.resident,
        actor=actor,
    )


@transaction.atomic
def conflict_resolve(
    *, conflict: Conflict, resolution: str, actor: Actor, revoke_verification: bool = False
) -> Conflict:
    """An administrator decides; revoking moves the verification off the older account."""
    _require_staff(actor)
    conflict = Conflict.objects.select_for_update().get(pk=conflict.pk)
    if conflict.state != ConflictState.OPEN:
        raise RecordInvalid(_("이미 처리된 건입니다."))
    if not resolution.strip():
        raise RecordInvalid(_("처리 내용을 적으세요."), field="resolution")
    if revoke_verification and conflict.person_key:
        Verification.objects.filter(person_key=conflict.person_key).delete()
    conflict.state, conflict.resolution, conflict.resolved_at = (
        ConflictState.RESOLVED,
        resolution.strip(),
        _now(),
    )
    conflict.save()
    _audit(
        actor,
        "update",
        "participation_conflicts",
        conflict.pk,
        conflict.get_kind_display(),
        {"resolution": conflict.resolution},
    )
    return conflict


# -- ballots ------------------------------------------------------------------------------------


def ballot_rules(process: Process, heading: Heading) -> rules.BallotRules:
    return rules.BallotRules(
        kind=process.ballot_kind,
        budget=heading.budget,
        max_projects=process.max_projects,
        min_projects=process.min_projects,
        min_budget_percent=process.min_budget_percent,
    )


def ballot_costs(heading: Heading) -> dict[int, int]:
    """The ballot paper: the heading's eligible proposals and their (revised) costs."""
    return {
        number: revised if revised is not None else estimated
        for number, revised, estimated in heading.proposals.filter(status=ProposalStatus.ELIGIBLE)
        .order_by()  # a dict: the model's ordering would only join the process
        .values_list("number", "revised_cost", "estimated_cost")
    }


def _eligibility_problem(process: Process, birth_year: int, resident: bool) -> str | None:
    if rules.age_in(process.year, birth_year) < process.min_age:
        return _("%(age)s세 이상(%(year)s년 기준)만 투표할 수 있습니다.") % {
            "age": process.min_age,
            "year": process.year,
        }
    if process.eligibility == Eligibility.RESIDENTS and not resident:
        return _("이 절차는 김포시 주민만 투표할 수 있습니다.")
    return None


def ballot_cast(
    *,
    process: Process,
    heading: Heading,
    projects: list[int],
    actor: Actor,
    verification: Verification | None = None,
    costs: dict[int, int] | None = None,
) -> bool:
    """Cast or replace the voter's ballot; True when it replaced an earlier one.

    One transaction writes the roll (``Participation``, unique per process and person) and the
    ballot (``Ballot``, unique ``ballot_key``): both or neither. Two sessions of one voter meet at
    the roll row — the second waits on its lock (PostgreSQL) or on the write lock (SQLite) — so the
    later ballot replaces the earlier one, never adds to it."""
    if verification is None:
        user = actor.user
        verification = Verification.objects.filter(user=user).first() if user is not None else None
    if verification is None:
        raise RecordInvalid(_("투표하려면 먼저 주민 확인(본인 확인)을 하세요."))
    return _cast(
        process=process,
        heading=heading,
        projects=projects,
        person_key=verification.person_key,
        birth_year=verification.birth_year,
        district=verification.district,
        resident=verification.resident,
        channel=Channel.ONLINE,
        costs=costs,
    )


def _cast(
    *,
    process: Process,
    heading: Heading,
    projects: list[int],
    person_key: str,
    birth_year: int,
    district: str,
    resident: bool,
    channel: str,
    costs: dict[int, int] | None = None,
    replace: bool = True,
) -> bool:
    if heading.process_id != process.pk:
        raise RecordInvalid(_("이 절차의 예산 구분이 아닙니다."), field="heading")
    if open_phase(process) != PhaseKind.VOTING:
        raise RecordInvalid(_("투표 기간이 아닙니다."))
    problem = _eligibility_problem(process, birth_year, resident)
    if problem:
        raise RecordInvalid(problem)
    if not isinstance(projects, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) for n in projects
    ):
        raise RecordInvalid(_("사업 번호가 올바르지 않습니다."), field="projects")
    costs = costs if costs is not None else ballot_costs(heading)
    problems = rules.ballot_problems(ballot_rules(process, heading), projects, costs)
    if problems:
        raise RecordInvalid({"projects": problems})
    chosen = sorted(set(projects))
    key = identity.ballot_key(process.pk, person_key)
    with transaction.atomic():
        roll, created = _roll_entry(process, heading, person_key, channel, birth_year, district)
        if not created and not replace:
            raise _AlreadyVoted(roll.channel)
        if created:  # rolls and ballots are only ever written together: a new roll has no ballot yet
            Ballot.objects.create(heading=heading, ballot_key=key, projects=chosen)
            return False
        if roll.heading_id != heading.pk:
            Participation.objects.filter(pk=roll.pk).update(heading=heading)
        updated = Ballot.objects.filter(ballot_key=key).update(heading=heading, projects=chosen)
        if not updated:
            Ballot.objects.create(heading=heading, ballot_key=key, projects=chosen)
    return True


class _AlreadyVoted(Exception):
    def __init__(self, channel: str):
        self.channel = channel


def _roll_entry(process, heading, person_key, channel, birth_year, district) -> tuple[Participation, bool]:
    """The voter's roll entry, locked for the rest of the transaction (one query when it exists).

    Two sessions of one voter meet here: on PostgreSQL the second waits on the row lock, or, when
    neither found a row, on the unique index until the first commits; on SQLite the write lock of
    the ``IMMEDIATE`` transaction already orders them."""
    mine = Participation.objects.select_for_update().filter(process=process, person_key=person_key)
    existing = mine.first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return Participation.objects.create(
                process=process,
                heading=heading,
                person_key=person_key,
                channel=channel,
                first_voted_at=_now(),
                birth_year=birth_year,
                district=district,
            ), True
    except IntegrityError:  # the voter's other session wrote it first, and has committed
        return Participation.objects.select_for_update().get(process=process, person_key=person_key), False


@transaction.atomic
def paper_enter(
    *, heading: Heading, sheet: str, entry: int, identifier: str, projects: list[int], actor: Actor
) -> str:
    """One of the two independent entries of a paper ballot sheet. When both are in and agree, the
    ballot is cast (channel paper); when they disagree, or the person already voted, the sheet goes
    to the admin queue. Returns "waiting", "cast" or "conflict"."""
    process = heading.process
    _require_staff(actor, process)
    if entry not in (1, 2):
        raise RecordInvalid(_("입력 차수는 1 또는 2입니다."), field="entry")
    if not sheet.strip():
        raise RecordInvalid(_("투표지 번호를 적으세요."), field="sheet")
    try:
        key = identity.person_key(identifier)
    except ValueError as exc:
        raise RecordInvalid(str(exc), field="identifier") from None
    other = (
        PaperEntry.objects.select_for_update().filter(heading=heading, sheet=sheet, entry=3 - entry).first()
    )
    if other is not None and other.entered_by == actor.name:
        raise RecordInvalid(_("두 번째 입력은 다른 직원이 해야 합니다 (이중 입력)."))
    try:
        with transaction.atomic():
            PaperEntry.objects.create(
                heading=heading,
                sheet=sheet,
                entry=entry,
                person_key=key,
                projects=sorted(projects),
                entered_by=actor.name,
                entered_at=_now(),
            )
    except IntegrityError:
        raise RecordInvalid(_("이 투표지의 %(entry)s차 입력이 이미 있습니다.") % {"entry": entry}) from None
    _audit(actor, "create", "participation_paper", 0, f"{heading} {sheet}#{entry}")
    if other is None:
        return "waiting"
    if other.person_key != key or sorted(other.projects) != sorted(projects):
        _conflict_open(
            actor,
            kind=ConflictKind.PAPER_MISMATCH,
            process=process,
            person_key=key,
            detail=_("투표지 %(sheet)s: 1차·2차 입력이 다릅니다.") % {"sheet": sheet},
        )
        return "conflict"
    census = CensusEntry.objects.filter(person_key=key).first()
    if census is None:
        raise RecordInvalid(_("주민 명부에 없는 사람의 투표지입니다."), field="identifier")
    try:
        _cast(
            process=process,
            heading=heading,
            projects=sorted(projects),
            person_key=key,
            birth_year=census.birth_year,
            district=census.district,
            resident=not census.works_here,
            channel=Channel.PAPER,
            replace=False,
        )
    except _AlreadyVoted:
        _conflict_open(
            actor,
            kind=ConflictKind.PAPER_AFTER_ONLINE,
            process=process,
            person_key=key,
            detail=_("투표지 %(sheet)s: 이미 투표한 사람의 종이 투표지입니다 (반영하지 않음).")
            % {"sheet": sheet},
        )
        return "conflict"
    return "cast"


# -- counting -----------------------------------------------------------------------------------


def count_heading(process: Process, heading: Heading) -> tuple[counting.Outcome, int, dict[int, Proposal]]:
    """The heading's outcome under the process's rule, the number of ballots, and its proposals."""
    proposals = {
        p.number: p
        for p in heading.proposals.filter(
            status__in=(ProposalStatus.ELIGIBLE, ProposalStatus.SELECTED, ProposalStatus.NOT_SELECTED)
        ).annotate(mean_score=Avg("scores__score"))
    }
    ballots = list(heading.ballots.order_by("ballot_key").values_list("projects", flat=True))
    votes = count_votes(ballots)
    projects = [
        counting.Project(
            number,
            p.cost,
            votes[number],
            Fraction(p.mean_score).limit_denominator(10_000) if p.mean_score is not None else Fraction(0),
        )
        for number, p in proposals.items()
    ]
    if process.counting_rule == CountingRule.EQUAL_SHARES:
        outcome = counting.equal_shares(projects, heading.budget, ballots)
    elif process.counting_rule == CountingRule.COMBINED:
        weights = counting.Weights(process.committee_weight, process.vote_weight)
        outcome = counting.combined(projects, heading.budget, weights, len(ballots))
    else:
        outcome = counting.greedy(projects, heading.budget)
    return outcome, len(ballots), proposals


def _explanation_json(e: counting.Explanation, votes: int, cost: int) -> dict[str, Any]:
    return {
        "number": e.number,
        "won": e.won,
        "rank": e.rank,
        "votes": votes,
        "cost": cost,
        "score": str(e.score),
        "remaining_before": e.remaining_before,
        "shortfall": e.shortfall,
        "needed": None if e.needed is None else str(e.needed),
        "reason": e.reason,
    }


@transaction.atomic
def tally_count(*, process: Process, actor: Actor, at: datetime | None = None) -> list[Tally]:
    """Count every heading once voting has closed; proposals become 선정/미선정 with the reason."""
    _require_staff(actor, process)
    process = Process.objects.select_for_update().get(pk=process.pk)
    voting = process.phases.filter(kind=PhaseKind.VOTING).first()
    if voting is None or voting.ends_at > (at or _now()):
        raise RecordInvalid(_("투표가 끝난 뒤에 집계합니다."))
    tallies = []
    for heading in process.headings.all():
        outcome, ballots, proposals = count_heading(process, heading)
        votes = {p.number: 0 for p in proposals.values()}
        for ballot in heading.ballots.values_list("projects", flat=True):
            for number in ballot:
                if number in votes:
                    votes[number] += 1
        result = {
            "rule": process.counting_rule,
            "budget": heading.budget,
            "spent": outcome.spent,
            "winners": outcome.winners,
            "projects": [
                _explanation_json(e, votes[n], proposals[n].cost)
                for n, e in sorted(outcome.explanations.items())
            ],
        }
        tally, _created = Tally.objects.update_or_create(
            heading=heading,
            defaults={
                "rule": process.counting_rule,
                "ballots": ballots,
                "result": result,
                "counted_at": at or _now(),
            },
        )
        tallies.append(tally)
        for number, proposal in proposals.items():
            won = number in outcome.winners
            target = ProposalStatus.SELECTED if won else ProposalStatus.NOT_SELECTED
            if proposal.status != target:
                reason = _("%(rule)s 집계 %(rank)s위") % {
                    "rule": CountingRule(process.counting_rule).label,
                    "rank": outcome.explanations[number].rank,
                }
                _status(proposal, target, reason, at)
                proposal.save(update_fields=["status"])
                if not proposal.sample:
                    _tell_author(
                        proposal,
                        "counted",
                        {"decision": proposal.get_status_display(), "reason": reason},
                        actor,
                    )
    _audit(actor, "update", "participation_processes", process.pk, str(process), {"counted": True})
    if process.kind == ProcessKind.BUDGET:
        for listener in list(_result_listeners):
            listener.on_counted(process=process, actor=actor)
    return tallies


# -- sample processes (예시) ---------------------------------------------------------------------


def _committee(code: str):
    from cityhall.committees.models import Committee

    return Committee.objects.filter(code=code).first()


def _sample_proposal(
    process: Process, heading: Heading, categories: dict[str, Category], row: dict, at: datetime
) -> Proposal:
    from . import samples

    position = samples.sample_position(row["district"], row["number"]) or (None, None)
    proposal = Proposal.objects.create(
        latitude=position[0],
        longitude=position[1],
        process=process,
        heading=heading,
        category=categories[row["category"]],
        number=row["number"],
        title=row["title"],
        description=row["description"],
        district=row["district"],
        estimated_cost=row["cost"],
        sample=True,
        status=ProposalStatus.SUBMITTED,
    )
    StatusChange.objects.create(proposal=proposal, to_status=ProposalStatus.SUBMITTED, at=at)
    if row["status"] != ProposalStatus.MERGED:
        _status(proposal, ProposalStatus.REVIEWING, _("예시: 담당 부서 검토"), at)
    if row["status"] in (ProposalStatus.ELIGIBLE, ProposalStatus.NOT_ELIGIBLE):
        proposal.review_reason = row["reason"]
        _status(proposal, row["status"], row["reason"], at)
    proposal.save()
    return proposal


@transaction.atomic
def participation_load_sample(*, actor: Actor | None = None) -> dict[str, int]:
    """The two sample processes (see ``samples``); safe to run again (skips what exists)."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model

    from . import samples

    actor = actor or Actor.system("command:participation-sample")
    loaded: dict[str, int] = {}
    if not Process.objects.filter(code="pb-2024").exists():
        process = process_create(
            code="pb-2024",
            title=_("2024년 주민참여예산 (2025년 예산 반영, 예시)"),
            year=2024,
            budget=samples.FUNDED_COST_2024,
            actor=actor,
            ballot_kind=BallotKind.APPROVAL,
            max_projects=10,
            counting_rule=CountingRule.GREEDY,
            categories=list(samples.CATEGORIES),
            phases=samples.phases(2024),
            description=_(
                "제안접수 139건 중 36건(1,545,150천원) 2025년 예산 반영. 제안·투표는 예시 자료입니다."
            ),
            sample=True,
            section=samples.SEED_SECTION,
            committee=_committee(samples.PB_COMMITTEE),
            line=samples.SEED_LINE,
        )
        heading = process.headings.get()
        categories = {c.name: c for c in process.categories.all()}
        rows, ballots = samples.proposals_2024()
        at = samples.phases(2024)["reviewing"][0]
        by_number = {}
        for row in rows:
            by_number[row["number"]] = _sample_proposal(process, heading, categories, row, at)
        for row in rows:
            if row["status"] == ProposalStatus.MERGED:
                proposal = by_number[row["number"]]
                proposal.merged_into = by_number[row["merged_into"]]
                _status(
                    proposal,
                    ProposalStatus.MERGED,
                    _("%(number)s번 제안과 중복: %(reason)s")
                    % {"number": row["merged_into"], "reason": row["reason"]},
                    at,
                )
                proposal.save()
        voted_at = samples.phases(2024)["voting"][0]
        Participation.objects.bulk_create(
            [
                Participation(
                    process=process,
                    heading=heading,
                    person_key=identity.person_key(f"SAMPLE2024{i:05d}"),
                    channel=Channel.ONLINE,
                    first_voted_at=voted_at,
                    birth_year=1950 + i % 55,
                    district=samples.DISTRICTS[i % len(samples.DISTRICTS)],
                )
                for i in range(len(ballots))
            ],
            batch_size=500,
        )
        Ballot.objects.bulk_create(
            [
                Ballot(
                    heading=heading,
                    projects=sorted(ballot),
                    ballot_key=identity.ballot_key(process.pk, identity.person_key(f"SAMPLE2024{i:05d}")),
                )
                for i, ballot in enumerate(ballots)
            ],
            batch_size=500,
        )
        tally_count(process=process, actor=actor, at=samples.phases(2024)["counting"][0])
        loaded["pb-2024"] = len(rows)
    if not Process.objects.filter(code="pb-2025").exists():
        now = _now().replace(microsecond=0)
        day = timedelta(days=1)
        process = process_create(
            code="pb-2025",
            title=_("2025년 주민참여예산 (2026년 예산 편성, 예시)"),
            year=2025,
            budget=samples.BUDGET_2025,
            actor=actor,
            ballot_kind=BallotKind.KNAPSACK,
            max_projects=10,
            min_projects=1,
            counting_rule=CountingRule.COMBINED,
            committee_weight=50,
            vote_weight=50,
            categories=list(samples.CATEGORIES),
            phases={
                PhaseKind.ACCEPTING: (now - 120 * day, now - 60 * day),
                PhaseKind.REVIEWING: (now - 60 * day, now - 30 * day),
                PhaseKind.SCORING: (now - 30 * day, now - day),
                PhaseKind.VOTING: (now - day, now + 60 * day),
                PhaseKind.COUNTING: (now + 60 * day, now + 75 * day),
                PhaseKind.FINISHED: (now + 75 * day, now + 800 * day),
            },
            description=_("투표 중인 예시 절차입니다. 모의 본인인증으로 주민 확인을 하고 투표해 보세요."),
            sample=True,
            committee=_committee(samples.PB_COMMITTEE),
        )
        heading = process.headings.get()
        categories = {c.name: c for c in process.categories.all()}
        User = get_user_model()
        scorers = []
        for i in (1, 2, 3):
            user, created = User.objects.get_or_create(username=f"pb-scorer-{i}")
            if created:
                user.set_unusable_password()
                user.save()
            scorers.append(user)
        process.scorers.set(scorers)
        rows = samples.proposals_2025()
        for row in rows:
            proposal = _sample_proposal(process, heading, categories, row, now - 60 * day)
            if row["status"] == ProposalStatus.ELIGIBLE:
                for offset, scorer in enumerate(scorers):
                    CommitteeScore.objects.create(
                        proposal=proposal,
                        member=scorer,
                        score=min(100, row["score"] + offset - 1),
                        reason=_("예시 심사 점수"),
                    )
        loaded["pb-2025"] = len(rows)
    if not Process.objects.filter(code="sg-2024").exists():
        loaded["sg-2024"] = _load_sample_suggestions(actor)
    return loaded


def _load_sample_suggestions(actor: Actor) -> int:
    from django.contrib.auth import get_user_model

    from . import samples

    process = process_create(
        code="sg-2024",
        kind=ProcessKind.SUGGESTION,
        title=_("2024년 제안제도 (예시)"),
        year=2024,
        budget=samples.AWARDS_2024,
        actor=actor,
        phases=samples.phases(2024),
        description=_("제안심사위원회 3회, 채택 제안 부상금 540만원. 제안 내용은 예시 자료입니다."),
        sample=True,
        section=samples.SUGGESTION_SECTION,
        committee=_committee(samples.SUGGESTION_COMMITTEE),
        line=samples.SUGGESTION_LINE,
    )
    heading = process.headings.get()
    User = get_user_model()
    proposers = []
    for i in (1, 2, 3):
        user, created = User.objects.get_or_create(username=f"sample-proposer-{i}")
        if created:
            user.set_unusable_password()
            user.save()
        proposers.append(user)
    departments = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT).order_by("order")[:4])
    at = samples.phases(2024)["scoring"][0]
    for number, (title, kind, grade, award) in enumerate(samples.SUGGESTIONS_2024, start=1):
        adopted = grade != SuggestionGrade.NOT_ADOPTED
        proposal = Proposal.objects.create(
            process=process,
            heading=heading,
            number=number,
            title=title,
            description=_("예시 자료입니다."),
            estimated_cost=0,
            proposer_kind=kind,
            author=proposers[number % 3],
            department=departments[number % len(departments)] if departments else None,
            status=ProposalStatus.SUBMITTED,
            grade=grade,
            award=award,
            sample=True,
        )
        StatusChange.objects.create(proposal=proposal, to_status=ProposalStatus.SUBMITTED, at=at)
        _status(proposal, ProposalStatus.ELIGIBLE, _("예시: 실무심의회 상정"), at)
        label = SuggestionGrade(grade).label
        _status(
            proposal,
            ProposalStatus.SELECTED if adopted else ProposalStatus.NOT_SELECTED,
            (_("창안등급 %(grade)s, 부상금 %(award)s원") % {"grade": label, "award": f"{award:,}"})
            if adopted
            else _("불채택: 예시"),
            at,
        )
        proposal.save()
        StageDecision.objects.bulk_create(
            [
                StageDecision(  # every sample suggestion was referred (예시: 실무심의회 상정)
                    proposal=proposal,
                    stage=ReviewStage.WORKING,
                    referred=True,
                    grade=grade if adopted else SuggestionGrade.EFFORT,
                    decided_by=actor.name[:150],
                    decided_at=at,
                ),
                StageDecision(
                    proposal=proposal,
                    stage=ReviewStage.COMMITTEE,
                    referred=adopted,
                    grade=grade,
                    decided_by=actor.name[:150],
                    decided_at=at,
                ),
            ]
        )
    return len(samples.SUGGESTIONS_2024)
