"""조직진단 workload analysis: the arithmetic by hand, bad input, the services' rules and the sample.

Formula: required person-years = Σ(annual volume × standard hours) / hours per person-year;
ratio = required / current staff; overloaded above 1.1, underloaded below 0.9 (parameters).
"""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import translation

from cityhall.core import audit
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.organisation import services, workload
from cityhall.organisation.models import OrgUnit, TeamStaffing, WorkloadAnalysis, WorkloadTask


def staff(team: str, current: int, **extra) -> TeamStaffing:
    return TeamStaffing.objects.create(
        code=f"staffing-{team}", team=OrgUnit.objects.get(code=team), current=current, **extra
    )


def task(team: str, name: str, volume: int, hours: str, category: str = "planning") -> WorkloadTask:
    return WorkloadTask.objects.create(
        code=f"{team}-{name}",
        team=OrgUnit.objects.get(code=team),
        name=name,
        category=category,
        annual_volume=volume,
        standard_hours=Decimal(hours),
    )


def line(report: workload.WorkloadReport, code: str) -> workload.TeamLoad:
    found = workload.team_workload(report, code)
    assert found is not None
    return found


# -- the arithmetic, by hand ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "ratio", "classification"),
    [
        # 488 건 × 4 h = 1,952 h; 61 회 × 32 h = 1,952 h; Σ = 3,904 h; 3,904 / 1,952 = 2.00 person-years
        (2, Decimal("1.00"), "balanced"),  # 2.00 / 2 = 1.00
        (1, Decimal("2.00"), "overloaded"),  # 2.00 / 1 = 2.00 > 1.1
        (3, Decimal("0.67"), "underloaded"),  # 2.00 / 3 = 0.666… < 0.9
    ],
)
def test_required_person_years_and_ratio(db, current, ratio, classification):
    staff("planning", current)
    task("planning", "a", 488, "4")
    task("planning", "b", 61, "32")
    report = workload.workload_report()
    t = line(report, "planning")
    assert t.hours == Decimal("3904")
    assert t.required_shown == Decimal("2.00")
    assert t.ratio_shown == ratio
    assert t.classification == classification
    assert t.gap == Decimal("2.00") - current


def test_hours_per_person_year_is_a_setting(db):
    # 1,000 건 × 1.5 h = 1,500 h. With 1,500 h a person-year: 1.00 person-year; with the default 1,952:
    # 1,500 / 1,952 = 0.768… → 0.77. Staff 1 → ratios 1.00 (balanced) and 0.77 (underloaded).
    staff("planning", 1)
    task("planning", "a", 1000, "1.5")
    set_hours = workload.workload_report(hours_per_person_year=1500)
    assert line(set_hours, "planning").ratio_shown == Decimal("1.00")
    default = line(workload.workload_report(), "planning")
    assert (default.required_shown, default.classification) == (Decimal("0.77"), "underloaded")
    # A saved analysis setting is used when no hours are given: 1,500 h → 1.00.
    WorkloadAnalysis.objects.create(code="w-2025", year=2025, hours_per_person_year=1500)
    assert line(workload.workload_report(), "planning").ratio_shown == Decimal("1.00")


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [("1.1", "balanced"), ("1.11", "overloaded"), ("0.9", "balanced"), ("0.89", "underloaded")],
)
def test_thresholds_are_strict(ratio, expected):
    assert workload.classify(Decimal(ratio)) == expected


def test_thresholds_are_parameters(db):
    # 2,196 h / 1,952 = 1.125 person-years; staff 1 → 1.125: overloaded at 1.1, balanced at 1.2.
    staff("planning", 1)
    task("planning", "a", 61, "36")
    assert line(workload.workload_report(), "planning").classification == "overloaded"
    relaxed = workload.workload_report(over=Decimal("1.2"), under=Decimal("0.8"))
    assert line(relaxed, "planning").classification == "balanced"


