"""Reads for the organisation pages and the office summary (seed section I 일반현황).

Each selector runs a small, fixed number of queries whatever the size of the plan: related rows are
fetched with ``select_related``/``prefetch_related`` and grouped in Python.

The budget, plans, committees and facilities apps have no selectors of their own yet, so the
organisation's pages read their tables here, read-only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from cityhall.budget.models import FundingShare, Program
from cityhall.committees.models import Committee
from cityhall.facilities.models import Equipment, Facility
from cityhall.plans.models import (
    Achievement,
    AchievementItem,
    CoreTask,
    PlanDocument,
    TaskOwner,
    Vision,
    WorkPlanTask,
)

from .models import (
    DEFAULT_HOURS_PER_PERSON_YEAR,
    OrgUnit,
    Person,
    Position,
    RoleAssignment,
    TeamStaffing,
    WorkloadAnalysis,
    WorkloadCategory,
    WorkloadTask,
)

GRADES: list[tuple[str, str]] = [(g.value, str(g.label)) for g in Position.Grade]

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

# The order the seed lists the systems' equipment in (I.3 스마트도시과), not the codes' alphabet.
SYSTEM_ORDER = [s.value for s in Equipment.System]


def group_label(group: str) -> str:
    return str(PROGRAM_GROUPS.get(group, group))


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


def role_rows(user) -> list[tuple[str, int | None]]:
    """A user's (role, department id) pairs: the roles core's permission choke point reads."""
    return list(RoleAssignment.objects.filter(user=user).values_list("role", "department_id"))


def _departments_queryset():
    teams = OrgUnit.objects.filter(kind=OrgUnit.Kind.TEAM).order_by("order", "id")
    return (
        OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT)
        .order_by("order", "id")
        .prefetch_related(Prefetch("children", queryset=teams, to_attr="teams"), "positions")
    )


def departments() -> list[OrgUnit]:
    """The departments in the plan's order, each with ``teams`` (list) and its positions prefetched."""
    return list(_departments_queryset())


def plan_document() -> PlanDocument | None:
    return PlanDocument.objects.order_by("id").first()


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


def _count_by_department(queryset, path: str, mapping: dict[int, int]) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for unit_id, n in queryset.values_list(path).annotate(n=Count("id")).order_by():
        if unit_id in mapping:
            counts[mapping[unit_id]] += n
    return counts


def office_overview() -> OfficeOverview:
    units = departments()
    mapping = _department_of(units)
    programs = _count_by_department(Program.objects.filter(parent__isnull=True), "org_unit_id", mapping)
    tasks = _count_by_department(WorkPlanTask.objects.all(), "department_id", mapping)
    committees = _count_by_department(Committee.objects.all(), "org_unit_id", mapping)
    people = _count_by_department(Person.objects.all(), "org_unit_id", mapping)
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
        document=plan_document(),
        visions=list(Vision.objects.order_by("id")),
        departments=summaries,
        total=staffing_total(s.staffing for s in summaries),
    )


# -- one department ------------------------------------------------------------------------------


def department(code: str) -> OrgUnit | None:
    """The department with ``code`` (teams and positions prefetched), or None."""
    return _departments_queryset().select_related("parent").filter(code=code).first()


def _programs(units: list[OrgUnit], extra: Q | None = None, *, top_level: bool = True):
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


@dataclass
class EquipmentGroup:
    system: str
    label: str
    items: list[Equipment]

    @property
    def count_total(self) -> int:
        return sum(e.count or 0 for e in self.items)

    @property
    def totals(self) -> list[tuple[str, int, str]]:
        """Sums that mean something, as (kind, or "" for all, count, unit).

        Per kind where a kind recurs (streetlights and base stations at several sites), else one total
        where every row counts in the same unit (the 703 items of the CCTV centre); none for a mix such
        as the ITS centre's and the field's equipment."""
        kinds: dict[str, list[Equipment]] = defaultdict(list)
        for e in self.items:
            kinds[e.kind].append(e)
        if any(len(rows) > 1 for rows in kinds.values()):
            return [
                (kind, sum(e.count or 0 for e in rows), rows[0].unit)
                for kind, rows in kinds.items()
                if len({e.unit for e in rows}) == 1
            ]
        if len(self.items) > 1 and len({e.unit for e in self.items}) == 1:
            return [("", self.count_total, self.items[0].unit)]
        return []


