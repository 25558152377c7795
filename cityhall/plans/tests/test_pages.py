"""The work-plan pages: task list and task page, with the milestone done toggle (Gimpo 2025, today pinned)."""

import html

import pytest
from django.urls import reverse

from cityhall.core.models import AuditEvent
from cityhall.plans import selectors
from cityhall.plans.models import Milestone, WorkPlanTask

TODAY = "2025-04-15"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setenv("CITYHALL_TODAY", TODAY)


@pytest.fixture
def viewer_client(client, roles):
    client.force_login(roles["viewer"])
    return client


def milestone(task_code: str, order: int) -> Milestone:
    return Milestone.objects.select_related("task").get(task__code=task_code, order=order)


# -- access ---------------------------------------------------------------------------------------

PAGES = ["/tasks/", "/tasks/?department=smart-city", "/tasks/smart-city-2/", "/tasks/policy-planning-6/"]


@pytest.mark.parametrize("url", PAGES)
def test_role_holder_sees_page(viewer_client, url):
    assert viewer_client.get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", PAGES)
def test_user_without_role_is_refused(client, roles, url):
    client.force_login(roles["norole"])
    assert client.get(url).status_code == 403


def test_url_names():
    assert reverse("plans:task_list") == "/tasks/"
    assert reverse("plans:task", args=["smart-city-2"]) == "/tasks/smart-city-2/"


# -- task list ------------------------------------------------------------------------------------


def test_task_list_shows_all_24_tasks_grouped_by_department(viewer_client):
    html = viewer_client.get("/tasks/").content.decode()
    assert html.count('<th scope="row"><a href="/tasks/') == 24
    assert "과제 24건 · 지연된 일정 6건" in html
    codes = ("policy-planning", "budget-legal", "info-comm", "smart-city")
    positions = [html.index(f'id="dept-{code}"') for code in codes]
    assert positions == sorted(positions)
    assert '정책기획과 <span class="muted">과제 6건' in html
    assert '정보통신과 <span class="muted">과제 7건' in html
    assert '스마트도시과 <span class="muted">과제 5건' in html
    # owners: department head and team lead (linked to the team page)
    assert '<a href="/departments/smart-city/">이미화</a>' in html
    assert '<a href="/teams/traffic-info/">최은경</a> <span class="muted">교통정보팀장</span>' in html
    # reports linked per department
    assert 'href="/reports/departments/smart-city-plan.xlsx"' in html
    assert 'href="/reports/departments/smart-city-plan.hwpx"' in html


def test_task_list_counts_milestones_next_and_overdue(db):
    from datetime import date

    units = selectors.departments()
    groups = selectors.task_list(department=None, units=units, today=date(2025, 4, 15))
    tasks = {t.code: t for g in groups for t in g.tasks}
    assert len(tasks) == 24
    task = tasks["smart-city-2"]
    assert (task.milestone_count, task.overdue_count) == (6, 1)
    assert task.next_milestone.action == "교통신호제어기 온라인신호 전환"
    assert [o.person.name for o in task.department_heads] == ["이미화"]
    assert [o.person.name for o in task.team_leads] == ["최은경"]
    assert (tasks["smart-city-5"].milestone_count, tasks["smart-city-5"].overdue_count) == (5, 0)
    assert tasks["smart-city-5"].next_milestone.period == "2025. 1. ~ 6."
    # only past reports (추진현황): no next milestone, nothing overdue
    reports_only = tasks["policy-planning-5"]
    assert (reports_only.milestone_count, reports_only.next_milestone) == (3, None)
    assert tasks["policy-planning-2"].milestone_count == 0
    assert sum(t.overdue_count for t in tasks.values()) == 6
    # a day later in the year: more is overdue, and the next step moves on
    later = selectors.task_list(department=None, units=units, today=date(2025, 5, 2))
    task = {t.code: t for g in later for t in g.tasks}["smart-city-2"]
    assert task.overdue_count == 2
    assert task.next_milestone.action == "광역 긴급차량 우선신호 연계(경기도-김포시)"


def test_task_list_marks_done_milestones_as_not_overdue(db):
    from datetime import date

    Milestone.objects.filter(task__code="smart-city-2", order=2).update(done=True)
    units = selectors.departments()
    groups = selectors.task_list(department=None, units=units, today=date(2025, 4, 15))
    task = {t.code: t for g in groups for t in g.tasks}["smart-city-2"]
    assert task.overdue_count == 0


def test_task_list_filter_by_department(viewer_client):
    html = viewer_client.get("/tasks/?department=smart-city").content.decode()
    assert 'id="dept-smart-city"' in html
    assert 'id="dept-policy-planning"' not in html
    assert html.count('<th scope="row"><a href="/tasks/') == 5
    assert '<option value="smart-city" selected>' in html


