"""The organisation pages: the office, departments, teams and the public page, on the Gimpo 2025 plan."""

import pytest
from django.test import Client

from cityhall.budget.models import Program
from cityhall.organisation.models import OrgUnit, Person
from cityhall.plans.models import Vision

STAFF_PAGES = ["/organisation/", "/departments/smart-city/", "/teams/planning/"]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# -- who may see what ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_staff_pages_need_a_login(db, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_staff_pages_need_a_role(roles, url):
    assert client_for(roles["norole"]).get(url).status_code == 403


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_staff_pages_open_for_a_role_holder(roles, url):
    response = client_for(roles["viewer"]).get(url)
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


@pytest.mark.parametrize("url", [*STAFF_PAGES, "/public/"])
def test_pages_are_read_only(roles, url):
    assert client_for(roles["director"]).post(url).status_code == 405


def test_every_department_and_team_has_a_page(roles):
    client = client_for(roles["viewer"])
    departments = OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT)
    teams = OrgUnit.objects.filter(kind=OrgUnit.Kind.TEAM)
    assert (departments.count(), teams.count()) == (4, 18)
    for unit in departments:
        assert client.get(f"/departments/{unit.code}/").status_code == 200, unit.code
    for unit in teams:
        response = client.get(f"/teams/{unit.code}/")
        assert response.status_code == 200, unit.code
        assert f'href="/departments/{unit.parent.code}/"' in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/departments/nowhere/", "/teams/nowhere/", "/departments/planning/", "/teams/smart-city/"]
)
def test_unknown_codes_are_404(roles, url):
    assert client_for(roles["viewer"]).get(url).status_code == 404


# -- the office ----------------------------------------------------------------------------------


def test_office_page_shows_the_plan_figures(roles):
    html = client_for(roles["viewer"]).get("/organisation/").content.decode()
    assert "시민 중심의 70만 대도시 성장 기반 마련" in html  # vision
    assert "4과 18팀" in html
    assert "82/71" in html  # staffing total
    assert "34/26" in html  # 7급 total
    assert "16/15" in html  # 스마트도시과
    assert "26/17" in html and "개체" in html  # 정책기획과 and its note
    for budget in ("750,548", "52,150,673", "3,570,933", "7,943,267", "64,415,421"):
        assert budget in html
    for team in ("70상상팀", "도시안전정보센터", "의회법무팀"):
        assert team in html
    assert 'href="/departments/smart-city/"' in html
    assert 'href="/teams/urban-safety-center/"' in html
    assert 'href="/reports/office-summary.xlsx"' in html
    assert 'href="/reports/office-summary.hwpx"' in html
    # charts carry their numbers as text
    assert 'role="img"' in html
    assert "스마트도시과 예산 7,943,267" in html
    assert "I.1 · 21행" in html  # sources


def test_office_page_query_count(roles, django_assert_max_num_queries):
    client = client_for(roles["viewer"])
    with django_assert_max_num_queries(15):
        assert client.get("/organisation/").status_code == 200


def test_vision_edit_link_only_office_wide(roles):
    vision = Vision.objects.get()
    edit = f'href="/records/visions/{vision.pk}/edit/"'
    assert edit in client_for(roles["director"]).get("/organisation/").content.decode()
    assert edit not in client_for(roles["editor"]).get("/organisation/").content.decode()


# -- a department --------------------------------------------------------------------------------


def test_department_page_shows_the_department(roles):
    html = client_for(roles["viewer"]).get("/departments/smart-city/").content.decode()
    assert "<h1>스마트도시과</h1>" in html
    assert "7,943,267" in html  # 2025 budget
    assert "16/15" in html  # staffing
    assert "선별관제를 위한 지능형CCTV 확대설치" in html  # duties
    assert "통합관제시스템 운영유지" in html and "1,475,000" in html  # program 14
    assert "북부권 CCTV 설치" in html  # a part of 방법CCTV 확대설치
    assert "국비" in html and "250,000" in html and "(30%)" in html  # funding share of program 9
    assert 'href="/tasks/smart-city-1/"' in html  # work-plan tasks
    assert "지속가능한 미래 스마트도시 기반 조성" in html  # core task
    assert "통합관제 운영위원회" in html  # committee
    assert "스마트가로등 장비" in html and "CCTV 통합관제 장비" in html  # equipment by system
    assert "가로등 합계" in html and "638대" in html and "기지국 합계" in html  # 638 lights, 25 base stations
    assert "합계 합계" not in html
    assert ">703<" in html  # the CCTV centre's equipment
    assert "이미화" in html and "곽수진" in html and "4956" in html  # people and extensions
    assert "스마트가로등 서비스 운영" in html  # 2024 achievement
    assert 'href="/reports/office-summary.xlsx"' in html
    program = Program.objects.get(code="smart-city-p14")
    assert f'href="/records/programs/{program.pk}/"' in html
    assert "I.3 · 143행" in html


