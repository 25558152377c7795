"""성과관리 rules with hand-worked examples, bad input (Korean errors, nothing written) and who may write."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.organisation.models import Position
from cityhall.performance import services
from cityhall.performance.models import DepartmentScore, EvaluationCycle, IndicatorActual

from .helpers import YEAR, actual, example, indicator

# -- achievement ------------------------------------------------------------------------------------


def test_achievement_higher_is_better(db):
    ind = indicator("x", "smart-city", target=200)
    assert services.achievement(ind, Decimal("190")) == Decimal("95.00")  # 190 / 200 × 100
    assert services.achievement(ind, Decimal("1")) == Decimal("0.50")


def test_achievement_lower_is_better(db):
    ind = indicator("x", "smart-city", target=24, direction="lower")
    assert services.achievement(ind, Decimal("20")) == Decimal("120.00")  # 24 / 20 × 100
    assert services.achievement(ind, Decimal("30")) == Decimal("80.00")  # 24 / 30 × 100
    assert services.achievement(ind, Decimal("0")) == Decimal("120")  # none at all: full marks (the cap)


def test_achievement_zero_target(db):
    lower = indicator("zero-lower", "smart-city", target=0, direction="lower")
    assert services.achievement(lower, Decimal("0")) == Decimal("100")
    assert services.achievement(lower, Decimal("3")) == Decimal("0")
    higher = indicator("zero-higher", "smart-city", target=0)
    with pytest.raises(RecordInvalid, match="목표가 0이라"):
        services.achievement(higher, Decimal("5"))


def test_achievement_missing_target_and_negative_value(db):
    ind = indicator("x", "smart-city")
    with pytest.raises(RecordInvalid, match="목표값이 없어"):
        services.achievement(ind, Decimal("5"))
    ind = indicator("y", "smart-city", target=10)
    with pytest.raises(RecordInvalid, match="음수일 수 없습니다"):
        services.achievement(ind, Decimal("-1"))


# -- allocation ---------------------------------------------------------------------------------------


def test_proportional_allocation_hand_worked(db):
    example()
    allocation = services.incentive_allocation(year=YEAR)
    pp, sc = allocation.results
    assert (pp.department.code, pp.score, pp.staff) == ("policy-planning", Decimal("85.00"), 17)
    assert (sc.department.code, sc.score, sc.staff) == ("smart-city", Decimal("111.67"), 15)
    # factors: 85 × 17 = 1,445 and 111.67 × 15 = 1,675.05; total 3,120.05
    assert (pp.factor, sc.factor) == (Decimal("1445.00"), Decimal("1675.05"))
    # 1,000,000 × 1,445 / 3,120.05 = 463,133.60… → 463,133
    # 1,000,000 × 1,675.05 / 3,120.05 = 536,866.39… → 536,866
    # floors sum to 999,999; the 1 won left goes to the larger remainder (.60, 정책기획과)
    assert (pp.amount, sc.amount) == (463_134, 536_866)
    assert (pp.remainder_bonus, sc.remainder_bonus) == (1, 0)
    assert allocation.total == 1_000_000
    assert "성과점수 = (1×80 + 1×90) ÷ 2 = 85점" in pp.explanation
    assert "배분 기준값 = 성과점수 85 × 현원 17명 = 1,445" in pp.explanation
    assert "463,133.6원 → 463,134원 (끝수 처리" in pp.explanation
    assert "실적 8 / 목표 10 → 달성률 125%, 상한 120% 적용 → 120점" in sc.explanation
    assert "성과점수 = (2×120 + 1×95) ÷ 3 = 111.67점" in sc.explanation


def test_configured_grade_points_and_cap(db):
    example(parameters={"grade_points": {"A": 80}, "achievement_cap": 100})
    pp, sc = services.incentive_allocation(year=YEAR).results
    assert pp.score == Decimal("80.00")  # (80 + 80) / 2
    assert sc.score == Decimal("98.33")  # (2×100 + 95) / 3 = 98.333…


def test_tiered_allocation_hand_worked(db):
    example(
        kind="tiered", parameters={"tiers": [{"min_score": 100, "rate": 1.5}, {"min_score": 0, "rate": 1}]}
    )
    pp, sc = services.incentive_allocation(year=YEAR).results
    # 정책기획과 85점 → rate 1 × 17 = 17; 스마트도시과 111.67점 → rate 1.5 × 15 = 22.5; total 39.5
    assert (pp.factor, sc.factor) == (Decimal("17"), Decimal("22.5"))
    # 1,000,000 × 17 / 39.5 = 430,379.74… ; × 22.5 / 39.5 = 569,620.25… ; the 1 won left → 정책기획과
    assert (pp.amount, sc.amount) == (430_380, 569_620)
    assert "구간: 100점 이상 → 배분률 1.5" in sc.explanation


def test_largest_remainder_sums_exactly_and_breaks_ties_by_order():
    amounts, bonuses = services.split_largest_remainder(100, [Decimal(1), Decimal(1), Decimal(1)])
    assert amounts == [34, 33, 33] and bonuses == [1, 0, 0]
    amounts, _ = services.split_largest_remainder(10, [Decimal(1), Decimal(2), Decimal(3)])
    # 1.67 / 3.33 / 5 → floors 1, 3, 5 (9); the 1 left → .67 (first)
    assert amounts == [2, 3, 5]
    with pytest.raises(RecordInvalid, match="합이 0"):
        services.split_largest_remainder(10, [Decimal(0)])


def test_latest_quarter_is_used(db):
    example()
    pp = services.incentive_allocation(year=YEAR).results[0]
    assert "실적 40 / 목표 50 → 달성률 80%" in pp.explanation  # 4분기, not 3분기 (30)


# -- bad input: Korean errors, nothing written ------------------------------------------------------------


def _nothing_written():
    return (
        not DepartmentScore.objects.exists()
        and not AuditEvent.objects.filter(record_type="department_scores").exists()
    )


def test_missing_target_is_reported_and_nothing_written(db, roles):
    example()
    ind = indicator("sc-no-target", "smart-city")
    actual(ind, 4, 5)
    with pytest.raises(RecordInvalid) as exc:
        services.incentive_allocate(year=YEAR, actor=Actor.for_user(roles["director"]))
    assert exc.value.messages == ["지표 '지표 sc-no-target'(sc-no-target)에 목표값이 없습니다."]
    assert _nothing_written()


def test_zero_staff_is_reported_and_nothing_written(db, roles):
    example()
    Position.objects.filter(org_unit__code="smart-city").update(current=0)
    with pytest.raises(RecordInvalid) as exc:
        services.incentive_allocate(year=YEAR, actor=Actor.for_user(roles["director"]))
    assert exc.value.messages == ["스마트도시과의 현원이 0명이라 성과급을 배분할 수 없습니다."]
    assert _nothing_written()


def test_missing_actual_grade_and_rule_are_reported(db):
    with pytest.raises(RecordInvalid, match="2030년 성과급 배분 기준이 없습니다"):
        services.incentive_allocation(year=YEAR)
    example()
    indicator("sc-no-actual", "smart-city", target=3)
    indicator("sc-no-grade", "smart-city", kind="qualitative")
    with pytest.raises(RecordInvalid) as exc:
        services.incentive_allocation(year=YEAR)
    assert exc.value.messages == [
        "지표 '지표 sc-no-actual'(sc-no-actual)에 실적이 없습니다.",
        "정성지표 '지표 sc-no-grade'(sc-no-grade)에 등급이 없습니다.",
    ]


def test_messages_follow_the_active_language(db):
    example()
    no_target = indicator("sc-no-target", "smart-city")
    actual(no_target, 4, 5)
    with translation.override("en"):
        with pytest.raises(RecordInvalid) as exc:
            services.achievement(no_target, Decimal("5"))
        assert exc.value.messages == [
            "Indicator '지표 sc-no-target' (sc-no-target) has no target, "
            "so its achievement rate cannot be computed."
        ]
        with pytest.raises(RecordInvalid) as exc:
            services.incentive_allocation(year=YEAR)
        assert exc.value.messages == ["Indicator '지표 sc-no-target' (sc-no-target) has no target."]
    # Korean stays the default
    with pytest.raises(RecordInvalid) as exc:
        services.incentive_allocation(year=YEAR)
    assert exc.value.messages == ["지표 '지표 sc-no-target'(sc-no-target)에 목표값이 없습니다."]


def test_negative_actual_is_refused_and_nothing_written(db, roles):
    ind = indicator("x", "smart-city", target=10)
    with pytest.raises(RecordInvalid) as exc:
        services.indicator_actual_record(
            indicator=ind, quarter=1, value="-5", actor=Actor.for_user(roles["editor"])
        )
    assert "음수" in str(exc.value.errors)
    assert not IndicatorActual.objects.exists()


# -- writes and permissions ------------------------------------------------------------------------------


def test_allocate_stores_scores_and_audits(db, roles):
    example()
    saved = services.incentive_allocate(year=YEAR, actor=Actor.for_user(roles["other_editor"]))
    assert [(s.department.code, s.score, s.amount) for s in saved] == [
        ("policy-planning", Decimal("85.00"), 463_134),
        ("smart-city", Decimal("111.67"), 536_866),
    ]
    assert AuditEvent.objects.filter(record_type="department_scores", action="create").count() == 2
    # again: replaced, not duplicated
    services.incentive_allocate(year=YEAR, actor=Actor.for_user(roles["director"]))
    assert DepartmentScore.objects.count() == 2


def test_allocate_refused_outside_planning(db, roles):
    example()
    with pytest.raises(PermissionDenied):
        services.incentive_allocate(year=YEAR, actor=Actor.for_user(roles["manager"]))
    assert _nothing_written()


def test_cycle_advance_through_stages_audited(db, roles):
    cycle = EvaluationCycle.objects.create(code="eval-2030", year=YEAR)
    actor = Actor.for_user(roles["other_editor"])
    stages = [services.evaluation_cycle_advance(cycle=cycle, actor=actor).stage for _ in range(3)]
    assert stages == ["execute", "evaluate", "feedback"]
    with pytest.raises(RecordInvalid, match="마지막 단계"):
        services.evaluation_cycle_advance(cycle=cycle, actor=actor)
    events = AuditEvent.objects.filter(record_type="evaluation_cycles", record_id=cycle.pk).order_by("id")
    assert [(e.before["stage"], e.after["stage"]) for e in events] == [
        ("plan", "execute"),
        ("execute", "evaluate"),
        ("evaluate", "feedback"),
    ]


def test_cycle_advance_refused_for_other_departments(db, roles):
    cycle = EvaluationCycle.objects.create(code="eval-2030", year=YEAR)
    with pytest.raises(PermissionDenied):
        services.evaluation_cycle_advance(cycle=cycle, actor=Actor.for_user(roles["manager"]))
    cycle.refresh_from_db()
    assert cycle.stage == "plan"


def test_actual_record_own_department_only(db, roles):
    own = indicator("own", "smart-city", target=10)
    other = indicator("other", "policy-planning", target=10)
    editor = Actor.for_user(roles["editor"])
    saved = services.indicator_actual_record(
        indicator=own, quarter=1, value="4", evidence="보고서", actor=editor
    )
    assert (saved.value, saved.recorded_by) == (Decimal("4"), "sc-editor")
    services.indicator_actual_record(indicator=own, quarter=1, value="6", actor=editor)  # correction
    assert list(own.actuals.values_list("value", flat=True)) == [Decimal("6")]
    with pytest.raises(PermissionDenied):
        services.indicator_actual_record(indicator=other, quarter=1, value="4", actor=editor)
    with pytest.raises(PermissionDenied):
        services.indicator_actual_record(
            indicator=own, quarter=2, value="4", actor=Actor.for_user(roles["viewer"])
        )
    assert not other.actuals.exists() and not own.actuals.filter(quarter=2).exists()