def test_task_list_filter_with_htmx_returns_the_partial(viewer_client):
    response = viewer_client.get("/tasks/?department=info-comm", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.count('<th scope="row"><a href="/tasks/') == 7
    assert "과제 7건 · 지연된 일정 3건" in html


def test_htmx_history_restore_gets_the_whole_page(viewer_client):
    response = viewer_client.get(
        "/tasks/?department=info-comm", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("value", ["nope", "smart-city-2", "x" * 300, "team-leader';--"])
def test_task_list_unknown_department_is_a_korean_400(viewer_client, value):
    response = viewer_client.get("/tasks/", {"department": value})
    assert response.status_code == 400
    shown = value if len(value) <= 20 else value[:20] + "…"
    assert f"부서(department): '{shown}'은(는) 고를 수 있는 값이 아닙니다." in html.unescape(
        response.content.decode()
    )


def test_task_list_query_count_is_bounded(viewer_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        assert viewer_client.get("/tasks/").status_code == 200


# -- task page ------------------------------------------------------------------------------------


def test_task_page_shows_goals_items_and_sources(viewer_client):
    html = viewer_client.get("/tasks/smart-city-2/").content.decode()
    assert "<h1>2. 시민 안전 긴급차량 우선신호시스템 운영</h1>" in html
    assert html.count("<h1") == 1
    assert "❖</span> 화재, 구급 등 응급·재난 시 긴급차량(소방, 구급차 등)의 경로 최적화" in html
    assert '<h2 id="kind-action-h">추진내용</h2>' in html
    assert "<h3>사업개요</h3>" in html
    assert "<li>소요예산 : 223,032천원</li>" in html
    # nested by level: the level-1 line sits inside the level-0 item before it
    assert '<li>사업기간 : 2025. 1. ~ 12.<ul class="items level-1">' in html
    task = WorkPlanTask.objects.get(code="smart-city-2")
    assert f'<a class="source" href="/records/work-plan-tasks/{task.pk}/">IV.4.2 · 1052행</a>' in html
    # source lines: labels and the exact text of the seed's lines
    assert "출처 IV.4.2 · 1060–1075행" in html  # the trial and full operation stand on 1060
    assert "원문 보기" in html
    line_1074 = "- 2025. 3. ~ 4. : 교통신호제어기 온라인신호 전환"
    assert f'<span class="ln">1074</span> <span class="lt">{line_1074}</span>' in html
    assert '<span class="ln">1059</span> <span class="lt">- 사업기간 : 2025. 1. ~ 12.</span>' in html


def test_task_page_timeline_and_milestone_table(viewer_client):
    html = viewer_client.get("/tasks/smart-city-2/").content.decode()
    assert '<svg class="chart timeline"' in html and 'role="img"' in html
    assert "2025년 추진일정 5건: 2025. 1. ~ 2. 온라인신호 전환 용역 발주(협상에 의한 계약) (지연)" in html
    assert 'class="today"' in html and "2025-04-15" in html
    # bars: March–April starts at the March line and spans two of twelve 64-px months
    assert '<rect x="172.0" y="56" width="128.0" height="18" rx="3">' in html
    # the accessible table has every milestone, the 2023 progress entry too
    m = milestone("smart-city-2", 3)
    assert f'id="milestone-{m.pk}"' in html
    assert "광역 긴급차량 우선신호시스템 장비 구축(경기도 ITS사업)" in html
    assert '<span class="badge bad">지연</span>' in html
    assert f'<a class="source" href="/records/milestones/{m.pk}/">IV.4.2 · 1074행</a>' in html


def test_task_page_owners_partners(viewer_client):
    html = viewer_client.get("/tasks/smart-city-3/").content.decode()
    assert '<a href="/teams/traffic-info/">최은경</a>' in html
    assert "<td>4961</td>" in html and "<td>4964</td>" in html
    assert '<a href="/departments/smart-city/">스마트도시과</a>' in html
    assert "대중교통과" in html and "도로관리과" in html
    assert "출처 IV.4.3 · " in html


def test_task_page_programs_with_budgets(viewer_client):
    html = viewer_client.get("/tasks/smart-city-5/").content.decode()
    assert "(단위: 천원)" in html
    assert '<td class="num">980,000</td>' in html
    # the parts of p11 and p12 (400,000 + 120,000 + 400,000 + 980,000) and p13 (228,000): IV.5's 1,816 + 312
    assert '<td class="num">2,128,000</td>' in html
    assert "국·도비 36,000, 시비 84,000" in html
    html = viewer_client.get("/tasks/policy-planning-6/").content.decode()
    assert '<td class="num">572,000</td>' in html
    html = viewer_client.get("/tasks/info-comm-3/").content.decode()
    assert "비예산" in html


def test_task_page_unknown_code_is_404(viewer_client):
    assert viewer_client.get("/tasks/no-such-task/").status_code == 404


def test_task_page_query_count_is_bounded(viewer_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert viewer_client.get("/tasks/smart-city-5/").status_code == 200


def test_edit_links_and_toggle_only_for_editors_of_the_department(client, roles):
    m = milestone("smart-city-2", 3)
    edit = f'href="/records/milestones/{m.pk}/edit/"'
    toggle = reverse("plans:milestone_done", args=["smart-city-2", m.pk])
    for name, expected in [("viewer", False), ("other_editor", False), ("editor", True), ("director", True)]:
        client.force_login(roles[name])
        html = client.get("/tasks/smart-city-2/").content.decode()
        assert (edit in html) is expected, name
        assert (toggle in html) is expected, name


# -- marking a milestone done ---------------------------------------------------------------------


def test_editor_marks_a_milestone_done_and_it_is_audited(client, roles):
    m = milestone("smart-city-2", 3)
    url = reverse("plans:milestone_done", args=["smart-city-2", m.pk])
    client.force_login(roles["editor"])
    response = client.post(url, {"done": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith(f'<tr id="milestone-{m.pk}"')
    assert "완료 취소" in html and "2025-04-15" in html
    assert '<td class="num">2</td>' in html  # keeps its number on the timeline
    m.refresh_from_db()
    assert (m.done, m.done_on.isoformat()) == (True, TODAY)
    event = AuditEvent.objects.get(record_type="milestones", record_id=m.pk, action="update")
    assert (event.actor, event.action) == ("sc-editor", "update")
    assert (event.before["done"], event.after["done"], event.after["done_on"]) == (False, True, TODAY)

    response = client.post(url, {"done": "0"}, HTTP_HX_REQUEST="true")
    assert "완료로 표시" in response.content.decode()
    m.refresh_from_db()
    assert (m.done, m.done_on) == (False, None)
    assert AuditEvent.objects.filter(record_type="milestones", record_id=m.pk, action="update").count() == 2


def test_marking_done_without_htmx_redirects_to_the_task(client, roles):
    m = milestone("smart-city-2", 2)
    client.force_login(roles["director"])
    response = client.post(reverse("plans:milestone_done", args=["smart-city-2", m.pk]), {"done": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/tasks/smart-city-2/#milestones"
    m.refresh_from_db()
    assert m.done


@pytest.mark.parametrize("who", ["viewer", "other_editor"])
def test_others_get_403_and_nothing_changes(client, roles, who):
    m = milestone("smart-city-2", 3)
    client.force_login(roles[who])
    response = client.post(
        reverse("plans:milestone_done", args=["smart-city-2", m.pk]), {"done": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 403
    m.refresh_from_db()
    assert (m.done, m.done_on) == (False, None)
    assert not AuditEvent.objects.filter(record_type="milestones", record_id=m.pk, action="update").exists()


def test_toggle_refuses_anonymous_no_role_bad_input_and_wrong_task(client, roles):
    m = milestone("smart-city-2", 3)
    url = reverse("plans:milestone_done", args=["smart-city-2", m.pk])
    assert client.post(url, {"done": "1"}).status_code == 302
    client.force_login(roles["norole"])
    assert client.post(url, {"done": "1"}).status_code == 403
    client.force_login(roles["editor"])
    assert client.post(url, {"done": "yes"}).status_code == 400
    assert client.post(url, {}).status_code == 400
    assert client.get(url).status_code == 405
    wrong = reverse("plans:milestone_done", args=["smart-city-3", m.pk])
    assert client.post(wrong, {"done": "1"}).status_code == 404
    m.refresh_from_db()
    assert not m.done
    assert not AuditEvent.objects.filter(record_type="milestones", record_id=m.pk, action="update").exists()


def test_csrf_is_enforced(roles):
    from django.test import Client

    m = milestone("smart-city-2", 3)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(roles["editor"])
    url = reverse("plans:milestone_done", args=["smart-city-2", m.pk])
    assert strict.post(url, {"done": "1"}).status_code == 403
    m.refresh_from_db()
    assert not m.done


def test_every_task_page_renders(viewer_client):
    codes = list(WorkPlanTask.objects.values_list("code", flat=True))
    assert len(codes) == 24
    for code in codes:
        response = viewer_client.get(f"/tasks/{code}/")
        assert response.status_code == 200, code
        assert response.content.decode().count("<h1") == 1


def test_task_page_cites_the_lines_of_goals_and_program_values(viewer_client):
    html = viewer_client.get("/tasks/policy-planning-6/").content.decode()
    assert "출처 IV.1.6 · 560행" in html  # the goal stands under the title line (558)
    # the compensation's scale and budget (564–565), the merged 부서 cells and the tables' rows
    assert "출처 IV.1.6 · 562–594행" in html
    assert (
        '<span class="ln">565</span> <span class="lt">- 소요예산 : 약 40,000천원 (국비 100%)</span>' in html
    )
    assert '<td class="num">약 40,000</td>' in html
    assert "국비 약 40,000 (100%)" in html