def group_equipment(items: Iterable[Equipment]) -> list[EquipmentGroup]:
    grouped: dict[str, list[Equipment]] = defaultdict(list)
    for e in items:
        grouped[e.system].append(e)
    order = {s: i for i, s in enumerate(SYSTEM_ORDER)}
    return [
        EquipmentGroup(system, str(grouped[system][0].get_system_display()), grouped[system])
        for system in sorted(grouped, key=lambda s: order.get(s, len(order)))
    ]


def _is_lead(person: Person) -> bool:
    return bool(person.title) and person.title != "담당자" and person.title.endswith("장")


def people_in(units: list[OrgUnit]) -> list[Person]:
    """The people of ``units`` in directory order: the department head, then team by team, leads first."""
    order = {u.pk: (0 if u.kind == OrgUnit.Kind.DEPARTMENT else 1, u.order) for u in units}
    people = Person.objects.filter(org_unit__in=units).select_related("org_unit")
    return sorted(people, key=lambda p: (order.get(p.org_unit_id, (2, 0)), not _is_lead(p), p.pk))


def _owners_prefetch() -> Prefetch:
    return Prefetch(
        "owners", queryset=TaskOwner.objects.select_related("person", "person__org_unit").order_by("id")
    )


@dataclass
class DepartmentPage:
    unit: OrgUnit
    staffing: StaffingRow
    program_groups: list[ProgramGroup]
    tasks: list[WorkPlanTask]
    core_tasks: list[CoreTask]
    committees: list[Committee]
    facilities: list[Facility]
    equipment: list[EquipmentGroup]
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
    committees = Committee.objects.filter(org_unit__in=units).select_related("org_unit")
    items = AchievementItem.objects.order_by("order")
    return DepartmentPage(
        unit=unit,
        staffing=staffing_row(unit),
        program_groups=group_programs(_programs(units)),
        tasks=list(
            WorkPlanTask.objects.filter(department=unit)
            .select_related("department")
            .prefetch_related(_owners_prefetch())
            .order_by("number")
        ),
        core_tasks=list(
            CoreTask.objects.filter(department=unit).select_related("department").order_by("order")
        ),
        committees=sorted(
            committees, key=lambda c: (c.kind != Committee.Kind.COMMITTEE, c.number or 0, c.pk)
        ),
        facilities=list(
            Facility.objects.filter(org_unit__in=units).select_related("org_unit").order_by("number", "id")
        ),
        equipment=group_equipment(
            Equipment.objects.filter(org_unit__in=units).select_related("org_unit").order_by("id")
        ),
        people=people_in(units),
        achievements=list(
            Achievement.objects.filter(department=unit)
            .select_related("department")
            .prefetch_related(Prefetch("items", queryset=items))
            .order_by("year", "order")
        ),
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
    tasks = list(
        WorkPlanTask.objects.filter(owners__person__org_unit=unit)
        .distinct()
        .select_related("department")
        .prefetch_related(_owners_prefetch())
        .order_by("department__order", "number")
    )
    team_tasks = [TeamTask(t, [o for o in t.owners.all() if o.person.org_unit_id == unit.pk]) for t in tasks]
    task_ids = [t.pk for t in tasks]
    programs = sorted(
        _programs([unit], Q(task_id__in=task_ids) if task_ids else None, top_level=False),
        key=lambda p: (
            p.task.number if p.task else 0,
            GROUP_ORDER.index(p.group) if p.group in GROUP_ORDER else 99,
            p.number or 0,
            p.pk,
        ),
    )
    for p in programs:
        p.group_label = group_label(p.group)
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
        OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT)
        .order_by("order", "id")
        .prefetch_related(Prefetch("children", queryset=teams, to_attr="teams"))
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
        visions=list(Vision.objects.order_by("id")),
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
    equipment: list[EquipmentGroup]

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
    for p in (
        Program.objects.filter(org_unit__in=all_units, group="main", parent__isnull=True)
        .select_related("org_unit")
        .order_by("number", "id")
    ):
        programs[mapping[p.org_unit_id]].append(p)
    committees: dict[int, list[Committee]] = defaultdict(list)
    for c in (
        Committee.objects.filter(org_unit__in=all_units, kind=Committee.Kind.COMMITTEE)
        .select_related("org_unit")
        .order_by("number", "id")
    ):
        committees[mapping[c.org_unit_id]].append(c)
    facilities: dict[int, list[Facility]] = defaultdict(list)
    for f in (
        Facility.objects.filter(org_unit__in=all_units).select_related("org_unit").order_by("number", "id")
    ):
        facilities[mapping[f.org_unit_id]].append(f)
    equipment: dict[int, list[Equipment]] = defaultdict(list)
    for e in Equipment.objects.filter(org_unit__in=all_units).select_related("org_unit").order_by("id"):
        equipment[mapping[e.org_unit_id]].append(e)
    rows = [
        SummaryDepartment(
            unit=u,
            staffing=staffing_row(u),
            programs=programs.get(u.pk, []),
            committees=committees.get(u.pk, []),
            facilities=facilities.get(u.pk, []),
            equipment=group_equipment(equipment.get(u.pk, [])),
        )
        for u in units
    ]
    return OfficeSummary(
        office=OrgUnit.objects.filter(kind=OrgUnit.Kind.OFFICE).order_by("id").first(),
        document=plan_document(),
        departments=rows,
        total=staffing_total(r.staffing for r in rows),
    )


