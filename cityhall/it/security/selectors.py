"""정보보호 reads for the security page: findings (open first, overdue marked), drills with their rates,
incidents, and the personal-data files whose yearly check is due."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, IntegerField, Q, Value, When

from ..models import FindingStatus, PersonalDataFile, SecurityDrill, SecurityFinding, SecurityIncident
from .services import CHECK_EVERY_DAYS


def findings():
    """Open first (nearest due date first), then fixed awaiting a re-check, then verified."""
    rank = Case(
        When(status=FindingStatus.OPEN, then=Value(0)),
        When(status=FindingStatus.FIXED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return SecurityFinding.objects.select_related("asset").order_by(rank, "due_on", "code")


def finding_counts(today: dt.date) -> dict[str, int]:
    open_ = Q(status=FindingStatus.OPEN)
    return SecurityFinding.objects.aggregate(
        open=Count("id", filter=open_),
        overdue=Count("id", filter=open_ & Q(due_on__lt=today)),
        fixed=Count("id", filter=Q(status=FindingStatus.FIXED)),
        verified=Count("id", filter=Q(status=FindingStatus.VERIFIED)),
    )


def drills():
    return SecurityDrill.objects.order_by("-held_on")[:20]


def incidents():
    return SecurityIncident.objects.select_related("department").order_by("-detected_at")[:20]


def files_due_for_check(today: dt.date):
    limit = today - dt.timedelta(days=CHECK_EVERY_DAYS)
    return (
        PersonalDataFile.objects.select_related("department")
        .filter(Q(last_checked_on__isnull=True) | Q(last_checked_on__lt=limit))
        .order_by("last_checked_on", "code")
    )
