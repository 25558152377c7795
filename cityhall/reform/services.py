"""Writes of the reform module beyond plain records (which go through the generic record pages with
these rules): the sample registry (예시)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from cityhall.core.audit import Actor
from cityhall.core.records import REGISTRY
from cityhall.core.services import record_create
from cityhall.organisation import departments


def case_rules(obj, before) -> dict[str, list[str]]:
    """A proposal's answer comes after it was sent; a self-fix has no ministry answer."""
    errors: dict[str, list[str]] = {}
    if getattr(obj, "improvement", None) == "self_fix" and obj.answer:
        errors["answer"] = [_("자체 개선 과제에는 부처 회신이 없습니다.")]
    if (
        getattr(obj, "answer", "")
        and obj.answer != "pending"
        and not obj.proposed_on
        and obj.improvement == "ministry_proposal"
    ):
        errors["proposed_on"] = [_("회신을 적으려면 건의일이 필요합니다.")]
    if obj.completed_on and obj.found_on and obj.completed_on < obj.found_on:
        errors["completed_on"] = [_("완료일이 발굴일보다 앞설 수 없습니다.")]
    return errors


SAMPLE_CASES = [
    (
        "reform-sample-01",
        "소규모 옥외광고물 표시 허가 절차 간소화",
        "department_task",
        "self_fix",
        "",
        "",
        "done",
    ),
    (
        "reform-sample-02",
        "농지 위 소형 창고 설치 기준 완화 건의",
        "department_task",
        "ministry_proposal",
        "농림축산식품부",
        "pending",
        "proposed",
    ),
    (
        "reform-sample-03",
        "군사시설보호구역 내 건축 협의 기간 단축",
        "citizen_report",
        "ministry_proposal",
        "국방부",
        "partly",
        "improving",
    ),
    (
        "reform-sample-04",
        "상위법 근거 없는 자치법규 수수료 조항 정비",
        "registered_review",
        "self_fix",
        "",
        "",
        "improving",
    ),
]


@transaction.atomic
def samples_load(*, actor: Actor | None = None) -> int:
    """Four 예시 cases and one 예시 contest (the seed lists none); idempotent."""
    from .models import RegulationCase

    actor = actor or Actor.system("reform:load-sample")
    written = 0
    for code, title, source, improvement, ministry, answer, status in SAMPLE_CASES:
        if RegulationCase.objects.filter(code=code).exists():
            continue
        record_create(
            rtype=REGISTRY["regulation_cases"],
            actor=actor,
            data={
                "code": code,
                "title": title,
                "department": departments.POLICY_PLANNING,
                "source": source,
                "regulation": f"{title} (예시)",
                "legal_basis": "관련 법령 (예시)",
                "improvement": improvement,
                "ministry": ministry,
                "answer": answer,
                "status": status,
                "found_on": "2025-03-10",
                "proposed_on": "2025-04-01" if improvement == "ministry_proposal" else None,
                "completed_on": "2025-06-30" if status == "done" else None,
                "sample": True,
                "section": "IV.1.4",
                "line": 504,
            },
        )
        written += 1
    if not REGISTRY["reform_contests"].model.objects.filter(code="reform-contest-2025").exists():
        contest = record_create(
            rtype=REGISTRY["reform_contests"],
            actor=actor,
            data={
                "code": "reform-contest-2025",
                "title": "규제 공감 콘테스트 (예시)",
                "year": 2025,
                "held_on": date(2025, 9, 17).isoformat(),
                "sample": True,
                "section": "II.1",
                "line": 224,
            },
        )
        for title, score, award in (
            ("민원 서식 통합 사례", "91.5", "gold"),
            ("현장 점검 모바일화", "86.0", "silver"),
        ):
            record_create(
                rtype=REGISTRY["reform_contest_entries"],
                actor=actor,
                data={
                    "contest": contest.code,
                    "title": f"{title} (예시)",
                    "department": departments.POLICY_PLANNING,
                    "presenter": "김예시",
                    "score": score,
                    "award": award,
                    "incentive": "근무평정 가산점 (예시)",
                },
            )
    return written
