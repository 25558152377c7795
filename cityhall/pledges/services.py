"""Writes for pledges: the sample portfolio, the XLSX import of the real list, and the quarterly
check-in workflow (round_open → checkin_submit → checkin_review → round_close). Each validates first,
runs in one transaction and audits through ``cityhall.core.audit``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cityhall.core import audit, clock
from cityhall.core.audit import Actor
from cityhall.core.permissions import CHANGE, allowed, has_permission
from cityhall.core.records import REGISTRY, Errors
from cityhall.core.services import NON_FIELD, RecordInvalid
from cityhall.organisation.models import OrgUnit
from cityhall.organisation.selectors import PLANNING_STAFF

from .models import STATUSES_NEEDING_REASON, Category, CheckinRound, Pledge, PledgeCheckin, Status


def _rtype(name: str):
    return REGISTRY[name]


def can_submit(user, pledge: Pledge) -> bool:
    """Editors and managers of the pledge's lead department (and office-wide roles)."""
    return user is not None and allowed(user, CHANGE, _rtype("pledges"), pledge)


def _require_planning(actor: Actor) -> None:
    if actor.user is not None and not has_permission(actor.user, PLANNING_STAFF):
        raise PermissionDenied(_("공약 점검은 정책기획과(편집자·관리자)나 실장·관리자만 관리할 수 있습니다."))


def _save_audited(actor: Actor, name: str, obj, before: dict | None) -> None:
    rtype = _rtype(name)
    obj.full_clean()
    obj.save()
    after = rtype.to_data(obj)
    if before is None:
        audit.record(actor, "create", rtype, obj, after=after)
    elif before != after:
        audit.record(actor, "update", rtype, obj, before=before, after=after)


def _check_status(status: str, progress: Any, reason: str) -> Errors:
    errors: Errors = {}
    if status not in Status.values:
        errors["status"] = [
            _("추진상황 '%(status)s'은(는) 쓸 수 없습니다. (%(choices)s)")
            % {"status": status, "choices": ", ".join(str(s.label) for s in Status)}
        ]
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        errors["progress"] = [_("진척률은 0에서 100 사이의 정수여야 합니다.")]
    elif status == Status.COMPLETED and progress != 100:
        errors["progress"] = [_("이행완료인 공약의 진척률은 100이어야 합니다.")]
    if status in STATUSES_NEEDING_REASON and not reason.strip():
        errors["status_reason"] = [_("부진·보류·폐기에는 사유를 적어야 합니다.")]
    return errors


# -- sample portfolio ---------------------------------------------------------------------------


@transaction.atomic
def pledges_load_sample(*, actor: Actor | None = None) -> int:
    """Load (or refresh) the sample portfolio of 56 예시 공약 reproducing the seed's figures; returns
    how many pledges it wrote. Refuses when the real list has been imported."""
    from .samples import sample_pledges

    actor = actor or Actor.system("pledges:load-sample")
    if Pledge.objects.filter(sample=False).exists():
        raise RecordInvalid(_("실제 공약 목록이 이미 있어 예시 공약을 불러오지 않습니다."))
    units = {u.code: u for u in OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT)}
    rtype = _rtype("pledges")
    written = 0
    for row in sample_pledges(sorted(units)):
        obj = Pledge.objects.filter(code=row["code"]).first()
        before = rtype.to_data(obj) if obj else None
        obj = obj or Pledge(code=row["code"])
        for name, value in row.items():
            if name == "lead_department":
                obj.lead_department = units[value]
            elif name != "cooperating_departments":
                setattr(obj, name, value)
        _save_audited(actor, "pledges", obj, before)
        obj.cooperating_departments.set([units[c] for c in row["cooperating_departments"]])
        written += 1
    return written


# -- check-in workflow --------------------------------------------------------------------------


@transaction.atomic
def round_open(
    *, year: int, quarter: int, closes_on: date, actor: Actor, opened_on: date | None = None
) -> CheckinRound:
    """Open a quarterly round (one open round at a time)."""
    _require_planning(actor)
    opened_on = opened_on or clock.today()
    errors: Errors = {}
    if not isinstance(quarter, int) or not 1 <= quarter <= 4:
        errors["quarter"] = [_("분기는 1에서 4 사이여야 합니다.")]
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = [_("연도가 올바르지 않습니다.")]
    if closes_on < opened_on:
        errors["closes_on"] = [_("제출기한은 개시일 이후여야 합니다.")]
    # A first answer for the usual case; the database's unique indexes decide the race (below).
    if CheckinRound.objects.filter(state=CheckinRound.State.OPEN).exists():
        errors[NON_FIELD] = [_("진행 중인 점검 회차가 있습니다. 먼저 마감하세요.")]
    if not errors and CheckinRound.objects.filter(year=year, quarter=quarter).exists():
        errors[NON_FIELD] = [
            _("%(year)s년 %(quarter)s분기 점검 회차가 이미 있습니다.") % {"year": year, "quarter": quarter}
        ]
    if errors:
        raise RecordInvalid(errors)
    round_ = CheckinRound(
        code=f"{year}-q{quarter}", year=year, quarter=quarter, opened_on=opened_on, closes_on=closes_on
    )
    try:
        with transaction.atomic():
            _save_audited(actor, "checkin_rounds", round_, None)
    except (IntegrityError, ValidationError):
        # Another planner opened a round (or this quarter's) since the check above, and the unique
        # indexes (``checkin_round_one_open``, the quarter's) refused this one: say which.
        raise RecordInvalid(
            {NON_FIELD: _round_conflicts(year, quarter) or [_("점검 회차를 열 수 없습니다.")]}
        ) from None
    return round_