def test_department_roll_up(db):
    # 기획팀 1,952 h (1.00) with 1 person; 조직팀 3,904 h (2.00) with 4 → 정책기획과 3.00 / 5 = 0.60.
    staff("planning", 1)
    staff("organisation", 4)
    task("planning", "a", 488, "4")
    task("organisation", "b", 976, "4")
    report = workload.workload_report()
    department = next(d for d in report.departments if d.unit.code == "policy-planning")
    assert (department.required_shown, department.current, department.ratio_shown) == (
        Decimal("3.00"),
        5,
        Decimal("0.60"),
    )
    assert department.count("balanced") == 1 and department.count("underloaded") == 1
    assert report.counts == [("overloaded", "과부하", 0), ("balanced", "적정", 1), ("underloaded", "여유", 1)]


def test_similar_teams_by_category(db):
    # 서무(admin): 기획팀 600 h / 2 = 300 h per person; 조직팀 600 h / 3 = 200; 성과관리팀 400 h / 1 = 400.
    # Median of (200, 300, 400) = 300 → deviations 0.0 %, −33.3 %, +33.3 %.
    staff("planning", 2)
    staff("organisation", 3)
    staff("performance", 1)
    task("planning", "s", 400, "1.5", "admin")
    task("organisation", "s", 300, "2", "admin")
    task("performance", "s", 200, "2", "admin")
    task("planning", "p", 10, "10", "planning")  # another category: not in the admin group
    report = workload.workload_report()
    admin = next(c for c in report.categories if c.category == "admin")
    assert admin.median == Decimal("300.0")
    assert [(m.team.team.code, m.per_person, m.deviation) for m in admin.members] == [
        ("planning", Decimal("300.0"), Decimal("0.0")),
        ("organisation", Decimal("200.0"), Decimal("-33.3")),
        ("performance", Decimal("400.0"), Decimal("33.3")),
    ]
    assert [c.category for c in report.categories] == ["planning", "admin"]


def test_median_of_an_even_group():
    assert workload.median([Decimal(1), Decimal(4), Decimal(2), Decimal(3)]) == Decimal("2.5")
    assert workload.median([]) is None


# -- bad input -----------------------------------------------------------------------------------


def test_zero_staff_is_flagged_not_a_crash(db):
    staff("planning", 0)
    task("planning", "a", 488, "4")
    t = line(workload.workload_report(), "planning")
    assert t.ratio is None and t.percent is None
    assert t.classification == "no_staff"
    assert t.label == "현원 0명: 비율 계산 불가"
    assert "현원 0명: 비율 계산 불가" in t.problems
    # In a category comparison the team has hours but no per-person figure.
    planning = workload.workload_report().categories[0]
    assert planning.members[0].per_person is None and planning.median is None


def test_missing_staffing_and_missing_tasks(db):
    task("planning", "a", 488, "4")
    staff("organisation", 3)
    report = workload.workload_report()
    assert line(report, "planning").classification == "no_staffing"
    assert "팀 현원이 입력되지 않았습니다." in line(report, "planning").problems
    assert line(report, "organisation").classification == "no_tasks"
    assert "단위업무가 입력되지 않았습니다." in line(report, "organisation").problems


@translation.override("ko")
def test_rows_that_slipped_past_validation_are_flagged_and_left_out():
    # The database refuses such rows (below); rows from elsewhere are flagged rather than counted.
    load = workload.task_load(WorkloadTask(name="x", annual_volume=-5, standard_hours=Decimal("2")))
    assert (load.hours, load.problem) == (Decimal(0), "연간 업무량이 음수입니다: 계산에서 뺐습니다.")
    load = workload.task_load(WorkloadTask(name="x", annual_volume=5, standard_hours=Decimal("0")))
    assert load.problem == "표준시간이 0 이하입니다: 계산에서 뺐습니다."
    load = workload.task_load(WorkloadTask(name="x", annual_volume=None, standard_hours=Decimal("1")))
    assert load.problem == "연간 업무량 또는 표준시간이 비어 있습니다."


