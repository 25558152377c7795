"""Reads for the organisation pages and the office summary (seed section I 일반현황).

Each selector runs a small, fixed number of queries whatever the size of the plan: related rows are
fetched with ``select_related``/``prefetch_related`` and grouped in Python.

The office pages also show other apps' records; those reads are the other apps' selectors.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from cityhall.budget import selectors as budget_selectors
from cityhall.committees import selectors as committee_selectors
from cityhall.core.selectors import count_by
from cityhall.facilities import selectors as facility_selectors
from cityhall.plans import selectors as plans_selectors

from .departments import POLICY_PLANNING
from .models import (
    OrgUnit,
    Person,
    Position,
    RoleAssignment,
)

if TYPE_CHECKING:
    from cityhall.budget.models import Program
    from cityhall.committees.models import Committee
    from cityhall.facilities.models import Equipment, Facility
    from cityhall.plans.models import Achievement, CoreTask, PlanDocument, TaskOwner, Vision, WorkPlanTask

GRADES: list[tuple[str, str]] = [(g.value, str(g.label)) for g in Position.Grade]


# -- staffing ------------------------------------------------------------------------------------


@dataclass
class GradeCell:
    grade: str
    label: str
    quota: int | None = None
    current: int | None = None

    @property
    def shown(self) -> str:
        """'quota/current' as the seed writes it, '-' where the grade has no post."""
        if self.quota is None:
            return "-"
        return f"{self.quota}/{self.current}"


@dataclass
class StaffingRow:
    """One line of the 인력 table: a department (or the total) by grade."""

    label: str
    unit: OrgUnit | None
    cells: list[GradeCell]
    supernumerary: int | None = None
    note: str = ""
    positions: list[Position] = field(default_factory=list)

    @property
    def quota(self) -> int:
        return sum(c.quota or 0 for c in self.cells)

    @property
    def current(self) -> int:
        return sum(c.current or 0 for c in self.cells)

    @property
    def vacancies(self) -> int:
        return self.quota - self.current

    @property
    def shown(self) -> str:
        return f"{self.quota}/{self.current}"


def staffing_row(unit: OrgUnit) -> StaffingRow:
    """The unit's grades from its prefetched ``positions``."""
    positions = list(unit.positions.all())
    for p in positions:
        p.excess = max(0, p.current - p.quota)  # more staff than posts in this grade
    by_grade = {p.grade: p for p in positions}
    cells = []
    for grade, label in GRADES:
        p = by_grade.get(grade)
        cells.append(GradeCell(grade, label, p.quota if p else None, p.current if p else None))
    return StaffingRow(
        label=unit.name,
        unit=unit,
        cells=cells,
        supernumerary=unit.supernumerary,
        note=unit.note,
        positions=sorted(positions, key=lambda p: p.grade),
    )


def staffing_total(rows: Iterable[StaffingRow]) -> StaffingRow:
    rows = list(rows)
    cells = []
    for index, (grade, label) in enumerate(GRADES):
        present = [r.cells[index] for r in rows if r.cells[index].quota is not None]
        if present:
            cells.append(
                GradeCell(grade, label, sum(c.quota for c in present), sum(c.current for c in present))
            )
        else:
            cells.append(GradeCell(grade, label))
    extra = [r.supernumerary for r in rows if r.supernumerary is not None]
    return StaffingRow(
        label=str(_("합계")), unit=None, cells=cells, supernumerary=sum(extra) if extra else None
    )


# -- the office ----------------------------------------------------------------------------------


def _departments_queryset():
    teams = OrgUnit.objects.filter(kind=OrgUnit.Kind.TEAM).order_by("order", "id")
    return OrgUnit.objects.departments().prefetch_related(
        Prefetch("children", queryset=teams, to_attr="teams"), "positions"
    )


def departments() -> list[OrgUnit]:
    """The departments in the plan's order, each with ``teams`` (list) and its positions prefetched."""
    return list(_departments_queryset())


@dataclass
class DepartmentSummary:
    unit: OrgUnit
    staffing: StaffingRow
    program_count: int = 0
    task_count: int = 0
    committee_count: int = 0
    people_count: int = 0

    @property
    def teams(self) -> list[OrgUnit]:
        return self.unit.teams


class _OfficeTotals:
    """Totals over ``departments``, shared by the office page and the office summary report."""

    departments: list

    @property
    def team_count(self) -> int:
        return sum(len(d.teams) for d in self.departments)

    @property
    def budget_total(self) -> int:
        return sum(d.unit.budget or 0 for d in self.departments)


@dataclass
class OfficeOverview(_OfficeTotals):
    office: OrgUnit | None
    document: PlanDocument | None
    visions: list[Vision]
    departments: list[DepartmentSummary]
    total: StaffingRow

    @property
    def committee_count(self) -> int:
        return sum(d.committee_count for d in self.departments)

    @property
    def task_count(self) -> int:
        return sum(d.task_count for d in self.departments)


