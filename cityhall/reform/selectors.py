"""Reads of the reform module: the case registry's counts against the plan's targets, the open
proposals awaiting a ministry's answer, the contests' rankings."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch

from .models import Contest, ContestEntry, RegulationCase

# The plan's targets (IV.1.4 / II.1): line → what is measured.
TARGET_CASES, TARGET_CASES_LINE = 75, 222  # 「1부서 1과제」 규제 발굴 75건 및 중앙 건의
TARGET_INDICATORS, TARGET_INDICATORS_LINE = 4, 223  # 규제 관련 지표 4건 "S등급"

# What each evaluation asks for, and where the platform keeps the evidence.
EVALUATIONS = [
    {
        "name": "적극행정 종합평가",
        "line": 522,
        "needs": "우수사례 발굴·공유 실적, 우수공무원 선발(상·하반기), 교육 실적",
        "evidence": "경진대회 참가 사례, 인센티브",
    },
    {
        "name": "제안활성화 우수시군",
        "line": 522,
        "needs": "제안 접수·채택 실적, 우수제안 경진대회, 제안 우수 공무원·부서 평가",
        "evidence": "제안제도 (별도 모듈)",
    },
    {
        "name": "정부합동·시군종합평가 규제 지표",
        "line": 223,
        "needs": "규제 발굴·개선 건수, 중앙 건의 수용 건수, 등록규제 정비",
        "evidence": "규제 개선 과제",
    },
]


@dataclass(frozen=True)
class Dashboard:
    total: int
    by_status: list[tuple[str, int]]
    by_source: list[tuple[str, int]]
    proposals: int
    accepted: int
    awaiting: list[RegulationCase]


def dashboard(year: int) -> Dashboard:
    cases = RegulationCase.objects.filter(found_on__year=year)
    status_labels = dict(RegulationCase.Status.choices)
    source_labels = dict(RegulationCase.Source.choices)
    by_status = {r["status"]: r["n"] for r in cases.values("status").annotate(n=Count("id"))}
    by_source = {r["source"]: r["n"] for r in cases.values("source").annotate(n=Count("id"))}
    proposals = cases.filter(improvement=RegulationCase.Improvement.MINISTRY_PROPOSAL)
    return Dashboard(
        total=cases.count(),
        by_status=[(str(status_labels[k]), by_status.get(k, 0)) for k in status_labels],
        by_source=[(str(source_labels[k]), by_source.get(k, 0)) for k in source_labels],
        proposals=proposals.count(),
        accepted=proposals.filter(answer__in=["accepted", "partly"]).count(),
        awaiting=list(
            proposals.filter(answer="pending").select_related("department").order_by("proposed_on")
        ),
    )


def contests(year: int):
    entries = ContestEntry.objects.select_related("department").order_by("-score", "id")
    return Contest.objects.filter(year=year).prefetch_related(Prefetch("entries", queryset=entries))
