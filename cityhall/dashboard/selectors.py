"""Reads for the office dashboard and the site-wide search.

Every query goes through ``cityhall.core.permissions.restrict`` so the dashboard and the search show
exactly what the user may view. Each selector runs a fixed, small number of queries.
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.db import models
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from cityhall.budget.models import FundingShare, Program
from cityhall.committees.models import Committee
from cityhall.core.charts import bar_chart
from cityhall.core.masking import mask_name
from cityhall.core.permissions import VIEW, restrict
from cityhall.core.records import REGISTRY, RecordType
from cityhall.organisation.models import OrgUnit, Position, RoleAssignment
from cityhall.plans.models import Achievement, Milestone

# -- links -----------------------------------------------------------------------------------------


def type_slug(name: str) -> str:
    """The URL form of a registry name: ``work_plan_tasks`` → ``work-plan-tasks``."""
    return name.replace("_", "-")


def record_path(name: str, pk: int) -> str:
    """The generic record page (detail) of one record."""
    return f"/records/{type_slug(name)}/{pk}/"


def record_edit_path(name: str, pk: int) -> str:
    return f"/records/{type_slug(name)}/{pk}/edit/"


TASK_CHILDREN = {"task_items", "milestones", "task_owners", "task_partners"}


def page_path(rtype: RecordType, obj: models.Model) -> str:
    """The most specific page for a record: its department, team or work-plan task page where there is
    one, otherwise the generic record page."""
    if rtype.name == "org_units":
        if obj.kind == OrgUnit.Kind.DEPARTMENT:
            return f"/departments/{obj.code}/"
        if obj.kind == OrgUnit.Kind.TEAM:
            return f"/teams/{obj.code}/"
    elif rtype.name == "work_plan_tasks":
        return f"/tasks/{obj.code}/"
    elif rtype.name in TASK_CHILDREN:
        return f"/tasks/{obj.task.code}/"
    return record_path(rtype.name, obj.pk)


# -- roles -----------------------------------------------------------------------------------------


def roles_of(user) -> list[RoleAssignment]:
    return list(RoleAssignment.objects.filter(user=user).select_related("department").order_by("id"))


# -- organisation and staffing ---------------------------------------------------------------------


@dataclass
class StaffingCell:
    quota: int
    current: int
    position: Position

    @property
    def vacancies(self) -> int:
        return self.quota - self.current

    @property
    def over(self) -> int:
        return self.current - self.quota


@dataclass
class StaffingRow:
    unit: OrgUnit
    cells: list[StaffingCell | None]
    teams: list[OrgUnit]

    @property
    def quota(self) -> int:
        return sum(c.quota for c in self.cells if c)

    @property
    def current(self) -> int:
        return sum(c.current for c in self.cells if c)

    @property
    def difference(self) -> int:
        """정원 − 현원: positive when posts are vacant, negative when the department is over quota."""
        return self.quota - self.current

    @property
    def over(self) -> int:
        return self.current - self.quota

    @property
    def source(self) -> Position | None:
        """The department's positions share one source line; the first stands for them."""
        return next((c.position for c in self.cells if c), None)


@dataclass
class Staffing:
    grades: list[tuple[str, str]]  # (grade, label), only grades some department has
    rows: list[StaffingRow]
    grade_totals: list[tuple[int, int]]  # (quota, current) per grade

    @property
    def quota(self) -> int:
        return sum(r.quota for r in self.rows)

    @property
    def current(self) -> int:
        return sum(r.current for r in self.rows)

    @property
    def difference(self) -> int:
        return self.quota - self.current

    @property
    def vacancies(self) -> int:
        """Sum of the vacant posts (cells above quota do not fill another grade's vacancy)."""
        return sum(c.vacancies for r in self.rows for c in r.cells if c and c.vacancies > 0)

    @property
    def over(self) -> int:
        return sum(c.over for r in self.rows for c in r.cells if c and c.over > 0)

    @property
    def supernumerary(self) -> int:
        return sum(r.unit.supernumerary or 0 for r in self.rows)

    @property
    def team_count(self) -> int:
        return sum(len(r.teams) for r in self.rows)


def departments(user) -> list[OrgUnit]:
    """The departments (과) in the plan's order, with their teams prefetched as ``team_list``."""
    rtype = REGISTRY["org_units"]
    units = list(restrict(OrgUnit.objects.all(), user, VIEW, rtype).order_by("order", "id"))
    teams: dict[int, list[OrgUnit]] = defaultdict(list)
    for unit in units:
        if unit.kind == OrgUnit.Kind.TEAM and unit.parent_id:
            teams[unit.parent_id].append(unit)
    found = [u for u in units if u.kind == OrgUnit.Kind.DEPARTMENT]
    for unit in found:
        unit.team_list = teams[unit.pk]
    return found


