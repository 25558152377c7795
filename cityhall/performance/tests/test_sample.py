"""The labelled sample dataset: what it adds, that it says what the plan says, and its allocation."""

from cityhall.performance import services
from cityhall.performance.models import EvaluationCycle, Indicator, IndicatorActual, IndicatorGrade


def test_load_sample_adds_labelled_records_once(db):
    counts = services.performance_load_sample()
    assert counts == {
        "evaluation_cycles": 2,
        "incentive_rules": 1,
        "indicators": 20,
        "indicator_actuals": 13,
        "indicator_grades": 7,
    }
    assert not Indicator.objects.filter(sample=False).exists()
    assert not IndicatorActual.objects.filter(sample=False).exists()
    assert not IndicatorGrade.objects.filter(sample=False).exists()
    again = services.performance_load_sample()
    assert set(again.values()) == {0}


def test_sample_matches_the_plan_statements(db):
    services.performance_load_sample()
    # 2025년 신규지표 8개 (IV.1.3)
    assert Indicator.objects.filter(year=2025, is_new=True, source="provincial").count() == 8
    # 규제 관련 지표 4건 S등급 (II.1) and 정보보안 S등급 (II.3), 2024
    s_2024 = IndicatorGrade.objects.filter(indicator__year=2024, grade="S")
    assert s_2024.filter(indicator__department__code="policy-planning").count() == 4
    assert s_2024.filter(indicator__department__code="info-comm").count() == 1
    note = EvaluationCycle.objects.get(year=2024).result_note
    assert "7년 연속" in note and "경기도 4위 / 2그룹 3위" in note and "상사업비 2억원" in note


def test_sample_allocation_sums_to_the_pool(db):
    services.performance_load_sample()
    allocation = services.incentive_allocation(year=2024)
    assert allocation.total == 50_000_000
    print({r.department.code: (r.score, r.staff, r.amount) for r in allocation.results})
    print(allocation.results[0].explanation)


def test_sample_pages_render(client, roles, db):
    services.performance_load_sample()
    client.force_login(roles["viewer"])
    html = client.get("/performance/").content.decode()  # the latest year: 2025
    assert "2025년 성과관리" in html
    assert "지표 9개 · 시군종합평가 8개 · S등급 미달·미정 8개" in html
    html = client.get("/performance/?year=2024").content.decode()
    assert "지표 11개 · 시군종합평가 7개 · S등급 미달·미정 2개" in html
    assert "현재 단계: 환류" in html
    for code in ("s24-sc-cctv-repair", "s25-new-5", "s25-new-2"):
        assert client.get(f"/performance/indicators/{code}/").status_code == 200
    html = client.get("/performance/incentives/2024/").content.decode()
    assert 'id="alloc-total">50000000<' in html
    assert "예시 자료" in html
