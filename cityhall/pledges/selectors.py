"""Reads for pledges: the portfolio summary (the seed's 56 = 15 + 41; 27 / 9 / 20), a round's
progress per department, what is missing, and the changes since the previous round."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.db.models import Count, QuerySet, Sum

from cityhall.organisation.models import OrgUnit

from .models import Category, CheckinRound, Pledge, PledgeCheckin, Status


def share(count: int, total: int) -> Decimal:
    """A percentage to one decimal, cut (not rounded) as the seed writes it: 9/56 → 16.0 ('16%'),
    27/56 → 48.2, 20/56 → 35.7."""
    if not total:
        return Decimal("0.0")
    return (Decimal(100 * count) / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


@dataclass
class StatusCount:
    status: str
    label: str
    count: int
    share: Decimal


@dataclass
class PortfolioSummary:
    total: int
    by_category: dict[str, int]
    statuses: list[StatusCount] = field(default_factory=list)
    average_progress: Decimal = Decimal("0.0")

    def count(self, status: str) -> int:
        return next((s.count for s in self.statuses if s.status == status), 0)

    def share_of(self, status: str) -> Decimal:
        return next((s.share for s in self.statuses if s.status == status), Decimal("0.0"))

    @property
    def used_statuses(self) -> list[StatusCount]:
        return [s for s in self.statuses if s.count or s.status in SEED_STATUSES]


SEED_STATUSES = {Status.COMPLETED, Status.DUE_THIS_YEAR, Status.ON_TRACK}


def pledges(*, public_only: bool = False) -> QuerySet[Pledge]:
    qs = Pledge.objects.select_related("lead_department").prefetch_related("cooperating_departments")
    return qs.filter(public=True) if public_only else qs


def pledge_detail(code: str) -> Pledge | None:
    return pledges().prefetch_related("milestones").filter(code=code).first()


def checkin_history(pledge: Pledge) -> QuerySet[PledgeCheckin]:
    """The pledge's dated check-ins, newest round first."""
    return (
        PledgeCheckin.objects.filter(pledge=pledge)
        .select_related("round", "submitted_by", "reviewed_by")
        .order_by("-round__year", "-round__quarter")
    )


def portfolio_summary(queryset: QuerySet[Pledge] | None = None) -> PortfolioSummary:
    # Counted and summed in the database: one row per (category, status), however many pledges.
    rows = list(
        (queryset if queryset is not None else Pledge.objects.all())
        .order_by()
        .values("category", "status")
        .annotate(n=Count("pk"), progress=Sum("progress"))
    )
    total = sum(r["n"] for r in rows)
    by_category = {c.value: sum(r["n"] for r in rows if r["category"] == c.value) for c in Category}
    statuses = []
    for status in Status:
        count = sum(r["n"] for r in rows if r["status"] == status.value)
        statuses.append(StatusCount(status.value, str(status.label), count, share(count, total)))
    average = (
        (Decimal(sum(r["progress"] for r in rows)) / total).quantize(Decimal("0.1"))
        if total
        else Decimal("0.0")
    )
    return PortfolioSummary(total, by_category, statuses, average)


def rounds() -> QuerySet[CheckinRound]:
    return CheckinRound.objects.all()


def open_round() -> CheckinRound | None:
    return CheckinRound.objects.filter(state=CheckinRound.State.OPEN).first()


def previous_round(round_: CheckinRound) -> CheckinRound | None:
    earlier = CheckinRound.objects.filter(year__lt=round_.year) | CheckinRound.objects.filter(
        year=round_.year, quarter__lt=round_.quarter
    )
    return earlier.order_by("-year", "-quarter").first()


@dataclass
class DepartmentProgress:
    department: OrgUnit
    pledges: list[Pledge]
    checkins: dict[int, PledgeCheckin]  # pledge id -> check-in

    @property
    def total(self) -> int:
        return len(self.pledges)

    def _count(self, review: str) -> int:
        return sum(1 for c in self.checkins.values() if c.review == review)

    @property
    def submitted(self) -> int:
        return self._count(PledgeCheckin.Review.SUBMITTED)

    @property
    def accepted(self) -> int:
        return self._count(PledgeCheckin.Review.ACCEPTED)

    @property
    def returned(self) -> int:
        return self._count(PledgeCheckin.Review.RETURNED)

    @property
    def missing(self) -> list[Pledge]:
        """Not submitted yet, or returned and not resubmitted."""
        return [
            p
            for p in self.pledges
            if p.pk not in self.checkins or self.checkins[p.pk].review == PledgeCheckin.Review.RETURNED
        ]

    @property
    def rows(self) -> list[tuple[Pledge, PledgeCheckin | None]]:
        return [(p, self.checkins.get(p.pk)) for p in self.pledges]


def round_progress(round_: CheckinRound, *, department: OrgUnit | None = None) -> list[DepartmentProgress]:
    """Per lead department: its pledges and their check-ins in the round (departments with none left out)."""
    checkins = {
        c.pledge_id: c
        for c in PledgeCheckin.objects.filter(round=round_).select_related("submitted_by", "reviewed_by")
    }
    qs = Pledge.objects.select_related("lead_department").order_by("number")
    if department is not None:
        qs = qs.filter(lead_department=department)
    groups: dict[int, DepartmentProgress] = {}
    for pledge in qs:
        unit = pledge.lead_department
        group = groups.setdefault(unit.pk, DepartmentProgress(unit, [], {}))
        group.pledges.append(pledge)
        if pledge.pk in checkins:
            group.checkins[pledge.pk] = checkins[pledge.pk]
    return sorted(groups.values(), key=lambda g: (g.department.order, g.department.pk))


def missing_submissions(round_: CheckinRound) -> dict[OrgUnit, list[Pledge]]:
    """What each department still owes in the round (for reminders); departments owing nothing left out."""
    return {g.department: g.missing for g in round_progress(round_) if g.missing}


@dataclass
class Change:
    pledge: Pledge
    before_status: str
    before_progress: int | None
    after_status: str
    after_progress: int


def changes_since_previous(round_: CheckinRound) -> list[Change]:
    """Pledges whose status or progress in this round differs from the previous round's check-in.
    A pledge without a check-in in this round keeps its recorded status; without one in the previous
    round its 'before' is blank."""
    previous = previous_round(round_)
    before = (
        {c.pledge_id: c for c in PledgeCheckin.objects.filter(round=previous)} if previous is not None else {}
    )
    now = {c.pledge_id: c for c in PledgeCheckin.objects.filter(round=round_)}
    changes = []
    for pledge in Pledge.objects.select_related("lead_department").order_by("number"):
        current = now.get(pledge.pk)
        after_status = current.status if current else pledge.status
        after_progress = current.progress if current else pledge.progress
        old = before.get(pledge.pk)
        before_status = old.status if old else ""
        before_progress = old.progress if old else None
        if (before_status, before_progress) != (after_status, after_progress) and (old or current):
            changes.append(Change(pledge, before_status, before_progress, after_status, after_progress))
    return changes