def staffing(user, units: list[OrgUnit]) -> Staffing:
    """Quota against current staff by department and grade (정원/현원, 결원, 초과)."""
    rtype = REGISTRY["positions"]
    positions = restrict(Position.objects.all(), user, VIEW, rtype)
    by_unit: dict[int, dict[str, Position]] = defaultdict(dict)
    present: set[str] = set()
    for position in positions:
        by_unit[position.org_unit_id][position.grade] = position
        present.add(position.grade)
    grades = [(g.value, str(g.label)) for g in Position.Grade if g.value in present]
    rows = []
    for unit in units:
        cells: list[StaffingCell | None] = []
        for grade, _label in grades:
            p = by_unit[unit.pk].get(grade)
            cells.append(StaffingCell(p.quota, p.current, p) if p else None)
        rows.append(StaffingRow(unit=unit, cells=cells, teams=getattr(unit, "team_list", [])))
    grade_totals = [
        (
            sum(r.cells[i].quota for r in rows if r.cells[i]),
            sum(r.cells[i].current for r in rows if r.cells[i]),
        )
        for i in range(len(grades))
    ]
    return Staffing(grades=grades, rows=rows, grade_totals=grade_totals)


# -- budgets ---------------------------------------------------------------------------------------


@dataclass
class Budgets:
    units: list[OrgUnit]
    total: int
    chart: dict


