"""조직진단: the workload analysis of the office's teams (the rules behind the diagnosis page, its export
and the API)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from cityhall.core.services import RecordInvalid

from .models import (
    DEFAULT_HOURS_PER_PERSON_YEAR,
    OrgUnit,
    TeamStaffing,
    WorkloadAnalysis,
    WorkloadCategory,
    WorkloadTask,
)
from .selectors import departments

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


def _d(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def check_workload_settings(hours_per_person_year, over, under) -> tuple[Decimal, Decimal, Decimal]:
    """The analysis settings as Decimals, or RecordInvalid saying which is wrong."""
    try:
        hours, over, under = _d(hours_per_person_year), _d(over), _d(under)
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise RecordInvalid(_("분석 기준은 숫자로 적어야 합니다.")) from exc
    if not hours.is_finite() or hours <= 0:
        raise RecordInvalid(_("1인 연간 근무시간은 0보다 커야 합니다."), field="hours")
    if not (over.is_finite() and under.is_finite()) or under <= 0 or over < under:
        raise RecordInvalid(_("판정 기준은 0 < 여유 기준 ≤ 과부하 기준이어야 합니다."), field="over")
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
    Raises RecordInvalid for settings that cannot give a result (zero hours, thresholds upside down).
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
