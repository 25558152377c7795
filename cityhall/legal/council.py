"""의회 (seed II.2 행 273, IV.2.5 행 708 "김포시의회 연간 의사일정에 따른 행정업무 지원"): the council's
session calendar (정례회·임시회 with the requests due and bills moving in them) and the bill pipeline
(제출 → 상임위원회 심사 → 본회의 → 가결·수정가결·부결, or 철회 before a decision). A bill's stage changes
only through ``bill_advance``, which checks the allowed move and its date, writes a ``BillTransition``
and audits; the generic record pages refuse a stage change (``bill_rules``)."""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from cityhall.core import clock
from cityhall.core import deadlines as office_calendar
from cityhall.core.audit import Actor
from cityhall.core.records import REGISTRY, Errors
from cityhall.core.services import RecordInvalid

from .models import Bill, BillTransition, CouncilSession, DataRequest, Stage

BillStage = Bill.Stage
DECIDED = frozenset({BillStage.PASSED, BillStage.AMENDED, BillStage.REJECTED})
FINAL = DECIDED | {BillStage.WITHDRAWN}
# Where a bill may go from each stage. A standing committee may reject a bill (it is then not put to
# the plenary); withdrawal is possible until a decision.
BILL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    BillStage.SUBMITTED: (BillStage.COMMITTEE, BillStage.WITHDRAWN),
    BillStage.COMMITTEE: (BillStage.PLENARY, BillStage.REJECTED, BillStage.WITHDRAWN),
    BillStage.PLENARY: (BillStage.PASSED, BillStage.AMENDED, BillStage.REJECTED, BillStage.WITHDRAWN),
}
# Stages that happen in the session's sittings, so their date must fall within the session.
IN_SESSION = frozenset({BillStage.COMMITTEE, BillStage.PLENARY}) | DECIDED


def next_bill_stages(bill: Bill) -> tuple[str, ...]:
    return BILL_TRANSITIONS.get(bill.stage, ())


def bill_rules(obj: Bill, before: dict | None) -> Errors:
    """The generic record pages may create a bill (as 제출) and correct its text fields; its stage and
    decision date move only through ``bill_advance``."""
    errors: Errors = {}
    if not before:
        if obj.stage != BillStage.SUBMITTED or obj.decided_on:
            errors["stage"] = [_("새 의안은 '제출' 단계로 만들고, 단계는 의안 화면에서 옮깁니다.")]
    elif before.get("stage") != obj.stage or before.get("decided_on") != (
        obj.decided_on.isoformat() if obj.decided_on else None
    ):
        errors["stage"] = [_("의안의 단계와 의결일은 의안 화면의 '단계 이동'으로만 바꿉니다.")]
    if obj.session_id and obj.submitted_on and obj.submitted_on > obj.session.ends_on:
        errors["submitted_on"] = [
            _("제출일(%(on)s)이 회기 종료일(%(end)s)보다 늦습니다.")
            % {"on": obj.submitted_on, "end": obj.session.ends_on}
        ]
    return errors


def council_session_rules(obj: CouncilSession, before: dict | None) -> Errors:
    """Two sessions cannot overlap: the council sits in one session at a time."""
    if not (obj.starts_on and obj.ends_on) or obj.ends_on < obj.starts_on:
        return {}
    clash = (
        CouncilSession.objects.filter(starts_on__lte=obj.ends_on, ends_on__gte=obj.starts_on)
        .exclude(pk=obj.pk)
        .first()
    )
    if clash is not None:
        return {
            "starts_on": [
                _("%(other)s 회기(%(s)s~%(e)s)와 기간이 겹칩니다.")
                % {"other": clash, "s": clash.starts_on, "e": clash.ends_on}
            ]
        }
    return {}


