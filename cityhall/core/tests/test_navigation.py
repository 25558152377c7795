"""The header menu: sections filled by the apps, the current page found by its longest prefix, and
only the public pages for anyone without a role."""

import pytest
from django.test import RequestFactory

from cityhall.core.navigation import navigation, register_nav


def _menu(user, path):
    request = RequestFactory().get(path)
    request.user = user
    return navigation(request)


def _labels(section):
    return [str(item["label"]) for item in section["items"]]


def test_staff_see_every_department_section_with_its_pages(roles):
    menu = _menu(roles["viewer"], "/")

    sections = {str(s["label"]): _labels(s) for s in menu["nav_sections"]}
    assert list(sections) == ["실 공통", "정책기획", "예산법무", "정보통신", "스마트도시"]
    assert sections["실 공통"][:4] == ["대시보드", "조직", "업무계획", "일정"]
    assert sections["스마트도시"] == ["스마트가로등", "교통 디지털트윈", "버스정보", "CCTV 관제", "공간정보"]
    assert "군 협력·군소음" in sections["정책기획"] and "규제혁신" in sections["정책기획"]


def test_the_longest_matching_prefix_is_the_current_page(roles):
    menu = _menu(roles["viewer"], "/organisation/diagnosis/")

    current = [str(i["label"]) for s in menu["nav_sections"] for i in s["items"] if i["current"]]
    assert current == ["조직진단"]  # not 조직 as well
    assert [str(s["label"]) for s in menu["nav_sections"] if s["current"]] == ["정책기획"]
    assert [
        str(i["label"])
        for s in _menu(roles["viewer"], "/teams/x/")["nav_sections"]
        for i in s["items"]
        if i["current"]
    ] == ["조직"]
    assert not any(
        i["current"] for s in _menu(roles["viewer"], "/nowhere/")["nav_sections"] for i in s["items"]
    )


def test_accounts_without_a_role_see_only_the_public_pages(roles, client):
    menu = _menu(roles["norole"], "/")

    assert menu["nav_sections"] == []
    assert "공약 이행 현황" in [str(i["label"]) for i in menu["nav_public"]]

    client.force_login(roles["norole"])
    page = client.get("/public/").content.decode()
    assert 'aria-label="주 메뉴"' not in page and 'aria-label="시민 메뉴"' in page and "로그아웃" in page


def test_a_page_registers_once_and_an_unknown_section_is_refused(roles):
    register_nav("office", "대시보드", "/", order=10)  # already there: ignored

    office = _menu(roles["viewer"], "/")["nav_sections"][0]
    assert _labels(office).count("대시보드") == 1

    with pytest.raises(ValueError, match="unknown menu section 'nowhere'"):
        register_nav("nowhere", "x", "/x/")


def test_an_entry_with_a_predicate_shows_only_to_those_it_names(roles):
    def labels(user):
        return [str(i["label"]) for s in _menu(user, "/")["nav_sections"] for i in s["items"]]

    # The failed-tasks page (jobs) is for the director and administrators.
    assert "실패한 작업" in labels(roles["director"])
    assert "실패한 작업" in labels(roles["admin"])
    for name in ("viewer", "editor", "manager", "other_editor"):
        assert "실패한 작업" not in labels(roles[name]), name
    current = [
        str(i["label"])
        for s in _menu(roles["admin"], "/jobs/failed/")["nav_sections"]
        for i in s["items"]
        if i["current"]
    ]
    assert current == ["실패한 작업"]
    # For someone who does not see it, the page is not "current" under another entry either.
    assert not any(
        i["current"] for s in _menu(roles["viewer"], "/jobs/failed/")["nav_sections"] for i in s["items"]
    )


def test_a_permission_predicate(roles):
    from django.contrib.auth.models import Permission

    from cityhall.core import navigation

    register_nav(
        "budget", "예시 권한 페이지", "/example-perm/", visible=navigation.has_perm("jobs.view_jobfailure")
    )
    try:

        def labels(user):
            return [str(i["label"]) for s in _menu(user, "/")["nav_sections"] for i in s["items"]]

        editor = roles["editor"]
        assert "예시 권한 페이지" not in labels(editor)
        editor.user_permissions.add(Permission.objects.get(codename="view_jobfailure"))
        editor = type(editor).objects.get(pk=editor.pk)  # permissions are cached on the object
        assert "예시 권한 페이지" in labels(editor)
    finally:
        navigation._staff["budget"][:] = [e for e in navigation._staff["budget"] if e.url != "/example-perm/"]