def _round_conflicts(year: int, quarter: int) -> list:
    """What stands in the way of opening a round: an open round, else this quarter's round."""
    if CheckinRound.objects.filter(state=CheckinRound.State.OPEN).exists():
        return [_("진행 중인 점검 회차가 있습니다. 먼저 마감하세요.")]
    if CheckinRound.objects.filter(year=year, quarter=quarter).exists():
        return [
            _("%(year)s년 %(quarter)s분기 점검 회차가 이미 있습니다.") % {"year": year, "quarter": quarter}
        ]
    return []


def _require_open(round_: CheckinRound) -> None:
    if round_.state != CheckinRound.State.OPEN:
        raise RecordInvalid(_("마감된 점검 회차입니다."))


@transaction.atomic
def checkin_submit(
    *,
    round_: CheckinRound,
    pledge: Pledge,
    status: str,
    progress: int,
    evidence: str,
    actor: Actor,
    status_reason: str = "",
) -> PledgeCheckin:
    """The lead department reports a pledge's status, progress and evidence; a returned check-in is
    resubmitted the same way. Only while the round is open and by its deadline."""
    if actor.user is not None and not can_submit(actor.user, pledge):
        raise PermissionDenied(_("이 공약의 주관부서(편집자·관리자)만 제출할 수 있습니다."))
    round_ = CheckinRound.objects.select_for_update().get(pk=round_.pk)
    _require_open(round_)
    if clock.today() > round_.closes_on:
        raise RecordInvalid(_("제출기한(%(date)s)이 지났습니다.") % {"date": f"{round_.closes_on:%Y-%m-%d}"})
    errors = _check_status(status, progress, status_reason)
    if not evidence.strip():
        errors["evidence"] = [_("추진실적(근거)을 적어야 합니다.")]
    if errors:
        raise RecordInvalid(errors)
    checkin = PledgeCheckin.objects.select_for_update().filter(round=round_, pledge=pledge).first()
    rtype = _rtype("pledge_checkins")
    before = rtype.to_data(checkin) if checkin else None
    if checkin is not None and checkin.review == PledgeCheckin.Review.ACCEPTED:
        raise RecordInvalid(_("이미 확인된 제출은 고칠 수 없습니다."))
    checkin = checkin or PledgeCheckin(round=round_, pledge=pledge)
    checkin.status = status
    checkin.status_reason = status_reason.strip()
    checkin.progress = progress
    checkin.evidence = evidence.strip()
    checkin.submitted_by = actor.user
    checkin.submitted_at = timezone.now()
    checkin.review = PledgeCheckin.Review.SUBMITTED
    _save_audited(actor, "pledge_checkins", checkin, before)
    return checkin


ACCEPT, RETURN = "accept", "return"


@transaction.atomic
def checkin_review(
    *, checkin: PledgeCheckin, decision: str, actor: Actor, comment: str = ""
) -> PledgeCheckin:
    """The planning team accepts a submitted check-in or returns it with a comment (보완요청)."""
    _require_planning(actor)
    checkin = PledgeCheckin.objects.select_for_update().select_related("round").get(pk=checkin.pk)
    _require_open(checkin.round)
    if decision not in (ACCEPT, RETURN):
        raise RecordInvalid(
            _("검토 결과는 확인(accept) 또는 보완요청(return)이어야 합니다."), field="decision"
        )
    if checkin.review != PledgeCheckin.Review.SUBMITTED:
        raise RecordInvalid(_("제출 상태인 것만 검토할 수 있습니다."))
    if decision == RETURN and not comment.strip():
        raise RecordInvalid(_("보완요청에는 검토 의견을 적어야 합니다."), field="comment")
    before = _rtype("pledge_checkins").to_data(checkin)
    checkin.review = PledgeCheckin.Review.ACCEPTED if decision == ACCEPT else PledgeCheckin.Review.RETURNED
    checkin.review_comment = comment.strip()
    checkin.reviewed_by = actor.user
    checkin.reviewed_at = timezone.now()
    _save_audited(actor, "pledge_checkins", checkin, before)
    return checkin


@transaction.atomic
def round_close(*, round_: CheckinRound, actor: Actor) -> int:
    """Close the round: each accepted check-in's status, reason and progress become the pledge's
    (audited as pledge updates). Returns how many pledges were updated; submissions not accepted
    leave their pledge as it was."""
    _require_planning(actor)
    round_ = CheckinRound.objects.select_for_update().get(pk=round_.pk)
    _require_open(round_)
    prtype = _rtype("pledges")
    updated = 0
    accepted = PledgeCheckin.objects.filter(
        round=round_, review=PledgeCheckin.Review.ACCEPTED
    ).select_related("pledge")
    for checkin in accepted:
        pledge = checkin.pledge
        before = prtype.to_data(pledge)
        pledge.status = checkin.status
        pledge.status_reason = checkin.status_reason
        pledge.progress = checkin.progress
        _save_audited(actor, "pledges", pledge, before)
        updated += 1
    before = _rtype("checkin_rounds").to_data(round_)
    round_.state = CheckinRound.State.CLOSED
    round_.closed_at = timezone.now()
    _save_audited(actor, "checkin_rounds", round_, before)
    return updated


# Category labels as written in a workbook.
CATEGORY_BY_LABEL = {str(c.label): c.value for c in Category} | {c.value: c.value for c in Category}
STATUS_BY_LABEL = {str(s.label): s.value for s in Status} | {s.value: s.value for s in Status}
