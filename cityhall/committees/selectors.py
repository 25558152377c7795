"""Reads of the committees and councils."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Sum

from cityhall.core.selectors import count_by

from . import rules
from .models import AgendaItem, Attendance, Committee, CommitteeMember, Meeting

if TYPE_CHECKING:
    from cityhall.organisation.models import OrgUnit


def committee_counts() -> dict[int, int]:
    """org unit id -> number of its committees and councils."""
    return count_by(Committee.objects.all(), "org_unit_id")


def committees_of(units: Sequence[OrgUnit]) -> list[Committee]:
    """Committees first, then councils, each in the seed's numbering."""
    committees = Committee.objects.filter(org_unit__in=units).select_related("org_unit")
    return sorted(committees, key=lambda c: (c.kind != Committee.Kind.COMMITTEE, c.number or 0, c.pk))


def main_committees_of(units: Sequence[OrgUnit]) -> list[Committee]:
    """The committees (not the councils) of ``units``, as the office summary lists them."""
    return list(
        Committee.objects.filter(org_unit__in=units, kind=Committee.Kind.COMMITTEE)
        .select_related("org_unit")
        .order_by("number", "id")
    )


@dataclass(frozen=True)
class MeetingSummary:
    meeting: Meeting
    items: list[AgendaItem]
    attendances: list[Attendance]
    quorum_met: bool
    allowance_total: int


def meeting_summary(meeting_id: int) -> MeetingSummary:
    """A meeting with its agenda, attendance and allowance total, in three queries."""
    meeting = Meeting.objects.select_related("committee").get(pk=meeting_id)
    items = list(meeting.agenda_items.order_by("order"))
    attendances = list(meeting.attendances.select_related("member").order_by("member__name"))
    if attendances:
        total = rules.allowance_total([a.allowance for a in attendances])
    else:
        total = meeting.present_count * meeting.allowance_per_attendee
    return MeetingSummary(
        meeting=meeting,
        items=items,
        attendances=attendances,
        quorum_met=meeting.attendance_recorded and rules.quorum_met(meeting.present_count, meeting.quorum),
        allowance_total=total,
    )


def meetings_of(committee: Committee, year: int | None = None) -> list[Meeting]:
    queryset = Meeting.objects.filter(committee=committee)
    if year is not None:
        queryset = queryset.filter(held_on__year=year)
    return list(queryset.order_by("held_on", "number"))


def allowances_by_member(committee: Committee, year: int) -> list[tuple[CommitteeMember, int, int]]:
    """(member, meetings attended, allowance in won) for one committee's year, for the payment list."""
    rows = (
        Attendance.objects.filter(meeting__committee=committee, meeting__held_on__year=year, present=True)
        .values("member")
        .annotate(meetings=Count("id"), total=Sum("allowance"))
    )
    members = {m.pk: m for m in committee.members.all()}
    return sorted(
        ((members[r["member"]], r["meetings"], r["total"]) for r in rows), key=lambda row: row[0].name
    )