def budgets(units: list[OrgUnit]) -> Budgets:
    """Department budgets (2025년 예산) with their total and a bar chart."""
    with_budget = [u for u in units if u.budget is not None]
    total = sum(u.budget for u in with_budget)
    chart = bar_chart(
        [(u.name, [u.budget // 1000]) for u in with_budget],
        title=_("부서별 2025년 예산 (단위: 천원)"),
        series=[_("예산")],
    )
    return Budgets(units=with_budget, total=total, chart=chart)


# -- funding sources -------------------------------------------------------------------------------


@dataclass
class SourceTotal:
    source: str
    label: str
    amount: int
    shares: int
    programs: int
    percent_only: int  # shares with a percent but no amount


@dataclass
class Funding:
    sources: list[SourceTotal]
    total: int
    programs_total: int
    without_shares: int
    without_shares_non_budget: int
    chart: dict


def funding(user) -> Funding:
    """Programs by funding source: the FundingShare amounts summed per source."""
    share_type, program_type = REGISTRY["funding_shares"], REGISTRY["programs"]
    shares = restrict(FundingShare.objects.all(), user, VIEW, share_type)
    rows = {
        row["source"]: row
        for row in shares.order_by()
        .values("source")
        .annotate(
            n_amount=Sum("amount"),
            n_shares=Count("id"),
            n_programs=Count("program", distinct=True),
            n_percent_only=Count("id", filter=Q(amount__isnull=True)),
        )
    }
    sources = [
        SourceTotal(
            source=choice.value,
            label=str(choice.label),
            amount=rows[choice.value]["n_amount"] or 0,
            shares=rows[choice.value]["n_shares"],
            programs=rows[choice.value]["n_programs"],
            percent_only=rows[choice.value]["n_percent_only"],
        )
        for choice in FundingShare.Source
        if choice.value in rows
    ]
    programs = restrict(Program.objects.all(), user, VIEW, program_type).aggregate(
        total=Count("id", distinct=True),  # distinct: the join with the shares repeats programs
        without=Count("id", distinct=True, filter=Q(shares__isnull=True)),
        without_non_budget=Count("id", distinct=True, filter=Q(shares__isnull=True, non_budget=True)),
    )
    return Funding(
        sources=sources,
        total=sum(s.amount for s in sources),
        programs_total=programs["total"],
        without_shares=programs["without"],
        without_shares_non_budget=programs["without_non_budget"],
        chart=bar_chart(
            [(s.label, [s.amount // 1000]) for s in sources],
            title=_("재원별 사업 금액 합계 (단위: 천원)"),
            series=[_("금액")],
        ),
    )


# -- milestones ------------------------------------------------------------------------------------


@dataclass
class Milestones:
    today: date
    month_start: date
    month_end: date
    this_month: list[Milestone]
    overdue: list[Milestone]


def milestones(user, today: date) -> Milestones:
    """This month's milestones (the period overlaps today's month; an open end counts as ongoing)
    and the overdue ones (a planned milestone whose period ended before today and is not done)."""
    rtype = REGISTRY["milestones"]
    month_start = today.replace(day=1)
    month_end = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    qs = restrict(Milestone.objects.select_related("task__department"), user, VIEW, rtype)
    this_month = list(
        qs.filter(period_start__lte=month_end)
        .filter(Q(period_end__gte=month_start) | Q(period_end__isnull=True))
        .order_by("period_start", "period_end", "task__department__order", "task__number", "order")
    )
    overdue = list(
        qs.filter(period_end__lt=today, done=False, stage=Milestone.Stage.PLAN).order_by(
            "period_end", "task__department__order", "task__number", "order"
        )
    )
    for m in overdue:
        m.days_overdue = (today - m.period_end).days
    return Milestones(today, month_start, month_end, this_month, overdue)


# -- committees ------------------------------------------------------------------------------------


@dataclass
class CommitteeGroup:
    unit: OrgUnit
    committees: list[Committee] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.committees)

    @property
    def committee_count(self) -> int:
        return sum(1 for c in self.committees if c.kind == Committee.Kind.COMMITTEE)

    @property
    def council_count(self) -> int:
        return sum(1 for c in self.committees if c.kind == Committee.Kind.COUNCIL)


def committees(user, units: list[OrgUnit]) -> list[CommitteeGroup]:
    """Committees and councils per department, in the plan's order."""
    rtype = REGISTRY["committees"]
    qs = restrict(Committee.objects.select_related("org_unit"), user, VIEW, rtype)
    groups = {u.pk: CommitteeGroup(u) for u in units}
    for committee in qs:
        department_id = committee.org_unit_id
        if committee.org_unit.kind == OrgUnit.Kind.TEAM:
            department_id = committee.org_unit.parent_id
        group = groups.get(department_id)
        if group is None:  # a committee of the office itself
            group = groups[department_id] = CommitteeGroup(committee.org_unit)
        group.committees.append(committee)
    return [g for g in groups.values() if g.committees]


# -- achievements ----------------------------------------------------------------------------------


@dataclass
class AchievementGroup:
    unit: OrgUnit
    achievements: list[Achievement]


def achievements(user, units: list[OrgUnit]) -> tuple[int | None, list[AchievementGroup]]:
    """The latest year's achievements (주요성과), per department."""
    rtype = REGISTRY["achievements"]
    qs = restrict(Achievement.objects.all(), user, VIEW, rtype)
    rows = list(qs.order_by("-year", "department__order", "order", "id"))
    if not rows:
        return None, []
    year = rows[0].year
    by_unit: dict[int, list[Achievement]] = defaultdict(list)
    for a in rows:
        if a.year == year:
            by_unit[a.department_id].append(a)
    return year, [AchievementGroup(u, by_unit[u.pk]) for u in units if by_unit[u.pk]]


# -- search ----------------------------------------------------------------------------------------

SEARCH_MIN = 2
SEARCH_MAX = 100
SEARCH_PER_TYPE = 20
SNIPPET_RADIUS = 40
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_query(raw: str | None) -> str:
    """The search text as typed, without control characters and surrounding or repeated spaces."""
    return " ".join(_CONTROL.sub(" ", raw or "").split())


@dataclass
class Hit:
    title: str
    path: str
    record_path: str
    source_label: str
    snippet: tuple[str, str, str] | None  # before, match, after


@dataclass
class HitGroup:
    rtype: RecordType
    count: int
    hits: list[Hit]
    query: str

    @property
    def label(self) -> str:
        return self.rtype.label

    @property
    def more_path(self) -> str | None:
        if self.count <= len(self.hits):
            return None
        return f"/records/{type_slug(self.rtype.name)}/?{urlencode({'q': self.query})}"


def _masked(rtype: RecordType, obj: models.Model, text: str) -> str:
    for name in rtype.personal:
        raw = getattr(obj, name, "")
        if raw:
            text = text.replace(str(raw), mask_name(str(raw)))
    return text


def _snippet(rtype: RecordType, obj: models.Model, q: str, title: str) -> tuple[str, str, str] | None:
    """The matching part of the first search field that says more than the title."""
    needle = q.lower()
    for name in rtype.search:
        if name in rtype.personal:
            continue
        value = getattr(obj, name, None)
        if value in (None, ""):
            continue
        text = " ".join(str(value).split())
        folded = text.lower()
        if len(folded) != len(text):  # a letter whose lower case is longer would shift the match
            continue
        at = folded.find(needle)
        if at < 0 or text in title:
            continue
        start, end = max(0, at - SNIPPET_RADIUS), min(len(text), at + len(q) + SNIPPET_RADIUS)
        before = ("…" if start > 0 else "") + text[start:at]
        after = text[at + len(q) : end] + ("…" if end < len(text) else "")
        return before, text[at : at + len(q)], after
    return None


def search(user, q: str, *, per_type: int = SEARCH_PER_TYPE) -> list[HitGroup]:
    """Every record type's search fields, partial match (icontains), grouped by type; each group keeps
    at most ``per_type`` hits and counts the rest (one query per type, two when there are more)."""
    groups = []
    for rtype in REGISTRY.values():
        if not rtype.search:
            continue
        condition = Q()
        for name in rtype.search:
            condition |= Q(**{f"{name}__icontains": q})
        qs = restrict(rtype.queryset(), user, VIEW, rtype).filter(condition)
        qs = qs.order_by(*(rtype.model._meta.ordering or ["pk"]), "pk")
        found = list(qs[: per_type + 1])
        if not found:
            continue
        count = len(found) if len(found) <= per_type else qs.count()
        hits = []
        for obj in found[:per_type]:
            title = _masked(rtype, obj, str(obj))
            hits.append(
                Hit(
                    title=title,
                    path=page_path(rtype, obj),
                    record_path=record_path(rtype.name, obj.pk),
                    source_label=getattr(obj, "source_label", ""),
                    snippet=_snippet(rtype, obj, q, title),
                )
            )
        groups.append(HitGroup(rtype=rtype, count=count, hits=hits, query=q))
    return groups