def _department_of(units: Iterable[OrgUnit]) -> dict[int, int]:
    """unit id -> department id, for departments and their teams."""
    mapping = {}
    for unit in units:
        mapping[unit.pk] = unit.pk
        for team in unit.teams:
            mapping[team.pk] = unit.pk
    return mapping


def _by_department(counts: dict[int, int], mapping: dict[int, int]) -> dict[int, int]:
    """Counts per org unit rolled up to the units' departments."""
    rolled: dict[int, int] = defaultdict(int)
    for unit_id, n in counts.items():
        if unit_id in mapping:
            rolled[mapping[unit_id]] += n
    return rolled


def office_overview() -> OfficeOverview:
    units = departments()
    mapping = _department_of(units)
    programs = _by_department(budget_selectors.top_level_program_counts(), mapping)
    tasks = _by_department(plans_selectors.task_counts(), mapping)
    committees = _by_department(committee_selectors.committee_counts(), mapping)
    people = _by_department(count_by(Person.objects.all(), "org_unit_id"), mapping)
    summaries = [
        DepartmentSummary(
            unit=u,
            staffing=staffing_row(u),
            program_count=programs.get(u.pk, 0),
            task_count=tasks.get(u.pk, 0),
            committee_count=committees.get(u.pk, 0),
            people_count=people.get(u.pk, 0),
        )
        for u in units
    ]
    return OfficeOverview(
        office=OrgUnit.objects.filter(kind=OrgUnit.Kind.OFFICE).order_by("id").first(),
        document=plans_selectors.plan_document(),
        visions=plans_selectors.visions(),
        departments=summaries,
        total=staffing_total(s.staffing for s in summaries),
    )


# -- one department ------------------------------------------------------------------------------


def department(code: str) -> OrgUnit | None:
    """The department with ``code`` (teams and positions prefetched), or None."""
    return _departments_queryset().select_related("parent").filter(code=code).first()


def _is_lead(person: Person) -> bool:
    return bool(person.title) and person.title != "담당자" and person.title.endswith("장")


def people_in(units: list[OrgUnit]) -> list[Person]:
    """The people of ``units`` in directory order: the department head, then team by team, leads first."""
    order = {u.pk: (0 if u.kind == OrgUnit.Kind.DEPARTMENT else 1, u.order) for u in units}
    people = Person.objects.filter(org_unit__in=units).select_related("org_unit")
    return sorted(people, key=lambda p: (order.get(p.org_unit_id, (2, 0)), not _is_lead(p), p.pk))


@dataclass
class DepartmentPage:
    unit: OrgUnit
    staffing: StaffingRow
    program_groups: list[budget_selectors.ProgramGroup]
    tasks: list[WorkPlanTask]
    core_tasks: list[CoreTask]
    committees: list[Committee]
    facilities: list[Facility]
    equipment: list[facility_selectors.EquipmentGroup]
    people: list[Person]
    achievements: list[Achievement]

    @property
    def teams(self) -> list[OrgUnit]:
        return self.unit.teams

    @property
    def main_programs(self) -> list[Program]:
        for group in self.program_groups:
            if group.code == "main":
                return group.programs
        return []

    @property
    def group_codes(self) -> list[str]:
        return [g.code for g in self.program_groups]


def department_page(unit: OrgUnit) -> DepartmentPage:
    units = [unit, *unit.teams]
    return DepartmentPage(
        unit=unit,
        staffing=staffing_row(unit),
        program_groups=budget_selectors.group_programs(budget_selectors.programs_of(units)),
        tasks=plans_selectors.department_tasks(unit),
        core_tasks=plans_selectors.core_tasks_of(unit),
        committees=committee_selectors.committees_of(units),
        facilities=facility_selectors.facilities_of(units),
        equipment=facility_selectors.group_equipment(facility_selectors.equipment_of(units)),
        people=people_in(units),
        achievements=plans_selectors.achievements_of(unit),
    )


# -- one team ------------------------------------------------------------------------------------


def team(code: str) -> OrgUnit | None:
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.TEAM, code=code).select_related("parent").first()


@dataclass
class TeamTask:
    task: WorkPlanTask
    roles: list[TaskOwner]  # this team's people among the owners


@dataclass
class TeamPage:
    unit: OrgUnit
    people: list[Person]
    tasks: list[TeamTask]
    programs: list[Program]  # the team's own programs and those of its tasks
    siblings: list[OrgUnit]


def team_page(unit: OrgUnit) -> TeamPage:
    people = people_in([unit])
    tasks = plans_selectors.team_tasks(unit)
    team_tasks = [TeamTask(t, [o for o in t.owners.all() if o.person.org_unit_id == unit.pk]) for t in tasks]
    task_ids = [t.pk for t in tasks]
    group_order = budget_selectors.GROUP_ORDER
    programs = sorted(
        budget_selectors.programs_of([unit], Q(task_id__in=task_ids) if task_ids else None, top_level=False),
        key=lambda p: (
            p.task.number if p.task else 0,
            group_order.index(p.group) if p.group in group_order else 99,
            p.number or 0,
            p.pk,
        ),
    )
    for p in programs:
        p.group_label = budget_selectors.group_label(p.group)
    siblings = []
    if unit.parent_id:
        siblings = list(
            OrgUnit.objects.filter(parent_id=unit.parent_id, kind=OrgUnit.Kind.TEAM).order_by("order")
        )
    return TeamPage(unit=unit, people=people, tasks=team_tasks, programs=programs, siblings=siblings)


