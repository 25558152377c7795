"""What the seed states only in running text, captured as data: the preemption system's trial and full
operation (milestones), the free legal consultation's place and hours (a service), the 2024 awards
and grades, and the ITS phase-2 project with its national share."""

from datetime import date, time

import pytest
from django.db import IntegrityError, transaction

from cityhall.budget.models import FundingShare, Program
from cityhall.facilities.models import Service
from cityhall.plans.models import Award, Milestone


def test_preemption_trial_until_july_and_full_operation_from_august(db):
    """IV.4.2, line 1060: ※ 구축·시범 운영 : '25.7월까지 / 정식 운영 : '25.8월부터."""
    steps = Milestone.objects.filter(task__code="smart-city-2", line=1060).order_by("order")
    assert [(m.order, m.period, m.action, m.stage, m.period_start, m.period_end) for m in steps] == [
        (5, "'25.7월까지", "구축·시범 운영", "plan", date(2025, 7, 1), date(2025, 7, 31)),
        (6, "'25.8월부터", "정식 운영", "plan", date(2025, 8, 1), None),
    ]
    assert Milestone.objects.filter(task__code="smart-city-2").count() == 6


def test_free_legal_consultation_place_and_hours(db):
    """IV.2.5, lines 733–737: 별관 2층 상담실 / 매주 화요일 14:00 ~ 16:00."""
    service = Service.objects.get(code="budget-legal-free-legal-consultation")
    assert (
        service.org_unit.code,
        service.name,
        service.place,
        service.weekday,
        service.get_weekday_display(),
        service.start_time,
        service.end_time,
        service.recurrence,
    ) == ("budget-legal", "무료법률상담실", "별관 2층 상담실", 1, "화요일", time(14), time(16), "매주")
    assert service.audience == "김포시민 및 거소자, 관내 기업체 및 공공기관 종사자"
    assert service.scope == "시민생활과 관련된 행정·민사·형사·가사 등에 관한 사항"
    assert (service.section, service.line, service.lines) == (
        "IV.2.5",
        737,
        {"name": 733, "audience": 735, "scope": 736},
    )


def test_a_service_cannot_end_before_it_starts(db):
    service = Service.objects.get(code="budget-legal-free-legal-consultation")
    with transaction.atomic(), pytest.raises(IntegrityError):
        Service.objects.filter(pk=service.pk).update(end_time=time(13))


def test_the_api_serves_the_hours_a_booking_reads(client, roles):
    client.force_login(roles["viewer"])
    data = client.get("/api/v1/services/").json()
    assert data["count"] == 1
    item = data["items"][0]
    assert (item["place"], item["weekday"], item["start_time"], item["end_time"]) == (
        "별관 2층 상담실",
        1,
        "14:00:00",
        "16:00:00",
    )


def test_awards_and_grades_of_2024(db):
    awards = [
        (a.achievement.code, a.kind, a.name, a.result, a.evaluator, a.count, a.year, a.line)
        for a in Award.objects.order_by("line")
    ]
    assert awards == [
        ("policy-planning-a1", "award", "대한민국 공간복지 대상", "장려상", "", None, 2024, 201),
        (
            "policy-planning-a1",
            "award",
            "제2회 한국공공브랜드 혁신 지방자치단체장 부문",
            "대상",
            "",
            None,
            2024,
            202,
        ),
        ("policy-planning-a2", "selection", "조직운영 우수 자치단체", "선정", "행정안전부", None, 2024, 209),
        (
            "policy-planning-a2",
            "commendation",
            "조직분석·진단을 통한 조직운영 활성화 유공",
            "표창",
            "",
            None,
            2024,
            210,
        ),
        ("policy-planning-a3", "award", "시군종합평가", "우수기관", "경기도", None, 2024, 216),
        ("policy-planning-a4", "grade", "규제 관련 지표", "S등급", "정부합동·시군종합평가", 4, 2024, 223),
        ("info-comm-a3", "grade", "정보보안 관리 실태 평가", "S등급", "경기도", None, 2024, 317),
    ]
    s_grades = Award.objects.filter(kind="grade", result="S등급")
    assert sorted(s_grades.values_list("achievement__department__code", flat=True)) == [
        "info-comm",
        "policy-planning",
    ]
    assert Award.objects.get(line=216).note == "7년 연속"


def test_its_phase_2_is_a_program_with_its_national_share(db):
    """II.4, lines 343–346: 2023~2024년, 총 40.2억, 국비 60% 24.12억."""
    its = Program.objects.get(code="smart-city-its-phase2")
    assert (its.name, its.org_unit.code, its.year, its.group, its.budget, its.period) == (
        "지능형교통체계(ITS) 2차사업(확대 구축)",
        "smart-city",
        2024,
        "achievement",
        4_020_000_000,
        "2023~2024년",
    )
    assert (its.period_start, its.period_end) == (date(2023, 1, 1), date(2024, 12, 31))
    assert its.note == "2023년 국토교통부 ITS 공모사업"
    share = FundingShare.objects.get(program=its)
    assert (share.source, share.amount, share.percent, share.line) == ("national", 2_412_000_000, 60, 344)