@pytest.mark.parametrize(
    ("hours", "over", "under", "message"),
    [
        (0, "1.1", "0.9", "1인 연간 근무시간은 0보다 커야 합니다."),
        (-1952, "1.1", "0.9", "1인 연간 근무시간은 0보다 커야 합니다."),
        ("abc", "1.1", "0.9", "분석 기준은 숫자로 적어야 합니다."),
        (1952, "0.8", "0.9", "판정 기준은 0 < 여유 기준 ≤ 과부하 기준이어야 합니다."),
        (1952, "1.1", "0", "판정 기준은 0 < 여유 기준 ≤ 과부하 기준이어야 합니다."),
    ],
)
def test_bad_settings_are_refused(db, hours, over, under, message):
    with pytest.raises(RecordInvalid, match=message):
        workload.workload_report(hours_per_person_year=hours, over=over, under=under)


def test_the_database_refuses_negative_volume_and_zero_time(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        task("planning", "neg", -1, "2")
    with pytest.raises(IntegrityError), transaction.atomic():
        task("planning", "zero", 1, "0")
    assert not WorkloadTask.objects.exists()


# -- services ------------------------------------------------------------------------------------


def _data(**extra):
    data = {
        "code": "sc-task-1",
        "team": "smart-city-team",
        "name": "실증사업 점검",
        "category": "evaluation",
        "annual_volume": 100,
        "standard_hours": "16",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"annual_volume": -3}, "annual_volume", "연간 업무량은 0 이상이어야 합니다."),
        ({"annual_volume": "1.5"}, "annual_volume", "연간 업무량은 정수(건·회)여야 합니다."),
        ({"annual_volume": None}, "annual_volume", "연간 업무량을 적어야 합니다."),
        ({"standard_hours": 0}, "standard_hours", "표준시간은 0보다 커야 합니다."),
        ({"standard_hours": "-2"}, "standard_hours", "표준시간은 0보다 커야 합니다."),
        ({"standard_hours": "abc"}, "standard_hours", "표준시간은 숫자여야 합니다."),
        ({"team": "smart-city"}, "team", "코드 'smart-city'인 팀이 없습니다."),
        ({"team": ""}, "team", "팀을 지정해야 합니다."),
        ({"category": "other"}, "category", "업무 유형을 목록에서 골라야 합니다."),
        ({"name": " "}, "name", "단위업무 이름을 적어야 합니다."),
    ],
)
def test_task_create_refuses_bad_input_and_writes_nothing(roles, extra, field, message):
    with pytest.raises(RecordInvalid) as caught:
        services.workload_task_create(data=_data(**extra), actor=audit.Actor.for_user(roles["editor"]))
    assert message in caught.value.errors[field]
    assert not WorkloadTask.objects.exists()
    assert not AuditEvent.objects.filter(record_type="workload_tasks").exists()


def test_task_create_by_the_department_editor_is_audited(roles):
    obj = services.workload_task_create(data=_data(), actor=audit.Actor.for_user(roles["editor"]))
    assert (obj.team.code, obj.annual_volume, obj.standard_hours, obj.annual_hours) == (
        "smart-city-team",
        100,
        Decimal("16"),
        Decimal("1600"),
    )
    event = AuditEvent.objects.get(record_type="workload_tasks", record_id=obj.pk)
    assert (event.action, event.actor) == ("create", "sc-editor")


@pytest.mark.parametrize("who", ["other_editor", "viewer"])
def test_task_create_refused_outside_the_department(roles, who):
    with pytest.raises(PermissionDenied):
        services.workload_task_create(data=_data(), actor=audit.Actor.for_user(roles[who]))
    assert not WorkloadTask.objects.exists()


