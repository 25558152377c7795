"""Reads of execution: where the year stands at a month, by program, department, source, nature and
month, against the 신속집행 targets — in a fixed number of queries (five) whatever the size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum

from ..choices import Nature, Source, TargetScope
from ..models import BudgetLine, Execution, ExecutionMonth, ExecutionTarget, PeerRanking
from .rates import Standing, due_amount, expected, rate

SCOPE_OF_NATURE = {
    Nature.CONSUMPTION: TargetScope.CONSUMPTION,
    Nature.INVESTMENT: TargetScope.INVESTMENT,
    Nature.OTHER: TargetScope.OVERALL,
}
BEHIND_SHOWN = 20  # programs listed as behind, largest shortfall first


@dataclass
class Group:
    """A row of a breakdown: amounts summed over its lines, the expected amount from each line's target."""

    key: str
    label: str
    budget: int = 0
    executed: int = 0
    due: int = 0
    has_target: bool = False
    department: str = ""
    lines: int = 0

    @property
    def standing(self) -> Standing:
        expected_rate = rate(self.due, self.budget) if self.has_target else None
        return Standing(self.budget, self.executed, rate(self.executed, self.budget), expected_rate)

    def add(self, budget: int, executed: int, due: int | None) -> None:
        self.budget += budget
        self.executed += executed
        self.lines += 1
        if due is not None:
            self.due += due
            self.has_target = True


@dataclass
class MonthPoint:
    month: int
    budget: int
    executed: int  # running total to the end of the month
    in_month: int
    expected: Decimal | None

    @property
    def rate(self) -> Decimal | None:
        return rate(self.executed, self.budget)


@dataclass
class Overview:
    year: int
    month: int
    months: list[ExecutionMonth]
    total: Group
    by_department: list[Group]
    by_source: list[Group]
    by_nature: list[Group]
    by_month: list[MonthPoint]
    behind: list[Group]
    behind_count: int
    programs: int
    quarters: dict[str, list[int]]  # nature label -> executed per quarter
    targets: dict[str, dict[int, Decimal]]
    rankings: list[PeerRanking] = field(default_factory=list)


def years() -> list[int]:
    return sorted(set(ExecutionMonth.objects.filter(rows__gt=0).values_list("year", flat=True)), reverse=True)


def targets_of(year: int) -> dict[str, dict[int, Decimal]]:
    out: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for t in ExecutionTarget.objects.filter(year=year):
        out[t.scope][t.quarter] = t.percent
    return dict(out)


def _sorted(groups: Iterable[Group]) -> list[Group]:
    return sorted(groups, key=lambda g: (-g.budget, g.label))


def overview(year: int, month: int | None = None) -> Overview | None:
    """The year's execution to the end of ``month`` (default: the latest imported); None without data."""
    months = list(ExecutionMonth.objects.filter(year=year, rows__gt=0).order_by("month"))
    if not months:
        return None
    available = [m.month for m in months]
    month = month if month in available else available[-1]
    targets = targets_of(year)
    expected_of = {scope: expected(month, targets.get(scope, {})) for scope in TargetScope.values}

    per_line = (
        Execution.objects.filter(month__year=year, month__month__lte=month)
        .values("line_id")
        .annotate(executed=Sum("executed"), budget=Sum("current_budget", filter=Q(month__month=month)))
    )
    amounts = {r["line_id"]: (r["budget"] or 0, r["executed"] or 0) for r in per_line}
    # The year's lines (one indexed filter), not a list of thousands of ids; lines without rows yet
    # are skipped below.
    lines = BudgetLine.objects.filter(year=year).values(
        "pk",
        "source",
        "nature",
        "program_id",
        "program__code",
        "program__name",
        "program__department_name",
    )
    total = Group("total", "전체")
    departments: dict[str, Group] = {}
    sources: dict[str, Group] = {}
    natures: dict[str, Group] = {}
    programs: dict[int, Group] = {}
    # Translated once: a lazy label cast per line costs more than the rest of the loop.
    source_labels = {value: str(label) for value, label in Source.choices}
    nature_labels = {value: str(label) for value, label in Nature.choices}
    for line in lines:
        if line["pk"] not in amounts:
            continue
        budget, executed = amounts[line["pk"]]
        expected_rate = expected_of[SCOPE_OF_NATURE[line["nature"]]]
        due = due_amount(budget, expected_rate) if expected_rate is not None else None
        department = line["program__department_name"]
        for groups, key, label in (
            (departments, department, department),
            (sources, line["source"], source_labels[line["source"]]),
            (natures, line["nature"], nature_labels[line["nature"]]),
        ):
            groups.setdefault(key, Group(key, label)).add(budget, executed, due)
        program = programs.setdefault(
            line["program_id"], Group(line["program__code"], line["program__name"], department=department)
        )
        program.add(budget, executed, due)
        total.add(budget, executed, due)

    by_month_nature = (
        Execution.objects.filter(month__year=year)
        .values("month__month", "line__nature")
        .annotate(executed=Sum("executed"), budget=Sum("current_budget"))
    )
    monthly: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    quarters: dict[str, list[int]] = {label: [0, 0, 0, 0] for label in nature_labels.values()}
    for r in by_month_nature:
        m = r["month__month"]
        monthly[m][0] += r["budget"] or 0
        monthly[m][1] += r["executed"] or 0
        quarters[nature_labels[r["line__nature"]]][(m - 1) // 3] += r["executed"] or 0
    points, running = [], 0
    for m in available:
        running += monthly[m][1]
        points.append(
            MonthPoint(m, monthly[m][0], running, monthly[m][1], expected(m, targets.get("overall", {})))
        )

    behind = sorted((p for p in programs.values() if p.standing.behind), key=lambda g: -g.standing.shortfall)
    return Overview(
        year=year,
        month=month,
        months=months,
        total=total,
        by_department=_sorted(departments.values()),
        by_source=_sorted(sources.values()),
        by_nature=_sorted(natures.values()),
        by_month=points,
        behind=behind[:BEHIND_SHOWN],
        behind_count=len(behind),
        programs=len(programs),
        quarters=quarters,
        targets=targets,
        rankings=list(PeerRanking.objects.filter(year=year)),
    )


def program_lines(year: int, code: str) -> list[dict]:
    """A 세부사업's lines with their months (the import rows the figures came from)."""
    rows = (
        Execution.objects.filter(line__year=year, line__program__code=code)
        .select_related("line", "month")
        .order_by("line__ledger_code", "month__month")
    )
    out: dict[str, dict] = {}
    for e in rows:
        entry = out.setdefault(e.line.ledger_code, {"line": e.line, "months": []})
        entry["months"].append(e)
    return list(out.values())
