"""Committee meetings (회의): creating one with its agenda, recording attendance (출석) and allowances
(참석수당), deciding agenda items (의결) under the quorum rules (``rules.py``), and the minutes (회의록).
Keyword-only, atomic, audited; the meeting row is locked first, so two clerks cannot decide on a
different attendance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cityhall.core import audit
from cityhall.core.permissions import ADD, CHANGE, allowed
from cityhall.core.records import record_type_for
from cityhall.core.services import RecordInvalid

from . import rules
from .models import AgendaItem, Attendance, Committee, CommitteeMember, Meeting

MAX_ALLOWANCE = 1_000_000  # won per attendee and meeting: larger is a typing mistake
MAX_AGENDA = 50
Decision = AgendaItem.Decision
NEEDS_QUORUM = {Decision.APPROVED, Decision.AMENDED, Decision.REJECTED}


def _check(actor: audit.Actor, action: str, obj) -> None:
    if actor.user is not None and not allowed(actor.user, action, record_type_for(obj), obj):
        raise PermissionDenied(_("이 위원회의 회의를 관리할 권한이 없습니다."))


def _data(obj) -> dict:
    return record_type_for(obj).to_data(obj)


def _members_total(committee: Committee) -> int:
    listed = committee.members.count()
    return listed or (committee.member_count or 0)


@transaction.atomic
def meeting_create(
    *,
    committee: Committee,
    held_on: dt.date,
    agenda: list[str],
    actor: audit.Actor,
    kind: str = Meeting.Kind.REGULAR,
    place: str = "",
    allowance_per_attendee: int = 0,
    quorum_rule: str = "majority",
) -> Meeting:
    """A meeting numbered 제N차 within the committee's year, with its agenda in order. 재적 is the
    committee's listed members (or its stated member count); the quorum is their majority unless
    ``quorum_rule="two_thirds"``."""
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    errors: dict[str, list[str]] = {}
    if not isinstance(held_on, dt.date) or isinstance(held_on, dt.datetime):
        errors["held_on"] = [_("개최일은 날짜여야 합니다.")]
    titles = [str(t).strip() for t in agenda or []] if isinstance(agenda, (list, tuple)) else None
    if not titles or any(not t or len(t) > 300 for t in titles) or len(titles) > MAX_AGENDA:
        errors["agenda"] = [_("안건은 1~%(max)s건, 각 1~300자여야 합니다.") % {"max": MAX_AGENDA}]
    if kind not in Meeting.Kind.values:
        errors["kind"] = [_("회의 구분이 올바르지 않습니다: %(kind)s") % {"kind": kind}]
    if (
        isinstance(allowance_per_attendee, bool)
        or not isinstance(allowance_per_attendee, int)
        or not 0 <= allowance_per_attendee <= MAX_ALLOWANCE
    ):
        errors["allowance_per_attendee"] = [
            _("참석수당은 0~%(max)s원의 정수여야 합니다.") % {"max": f"{MAX_ALLOWANCE:,}"}
        ]
    if quorum_rule not in rules.QUORUM_RULES:
        errors["quorum_rule"] = [_("정족수 규칙이 올바르지 않습니다: %(rule)s") % {"rule": quorum_rule}]
    if len(place or "") > 100:
        errors["place"] = [_("장소는 100자 이하여야 합니다.")]
    total = _members_total(committee)
    if not total:
        errors["committee"] = [_("위원 수를 알 수 없어 정족수를 정할 수 없습니다. 위원을 먼저 등록하세요.")]
    if errors:
        raise RecordInvalid(errors)
    number = (
        Meeting.objects.filter(committee=committee, held_on__year=held_on.year).aggregate(n=Max("number"))[
            "n"
        ]
        or 0
    ) + 1
    meeting = Meeting(
        code=f"{committee.code}-{held_on.year}-{number:02d}",
        committee=committee,
        number=number,
        kind=kind,
        held_on=held_on,
        place=place or "",
        members_total=total,
        quorum=rules.quorum_for(total, quorum_rule),
        allowance_per_attendee=allowance_per_attendee,
    )
    _check(actor, ADD, meeting)
    meeting.save()
    audit.record(actor, "create", record_type_for(meeting), meeting, after=_data(meeting))
    for order, title in enumerate(titles, start=1):
        item = AgendaItem.objects.create(meeting=meeting, order=order, title=title)
        audit.record(actor, "create", record_type_for(item), item, after=_data(item))
    return meeting


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("committee__org_unit").get(pk=meeting.pk)


@transaction.atomic
def meeting_record_attendance(
    *,
    meeting: Meeting,
    actor: audit.Actor,
    present: Iterable[CommitteeMember | int] | None = None,
    present_count: int | None = None,
) -> Meeting:
    """출석: ``present`` names the attending members (the committee's listed members; each gets the
    meeting's allowance), or, for a committee whose members are not listed, ``present_count`` gives the
    number. Can be corrected until an item is decided."""
    meeting = _locked(meeting)
    _check(actor, CHANGE, meeting)
    if meeting.agenda_items.exclude(decision=Decision.PENDING).exists():
        raise RecordInvalid(_("의결된 안건이 있어 출석을 바꿀 수 없습니다."), field="present")
    members = {m.pk: m for m in meeting.committee.members.all()}
    before = _data(meeting)
    if members:
        if present is None or present_count is not None:
            raise RecordInvalid(_("등록된 위원 중 출석한 위원을 고르세요."), field="present")
        ids = {p.pk if isinstance(p, CommitteeMember) else p for p in present}
        strangers = ids - set(members)
        if strangers:
            raise RecordInvalid(
                _("이 위원회의 위원이 아닙니다: %(ids)s") % {"ids": sorted(strangers)}, field="present"
            )
        meeting.attendances.all().delete()
        Attendance.objects.bulk_create(
            Attendance(
                meeting=meeting,
                member=member,
                present=pk in ids,
                allowance=meeting.allowance_per_attendee if pk in ids else 0,
            )
            for pk, member in members.items()
        )
        count = len(ids)
    else:
        if present is not None or isinstance(present_count, bool) or not isinstance(present_count, int):
            raise RecordInvalid(
                _("위원이 등록되지 않은 위원회는 출석 인원을 숫자로 적습니다."), field="present_count"
            )
        if not 0 <= present_count <= meeting.members_total:
            raise RecordInvalid(
                _("출석 인원은 0~%(total)s명이어야 합니다.") % {"total": meeting.members_total},
                field="present_count",
            )
        count = present_count
    meeting.present_count = count
    meeting.attendance_recorded = True
    meeting.save(update_fields=["present_count", "attendance_recorded"])
    audit.record(actor, "update", record_type_for(meeting), meeting, before=before, after=_data(meeting))
    return meeting


def decision_errors(
    meeting: Meeting,
    decision: str,
    votes_for: int | None,
    votes_against: int | None,
    votes_abstain: int | None,
) -> dict[str, list[str]]:
    """What is wrong with deciding ``decision`` with these votes at ``meeting`` (empty when nothing)."""
    if decision not in Decision.values:
        return {"decision": [_("의결 결과가 올바르지 않습니다: %(d)s") % {"d": decision}]}
    if decision == Decision.PENDING:
        return {}
    if decision in NEEDS_QUORUM:
        if not meeting.attendance_recorded:
            return {"decision": [_("출석을 먼저 기록하세요.")]}
        if not rules.quorum_met(meeting.present_count, meeting.quorum):
            return {
                "decision": [
                    _("개의 정족수(%(quorum)s명)에 미달하여 의결할 수 없습니다 (출석 %(present)s명).")
                    % {"quorum": meeting.quorum, "present": meeting.present_count}
                ]
            }
    votes = [v for v in (votes_for, votes_against, votes_abstain) if v is not None]
    if any(isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in votes):
        return {"votes_for": [_("표 수는 0 이상의 정수여야 합니다.")]}
    if sum(votes) > meeting.present_count:
        return {
            "votes_for": [
                _("찬성·반대·기권의 합(%(sum)s)이 출석위원(%(present)s명)보다 많습니다.")
                % {"sum": sum(votes), "present": meeting.present_count}
            ]
        }
    if votes_for is not None and decision in NEEDS_QUORUM:
        needed = rules.majority(meeting.present_count) if meeting.present_count else 1
        if decision in (Decision.APPROVED, Decision.AMENDED) and votes_for < needed:
            return {
                "votes_for": [
                    _("가결에는 출석위원 과반수(%(needed)s명)의 찬성이 필요합니다 (찬성 %(votes)s명).")
                    % {"needed": needed, "votes": votes_for}
                ]
            }
        if decision == Decision.REJECTED and votes_for >= needed:
            return {"votes_for": [_("찬성이 출석위원 과반수이면 부결이 아닙니다.")]}
    return {}


@transaction.atomic
def meeting_decide(
    *,
    item: AgendaItem,
    decision: str,
    actor: audit.Actor,
    votes_for: int | None = None,
    votes_against: int | None = None,
    votes_abstain: int | None = None,
    note: str = "",
) -> AgendaItem:
    """의결: records what the meeting decided on ``item``. 가결·부결 need the quorum present (개의
    정족수); with votes, 가결 needs 출석위원 과반수 찬성."""
    meeting = _locked(item.meeting)
    _check(actor, CHANGE, meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    errors = decision_errors(meeting, decision, votes_for, votes_against, votes_abstain)
    if errors:
        raise RecordInvalid(errors)
    before = _data(item)
    item.decision = decision
    item.votes_for, item.votes_against, item.votes_abstain = votes_for, votes_against, votes_abstain
    item.note = note or ""
    item.save()
    audit.record(actor, "update", record_type_for(item), item, before=before, after=_data(item))
    return item


@transaction.atomic
def meeting_minutes_set(*, meeting: Meeting, minutes: str, actor: audit.Actor) -> Meeting:
    """회의록: the minutes' text (replaces the previous text; the audit trail keeps each version)."""
    meeting = _locked(meeting)
    _check(actor, CHANGE, meeting)
    minutes = (minutes or "").strip()
    if not minutes or len(minutes) > 100_000:
        raise RecordInvalid(_("회의록은 1~100,000자여야 합니다."), field="minutes")
    before = _data(meeting)
    meeting.minutes = minutes
    meeting.save(update_fields=["minutes"])
    audit.record(actor, "update", record_type_for(meeting), meeting, before=before, after=_data(meeting))
    return meeting


# -- rules for the generic record pages ------------------------------------------------------------


def agenda_item_rules(item: AgendaItem, before: dict | None) -> dict[str, list[str]]:
    """A decision entered on the record pages obeys the same quorum and vote rules."""
    return decision_errors(
        item.meeting, item.decision, item.votes_for, item.votes_against, item.votes_abstain
    )


def meeting_rules(meeting: Meeting, before: dict | None) -> dict[str, list[str]]:
    """재적 and the quorum are fixed at creation; the record pages may not change them afterwards."""
    if before is None:
        return {"__all__": [_("회의는 회의 등록 기능으로 만듭니다 (차수·정족수 계산).")]}
    changed = [
        f
        for f in ("members_total", "quorum", "present_count", "attendance_recorded")
        if before.get(f) != getattr(meeting, f)
    ]
    if changed:
        return {changed[0]: [_("재적·정족수·출석은 출석 기록으로만 바꿀 수 있습니다.")]}
    return {}
