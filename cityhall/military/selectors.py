"""Reads of the military module: the compensation years and their (masked) applications, the support
projects beside their budget programs and the plan check's findings, the councils and tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, Sum

from cityhall.budget.selectors import programs_with_shares
from cityhall.core import personal_data
from cityhall.core.masking import mask_account, mask_name, mask_resident_number
from cityhall.plans.checks import check_plan

from . import personal, schedule
from .models import (
    Agreement,
    CompensationYear,
    CooperationCouncil,
    CooperationTask,
    NoiseApplication,
    NoiseRuleVersion,
    Objection,
    SupportProjectProgress,
)

SUPPORT_GROUPS = {
    "military-noise-support": "군소음 피해지역 지원사업",
    "military-area-support": "군부대 주변지역 지원사업",
}


def years():
    return CompensationYear.objects.select_related("rule_version", "committee", "decision_meeting").annotate(
        applicants=Count("applications"),
        computed_total=Sum("applications__computed_amount"),
        decided_total=Sum("applications__decided_amount"),
    )


def year_of(year: int) -> CompensationYear | None:
    return years().filter(year=year).first()


def rule_versions():
    return NoiseRuleVersion.objects.prefetch_related("rows").all()


@dataclass(frozen=True)
class ApplicationRow:
    """An application as a list or export shows it: personal data masked."""

    pk: int
    number: int
    name: str
    resident_number: str
    address: str
    zone: str
    moved_in_on: date
    moved_out_on: date | None
    bank: str
    account: str
    status: str
    status_label: str
    computed_amount: int | None
    decided_amount: int | None
    paid_on: date | None
    sample: bool
    purged: bool
    objections: int


def _row(app: NoiseApplication) -> ApplicationRow:
    if app.purged:
        rrn, account = "(파기)", "(파기)"
    else:
        rrn = mask_resident_number(personal_data.decrypt(app.resident_number))
        account = mask_account(personal_data.decrypt(app.account_number))
    return ApplicationRow(
        pk=app.pk,
        number=app.number,
        name=mask_name(app.name),
        resident_number=rrn,
        address=app.address,
        zone=app.zone,
        moved_in_on=app.moved_in_on,
        moved_out_on=app.moved_out_on,
        bank=personal.BANKS.get(app.bank_code, app.bank_code),
        account=account,
        status=app.status,
        status_label=app.get_status_display(),
        computed_amount=app.computed_amount,
        decided_amount=app.decided_amount,
        paid_on=app.paid_on,
        sample=app.sample,
        purged=app.purged,
        objections=getattr(app, "objection_count", 0),
    )


def application_rows(year: CompensationYear, *, status: str = "", zone: str = "") -> list[ApplicationRow]:
    apps = year.applications.annotate(objection_count=Count("objections")).order_by("number")
    if status:
        apps = apps.filter(status=status)
    if zone:
        apps = apps.filter(zone=zone)
    return [_row(a) for a in apps]


def application_of(year: CompensationYear, number: int) -> NoiseApplication | None:
    return (
        year.applications.select_related("year", "decided_rule_version")
        .prefetch_related(Prefetch("objections", queryset=Objection.objects.order_by("filed_on", "id")))
        .filter(number=number)
        .first()
    )


def masked(app: NoiseApplication) -> ApplicationRow:
    return _row(app)


@dataclass(frozen=True)
class ZoneTotal:
    zone: str
    applicants: int
    amount: int


def zone_totals(year: CompensationYear) -> list[ZoneTotal]:
    field = "decided_amount" if year.state != CompensationYear.State.RECEIVING else "computed_amount"
    rows = year.applications.values("zone").annotate(n=Count("id"), total=Sum(field)).order_by("zone")
    return [ZoneTotal(r["zone"], r["n"], r["total"] or 0) for r in rows]


def payment_rows(year: CompensationYear) -> list[NoiseApplication]:
    """Applications to pay (approved or paid, amount > 0), for the bank's transfer file."""
    return list(
        year.applications.filter(
            status__in=[NoiseApplication.Status.APPROVED, NoiseApplication.Status.PAID],
            decided_amount__gt=0,
            purged=False,
        ).order_by("number")
    )


def pending_objections(year: CompensationYear):
    return Objection.objects.filter(application__year=year, outcome=Objection.Outcome.PENDING).select_related(
        "application"
    )


def cycle(year: CompensationYear) -> list[schedule.Step]:
    return schedule.cycle(year.year)


# -- support projects ------------------------------------------------------------------------------
@dataclass
class SupportRow:
    program: object
    shares: dict[str, int]
    progress: SupportProjectProgress | None
    findings: list


@dataclass
class SupportGroup:
    code: str
    label: str
    rows: list[SupportRow]

    @property
    def total(self) -> int:
        return sum(r.program.budget or 0 for r in self.rows)

    def share_total(self, source: str) -> int:
        return sum(r.shares.get(source, 0) for r in self.rows)

    @property
    def provincial(self) -> int:
        return self.share_total("provincial")

    @property
    def city(self) -> int:
        return self.share_total("city")


def support_groups() -> list[SupportGroup]:
    """The two support tables as the plan states them (the budget programs, linked), with each row's
    progress and the plan check's findings on its line (the 용정1리 row's shares do not add up)."""
    programs = list(
        programs_with_shares()
        .filter(group__in=SUPPORT_GROUPS)
        .select_related("military_progress")
        .order_by("group", "number")
    )
    findings_by_line: dict[int, list] = {}
    for finding in check_plan():
        if finding.line:
            findings_by_line.setdefault(finding.line, []).append(finding)
    groups = []
    for code, label in SUPPORT_GROUPS.items():
        rows = []
        for p in programs:
            if p.group != code:
                continue
            shares: dict[str, int] = {}
            for s in p.shares.all():
                shares[s.source] = shares.get(s.source, 0) + (s.amount or 0)
            progress = getattr(p, "military_progress", None)
            rows.append(SupportRow(p, shares, progress, findings_by_line.get(p.line or -1, [])))
        groups.append(SupportGroup(code, label, rows))
    return groups


# -- cooperation -----------------------------------------------------------------------------------
def councils() -> list[CooperationCouncil]:
    """The councils with their open tasks and their meetings (the committees app's), newest first."""
    from cityhall.committees.selectors import meetings_of

    open_tasks = CooperationTask.objects.exclude(
        status__in=[CooperationTask.Status.DONE, CooperationTask.Status.DROPPED]
    ).select_related("owner")
    found = list(
        CooperationCouncil.objects.select_related("committee").prefetch_related(
            "committee__members", Prefetch("tasks", queryset=open_tasks, to_attr="open_tasks")
        )
    )
    for council in found:
        council.meeting_list = sorted(meetings_of(council.committee), key=lambda m: m.held_on, reverse=True)
    return found


def tasks(*, status: str = ""):
    qs = CooperationTask.objects.select_related("council__committee", "owner")
    if status == "open":
        qs = qs.filter(~Q(status__in=[CooperationTask.Status.DONE, CooperationTask.Status.DROPPED]))
    elif status:
        qs = qs.filter(status=status)
    return qs


def agreements():
    return Agreement.objects.all()
