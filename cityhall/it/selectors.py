"""Reads for 정보통신과's pages and API: the yearly review statistics beside the figures the plan
states, a project's gate, the PC and equipment replacement plan, public Wi-Fi and the fibre network.
Each read runs a fixed number of queries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from cityhall.organisation.models import OrgUnit
from cityhall.plans.models import Figure
from cityhall.plans.selectors import stated_figures

from . import gates
from .models import (
    Asset,
    AssetKind,
    AssetStatus,
    FibreRoute,
    InformatizationProject,
    Phase,
    ProjectReview,
    ReviewKind,
    ReviewResult,
    WifiSite,
    WifiStatus,
)
from .services import project_facts
from .writes import IT_DEPARTMENT

#: The plan's figure keys for each review kind's yearly count (``<key>.<year>``, seed II.3 line 302).
REVIEW_FIGURE_KEYS = {
    ReviewKind.FEASIBILITY: "info-comm.project-review.feasibility",
    ReviewKind.TASK_REVIEW: "info-comm.project-review.task-review",
    ReviewKind.PRIOR_CONSULTATION: "info-comm.project-review.pre-consultation",
    ReviewKind.SECURITY_REVIEW: "info-comm.project-review.security-review",
    ReviewKind.QUALITY: "info-comm.project-review.quality-control",
    ReviewKind.PERFORMANCE: "info-comm.project-review.performance-measurement",
    ReviewKind.IMPROVEMENT: "info-comm.project-review.improvement-plan",
}
PC_FIGURE = "info-comm.pc-replacement"
WIFI_TOTAL_FIGURE, WIFI_ADDED_FIGURE = "wifi.sites.total", "info-comm.public-wifi.sites-added"

#: Default useful life (내용연수, years) per asset kind; ``CITYHALL_IT_USEFUL_LIFE_YEARS`` (settings
#: ``IT_USEFUL_LIFE_YEARS``) overrides any of them with the city's own standard.
DEFAULT_USEFUL_LIFE = {
    AssetKind.SERVER: 7,
    AssetKind.STORAGE: 7,
    AssetKind.NETWORK: 7,
    AssetKind.SECURITY: 7,
    AssetKind.PC: 6,
    AssetKind.LAPTOP: 5,
    AssetKind.UPS: 8,
    AssetKind.COOLING: 9,
    AssetKind.SOFTWARE: 5,
}


def it_department_id() -> int | None:
    return OrgUnit.objects.filter(code=IT_DEPARTMENT).values_list("pk", flat=True).first()


def useful_life(kind: str) -> int:
    overrides = getattr(settings, "IT_USEFUL_LIFE_YEARS", {}) or {}
    return int(overrides.get(kind, DEFAULT_USEFUL_LIFE[AssetKind(kind)]))


@dataclass(frozen=True)
class StatRow:
    """A count cityhall computes from its records, beside the figure the plan states (if any)."""

    label: str
    count: int
    stated: Figure | None

    @property
    def matches(self) -> bool | None:
        return None if self.stated is None else Decimal(self.count) == self.stated.value


def review_statistics(year: int) -> list[StatRow]:
    """Reviews decided in ``year``, by kind, in the seed's column order."""
    counts = dict(
        ProjectReview.objects.filter(decided_on__year=year)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    figures = stated_figures([f"{key}.{year}" for key in REVIEW_FIGURE_KEYS.values()])
    return [
        StatRow(str(kind.label), counts.get(kind, 0), figures.get(f"{REVIEW_FIGURE_KEYS[kind]}.{year}"))
        for kind in REVIEW_FIGURE_KEYS
    ]


def e_government_diagnosis(year: int) -> tuple[Figure | None, Figure | None]:
    """전자정부 성과관리 수준 진단 (an external evaluation: the plan states it, cityhall does not compute
    it): the city's score and the local governments' average."""
    keys = [
        f"info-comm.e-government.performance-score.{year}",
        f"info-comm.e-government.local-average-score.{year}",
    ]
    found = stated_figures(keys)
    return found.get(keys[0]), found.get(keys[1])


def review_years() -> list[int]:
    years = (
        ProjectReview.objects.exclude(decided_on=None)
        .annotate(y=ExtractYear("decided_on"))
        .values_list("y", flat=True)
        .distinct()
    )
    return sorted(set(years), reverse=True)


def projects_by_phase() -> list[tuple[str, str, int]]:
    counts = Counter(dict(InformatizationProject.objects.values_list("phase").annotate(n=Count("id"))))
    return [(phase.value, str(phase.label), counts.get(phase.value, 0)) for phase in Phase]


def projects(*, phase: str | None = None, department: OrgUnit | None = None):
    qs = InformatizationProject.objects.select_related("department")
    if phase:
        qs = qs.filter(phase=phase)
    if department is not None:
        qs = qs.filter(department=department)
    return qs


@dataclass(frozen=True)
class GateItem:
    kind: ReviewKind
    result: str | None  # the latest decided result, or None
    passed: bool

    @property
    def result_label(self) -> str:
        return str(ReviewResult(self.result).label) if self.result else ""


@dataclass(frozen=True)
class Gate:
    """What stands between a project and its next phase."""

    next_phase: str | None
    required: list[GateItem]

    @property
    def open(self) -> bool:
        return self.next_phase is not None and all(item.passed for item in self.required)


def project_gate(project: InformatizationProject) -> Gate:
    facts = project_facts(project)
    missing = set(gates.missing(facts))
    required = [
        GateItem(kind, facts.latest.get(kind), kind not in missing) for kind in gates.required_to_leave(facts)
    ]
    return Gate(next_phase=gates.next_phase(project.phase), required=required)


def project_reviews(project: InformatizationProject):
    return project.reviews.order_by("requested_on", "id")


@dataclass(frozen=True)
class ReplacementYear:
    year: int
    due: int  # assets whose useful life ends that year (or earlier, for the first year: overdue)
    by_kind: dict[str, int]


def replacement_plan(first_year: int, years: int = 3) -> list[ReplacementYear]:
    """Assets in use that reach the end of their useful life in each of ``years`` years from
    ``first_year``; the first year also takes what is already overdue."""
    rows = (
        Asset.objects.exclude(status=AssetStatus.DISPOSED)
        .annotate(y=ExtractYear("acquired_on"))
        .values_list("kind", "y", "useful_life_years")
        .annotate(n=Count("id"))
    )
    due: dict[int, Counter] = {y: Counter() for y in range(first_year, first_year + years)}
    for kind, acquired_year, life, n in rows:
        end = acquired_year + (life or useful_life(kind))
        target = max(end, first_year)
        if target in due:
            due[target][kind] += n
    return [
        ReplacementYear(
            year,
            sum(counter.values()),
            {str(AssetKind(k).label): v for k, v in sorted(counter.items())},
        )
        for year, counter in due.items()
    ]


def pcs_acquired(year: int) -> StatRow:
    count = Asset.objects.filter(kind=AssetKind.PC, acquired_on__year=year).count()
    return StatRow(
        _("행정 전산장비(PC) 도입"), count, stated_figures([f"{PC_FIGURE}.{year}"]).get(f"{PC_FIGURE}.{year}")
    )


def wifi_summary(year: int) -> list[StatRow]:
    active = WifiSite.objects.filter(status=WifiStatus.ACTIVE)
    totals = active.aggregate(total=Count("id"))
    added = active.filter(installed_year=year).count()
    figures = stated_figures([WIFI_TOTAL_FIGURE, f"{WIFI_ADDED_FIGURE}.{year}"])
    return [
        StatRow(_("운영 중인 공공와이파이"), totals["total"], figures.get(WIFI_TOTAL_FIGURE)),
        StatRow(
            _("%(year)s년 신규 구축") % {"year": year}, added, figures.get(f"{WIFI_ADDED_FIGURE}.{year}")
        ),
    ]


def machine_rooms() -> list[tuple[str, list[tuple[str, int]]]]:
    """Assets in use per room (전산실, 통신실 …) and kind: the machine rooms' inventory."""
    rows = (
        Asset.objects.exclude(room="")
        .exclude(status=AssetStatus.DISPOSED)
        .values_list("room", "kind")
        .annotate(n=Count("id"))
        .order_by("room", "kind")
    )
    rooms: dict[str, list[tuple[str, int]]] = {}
    for room, kind, n in rows:
        rooms.setdefault(room, []).append((str(AssetKind(kind).label), n))
    return list(rooms.items())


def wifi_by_district() -> list[tuple[str, int]]:
    return list(
        WifiSite.objects.filter(status=WifiStatus.ACTIVE)
        .values_list("district")
        .annotate(n=Count("id"))
        .order_by("-n", "district")
    )


def fibre_routes():
    return FibreRoute.objects.select_related("department").order_by("-laid_year", "code")