# -- 조직진단: workload analysis ---------------------------------------------------------------------
#
# required person-years (소요인력) = Σ (annual volume × standard hours) / hours per person-year
# ratio (업무량 대비 현원 비율)   = required person-years / current staff
# overloaded (과부하) when ratio > over (1.1), underloaded (여유) when ratio < under (0.9), else balanced.

OVERLOADED, BALANCED, UNDERLOADED = "overloaded", "balanced", "underloaded"
NO_STAFF, NO_STAFFING, NO_TASKS = "no_staff", "no_staffing", "no_tasks"
CLASS_LABELS: dict[str, str] = {
    OVERLOADED: _("과부하"),
    BALANCED: _("적정"),
    UNDERLOADED: _("여유"),
    NO_STAFF: _("현원 0명: 비율 계산 불가"),
    NO_STAFFING: _("현원 자료 없음: 비율 계산 불가"),
    NO_TASKS: _("업무량 자료 없음"),
}
CLASS_BADGES = {OVERLOADED: "bad", BALANCED: "good", UNDERLOADED: "warn"}
DEFAULT_OVER = Decimal("1.1")
DEFAULT_UNDER = Decimal("0.9")
TWO_PLACES = Decimal("0.01")


class WorkloadError(ValueError):
    """The analysis cannot be computed with these settings (a Korean message for the user)."""


