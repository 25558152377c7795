"""Reads of the legal app: the regulation registry and its phrase search, revisions with their
comparison tables, the year's statistics, council requests and the cases with their next deadlines —
each in a fixed number of queries, restricted to what the user may see."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet

from cityhall.core.permissions import VIEW, restrict
from cityhall.core.records import REGISTRY

from . import comparison, deadlines
from .models import (
    DELIBERATED_KINDS,
    Bill,
    BulkRevision,
    Case,
    CaseKind,
    DataRequest,
    Regulation,
    RegulationKind,
    RegulationVersion,
    Revision,
    RevisionKind,
)
from .services import FINAL_STAGES


def _visible(queryset: QuerySet, user, name: str) -> QuerySet:
    return restrict(queryset, user, VIEW, REGISTRY[name]) if user is not None else queryset


# -- regulations -----------------------------------------------------------------------------------


def regulations(*, user=None, kind: str | None = None) -> QuerySet[Regulation]:
    qs = Regulation.objects.select_related("department")
    if kind:
        qs = qs.filter(kind=kind)
    return _visible(qs, user, "regulations")


def regulation_with_versions(code: str) -> Regulation | None:
    return (
        Regulation.objects.select_related("department")
        .prefetch_related(
            Prefetch("versions", queryset=RegulationVersion.objects.order_by("-number")),
            Prefetch("revisions", queryset=Revision.objects.order_by("-id")),
        )
        .filter(code=code)
        .first()
    )


@dataclass
class Match:
    number: str
    snippet: str


@dataclass
class SearchHit:
    regulation: Regulation
    version: RegulationVersion
    matches: list[Match]
    busy: bool  # a revision is under way


def _latest_versions() -> list[RegulationVersion]:
    versions = RegulationVersion.objects.select_related("regulation", "regulation__department").order_by(
        "regulation_id", "-number"
    )
    latest: dict[int, RegulationVersion] = {}
    for version in versions:
        latest.setdefault(version.regulation_id, version)
    return [v for v in latest.values() if not v.regulation.repealed]


def regulations_containing(phrase: str, *, regex: bool = False) -> list[SearchHit]:
    """Every regulation in force whose current version contains ``phrase``, with each article where it
    stands (a snippet around the first occurrence), in registry order."""
    pattern = comparison.phrase_pattern(phrase, regex=regex)
    busy = set(Revision.objects.exclude(stage__in=FINAL_STAGES).values_list("regulation_id", flat=True))
    hits = []
    for version in _latest_versions():
        matches = []
        for article in version.articles:
            text = f"{article.get('title', '')} {article.get('text', '')}"
            found = pattern.search(text)
            if found:
                start = max(0, found.start() - 20)
                snippet = ("…" if start else "") + text[start : found.end() + 20].replace("\n", " ")
                matches.append(Match(article["number"], snippet))
        if matches:
            hits.append(SearchHit(version.regulation, version, matches, version.regulation_id in busy))
    hits.sort(key=lambda h: (h.regulation.kind, h.regulation.title))
    return hits


def revisions(*, user=None, year: int | None = None, stage: str | None = None) -> QuerySet[Revision]:
    qs = Revision.objects.select_related("regulation", "department")
    if year:
        qs = qs.filter(year=year)
    if stage:
        qs = qs.filter(stage=stage)
    return _visible(qs, user, "revisions")


def revision(code: str) -> Revision | None:
    return (
        Revision.objects.select_related("regulation", "department", "base_version", "new_version", "bulk")
        .prefetch_related("transitions")
        .filter(code=code)
        .first()
    )


def bulk_revision(code: str) -> BulkRevision | None:
    return (
        BulkRevision.objects.prefetch_related(
            Prefetch("revisions", queryset=Revision.objects.select_related("regulation", "department"))
        )
        .filter(code=code)
        .first()
    )


# -- statistics ------------------------------------------------------------------------------------


@dataclass
class YearStatistics:
    year: int
    total: int
    by_kind: list[tuple[str, int]]  # 제정/개정/폐지
    by_regulation_kind: list[tuple[str, int]]  # 조례/규칙/훈령/예규
    meetings: int  # 조례규칙심의회 meetings (distinct deliberation days)
    sample: bool
    cross: list[tuple[str, list[int]]] = field(default_factory=list)


def year_statistics(year: int) -> YearStatistics:
    """Revisions of a year (those promulgated or under way), counted the way the achievements report
    counts them, and the 조례규칙심의회 meetings (each day it deliberated counts once)."""
    rows = list(
        Revision.objects.filter(year=year)
        .exclude(stage="withdrawn")
        .values_list("kind", "regulation__kind", "deliberated_on", "sample")
    )
    kinds = Counter(r[0] for r in rows)
    reg_kinds = Counter(r[1] for r in rows)
    cross = Counter((r[1], r[0]) for r in rows)
    meetings = _meetings(year, rows)
    return YearStatistics(
        year=year,
        total=len(rows),
        by_kind=[(str(k.label), kinds.get(k.value, 0)) for k in RevisionKind],
        by_regulation_kind=[(str(k.label), reg_kinds.get(k.value, 0)) for k in RegulationKind],
        meetings=meetings,
        sample=any(r[3] for r in rows),
        cross=[
            (str(rk.label), [cross.get((rk.value, k.value), 0) for k in RevisionKind])
            for rk in RegulationKind
        ],
    )


def _meetings(year: int, rows) -> int:
    """조례규칙심의회 meetings of the year: the committee's meetings (the shared committee meetings), or,
    without the committee, the days it deliberated a revision."""
    from cityhall.committees import selectors as committee_selectors

    from .services import deliberation_committee

    committee = deliberation_committee()
    if committee is not None:
        return len(committee_selectors.meetings_of(committee, year))
    return len({r[2] for r in rows if r[2] is not None and r[1] in DELIBERATED_KINDS})


# -- council ---------------------------------------------------------------------------------------


def data_requests(*, user=None, status: str | None = None, kind: str | None = None) -> QuerySet[DataRequest]:
    qs = DataRequest.objects.select_related("department", "session")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return _visible(qs, user, "data_requests")


def bills(*, user=None) -> QuerySet[Bill]:
    return _visible(Bill.objects.select_related("department", "session", "revision"), user, "bills")


# -- cases -----------------------------------------------------------------------------------------


def cases(
    *, user=None, kind: str | None = None, year: int | None = None, status: str | None = None
) -> QuerySet[Case]:
    qs = Case.objects.select_related("department")
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return _visible(qs, user, "cases")


def case_deadlines(case: Case, *, today: date) -> list[deadlines.LegalDeadline]:
    """The case's deadlines by its kind's rules, soonest first (the page shows the first on top)."""
    if case.status == Case.Status.CLOSED:
        return []
    out = []
    for rule_code, start_field in deadlines.CASE_RULES.get(case.kind, []):
        start = getattr(case, start_field)
        if start is not None:
            out.append(deadlines.compute(rule_code, start, today=today))
    out.sort(key=lambda d: d.due)
    return out


def next_deadline(case: Case, *, today: date) -> deadlines.LegalDeadline | None:
    upcoming = [d for d in case_deadlines(case, today=today) if not d.overdue]
    return upcoming[0] if upcoming else None


@dataclass
class CaseCounts:
    year: int
    rows: list[tuple[str, int]]
    lawsuits: int
    sample: bool


def case_counts(year: int) -> CaseCounts:
    counts = Counter(Case.objects.filter(year=year).values_list("kind", flat=True))
    sample = Case.objects.filter(year=year, sample=True).exists()
    rows = [(str(k.label), counts.get(k.value, 0)) for k in CaseKind]
    return CaseCounts(year, rows, counts.get("civil", 0) + counts.get("administrative", 0), sample)


def upcoming_deadlines(*, user=None, today: date, limit: int = 20) -> list[tuple[Case, Any]]:
    """Open cases with their next deadline, soonest first (overdue ones first of all)."""
    out = []
    for case in cases(user=user, status=Case.Status.OPEN):
        found = case_deadlines(case, today=today)
        if found:
            out.append((case, found[0]))
    out.sort(key=lambda pair: pair[1].due)
    return out[:limit]


_SPACE = re.compile(r"\s+")
