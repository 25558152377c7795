"""The office dashboard at / and its plan-check panel, against the preloaded Gimpo 2025 dataset."""

import re

import pytest
from django.urls import reverse

from cityhall.committees.models import Committee
from cityhall.organisation.models import OrgUnit, Position
from cityhall.plans.models import Achievement, Milestone

URL = "/"
CHECK_URL = "/dashboard/plan-check/"
PINNED_TODAY = "2025-04-15"

pytestmark = pytest.mark.django_db


@pytest.fixture
def pinned_today(monkeypatch):
    monkeypatch.setenv("CITYHALL_TODAY", PINNED_TODAY)


def html(response) -> str:
    return response.content.decode()


def section(content: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by ``heading_id``."""
    start = content.index(f'aria-labelledby="{heading_id}"')
    end = content.find("<section", start)
    return content[start : end if end > 0 else len(content)]


def test_url_names():
    assert reverse("dashboard:home") == "/"
    assert reverse("dashboard:search") == "/search/"
    assert reverse("dashboard:plan_check") == CHECK_URL


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_user_without_a_role_sees_the_notice_and_no_data(client, roles):
    client.force_login(roles["norole"])
    response = client.get(URL)
    assert response.status_code == 200
    content = html(response)
    assert "아직 역할이 없습니다. 시스템 관리자에게 역할을 요청하세요." in content
    assert "<table" not in content
    assert "/api/v1/docs" not in content
    assert "64,415,421" not in content
    assert "staffing" not in response.context


def test_role_holder_sees_roles_and_api_docs_link(client, roles):
    client.force_login(roles["editor"])
    response = client.get(URL)
    assert response.status_code == 200
    content = html(response)
    assert "<li>편집자 · 스마트도시과</li>" in section(content, "roles-h")
    assert '<a href="/api/v1/docs">API 문서 (OpenAPI)</a>' in content
    assert content.count("<h1") == 1


def test_director_role_is_office_wide(client, roles):
    client.force_login(roles["director"])
    content = html(client.get(URL))
    assert "<li>실장 · 실 전체</li>" in content


def test_staffing_by_department_and_grade(client, roles):
    client.force_login(roles["viewer"])
    response = client.get(URL)
    staffing = response.context["staffing"]
    assert [label for _, label in staffing.grades] == ["4급", "5급", "6급", "7급", "8급", "9급"]
    rows = {row.unit.code: row for row in staffing.rows}
    assert list(rows) == ["policy-planning", "budget-legal", "info-comm", "smart-city"]
    assert [(r.quota, r.current) for r in rows.values()] == [(26, 17), (20, 20), (20, 19), (16, 15)]
    g7 = [g for g, _ in staffing.grades].index("g7")
    g6 = [g for g, _ in staffing.grades].index("g6")
    cell = rows["policy-planning"].cells[g7]
    assert (cell.quota, cell.current, cell.vacancies) == (11, 7, 4)
    over = rows["info-comm"].cells[g6]
    assert (over.quota, over.current, over.over) == (4, 5, 1)
    assert rows["budget-legal"].cells[0] is None  # no 4급 post
    assert staffing.grade_totals == [(1, 1), (4, 4), (22, 22), (34, 26), (15, 15), (6, 3)]
    assert (staffing.quota, staffing.current, staffing.difference) == (82, 71, 11)
    assert (staffing.vacancies, staffing.over) == (14, 3)
    assert staffing.supernumerary == 6
    assert staffing.team_count == 18
    assert [len(r.teams) for r in rows.values()] == [5, 5, 4, 4]

    content = section(html(response), "org-h")
    g7_position = Position.objects.get(org_unit__code="policy-planning", grade="g7")
    assert f'<a href="/records/positions/{g7_position.pk}/">11/7</a>' in content
    assert '<span class="badge warn">결원 4</span>' in content
    ic_g6 = Position.objects.get(org_unit__code="info-comm", grade="g6")
    assert re.search(
        rf'class="num over">\s*<a href="/records/positions/{ic_g6.pk}/">4/5</a>\s*'
        r'<br><span class="badge bad">초과 1</span>',
        content,
    )
    assert "<strong>16/15</strong>" in content
    assert "<strong>82/71</strong>" in content
    assert '<a href="/departments/smart-city/">스마트도시과</a>' in content
    assert "I.1 · 29행" in content
    assert '<th scope="col" class="num">정원외</th>' in content


def test_department_budgets_table_and_chart(client, roles):
    client.force_login(roles["viewer"])
    response = client.get(URL)
    budgets = response.context["budgets"]
    assert [(u.code, u.budget) for u in budgets.units] == [
        ("policy-planning", 750_548_000),
        ("budget-legal", 52_150_673_000),
        ("info-comm", 3_570_933_000),
        ("smart-city", 7_943_267_000),
    ]
    assert budgets.total == 64_415_421_000
    content = section(html(response), "budget-h")
    assert '<td class="num">7,943,267</td>' in content
    assert "<strong>64,415,421</strong>" in content
    assert "단위: 천원" in content
    assert '<td class="num">81.0</td>' in content  # 예산법무과's share
    svg = re.search(r"<svg[^>]*>", content).group(0)
    assert 'role="img"' in svg
    assert "스마트도시과 예산 7,943,267" in svg and "예산법무과 예산 52,150,673" in svg
    widest = max(budgets.chart["rows"], key=lambda row: row["segments"][0]["value"])
    assert widest["label"] == "예산법무과" and widest["segments"][0]["width"] == 380


def test_funding_sources(client, roles):
    client.force_login(roles["viewer"])
    response = client.get(URL)
    funding = response.context["funding"]
    assert [(s.label, s.amount, s.programs) for s in funding.sources] == [
        ("국비", 2_702_000_000, 3),  # with the ITS phase-2 project's 24.12억
        ("도비", 276_000_000, 10),
        ("시비", 588_000_000, 12),
        ("국·도비", 36_000_000, 1),
        ("특별교부세", 800_000_000, 3),
        ("특별조정교부금", 980_000_000, 2),
    ]
    assert funding.total == 5_382_000_000
    assert (funding.programs_total, funding.without_shares, funding.without_shares_non_budget) == (57, 37, 3)
    content = section(html(response), "funding-h")
    assert '<td class="num">588,000' in content
    assert "<strong>5,382,000</strong>" in content
    assert "사업 57건 중 재원이 기록되지 않은 사업 37건 (비예산 3건)." in content


def test_milestones_this_month_and_overdue(client, roles, pinned_today):
    client.force_login(roles["viewer"])
    response = client.get(URL)
    milestones = response.context["milestones"]
    overdue = [(m.task.code, m.period, m.days_overdue) for m in milestones.overdue]
    assert overdue == [
        ("policy-planning-1", "2025. 2.", 46),
        ("info-comm-4", "2025. 1. ~ 2.", 46),
        ("smart-city-2", "2025. 1. ~ 2.", 46),
        ("smart-city-3", "2025. 1. ~ 2.", 46),
        ("info-comm-1", "2025. 1. ~ 3.", 15),
        ("info-comm-2", "2025. 1. ~ 3.", 15),
    ]
    assert len(milestones.this_month) == 12
    assert all(m.period_start <= milestones.month_end for m in milestones.this_month)
    assert "2024. ~" in [m.period for m in milestones.this_month]  # open-ended: still under way
    content = section(html(response), "milestones-h")
    assert "오늘: 2025. 4. 15." in content
    assert "이번 달 일정 (2025년 4월)" in content
    assert '<span class="badge bad">46일 지연</span>' in content
    assert '<a href="/tasks/policy-planning-1/">' in content
    first = milestones.overdue[0]
    assert f'<a class="source" href="/records/milestones/{first.pk}/">IV.1.1 · 433행</a>' in content


def test_done_and_progress_milestones_are_never_overdue(client, roles, pinned_today):
    Milestone.objects.filter(task__code="policy-planning-1", period="2025. 2.").update(done=True)
    client.force_login(roles["viewer"])
    milestones = client.get(URL).context["milestones"]
    assert [(m.task.code, m.period, m.stage, m.done) for m in milestones.overdue] == [
        ("info-comm-4", "2025. 1. ~ 2.", "plan", False),
        ("smart-city-2", "2025. 1. ~ 2.", "plan", False),
        ("smart-city-3", "2025. 1. ~ 2.", "plan", False),
        ("info-comm-1", "2025. 1. ~ 3.", "plan", False),
        ("info-comm-2", "2025. 1. ~ 3.", "plan", False),
    ]


def test_milestones_long_after_the_plan_year(client, roles, monkeypatch):
    monkeypatch.setenv("CITYHALL_TODAY", "2026-11-25")
    client.force_login(roles["viewer"])
    milestones = client.get(URL).context["milestones"]
    # every planned step is overdue but the full operation from '25.8, which has no end
    assert len(milestones.overdue) == 22
    assert Milestone.objects.filter(stage="plan", done=False).count() == 23
    assert [m.period for m in milestones.this_month] == ["2024. ~", "'25.8월부터"]


def test_committees_per_department(client, roles):
    client.force_login(roles["viewer"])
    response = client.get(URL)
    groups = response.context["committee_groups"]
    assert [(g.unit.code, g.count, g.committee_count, g.council_count) for g in groups] == [
        ("policy-planning", 10, 7, 3),
        ("budget-legal", 9, 9, 0),
        ("info-comm", 2, 2, 0),
        ("smart-city", 1, 1, 0),
    ]
    assert response.context["committee_total"] == Committee.objects.count() == 22
    content = section(html(response), "committees-h")
    pattern = r"<tr>\s*<td>예산법무과</td>\s*<th scope=\"row\"><a[^>]*>주민참여예산 위원회</a>.*?</tr>"
    row = re.search(pattern, content, re.S)
    assert row and '<td class="num">45</td>' in row.group(0) and "<td>위창수 (위촉위원)</td>" in row.group(0)
    assert "위원회·협의체 22개" in content


def test_achievements_of_the_latest_year(client, roles):
    client.force_login(roles["viewer"])
    response = client.get(URL)
    assert response.context["achievement_year"] == 2024
    groups = response.context["achievement_groups"]
    assert [(g.unit.code, len(g.achievements)) for g in groups] == [
        ("policy-planning", 6),
        ("budget-legal", 7),
        ("info-comm", 4),
        ("smart-city", 9),
    ]
    content = section(html(response), "achievements-h")
    assert "2024년 주요성과" in content
    first = Achievement.objects.get(title="스마트가로등 서비스 운영")
    assert f'<a href="/records/achievements/{first.pk}/">스마트가로등 서비스 운영</a>' in content


def test_edit_links_follow_the_permissions(client, roles):
    smart_city = OrgUnit.objects.get(code="smart-city")
    policy = OrgUnit.objects.get(code="policy-planning")
    client.force_login(roles["editor"])
    content = html(client.get(URL))
    assert f"/records/org-units/{smart_city.pk}/edit/" in content
    assert f"/records/org-units/{policy.pk}/edit/" not in content
    committee = Committee.objects.get(org_unit=smart_city)
    assert f"/records/committees/{committee.pk}/edit/" in content

    client.force_login(roles["viewer"])
    assert "/edit/" not in html(client.get(URL))

    client.force_login(roles["director"])
    content = html(client.get(URL))
    assert f"/records/org-units/{policy.pk}/edit/" in content


def test_the_plan_check_panel_is_loaded_after_the_page(client, roles):
    client.force_login(roles["viewer"])
    content = section(html(client.get(URL)), "check-h")
    assert f'hx-get="{CHECK_URL}"' in content and 'hx-trigger="load"' in content
    assert f'<a href="{CHECK_URL}">' in content  # without JavaScript


def test_dashboard_query_count_is_bounded(client, roles, django_assert_max_num_queries):
    client.force_login(roles["editor"])
    with django_assert_max_num_queries(14):
        assert client.get(URL).status_code == 200


# -- the plan-check panel --------------------------------------------------------------------------


def test_plan_check_needs_a_role(client, roles):
    assert client.get(CHECK_URL).status_code == 302
    client.force_login(roles["norole"])
    assert client.get(CHECK_URL).status_code == 403


def test_plan_check_partial_lists_each_finding(client, roles):
    client.force_login(roles["viewer"])
    response = client.get(CHECK_URL, headers={"HX-Request": "true"})
    assert response.status_code == 200
    content = html(response)
    assert "<html" not in content
    assert "불일치 3건" in content
    rows = re.findall(r"<tr>\s*<td class=\"num\">(\d+)행</td>.*?</tr>", content, re.S)
    assert rows == ["586", "586", "591"]
    assert content.count('<td class="num">242,000천원</td>') == 2
    assert content.count('<td class="num">252,000천원</td>') == 2
    assert '<td class="num">20,000천원</td>' in content and '<td class="num">40,000천원</td>' in content
    assert "군부대 주변지역 지원사업 시비 합계" in content
    assert "참고 1건: 오류는 아니지만 함께 읽을 수치입니다." in content
    assert "261행 II.2 · 제3기 주민참여예산위원회 위원 수: 기재 42명, 비교 45명" in content


def test_plan_check_as_a_page(client, roles):
    client.force_login(roles["viewer"])
    content = html(client.get(CHECK_URL))
    assert "<h1>계획 수치 점검</h1>" in content and "591행" in content


def test_plan_check_consistent(client, roles, monkeypatch):
    monkeypatch.setattr("cityhall.dashboard.views.check_plan", lambda: [])
    client.force_login(roles["viewer"])
    content = html(client.get(CHECK_URL, headers={"HX-Request": "true"}))
    assert "계획서가 두 번 적은 수치가 모두 맞습니다." in content and "<table" not in content


def test_empty_dataset_renders(client, roles, empty_db):
    client.force_login(roles["admin"])
    response = client.get(URL)
    assert response.status_code == 200
    content = html(response)
    assert "기록된 주요성과가 없습니다." in content
    assert "재원이 기록된 사업이 없습니다." in content
