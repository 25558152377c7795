"""정보통신과 rules: the samples reproduce the seed's 2024 counts, the gates hold on every write
(the record pages included), and reviews are 정보통신과's to record."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.records import record_type_for
from cityhall.core.services import RecordInvalid, record_create, record_update
from cityhall.it import selectors, services
from cityhall.it.models import (
    Asset,
    AssetKind,
    FibreRoute,
    InformatizationProject,
    Phase,
    ProjectReview,
    ReviewKind,
    ReviewResult,
    WifiSite,
)
from cityhall.organisation.models import OrgUnit, Role

SYSTEM = Actor.system("test")


@pytest.fixture
def sample(db):
    return services.it_load_sample(actor=SYSTEM)


@pytest.fixture
def it_editor(make_user):
    return make_user("ic-editor", Role.EDITOR, "info-comm")


@pytest.fixture
def project(db):
    return record_create(
        rtype=record_type_for(InformatizationProject),
        data={"code": "new-portal", "name": "새 포털 구축", "department": "smart-city", "year": 2025},
        actor=SYSTEM,
    )


def test_the_samples_reproduce_the_seeds_2024_review_counts(sample):
    assert sample == {
        "projects": 61,
        "reviews": 539 + 32,
        "assets": 1445,
        "wifi_sites": 592,
        "inspections": 291,
        "graduates": 3824,
    }
    rows = selectors.review_statistics(2024)
    assert [(r.label, r.count) for r in rows] == [
        ("타당성심사", 53),
        ("과업심의", 38),
        ("사전협의", 5),
        ("보안성검토", 36),
        ("품질관리", 398),
        ("성과측정", 8),
        ("개선계획", 1),
    ]
    # Each beside the figure the plan states on line 302, and equal to it.
    assert all(r.stated is not None and r.stated.line == 302 and r.matches for r in rows)


def test_the_samples_reproduce_pcs_wifi_and_every_sample_project_passed_its_gates(sample):
    pcs = selectors.pcs_acquired(2024)
    assert (pcs.count, pcs.stated.value, pcs.stated.line, pcs.matches) == (233, 233, 323, True)
    total, added = selectors.wifi_summary(2024)
    assert (total.count, total.matches, added.count, added.matches) == (592, True, 30, True)
    for project in InformatizationProject.objects.filter(sample=True):
        # Every phase a sample project reached, it reached through complete gates.
        index = [Phase.PLAN, Phase.BUILD, Phase.OPERATE, Phase.MEASURE].index(project.phase)
        for earlier in [Phase.PLAN, Phase.BUILD, Phase.OPERATE, Phase.MEASURE][:index]:
            facts = services.project_facts(project, phase=earlier)
            assert services.gates.missing(facts) == [], (project.code, earlier)


def test_loading_the_samples_twice_adds_nothing(sample):
    assert services.it_load_sample(actor=SYSTEM) == {
        "projects": 0,
        "reviews": 0,
        "assets": 0,
        "wifi_sites": 0,
        "inspections": 0,
        "graduates": 0,
    }
    assert ProjectReview.objects.count() == 571


def test_the_fibre_route_comes_from_the_seed(db):
    route = FibreRoute.objects.get()
    assert (route.name, str(route.length_km), route.cores, route.laid_year, route.line) == (
        "하성면~월곶면",
        "8.800",
        48,
        2024,
        329,
    )


def test_the_replacement_plan_counts_assets_at_the_end_of_their_useful_life(sample):
    plan = selectors.replacement_plan(2025)
    # PCs (6 years): 2018's 160 are overdue in 2025 with 2019's 210; 2020's 190 in 2026, 2021's 180 in 2027.
    assert [r.year for r in plan] == [2025, 2026, 2027]
    assert plan[0].by_kind["PC"] == 160 + 210
    assert plan[1].by_kind["PC"] == 190
    assert plan[2].by_kind["PC"] == 180


def test_a_useful_life_of_its_own_and_the_setting_override_the_default(db, settings):
    dept = OrgUnit.objects.get(code="info-comm")
    Asset.objects.create(
        code="srv-1", kind=AssetKind.SERVER, name="서버", department=dept, acquired_on=date(2020, 1, 1)
    )
    Asset.objects.create(
        code="srv-2",
        kind=AssetKind.SERVER,
        name="서버",
        department=dept,
        acquired_on=date(2020, 1, 1),
        useful_life_years=5,
    )
    assert [r.due for r in selectors.replacement_plan(2025, years=3)] == [1, 0, 1]  # 2025: srv-2; 2027: srv-1
    settings.IT_USEFUL_LIFE_YEARS = {"server": 6}
    assert [r.due for r in selectors.replacement_plan(2025, years=3)] == [1, 1, 0]


def test_a_new_project_starts_in_planning(db):
    with pytest.raises(RecordInvalid) as exc:
        record_create(
            rtype=record_type_for(InformatizationProject),
            data={"code": "x", "name": "x", "department": "smart-city", "year": 2025, "phase": "build"},
            actor=SYSTEM,
        )
    assert exc.value.errors == {"phase": ["새 정보화사업은 계획 단계에서 시작합니다."]}


def test_the_record_pages_cannot_skip_a_gate(project):
    """The generic update (record pages and API) runs the same rule as the services."""
    with pytest.raises(RecordInvalid) as exc:
        record_update(
            rtype=record_type_for(InformatizationProject), obj=project, data={"phase": "build"}, actor=SYSTEM
        )
    assert exc.value.errors == {
        "phase": ["계획 단계를 마치려면 타당성심사, 과업심의, 보안성검토을(를) 통과해야 합니다."]
    }
    project.refresh_from_db()
    assert project.phase == Phase.PLAN


def test_a_project_moves_on_once_its_reviews_pass_and_every_step_is_audited(project, it_editor, make_user):
    it = Actor.for_user(it_editor)
    for kind in (ReviewKind.FEASIBILITY, ReviewKind.TASK_REVIEW, ReviewKind.SECURITY_REVIEW):
        review = services.review_request(project=project, kind=kind, actor=it, requested_on=date(2025, 2, 3))
        services.review_decide(
            review=review, result=ReviewResult.PASSED, actor=it, decided_on=date(2025, 2, 10)
        )
    owner = make_user("sc-ed", Role.EDITOR, "smart-city")
    moved = services.project_advance(project=project, actor=Actor.for_user(owner))
    assert moved.phase == Phase.BUILD
    assert selectors.project_gate(moved).required[0].kind == ReviewKind.QUALITY
    events = AuditEvent.objects.filter(record_type__in=["project_reviews", "informatization_projects"])
    assert events.filter(action="create", record_type="project_reviews").count() == 3
    assert events.filter(action="update", record_type="project_reviews").count() == 3
    update = events.get(action="update", record_type="informatization_projects")
    assert (update.actor, update.before["phase"], update.after["phase"]) == ("sc-ed", "plan", "build")


def test_only_it_staff_record_reviews_and_nothing_is_written_when_refused(project, make_user):
    owner = make_user("sc-ed", Role.EDITOR, "smart-city")
    with pytest.raises(PermissionDenied):
        services.review_request(project=project, kind=ReviewKind.FEASIBILITY, actor=Actor.for_user(owner))
    assert not ProjectReview.objects.exists()


def test_another_department_cannot_move_the_project(project, it_editor):
    with pytest.raises(PermissionDenied):
        services.project_advance(project=project, actor=Actor.for_user(it_editor))


@pytest.mark.parametrize(
    ("kind", "result", "findings", "errors"),
    [
        ("feasibility", "passed", "", {}),
        (
            "feasibility",
            "failed",
            "",
            {"findings": ["조건부 적합·부적합·개선 필요에는 검토 의견(조건이나 사유)을 적어야 합니다."]},
        ),
        (
            "feasibility",
            "improve",
            "이용률 미달",
            {"result": ["결과는 다음 중 하나여야 합니다: 적합, 조건부 적합, 부적합"]},
        ),
        ("performance", "improve", "이용률 미달", {}),
        (
            "feasibility",
            "pending",
            "",
            {"result": ["결과는 다음 중 하나여야 합니다: 적합, 조건부 적합, 부적합"]},
        ),
    ],
)
def test_a_decision_is_validated(project, it_editor, kind, result, findings, errors):
    it = Actor.for_user(it_editor)
    review = services.review_request(project=project, kind=kind, actor=it, requested_on=date(2025, 2, 3))
    if errors:
        with pytest.raises(RecordInvalid) as exc:
            services.review_decide(review=review, result=result, findings=findings, actor=it)
        assert exc.value.errors == errors
        review.refresh_from_db()
        assert review.result == ReviewResult.PENDING
    else:
        assert (
            services.review_decide(review=review, result=result, findings=findings, actor=it).result == result
        )


def test_bad_requests_and_decisions_are_refused(project, it_editor):
    it = Actor.for_user(it_editor)
    with pytest.raises(RecordInvalid) as exc:
        services.review_request(project=project, kind="audit", actor=it)
    assert exc.value.errors == {"kind": ["검토 구분 'audit'은(는) 없습니다."]}
    review = services.review_request(
        project=project, kind="feasibility", actor=it, requested_on=date(2025, 3, 2)
    )
    with pytest.raises(RecordInvalid) as exc:
        services.review_request(project=project, kind="feasibility", actor=it)
    assert exc.value.errors == {"kind": ["타당성심사 요청이 이미 검토 중입니다."]}
    with pytest.raises(RecordInvalid) as exc:
        services.review_decide(review=review, result="passed", actor=it, decided_on=date(2025, 3, 1))
    assert exc.value.errors == {"__all__": ["결정일은 요청일보다 빠를 수 없습니다."]}
    services.review_decide(review=review, result="passed", actor=it, decided_on=date(2025, 3, 2))
    with pytest.raises(RecordInvalid) as exc:
        services.review_decide(review=review, result="failed", findings="x", actor=it)
    assert exc.value.errors == {"result": ["이미 결정된 검토입니다. 다시 검토하려면 새로 요청하세요."]}


def test_reviews_are_read_only_on_the_record_pages(project):
    from cityhall.core.services import record_create as generic_create

    with pytest.raises(PermissionDenied):
        generic_create(
            rtype=record_type_for(ProjectReview),
            data={"project": "new-portal", "kind": "feasibility", "requested_on": "2025-01-02"},
            actor=SYSTEM,
        )


def test_wifi_sites_are_counted_once_they_operate(sample):
    WifiSite.objects.filter(code="sample-wifi-001").update(status="removed")
    total, _ = selectors.wifi_summary(2024)
    assert (total.count, total.matches) == (591, False)


def test_an_asset_sits_in_one_of_its_departments_facilities(db):
    rtype = record_type_for(Asset)
    data = {
        "code": "srv-9",
        "kind": "server",
        "name": "서버",
        "department": "info-comm",
        "acquired_on": "2024-01-02",
    }
    assert record_create(rtype=rtype, data={**data, "room": "전산실"}, actor=SYSTEM).room == "전산실"
    with pytest.raises(RecordInvalid) as exc:
        record_create(rtype=rtype, data={**data, "code": "srv-10", "room": "지하 창고"}, actor=SYSTEM)
    assert exc.value.errors == {"room": ["설치 장소는 관리부서의 시설 중 하나여야 합니다: 전산실, 통신실"]}


def test_the_machine_rooms_inventory_counts_the_samples(sample):
    rooms = dict(selectors.machine_rooms())
    assert dict(rooms["전산실"]) == {
        "서버": 12,
        "스토리지": 3,
        "네트워크 장비": 2,
        "정보보호시스템": 31,
        "UPS": 2,
        "항온항습기": 2,
    }