def _d(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def check_workload_settings(hours_per_person_year, over, under) -> tuple[Decimal, Decimal, Decimal]:
    """The analysis settings as Decimals, or WorkloadError with what is wrong."""
    try:
        hours, over, under = _d(hours_per_person_year), _d(over), _d(under)
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise WorkloadError(str(_("분석 기준은 숫자로 적어야 합니다."))) from exc
    if not hours.is_finite() or hours <= 0:
        raise WorkloadError(str(_("1인 연간 근무시간은 0보다 커야 합니다.")))
    if not (over.is_finite() and under.is_finite()) or under <= 0 or over < under:
        raise WorkloadError(str(_("판정 기준은 0 < 여유 기준 ≤ 과부하 기준이어야 합니다.")))
    return hours, over, under


@dataclass
class TaskLoad:
    """One task's contribution: hours = volume × standard time; ``problem`` when it cannot count."""

    task: WorkloadTask
    hours: Decimal = Decimal(0)
    problem: str = ""


def task_load(task: WorkloadTask) -> TaskLoad:
    """Rows saved around the validation (bulk updates, old imports) are flagged, not counted."""
    if task.annual_volume is None or task.standard_hours is None:
        return TaskLoad(task, problem=str(_("연간 업무량 또는 표준시간이 비어 있습니다.")))
    if task.annual_volume < 0:
        return TaskLoad(task, problem=str(_("연간 업무량이 음수입니다: 계산에서 뺐습니다.")))
    if task.standard_hours <= 0:
        return TaskLoad(task, problem=str(_("표준시간이 0 이하입니다: 계산에서 뺐습니다.")))
    return TaskLoad(task, hours=task.annual_volume * _d(task.standard_hours))


def classify(ratio: Decimal | None, *, over: Decimal = DEFAULT_OVER, under: Decimal = DEFAULT_UNDER) -> str:
    if ratio is None:
        return NO_STAFF
    if ratio > over:
        return OVERLOADED
    if ratio < under:
        return UNDERLOADED
    return BALANCED


@dataclass
class TeamLoad:
    """One team's line of the analysis."""

    team: OrgUnit
    tasks: list[TaskLoad]
    current: int | None  # None: no TeamStaffing row
    is_sample: bool
    hours_per_person_year: Decimal
    over: Decimal
    under: Decimal

    @property
    def hours(self) -> Decimal:
        return sum((t.hours for t in self.tasks), Decimal(0))

    @property
    def required(self) -> Decimal:
        """소요인력 (person-years), unrounded."""
        return self.hours / self.hours_per_person_year

    @property
    def required_shown(self) -> Decimal:
        return self.required.quantize(TWO_PLACES, ROUND_HALF_UP)

    @property
    def ratio(self) -> Decimal | None:
        if not self.current:
            return None
        return self.required / self.current

    @property
    def ratio_shown(self) -> Decimal | None:
        ratio = self.ratio
        return None if ratio is None else ratio.quantize(TWO_PLACES, ROUND_HALF_UP)

    @property
    def percent(self) -> Decimal | None:
        ratio = self.ratio
        return None if ratio is None else (ratio * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def gap(self) -> Decimal | None:
        """과부족 인력: required − current (positive = short of staff)."""
        if self.current is None:
            return None
        return (self.required - self.current).quantize(TWO_PLACES, ROUND_HALF_UP)

    @property
    def classification(self) -> str:
        if self.current is None:
            return NO_STAFFING
        if self.current == 0:
            return NO_STAFF
        if not self.counted_tasks:
            return NO_TASKS
        return classify(self.ratio, over=self.over, under=self.under)

    @property
    def label(self) -> str:
        return str(CLASS_LABELS[self.classification])

    @property
    def badge(self) -> str:
        return CLASS_BADGES.get(self.classification, "")

    @property
    def counted_tasks(self) -> list[TaskLoad]:
        return [t for t in self.tasks if not t.problem]

    @property
    def problems(self) -> list[str]:
        out = [f"{t.task.name}: {t.problem}" for t in self.tasks if t.problem]
        if self.current is None:
            out.append(str(_("팀 현원이 입력되지 않았습니다.")))
        elif self.current == 0:
            out.append(str(CLASS_LABELS[NO_STAFF]))
        if not self.tasks:
            out.append(str(_("단위업무가 입력되지 않았습니다.")))
        return out


@dataclass
class DepartmentLoad:
    unit: OrgUnit
    teams: list[TeamLoad]

    @property
    def hours(self) -> Decimal:
        return sum((t.hours for t in self.teams), Decimal(0))

    @property
    def required(self) -> Decimal:
        return sum((t.required for t in self.teams), Decimal(0))

    @property
    def required_shown(self) -> Decimal:
        return self.required.quantize(TWO_PLACES, ROUND_HALF_UP)

    @property
    def current(self) -> int:
        return sum(t.current or 0 for t in self.teams)

    @property
    def ratio_shown(self) -> Decimal | None:
        if not self.current:
            return None
        return (self.required / self.current).quantize(TWO_PLACES, ROUND_HALF_UP)

    def count(self, classification: str) -> int:
        return sum(1 for t in self.teams if t.classification == classification)


@dataclass
class CategoryMember:
    team: TeamLoad
    hours: Decimal  # the team's hours in this category
    per_person: Decimal | None  # hours / current staff; None without staff
    deviation: Decimal | None = None  # % from the group's median


@dataclass
class CategoryComparison:
    """유사 업무 비교: the same type of task across teams, in hours per person of each team."""

    category: str
    label: str
    members: list[CategoryMember]
    median: Decimal | None


def median(values: list[Decimal]) -> Decimal | None:
    values = sorted(values)
    if not values:
        return None
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return (values[middle - 1] + values[middle]) / 2


def compare_categories(teams: list[TeamLoad]) -> list[CategoryComparison]:
    hours: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for team_load in teams:
        for t in team_load.counted_tasks:
            hours[t.task.category][team_load.team.pk] += t.hours
    out = []
    for category, label in WorkloadCategory.choices:
        by_team = hours.get(category)
        if not by_team:
            continue
        members = []
        for team_load in teams:
            if team_load.team.pk not in by_team:
                continue
            h = by_team[team_load.team.pk]
            per_person = None
            if team_load.current:
                per_person = (h / team_load.current).quantize(Decimal("0.1"), ROUND_HALF_UP)
            members.append(CategoryMember(team_load, h, per_person))
        mid = median([m.per_person for m in members if m.per_person is not None])
        for m in members:
            if m.per_person is not None and mid:
                m.deviation = ((m.per_person - mid) / mid * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
        out.append(CategoryComparison(category, str(label), members, mid))
    return out


@dataclass
class WorkloadReport:
    hours_per_person_year: Decimal
    over: Decimal
    under: Decimal
    analysis: WorkloadAnalysis | None
    departments: list[DepartmentLoad]
    categories: list[CategoryComparison]

    @property
    def teams(self) -> list[TeamLoad]:
        return [t for d in self.departments for t in d.teams]

    @property
    def has_sample(self) -> bool:
        return any(t.is_sample or any(x.task.is_sample for x in t.tasks) for t in self.teams)

    @property
    def required(self) -> Decimal:
        return sum((d.required for d in self.departments), Decimal(0))

    @property
    def required_shown(self) -> Decimal:
        return self.required.quantize(TWO_PLACES, ROUND_HALF_UP)

    @property
    def current(self) -> int:
        return sum(d.current for d in self.departments)

    def count(self, classification: str) -> int:
        return sum(1 for t in self.teams if t.classification == classification)

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        return [(c, str(CLASS_LABELS[c]), self.count(c)) for c in (OVERLOADED, BALANCED, UNDERLOADED)]


def latest_workload_analysis() -> WorkloadAnalysis | None:
    return WorkloadAnalysis.objects.order_by("-year", "-id").first()


def workload_report(
    *,
    hours_per_person_year=None,
    over=DEFAULT_OVER,
    under=DEFAULT_UNDER,
    analysis: WorkloadAnalysis | None = None,
) -> WorkloadReport:
    """The analysis of every team (in the office's order), rolled up by department.

    Without ``hours_per_person_year`` the given or latest ``WorkloadAnalysis`` sets it, else 1,952.
    Raises WorkloadError for settings that cannot give a result (zero hours, thresholds upside down).
    """
    if analysis is None:
        analysis = latest_workload_analysis()
    if hours_per_person_year is None:
        hours_per_person_year = analysis.hours_per_person_year if analysis else DEFAULT_HOURS_PER_PERSON_YEAR
    hours, over, under = check_workload_settings(hours_per_person_year, over, under)
    units = departments()
    team_ids = [t.pk for d in units for t in d.teams]
    staffing = {s.team_id: s for s in TeamStaffing.objects.filter(team_id__in=team_ids)}
    tasks: dict[int, list[WorkloadTask]] = defaultdict(list)
    for task in WorkloadTask.objects.filter(team_id__in=team_ids).order_by("id"):
        tasks[task.team_id].append(task)
    rows = []
    for unit in units:
        loads = []
        for t in unit.teams:
            s = staffing.get(t.pk)
            loads.append(
                TeamLoad(
                    team=t,
                    tasks=[task_load(x) for x in tasks.get(t.pk, [])],
                    current=s.current if s else None,
                    is_sample=bool(s and s.is_sample),
                    hours_per_person_year=hours,
                    over=over,
                    under=under,
                )
            )
        rows.append(DepartmentLoad(unit, loads))
    all_teams = [t for d in rows for t in d.teams]
    return WorkloadReport(hours, over, under, analysis, rows, compare_categories(all_teams))


def team_workload(report: WorkloadReport, code: str) -> TeamLoad | None:
    for t in report.teams:
        if t.team.code == code:
            return t
    return None


def workload_data(report: WorkloadReport) -> dict:
    """The analysis as plain JSON-friendly data (the API)."""

    def num(value: Decimal | None) -> float | None:
        return None if value is None else float(value)

    return {
        "hours_per_person_year": num(report.hours_per_person_year),
        "overloaded_above": num(report.over),
        "underloaded_below": num(report.under),
        "formula": "소요인력 = Σ(연간 업무량 × 단위당 표준시간) ÷ 1인 연간 근무시간; 비율 = 소요인력 ÷ 현원",
        "has_sample": report.has_sample,
        "departments": [
            {
                "code": d.unit.code,
                "name": d.unit.name,
                "required": num(d.required_shown),
                "current": d.current,
                "ratio": num(d.ratio_shown),
                "teams": [
                    {
                        "code": t.team.code,
                        "name": t.team.name,
                        "hours": num(t.hours),
                        "required": num(t.required_shown),
                        "current": t.current,
                        "ratio": num(t.ratio_shown),
                        "classification": t.classification,
                        "label": t.label,
                        "is_sample": t.is_sample,
                        "problems": t.problems,
                        "tasks": [
                            {
                                "code": x.task.code,
                                "name": x.task.name,
                                "category": x.task.category,
                                "annual_volume": x.task.annual_volume,
                                "standard_hours": num(x.task.standard_hours),
                                "hours": num(x.hours),
                                "problem": x.problem,
                            }
                            for x in t.tasks
                        ],
                    }
                    for t in d.teams
                ],
            }
            for d in report.departments
        ],
        "categories": [
            {
                "category": c.category,
                "label": c.label,
                "median_hours_per_person": num(c.median),
                "teams": [
                    {
                        "code": m.team.team.code,
                        "hours": num(m.hours),
                        "hours_per_person": num(m.per_person),
                        "deviation_percent": num(m.deviation),
                    }
                    for m in c.members
                ],
            }
            for c in report.categories
        ],
    }


PLANNING_DEPARTMENT = "policy-planning"  # 정책기획과 runs the office-wide reviews (pledges, evaluation)


def is_planning_staff(user) -> bool:
    """정책기획과 editors and managers, the director and administrators."""
    from cityhall.core.permissions import CHANGE, scope_of

    scope = scope_of(user)
    if scope.office_wide:
        return True
    planning = OrgUnit.objects.filter(code=PLANNING_DEPARTMENT).values_list("pk", flat=True).first()
    return planning is not None and planning in scope.departments[CHANGE]