def test_department_page_shows_councils_and_facilities(roles):
    client = client_for(roles["viewer"])
    html = client.get("/departments/policy-planning/").content.decode()
    assert "대표협의체" in html and "협의체" in html  # councils
    assert "보구곶리 마을회관 정비 사업" in html  # military-area support programs
    html = client.get("/departments/info-comm/").content.decode()
    assert "전산실" in html and "통신실" in html  # facilities
    assert "20/19" in html


def test_department_page_query_count(roles, django_assert_max_num_queries):
    client = client_for(roles["editor"])
    for code in ("smart-city", "policy-planning"):
        with django_assert_max_num_queries(20):
            assert client.get(f"/departments/{code}/").status_code == 200


def test_edit_links_follow_permissions(roles):
    program = Program.objects.get(code="smart-city-p14")
    person = Person.objects.get(code="lee-minho")  # 정책기획과 기획팀장
    edit = f'href="/records/programs/{program.pk}/edit/"'
    assert edit not in client_for(roles["viewer"]).get("/departments/smart-city/").content.decode()
    assert edit in client_for(roles["editor"]).get("/departments/smart-city/").content.decode()
    assert edit in client_for(roles["director"]).get("/departments/smart-city/").content.decode()
    assert "/edit/" not in client_for(roles["other_editor"]).get("/departments/smart-city/").content.decode()
    person_edit = f'href="/records/people/{person.pk}/edit/"'
    assert (
        person_edit in client_for(roles["other_editor"]).get("/departments/policy-planning/").content.decode()
    )
    assert (
        person_edit not in client_for(roles["editor"]).get("/departments/policy-planning/").content.decode()
    )


def test_program_filter(roles):
    client = client_for(roles["viewer"])
    response = client.get("/departments/smart-city/", {"group": "main"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="group-main"' in html and 'id="group-achievement"' not in html
    response = client.get("/departments/smart-city/", {"group": "achievement"})
    html = response.content.decode()
    assert 'id="group-achievement"' in html and 'id="group-main"' not in html
    assert "6,367,000" in html  # the five 2024 programs (2,347,000 and ITS phase 2 4,020,000)


def test_program_filter_partial_for_htmx(roles):
    response = client_for(roles["viewer"]).get(
        "/departments/smart-city/", {"group": "main"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="programs"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<div id="programs">')
    assert "<html" not in html
    assert "통합관제시스템 운영유지" in html


@pytest.mark.parametrize("value", ["bogus", "military-area-support", "<script>"])
def test_bad_program_filter_is_400_in_korean(roles, value):
    response = client_for(roles["viewer"]).get("/departments/smart-city/", {"group": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert "이 부서에 없습니다" in html
    assert "<script>" not in html.split('id="programs"')[1]


# -- a team --------------------------------------------------------------------------------------


def test_team_page(roles):
    html = client_for(roles["viewer"]).get("/teams/urban-safety-center/").content.decode()
    assert "<h1>도시안전정보센터</h1>" in html
    assert "곽수진" in html and "4956" in html and "이상윤" in html
    assert 'href="/tasks/smart-city-5/"' in html  # the task its people own
    assert "북부권 CCTV 설치" in html and "400,000" in html  # programs of that task
    assert 'href="/departments/smart-city/"' in html


def test_team_tasks_through_their_people(roles):
    client = client_for(roles["viewer"])
    html = client.get("/teams/military-cooperation/").content.decode()
    assert 'href="/tasks/policy-planning-5/"' in html and 'href="/tasks/policy-planning-6/"' in html
    assert "/tasks/policy-planning-1/" not in html
    assert "군소음 피해지역 보상" in html  # program of task 6
    html = client.get("/teams/budget-2/").content.decode()
    for code in ("budget-legal-1", "budget-legal-2", "budget-legal-3"):
        assert f'href="/tasks/{code}/"' in html


def test_team_page_query_count(roles, django_assert_max_num_queries):
    client = client_for(roles["editor"])
    with django_assert_max_num_queries(12):
        assert client.get("/teams/urban-safety-center/").status_code == 200


# -- the public page -----------------------------------------------------------------------------


def test_public_page_needs_no_login(db):
    response = Client().get("/public/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "정책기획과" in html and "스마트도시과" in html
    assert "예산심의·편성·집행 및 관리 총괄" in html  # duties
    assert "70상상팀" in html  # teams
    assert "이민호" in html and "기획팀장" in html and "2051" in html  # contacts


def test_public_page_for_a_user_without_role(roles):
    assert client_for(roles["norole"]).get("/public/").status_code == 200


def test_public_page_shows_nothing_internal(db):
    html = Client().get("/public/").content.decode()
    assert "/records/" not in html  # no links into staff pages
    assert "/edit/" not in html and "수정" not in html
    assert "7,943,267" not in html and "52,150,673" not in html  # no budgets
    assert "82/71" not in html  # no staffing
    assert "파견" not in html  # a person's note is not published
    assert "/reports/" not in html


def test_public_page_query_count(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert Client().get("/public/").status_code == 200