@transaction.atomic
def bill_advance(*, bill: Bill, to_stage: str, on: date | None = None, note: str = "", actor: Actor) -> Bill:
    """Move a bill to one of its allowed next stages (audited, with a transition row). Committee review,
    the plenary and the decision must fall within the bill's session and not before the previous step.
    A passed ordinance bill moves its linked revision past the council stage."""
    from . import services

    services._require_legal(actor)
    bill = Bill.objects.select_for_update(of=("self",)).select_related("session", "revision").get(pk=bill.pk)
    on = on or clock.today()
    allowed_next = next_bill_stages(bill)
    if to_stage not in allowed_next:
        raise RecordInvalid(
            _("'%(from)s'에서 '%(to)s'(으)로 갈 수 없습니다. 가능한 단계: %(next)s")
            % {
                "from": bill.get_stage_display(),
                "to": BillStage(to_stage).label if to_stage in BillStage.values else to_stage,
                "next": ", ".join(str(BillStage(s).label) for s in allowed_next) or "-",
            },
            field="to_stage",
        )
    last = bill.transitions.order_by("-on", "-id").first()
    earliest = last.on if last is not None else bill.submitted_on
    if on < earliest:
        raise RecordInvalid(
            _("일자(%(on)s)가 앞 단계 일자(%(last)s)보다 이릅니다.") % {"on": on, "last": earliest},
            field="on",
        )
    session = bill.session
    if to_stage in IN_SESSION and not (session.starts_on <= on <= session.ends_on):
        raise RecordInvalid(
            _("%(stage)s 일자(%(on)s)는 %(session)s 회기(%(s)s~%(e)s) 안이어야 합니다.")
            % {
                "stage": BillStage(to_stage).label,
                "on": on,
                "session": session,
                "s": session.starts_on,
                "e": session.ends_on,
            },
            field="on",
        )
    rtype = REGISTRY["bills"]
    before = rtype.to_data(bill)
    BillTransition.objects.create(
        bill=bill, from_stage=bill.stage, to_stage=to_stage, on=on, actor=actor.name[:150], note=note[:300]
    )
    bill.stage = to_stage
    if to_stage in DECIDED:
        bill.decided_on = on
    services._audited_save(actor, "bills", bill, before)
    revision = bill.revision
    if (
        to_stage in {BillStage.PASSED, BillStage.AMENDED}
        and revision is not None
        and Stage.COUNCIL in services.next_stages(revision)
    ):
        services.revision_advance(
            revision=revision,
            to_stage=Stage.COUNCIL,
            on=on,
            note=_("의안 %(code)s 의결") % {"code": bill.code},
            actor=actor,
        )
    return bill


# -- the calendar -----------------------------------------------------------------------------------


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    holiday: str | None
    sessions: list[CouncilSession] = field(default_factory=list)
    requests_due: list[DataRequest] = field(default_factory=list)
    bill_steps: list[BillTransition] = field(default_factory=list)


def sessions(*, year: int | None = None) -> QuerySet[CouncilSession]:
    """Sessions with their requests (open ones counted apart) and bills, in date order."""
    qs = CouncilSession.objects.annotate(
        request_count=Count("data_requests", distinct=True),
        open_request_count=Count(
            "data_requests", filter=Q(data_requests__status=DataRequest.Status.OPEN), distinct=True
        ),
        bill_count=Count("bills", distinct=True),
    ).order_by("starts_on")
    if year:
        qs = qs.filter(Q(starts_on__year=year) | Q(ends_on__year=year))
    return qs


def month_weeks(*, year: int, month: int, requests: QuerySet[DataRequest]) -> list[list[CalendarDay]]:
    """The month as weeks (Monday first) with the sessions sitting, the requests due (of those the user
    may see), the bills' steps, and public holidays by the office calendar."""
    weeks = month_calendar.Calendar().monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    days = {
        d: CalendarDay(d, d.month == month, office_calendar.holiday_name(d) if d.weekday() != 6 else None)
        for week in weeks
        for d in week
    }
    for session in CouncilSession.objects.filter(starts_on__lte=last, ends_on__gte=first):
        d = max(session.starts_on, first)
        while d <= min(session.ends_on, last):
            days[d].sessions.append(session)
            d += timedelta(days=1)
    for request in requests.filter(due_on__range=(first, last)).select_related("department"):
        days[request.due_on].requests_due.append(request)
    for step in BillTransition.objects.filter(on__range=(first, last)).select_related("bill"):
        days[step.on].bill_steps.append(step)
    return [[days[d] for d in week] for week in weeks]
