"""Reads of the budget: programs of org units, grouped as the seed's tables group them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cityhall.core.selectors import count_by

from .models import FundingShare, Program

if TYPE_CHECKING:
    from cityhall.organisation.models import OrgUnit

# How the seed's tables name the program groups (Program.group); an unknown group shows its code.
PROGRAM_GROUPS: dict[str, str] = {
    "main": _("주요사업 예산현황"),
    "task": _("업무계획 과제 사업"),
    "military-area-support": _("군부대 주변지역 지원사업"),
    "military-noise-support": _("군소음 피해지역 주민지원사업"),
    "cctv-expansion": _("CCTV 확대설치 세부사업"),
    "spatial-info": _("공간정보 사업"),
    "achievement": _("2024년 추진 사업"),
}
GROUP_ORDER = list(PROGRAM_GROUPS)


def group_label(group: str) -> str:
    return str(PROGRAM_GROUPS.get(group, group))


def programs_of(
    units: Sequence[OrgUnit], extra: Q | None = None, *, top_level: bool = True
) -> QuerySet[Program]:
    """The programs of ``units`` (and those ``extra`` selects) with shares and parts prefetched."""
    shares = FundingShare.objects.order_by("id")
    parts = (
        Program.objects.select_related("org_unit")
        .prefetch_related(Prefetch("shares", queryset=shares))
        .order_by("number", "id")
    )
    condition = Q(org_unit__in=units)
    if extra is not None:
        condition |= extra
    programs = Program.objects.filter(condition)
    if top_level:  # parts are shown under their parent
        programs = programs.filter(parent__isnull=True)
    return programs.select_related("org_unit", "task", "parent").prefetch_related(
        Prefetch("shares", queryset=shares), Prefetch("parts", queryset=parts)
    )


def top_level_program_counts() -> dict[int, int]:
    """org unit id -> number of its programs (parts not counted)."""
    return count_by(Program.objects.filter(parent__isnull=True), "org_unit_id")


def main_programs_of(units: Sequence[OrgUnit]) -> list[Program]:
    """The seed's 주요사업 예산현황 rows (group "main") of ``units``."""
    return list(
        Program.objects.filter(org_unit__in=units, group="main", parent__isnull=True)
        .select_related("org_unit")
        .order_by("number", "id")
    )


@dataclass
class ProgramGroup:
    code: str
    label: str
    programs: list[Program]

    @property
    def budget_total(self) -> int:
        return sum(p.budget or 0 for p in self.programs)

    @property
    def years(self) -> list[int]:
        return sorted({p.year for p in self.programs})


def group_programs(programs: Iterable[Program]) -> list[ProgramGroup]:
    grouped: dict[str, list[Program]] = defaultdict(list)
    for p in programs:
        grouped[p.group].append(p)
    order = {g: i for i, g in enumerate(GROUP_ORDER)}
    groups = [
        ProgramGroup(code, group_label(code), sorted(items, key=lambda p: (p.year, p.number or 0, p.pk)))
        for code, items in grouped.items()
    ]
    return sorted(groups, key=lambda g: (order.get(g.code, len(order)), g.code))


def programs_with_shares() -> QuerySet[Program]:
    """Programs with their org unit and funding shares (in order), e.g. to prefetch under a task."""
    return Program.objects.select_related("org_unit").prefetch_related(
        Prefetch("shares", queryset=FundingShare.objects.order_by("id"))
    )


def department_programs(department: OrgUnit) -> list[Program]:
    """The programs of a department and its teams, and those linked to its tasks."""
    return list(
        programs_with_shares()
        .filter(Q(org_unit=department) | Q(org_unit__parent=department) | Q(task__department=department))
        .select_related("task")
    )