def test_team_staffing_set_creates_then_replaces(roles):
    actor = audit.Actor.for_user(roles["editor"])
    first = services.team_staffing_set(team="traffic-info", current=3, actor=actor)
    again = services.team_staffing_set(team="traffic-info", current=0, actor=actor)
    assert first.pk == again.pk and TeamStaffing.objects.get(pk=first.pk).current == 0
    with pytest.raises(RecordInvalid) as caught:
        services.team_staffing_set(team="traffic-info", current=-1, actor=actor)
    assert caught.value.errors["current"] == ["현원은 0 이상의 정수여야 합니다."]
    with pytest.raises(PermissionDenied):
        services.team_staffing_set(team="planning", current=2, actor=actor)
    assert not TeamStaffing.objects.filter(team__code="planning").exists()


def test_analysis_create(roles):
    with pytest.raises(RecordInvalid) as caught:
        services.workload_analysis_create(
            year=2025, hours_per_person_year=0, actor=audit.Actor.for_user(roles["director"])
        )
    assert caught.value.errors["hours_per_person_year"] == ["1인 연간 근무시간은 0보다 큰 정수여야 합니다."]
    with pytest.raises(PermissionDenied):  # an office-wide setting: not for a department editor
        services.workload_analysis_create(
            year=2025, hours_per_person_year=1952, actor=audit.Actor.for_user(roles["editor"])
        )
    assert not WorkloadAnalysis.objects.exists()
    analysis = services.workload_analysis_create(
        year=2025, hours_per_person_year=1920, actor=audit.Actor.for_user(roles["director"])
    )
    assert (analysis.code, analysis.created_by, workload.latest_workload_analysis()) == (
        "workload-2025",
        roles["director"],
        analysis,
    )


# -- the sample ----------------------------------------------------------------------------------


def test_sample_loads_labelled_and_reproducible(db):
    assert services.workload_load_sample() == {"staffing": 18, "tasks": 56, "analyses": 1}
    assert not WorkloadTask.objects.filter(is_sample=False).exists()
    assert not TeamStaffing.objects.filter(is_sample=False).exists()
    assert services.workload_load_sample() == {"staffing": 18, "tasks": 56, "analyses": 0}  # again
    assert (WorkloadTask.objects.count(), TeamStaffing.objects.count()) == (56, 18)
    report = workload.workload_report()
    assert report.has_sample
    assert report.hours_per_person_year == Decimal(1952)
    counts = [(c, n) for c, _label, n in report.counts]
    assert counts == [("overloaded", 5), ("balanced", 9), ("underloaded", 4)]
    planning = line(report, "planning")
    # 12×160 + 520×8 + 240×6 + 1,800×1.5 = 1,920 + 4,160 + 1,440 + 2,700 = 10,220 h
    # 10,220 / 1,952 = 5.2357… → 5.24 person-years; / 4 staff = 1.3089… → 1.31: overloaded
    assert (planning.hours, planning.required_shown, planning.current, planning.ratio_shown) == (
        Decimal("10220"),
        Decimal("5.24"),
        4,
        Decimal("1.31"),
    )
    assert planning.classification == "overloaded"
    # Team staffing adds up to each department's seed current staff less its head (17-1, 20-1, 19-1, 15-1).
    assert [d.current for d in report.departments] == [16, 19, 18, 14]
    assert AuditEvent.objects.filter(record_type="workload_tasks", actor="workload-sample").count() == 112


def test_sample_keeps_real_staffing(db):
    staff("planning", 7)
    counts = services.workload_load_sample()
    assert counts["staffing"] == 17
    assert TeamStaffing.objects.get(team__code="planning").current == 7


def test_management_command(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("workload_load_sample", stdout=out)
    assert out.getvalue().strip() == "예시 자료: 팀 현원 18건, 단위업무 56건, 분석 기준 1건을 불러왔습니다."
    assert WorkloadTask.objects.filter(is_sample=True).count() == 56