# -- the public page -----------------------------------------------------------------------------


@dataclass
class PublicDepartment:
    unit: OrgUnit
    contacts: list[tuple[OrgUnit, list[Person]]]  # (unit, its people) — the department first, then teams


@dataclass
class PublicDirectory:
    office: OrgUnit | None
    visions: list[Vision]
    departments: list[PublicDepartment]


def public_directory() -> PublicDirectory:
    """Only what the city publishes: units, duties, teams and the named people's title and extension."""
    teams = OrgUnit.objects.filter(kind=OrgUnit.Kind.TEAM).order_by("order", "id")
    units = list(
        OrgUnit.objects.departments().prefetch_related(Prefetch("children", queryset=teams, to_attr="teams"))
    )
    all_units = [u for d in units for u in (d, *d.teams)]
    people = Person.objects.filter(org_unit__in=all_units).only(
        "id", "name", "title", "extension", "org_unit_id"
    )
    by_unit: dict[int, list[Person]] = defaultdict(list)
    for person in sorted(people, key=lambda p: (not _is_lead(p), p.pk)):
        by_unit[person.org_unit_id].append(person)
    return PublicDirectory(
        office=OrgUnit.objects.filter(kind=OrgUnit.Kind.OFFICE).order_by("id").first(),
        visions=plans_selectors.visions(),
        departments=[PublicDepartment(d, [(u, by_unit.get(u.pk, [])) for u in (d, *d.teams)]) for d in units],
    )


# -- the office summary (exports) ----------------------------------------------------------------


@dataclass
class SummaryDepartment:
    unit: OrgUnit
    staffing: StaffingRow
    programs: list[Program]  # the seed's 주요사업 예산현황 table (group "main")
    committees: list[Committee]
    facilities: list[Facility]
    equipment: list[facility_selectors.EquipmentGroup]

    @property
    def teams(self) -> list[OrgUnit]:
        return self.unit.teams


@dataclass
class OfficeSummary(_OfficeTotals):
    office: OrgUnit | None
    document: PlanDocument | None
    departments: list[SummaryDepartment]
    total: StaffingRow


def office_summary() -> OfficeSummary:
    """Section I 일반현황 of the plan, rebuilt from the records: 기구 및 인력, 주요업무, 주요현황."""
    units = departments()
    mapping = _department_of(units)
    all_units = [u for d in units for u in (d, *d.teams)]
    programs: dict[int, list[Program]] = defaultdict(list)
    for p in budget_selectors.main_programs_of(all_units):
        programs[mapping[p.org_unit_id]].append(p)
    committees: dict[int, list[Committee]] = defaultdict(list)
    for c in committee_selectors.main_committees_of(all_units):
        committees[mapping[c.org_unit_id]].append(c)
    facilities: dict[int, list[Facility]] = defaultdict(list)
    for f in facility_selectors.facilities_of(all_units):
        facilities[mapping[f.org_unit_id]].append(f)
    equipment: dict[int, list[Equipment]] = defaultdict(list)
    for e in facility_selectors.equipment_of(all_units):
        equipment[mapping[e.org_unit_id]].append(e)
    rows = [
        SummaryDepartment(
            unit=u,
            staffing=staffing_row(u),
            programs=programs.get(u.pk, []),
            committees=committees.get(u.pk, []),
            facilities=facilities.get(u.pk, []),
            equipment=facility_selectors.group_equipment(equipment.get(u.pk, [])),
        )
        for u in units
    ]
    return OfficeSummary(
        office=OrgUnit.objects.filter(kind=OrgUnit.Kind.OFFICE).order_by("id").first(),
        document=plans_selectors.plan_document(),
        departments=rows,
        total=staffing_total(r.staffing for r in rows),
    )


# -- who runs the office-wide reviews --------------------------------------------------------------

# 정책기획과 runs the office-wide reviews (pledges, evaluation).
PLANNING_DEPARTMENT = POLICY_PLANNING
# The permission: 정책기획과 editors and managers, the director and administrators.
PLANNING_STAFF = "planning_staff"


def planning_department_id() -> int | None:
    return OrgUnit.objects.filter(code=PLANNING_DEPARTMENT).values_list("pk", flat=True).first()


def department_users(code: str, roles: Iterable[str]) -> list:
    """The active users holding one of ``roles`` in the department ``code`` (for reminders)."""
    return [
        a.user
        for a in RoleAssignment.objects.filter(
            department__code=code, role__in=list(roles), user__is_active=True
        )
        .select_related("user")
        .order_by("user__username")
    ]
