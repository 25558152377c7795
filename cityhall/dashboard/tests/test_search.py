"""The site search at /search/?q=… over every record type's search fields."""

import re
from urllib.parse import quote

import pytest

from cityhall.committees.models import Committee, CommitteeMember
from cityhall.core.records import REGISTRY
from cityhall.plans.models import Figure, Milestone, TaskItem, WorkPlanTask

URL = "/search/"
HINT = "검색어를 두 글자 이상 입력하세요."

pytestmark = pytest.mark.django_db


def search(client, q, headers=None):
    return client.get(URL, {"q": q}, headers=headers or {})


def groups_of(response) -> dict:
    return {g.rtype.name: g for g in response.context["groups"]}


def test_anonymous_is_sent_to_login(client):
    response = search(client, "가로등")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_user_without_a_role_is_refused(client, roles):
    client.force_login(roles["norole"])
    assert search(client, "가로등").status_code == 403


@pytest.mark.parametrize("q", ["", "   ", "가", "a"])
def test_short_queries_get_a_hint_and_no_search(client, roles, q, django_assert_max_num_queries):
    client.force_login(roles["viewer"])
    with django_assert_max_num_queries(4):  # session, user, roles: no record query
        response = search(client, q)
    assert response.status_code == 200
    assert HINT in response.content.decode()
    assert response.context["groups"] == []


def test_no_query_at_all(client, roles):
    client.force_login(roles["viewer"])
    response = client.get(URL)
    assert response.status_code == 200 and HINT in response.content.decode()
    assert '<label for="search-q">검색어</label>' in response.content.decode()


def test_too_long_query(client, roles):
    client.force_login(roles["viewer"])
    response = search(client, "가" * 101)
    assert response.status_code == 200
    assert "검색어는 100자 이하로 입력하세요." in response.content.decode()


def test_streetlights_across_types(client, roles):
    client.force_login(roles["viewer"])
    response = search(client, "가로등")
    assert response.status_code == 200
    groups = groups_of(response)
    assert list(groups) == [
        "work_plan_tasks",
        "task_items",
        "milestones",
        "achievements",
        "achievement_items",
        "figures",
        "programs",
        "equipment",
    ]
    assert groups["task_items"].count == TaskItem.objects.filter(text__contains="가로등").count() == 4
    content = response.content.decode()
    assert "‘가로등’ 검색 결과 34건" in content
    assert '<h2 id="result-task_items">과제 내용 <span class="badge">4</span></h2>' in content
    assert '<a href="/tasks/smart-city-1/">1. 사물인터넷(IoT) 스마트가로등 운영</a>' in content
    # items and milestones lead to their task's page
    assert {hit.path for hit in groups["task_items"].hits} == {"/tasks/smart-city-1/"}
    milestone = Milestone.objects.get(action__contains="가로등")
    assert groups["milestones"].hits[0].path == f"/tasks/{milestone.task.code}/"
    assert groups["milestones"].hits[0].record_path == f"/records/milestones/{milestone.pk}/"
    # other records go to their generic page, with their source
    figure = groups["figures"].hits[0]
    assert re.fullmatch(r"/records/figures/\d+/", figure.path)
    assert f'<a class="source" href="{figure.record_path}">{figure.source_label}</a>' in content


def test_law_partial_word(client, roles):
    client.force_login(roles["viewer"])
    groups = groups_of(search(client, "법률"))
    assert groups["work_plan_tasks"].count == WorkPlanTask.objects.filter(title__contains="법률").count() == 1
    assert groups["task_items"].count == 7
    assert groups["services"].count == 1  # 무료법률상담실
    assert sum(g.count for g in groups.values()) == 15


def test_departments_and_teams_link_to_their_pages(client, roles):
    client.force_login(roles["viewer"])
    response = search(client, "스마트도시")
    paths = [hit.path for hit in groups_of(response)["org_units"].hits]
    assert paths == ["/departments/smart-city/", "/teams/smart-city-team/"]


def test_snippet_shows_the_match_in_longer_text(client, roles):
    client.force_login(roles["viewer"])
    response = search(client, "부시장")
    committees = groups_of(response)["committees"]
    assert committees.count == Committee.objects.filter(chair__contains="부시장").count()
    assert "<mark>부시장</mark>" in response.content.decode()


def test_many_results_are_cut_with_a_more_link(client, roles):
    client.force_login(roles["viewer"])
    response = search(client, "스마트")
    figures = groups_of(response)["figures"]
    expected = Figure.objects.filter(label__icontains="스마트").count()
    assert figures.count == expected == 27
    assert len(figures.hits) == 20
    link = f"/records/figures/?q={quote('스마트')}"
    assert figures.more_path == link
    assert f'<a href="{link}">기재 수치 27건 모두 보기</a>' in response.content.decode()
    assert groups_of(response)["task_items"].more_path is None


def test_personal_names_are_masked(client, roles):
    committee = Committee.objects.get(name="통합관제 운영위원회")
    CommitteeMember.objects.create(committee=committee, name="홍길동", affiliation="김포시")
    client.force_login(roles["viewer"])
    response = search(client, "홍길동")
    group = groups_of(response)["committee_members"]
    assert [hit.title for hit in group.hits] == ["통합관제 운영위원회 · 홍*동"]
    content = response.content.decode()
    assert "통합관제 운영위원회 · 홍*동" in content
    assert "· 홍길동" not in content


def test_special_characters_are_plain_text(client, roles):
    client.force_login(roles["viewer"])
    for q in ["%%", "__", "<script>", "' OR 1=1 --"]:
        response = search(client, q)
        assert response.status_code == 200
        assert "<script>" not in response.content.decode().split("<main", 1)[1]
    response = search(client, "가로등\x00")  # a control character is refused, like in every parameter
    assert response.status_code == 400
    assert "검색어(q): 제어 문자(NUL 등)는 쓸 수 없습니다." in response.content.decode()


def test_htmx_gets_the_results_only(client, roles):
    client.force_login(roles["viewer"])
    response = search(client, "가로등", headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "<html" not in content and "‘가로등’ 검색 결과 34건" in content


def test_no_results(client, roles):
    client.force_login(roles["viewer"])
    content = search(client, "없는검색어").content.decode()
    assert "‘없는검색어’에 대한 검색 결과가 없습니다." in content


def test_query_count_is_bounded(client, roles, django_assert_max_num_queries):
    searchable = sum(1 for rtype in REGISTRY.values() if rtype.search)
    client.force_login(roles["viewer"])
    with django_assert_max_num_queries(4 + 2 * searchable):
        assert search(client, "정보").status_code == 200
