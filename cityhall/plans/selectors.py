"""Reads of the work plan for the office's pages, feeds and reports (HackSoft-style selectors).

Every function here is a plain read: it returns model instances (annotated with what a page shows)
or small dataclasses, in a bounded number of queries. "Today" is always passed in by the caller
(``cityhall.core.clock.today()``), so the status of a milestone is a pure function of the data.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from django.db.models import Prefetch
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cityhall.core.selectors import count_by
from cityhall.core.transfer import DATASETS_DIR, source_text
from cityhall.organisation.models import OrgUnit

from .models import (
    Achievement,
    AchievementItem,
    CoreTask,
    Figure,
    Milestone,
    PlanDocument,
    TaskItem,
    TaskOwner,
    Vision,
    WorkPlanTask,
)

MONTH_LABELS = [format_lazy(_("{month}월"), month=m) for m in range(1, 13)]


class UnknownDepartment(LookupError):
    """A department code in a filter or URL that names no department."""


# -- plan year and departments -------------------------------------------------------------------


def plan_document() -> PlanDocument | None:
    return PlanDocument.objects.only("code", "year", "title", "city").first()


def stated_figure(key: str) -> Figure | None:
    """A figure the plan states (``Figure.key``, e.g. ``streetlights.energy-saved.2024``), with its
    source line; the first where the document repeats it."""
    return Figure.objects.filter(key=key).order_by("line", "id").first()


def stated_figures(keys: Sequence[str]) -> dict[str, Figure]:
    """``stated_figure`` for several keys in one query: key → the first statement of each."""
    found: dict[str, Figure] = {}
    for figure in Figure.objects.filter(key__in=keys).order_by("-line", "-id"):
        found[figure.key] = figure
    return found


def plan_year(document: PlanDocument | None, today: date) -> int:
    return document.year if document is not None else today.year


def departments() -> list[OrgUnit]:
    return list(OrgUnit.objects.departments())


def department_from_filter(code: str | None, units: Sequence[OrgUnit]) -> OrgUnit | None:
    """The department a ``?department=`` filter names; ``None`` for no filter.

    Raises UnknownDepartment for a code that is not one of ``units``."""
    if not code:
        return None
    for unit in units:
        if unit.code == code:
            return unit
    raise UnknownDepartment(code)


def department_by_code(code: str) -> OrgUnit | None:
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT, code=code).first()


# -- milestone status -----------------------------------------------------------------------------


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, _calendar.monthrange(year, month)[1])


def is_overdue(milestone: Milestone, today: date) -> bool:
    """A planned step whose period has ended without being marked done."""
    return (
        milestone.stage == Milestone.Stage.PLAN
        and not milestone.done
        and milestone.period_end is not None
        and milestone.period_end < today
    )


def covers(milestone: Milestone, first: date, last: date) -> bool:
    start, end = milestone.period_start, milestone.period_end
    if start is None:
        return False
    return start <= last and (end is None or end >= first)


def is_this_month(milestone: Milestone, today: date) -> bool:
    return covers(milestone, *month_bounds(today.year, today.month))


def status_of(milestone: Milestone, today: date) -> tuple[str, str]:
    """``(code, badge class)``: done, overdue, current, upcoming, progress (a past report), undated."""
    if milestone.done:
        return "done", "good"
    if milestone.stage == Milestone.Stage.PROGRESS:
        return "progress", ""
    if milestone.period_start is None:
        return "undated", ""
    if is_overdue(milestone, today):
        return "overdue", "bad"
    if milestone.period_start <= today:
        return "current", "warn"
    return "upcoming", ""


STATUS_LABELS = {
    "done": _("완료"),
    "overdue": _("지연"),
    "current": _("진행 중"),
    "upcoming": _("예정"),
    "progress": _("추진현황"),
    "undated": _("기간 미정"),
}


def annotate_milestone(milestone: Milestone, today: date) -> Milestone:
    code, badge = status_of(milestone, today)
    milestone.status = code
    milestone.status_label = STATUS_LABELS[code]
    milestone.status_badge = badge
    milestone.overdue = code == "overdue"
    milestone.this_month = is_this_month(milestone, today)
    return milestone


def next_milestone(milestones: Iterable[Milestone], today: date) -> Milestone | None:
    """The earliest planned, not-done step that has not ended yet (the one running now counts)."""
    pending = [
        m
        for m in milestones
        if m.stage == Milestone.Stage.PLAN
        and not m.done
        and m.period_start is not None
        and (m.period_end is None or m.period_end >= today)
    ]
    return min(pending, key=lambda m: (m.period_start, m.order), default=None)


# -- task list ------------------------------------------------------------------------------------


@dataclass
class DepartmentTasks:
    department: OrgUnit
    tasks: list[WorkPlanTask]

    @property
    def overdue_count(self) -> int:
        return sum(t.overdue_count for t in self.tasks)

    @property
    def milestone_count(self) -> int:
        return sum(t.milestone_count for t in self.tasks)


def _owners_prefetch() -> Prefetch:
    return Prefetch("owners", queryset=TaskOwner.objects.select_related("person__org_unit").order_by("id"))


def _annotate_owners(task: WorkPlanTask) -> None:
    owners = list(task.owners.all())
    task.department_heads = [o for o in owners if o.role == TaskOwner.Role.DEPARTMENT_HEAD]
    task.team_leads = [o for o in owners if o.role == TaskOwner.Role.TEAM_LEAD]
    task.staff = [o for o in owners if o.role == TaskOwner.Role.STAFF]


def task_list(*, department: OrgUnit | None, units: Sequence[OrgUnit], today: date) -> list[DepartmentTasks]:
    """The work-plan tasks grouped by department (in the departments' order), each annotated with
    its owners, milestone count, next milestone and overdue count. Three queries."""
    tasks = WorkPlanTask.objects.select_related("department").prefetch_related(
        _owners_prefetch(),
        Prefetch("milestones", queryset=Milestone.objects.order_by("period_start", "order")),
    )
    if department is not None:
        tasks = tasks.filter(department=department)
    by_department: dict[int, list[WorkPlanTask]] = {}
    for task in tasks:
        _annotate_owners(task)
        milestones = list(task.milestones.all())
        task.milestone_count = len(milestones)
        task.overdue_count = sum(1 for m in milestones if is_overdue(m, today))
        task.next_milestone = next_milestone(milestones, today)
        if task.next_milestone is not None:
            annotate_milestone(task.next_milestone, today)
        by_department.setdefault(task.department_id, []).append(task)
    shown = [department] if department is not None else list(units)
    return [DepartmentTasks(unit, by_department.get(unit.pk, [])) for unit in shown]


# -- one task -------------------------------------------------------------------------------------


@dataclass
class SourceLine:
    number: int
    text: str


@dataclass
class SourceRef:
    """Where a part of a page came from: its section and the exact lines of the seed."""

    section: str
    lines: list[int]
    text: list[SourceLine] = field(default_factory=list)

    @property
    def label(self) -> str:
        if not self.lines:
            return ""
        first, last = self.lines[0], self.lines[-1]
        span = (
            gettext("%(line)s행") % {"line": first}
            if first == last
            else gettext("%(first)s–%(last)s행") % {"first": first, "last": last}
        )
        return f"{self.section} · {span}" if self.section else span


@lru_cache(maxsize=8)
def _dataset_lines(name: str) -> tuple[str, ...]:
    """A bundled dataset's source text, read once per process (the file does not change at run time)."""
    try:
        return tuple(source_text(name))
    except (OSError, KeyError, TypeError):
        return ()


def dataset_lines(document: PlanDocument | None) -> tuple[str, ...]:
    """The loaded plan's source text, when it is a bundled dataset; empty otherwise (e.g. an import
    of another city's plan without its text)."""
    if document is None or not (DATASETS_DIR / document.code / "dataset.yaml").is_file():
        return ()
    return _dataset_lines(document.code)


def source_ref(records: Iterable, source: Sequence[str]) -> SourceRef:
    """The section and the exact source lines of ``records`` (each a ``Sourced``)."""
    records = list(records)
    cited = {n for r in records for n in getattr(r, "cited_lines", [r.line] if r.line else [])}
    lines = sorted(cited)
    sections = [r.section for r in records if r.section]
    ref = SourceRef(section=sections[0] if sections else "", lines=lines)
    ref.text = [SourceLine(n, source[n - 1]) for n in lines if 0 < n <= len(source)]
    return ref


@dataclass
class ItemNode:
    item: TaskItem
    children: list[ItemNode] = field(default_factory=list)


@dataclass
class ItemHeading:
    heading: str
    nodes: list[ItemNode]
    source: SourceRef


@dataclass
class ItemKind:
    kind: str
    label: str
    headings: list[ItemHeading]


def nest_items(items: Sequence[TaskItem]) -> list[ItemNode]:
    """Items in document order nested by ``level`` (a deeper item belongs to the one before it)."""
    roots: list[ItemNode] = []
    stack: list[tuple[int, ItemNode]] = []
    for item in items:
        node = ItemNode(item)
        while stack and stack[-1][0] >= item.level:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(node)
        stack.append((item.level, node))
    return roots


def group_items(items: Sequence[TaskItem], source: Sequence[str]) -> list[ItemKind]:
    """Items grouped by kind (in the order the document first uses each) and, within a kind, by
    heading (in order of first appearance), each heading's items nested by level."""
    kinds: dict[str, dict[str, list[TaskItem]]] = {}
    for item in items:
        kinds.setdefault(item.kind, {}).setdefault(item.heading, []).append(item)
    labels = dict(TaskItem.Kind.choices)
    return [
        ItemKind(
            kind=kind,
            label=str(labels.get(kind, kind)),
            headings=[
                ItemHeading(heading, nest_items(group), source_ref(group, source))
                for heading, group in headings.items()
            ],
        )
        for kind, headings in kinds.items()
    ]


def task_detail(code: str) -> WorkPlanTask | None:
    """One task with everything its page shows, in seven queries."""
    from cityhall.budget.selectors import programs_with_shares  # budget refers to plans, not back

    programs = programs_with_shares()
    return (
        WorkPlanTask.objects.select_related("department")
        .prefetch_related(
            Prefetch("items", queryset=TaskItem.objects.order_by("order")),
            Prefetch(
                "milestones",
                queryset=Milestone.objects.select_related("task__department").order_by(
                    "period_start", "order"
                ),
            ),
            _owners_prefetch(),
            "partners",
            Prefetch("programs", queryset=programs.order_by("group", "number", "id")),
        )
        .filter(code=code)
        .first()
    )


@dataclass
class TaskPage:
    task: WorkPlanTask
    year: int
    item_kinds: list[ItemKind]
    milestones: list[Milestone]
    owners: list[TaskOwner]
    partners: list
    programs: list
    programs_total: int
    sources: dict[str, SourceRef]
    timeline: Timeline


def task_page(task: WorkPlanTask, *, document: PlanDocument | None, today: date) -> TaskPage:
    source = dataset_lines(document)
    year = plan_year(document, today)
    _annotate_owners(task)
    milestones = [annotate_milestone(m, today) for m in task.milestones.all()]
    owners = list(task.owners.all())
    partners = list(task.partners.all())
    programs = list(task.programs.all())
    for program in programs:
        program.share_list = list(program.shares.all())
    sources = {
        "task": source_ref([task], source),
        "goals": _goals_ref(task, source),
        "milestones": source_ref(milestones, source),
        "owners": source_ref(owners, source),
        "partners": source_ref(partners, source),
        "programs": source_ref(programs, source),
    }
    return TaskPage(
        task=task,
        year=year,
        item_kinds=group_items(list(task.items.all()), source),
        milestones=milestones,
        owners=owners,
        partners=partners,
        programs=programs,
        programs_total=sum(p.budget or 0 for p in programs),
        sources=sources,
        timeline=timeline(milestones, year=year, today=today),
    )


def _goals_ref(task: WorkPlanTask, source: Sequence[str]) -> SourceRef:
    """The ❖ lines the task's goals cite (they stand under its title line)."""
    lines = task.lines_of("goals")
    ref = SourceRef(section=task.section, lines=sorted(lines))
    ref.text = [SourceLine(n, source[n - 1]) for n in ref.lines if 0 < n <= len(source)]
    return ref


# -- timeline -------------------------------------------------------------------------------------

TIMELINE_GUTTER = 44
TIMELINE_MONTH = 64
TIMELINE_ROW = 26
TIMELINE_HEAD = 26


@dataclass
class TimelineBar:
    index: int
    milestone: Milestone
    x: float
    width: float
    y: float
    text_x: float
    text_anchor: str
    height: int = 18

    @property
    def text_y(self) -> float:
        return self.y + 13

    @property
    def index_x(self) -> int:
        return TIMELINE_GUTTER - 8


@dataclass
class Timeline:
    year: int
    months: list[tuple[str, float, float]]  # label, x of the month's left edge, x of its middle
    bars: list[TimelineBar]
    outside: list[Milestone]  # before or after the plan year, or undated: in the table only
    today_x: float | None
    today: date
    width: int
    height: int
    plot_right: int
    head: int = TIMELINE_HEAD

    @property
    def today_label_y(self) -> int:
        return self.height - 4

    @property
    def plot_bottom(self) -> int:
        return self.height - 18

    @property
    def plot_height(self) -> int:
        return self.plot_bottom - self.head

    month_width: int = TIMELINE_MONTH

    @property
    def summary(self) -> str:
        parts = [f"{b.milestone.period} {b.milestone.action} ({b.milestone.status_label})" for b in self.bars]
        if not parts:
            return ""
        head = gettext("%(year)d년 추진일정 %(count)d건") % {"year": self.year, "count": len(parts)}
        return f"{head}: " + "; ".join(parts)


def _x(day: date, year: int) -> float:
    """Horizontal position of the start of ``day`` on a plan-year axis of equal-width months."""
    if day.year < year:
        return TIMELINE_GUTTER
    if day.year > year:
        return TIMELINE_GUTTER + 12 * TIMELINE_MONTH
    days = _calendar.monthrange(year, day.month)[1]
    return TIMELINE_GUTTER + (day.month - 1 + (day.day - 1) / days) * TIMELINE_MONTH


def timeline(milestones: Sequence[Milestone], *, year: int, today: date) -> Timeline:
    """Bars across the months of the plan year for the milestones that fall in it."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    in_year, outside = [], []
    for m in milestones:
        if m.period_start is not None and m.period_start >= first and m.period_start <= last:
            in_year.append(m)
        else:
            outside.append(m)
    right = TIMELINE_GUTTER + 12 * TIMELINE_MONTH
    bars = []
    for m in outside:
        m.bar_index = None
    for index, m in enumerate(in_year, start=1):
        m.bar_index = index
        end = m.period_end or last
        x0 = _x(m.period_start, year)
        x1 = _x(min(end, last) + timedelta(days=1), year)
        width = max(x1 - x0, 4.0)
        y = TIMELINE_HEAD + (index - 1) * TIMELINE_ROW + 4
        inside_right = x0 + width + 4 < right - 120
        bars.append(
            TimelineBar(
                index=index,
                milestone=m,
                x=round(x0, 1),
                width=round(width, 1),
                y=y,
                text_x=round(x0 + width + 4 if inside_right else x0 - 4, 1),
                text_anchor="start" if inside_right else "end",
            )
        )
    months = [
        (label, TIMELINE_GUTTER + i * TIMELINE_MONTH, TIMELINE_GUTTER + (i + 0.5) * TIMELINE_MONTH)
        for i, label in enumerate(MONTH_LABELS)
    ]
    today_x = round(_x(today, year) + TIMELINE_MONTH / 2 / 31, 1) if first <= today <= last else None
    height = TIMELINE_HEAD + max(len(bars), 1) * TIMELINE_ROW + 22
    return Timeline(
        year=year,
        months=months,
        bars=bars,
        outside=outside,
        today_x=today_x,
        today=today,
        width=right + 8,
        height=height,
        plot_right=right,
    )


# -- office calendar ------------------------------------------------------------------------------


@dataclass
class CalendarMonth:
    month: int
    label: str
    is_current: bool
    starting: list[Milestone]  # begin this month
    continuing: list[Milestone]  # began in an earlier month of the year and still run

    @property
    def milestones(self) -> list[Milestone]:
        return self.starting + self.continuing

    @property
    def overdue_count(self) -> int:
        """Overdue milestones that were due (ended) in this month."""
        return sum(1 for m in self.milestones if m.overdue and m.period_end.month == self.month)


@dataclass
class OfficeCalendar:
    year: int
    months: list[CalendarMonth]
    earlier: list[Milestone]  # started before the plan year (추진현황)
    later: list[Milestone]  # start after the plan year
    undated: list[Milestone]
    total: int
    overdue_count: int
    this_month_count: int


def calendar_milestones(*, department: OrgUnit | None) -> list[Milestone]:
    """Every milestone (of one department, if given), with its task and department. One query."""
    qs = Milestone.objects.select_related("task__department").order_by(
        "period_start", "task__department__order", "task__number", "order"
    )
    if department is not None:
        qs = qs.filter(task__department=department)
    return list(qs)


def office_calendar(*, department: OrgUnit | None, year: int, today: date) -> OfficeCalendar:
    milestones = [annotate_milestone(m, today) for m in calendar_milestones(department=department)]
    first, last = date(year, 1, 1), date(year, 12, 31)
    earlier = [m for m in milestones if m.period_start is not None and m.period_start < first]
    later = [m for m in milestones if m.period_start is not None and m.period_start > last]
    undated = [m for m in milestones if m.period_start is None]
    in_year = [m for m in milestones if m.period_start is not None and first <= m.period_start <= last]
    months = []
    for month in range(1, 13):
        lo, hi = month_bounds(year, month)
        active = [m for m in in_year if covers(m, lo, hi)]
        months.append(
            CalendarMonth(
                month=month,
                label=MONTH_LABELS[month - 1],
                is_current=(today.year, today.month) == (year, month),
                starting=[m for m in active if m.period_start >= lo],
                continuing=[m for m in active if m.period_start < lo],
            )
        )
    return OfficeCalendar(
        year=year,
        months=months,
        earlier=earlier,
        later=later,
        undated=undated,
        total=len(milestones),
        overdue_count=sum(1 for m in milestones if m.overdue),
        this_month_count=sum(1 for m in in_year if m.this_month),
    )


# -- department plan (reports) --------------------------------------------------------------------


@dataclass
class DepartmentPlan:
    department: OrgUnit
    document: PlanDocument | None
    year: int
    tasks: list[WorkPlanTask]
    programs: list


def department_plan(department: OrgUnit, *, today: date) -> DepartmentPlan:
    """A department's tasks with items, milestones, owners and partners, and its programs: those of
    the department and its teams, and those linked to its tasks. Seven queries."""
    from cityhall.budget.selectors import department_programs

    document = plan_document()
    tasks = list(
        WorkPlanTask.objects.filter(department=department)
        .select_related("department")
        .prefetch_related(
            Prefetch("items", queryset=TaskItem.objects.order_by("order")),
            Prefetch("milestones", queryset=Milestone.objects.order_by("period_start", "order")),
            _owners_prefetch(),
            "partners",
        )
        .order_by("number")
    )
    for task in tasks:
        _annotate_owners(task)
    program_list = department_programs(department)
    year = plan_year(document, today)
    task_numbers = {t.pk: t.number for t in tasks}

    def order(program) -> tuple:
        # The plan year's own budget table first (by its 연번), then programs under the tasks (by
        # task), then the rest (earlier years' achievements …).
        return (
            program.year != year,
            program.group != "main",
            task_numbers.get(program.task_id, 999),
            program.group,
            program.number or 0,
            program.pk,
        )

    return DepartmentPlan(
        department=department,
        document=document,
        year=year,
        tasks=tasks,
        programs=sorted(program_list, key=order),
    )


# -- the plan as the office pages show it (organisation's department, team and office pages) ----------


def visions() -> list[Vision]:
    return list(Vision.objects.order_by("id"))


def task_counts() -> dict[int, int]:
    """department id -> number of its work-plan tasks."""
    return count_by(WorkPlanTask.objects.all(), "department_id")


def department_tasks(unit: OrgUnit) -> list[WorkPlanTask]:
    return list(
        WorkPlanTask.objects.filter(department=unit)
        .select_related("department")
        .prefetch_related(_owners_prefetch())
        .order_by("number")
    )


def core_tasks_of(unit: OrgUnit) -> list[CoreTask]:
    return list(CoreTask.objects.filter(department=unit).select_related("department").order_by("order"))


def achievements_of(unit: OrgUnit) -> list[Achievement]:
    items = AchievementItem.objects.order_by("order")
    return list(
        Achievement.objects.filter(department=unit)
        .select_related("department")
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("year", "order")
    )


def team_tasks(unit: OrgUnit) -> list[WorkPlanTask]:
    """The tasks a team's people own, in the office's order."""
    return list(
        WorkPlanTask.objects.filter(owners__person__org_unit=unit)
        .distinct()
        .select_related("department")
        .prefetch_related(_owners_prefetch())
        .order_by("department__order", "number")
    )
