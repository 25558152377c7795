"""The office calendar page and its per-user iCalendar feed (Gimpo 2025, today pinned to 2025-04-15)."""

import html
from datetime import date

import pytest
from django.core import signing
from django.urls import reverse
from icalendar import Calendar

from cityhall.organisation.models import RoleAssignment
from cityhall.plans import feeds, selectors
from cityhall.plans.models import Milestone

TODAY = "2025-04-15"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setenv("CITYHALL_TODAY", TODAY)


@pytest.fixture
def viewer_client(client, roles):
    client.force_login(roles["viewer"])
    return client


def feed_url(user, **query) -> str:
    url = reverse("plans:calendar_feed", args=[feeds.feed_token(user)])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def uid(task_code: str, order: int) -> str:
    return f"milestone-{Milestone.objects.get(task__code=task_code, order=order).pk}@gimpo-2025.cityhall"


def events_by_uid(cal: Calendar) -> dict:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


# -- page -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/calendar/", "/calendar/?department=info-comm"])
def test_access(client, roles, url):
    assert reverse("plans:calendar") == "/calendar/"
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(roles["norole"])
    assert client.get(url).status_code == 403
    client.force_login(roles["viewer"])
    assert client.get(url).status_code == 200


def test_calendar_selector_places_every_milestone(db):
    cal = selectors.office_calendar(department=None, year=2025, today=date(2025, 4, 15))
    assert (cal.total, cal.overdue_count, cal.this_month_count) == (31, 6, 11)
    assert len(cal.earlier) == 8  # the 2023–2024 추진현황 entries
    assert (cal.later, cal.undated) == ([], [])
    in_months = {m.pk for month in cal.months for m in month.starting}
    assert len(in_months) == 23  # with the preemption system's trial and full operation
    april = cal.months[3]
    assert april.is_current and not cal.months[2].is_current
    assert april.starting[0].action == "보상금 지급대상 및 보상금액 결정(지역소음대책심의위원회)"
    assert len(april.starting) == 4 and len(april.continuing) == 7
    # "2025. 3. ~ 4." runs in March and April, not May
    m = Milestone.objects.get(task__code="smart-city-2", order=3)
    assert m.pk in {x.pk for x in cal.months[2].starting}
    assert m.pk in {x.pk for x in april.continuing}
    assert m.pk not in {x.pk for x in cal.months[4].milestones}
    # overdue counted in the month the step was due
    assert [month.overdue_count for month in cal.months[:4]] == [0, 4, 2, 0]


def test_calendar_page_months_highlights_and_earlier_entries(viewer_client):
    html = viewer_client.get("/calendar/").content.decode()
    assert "<h1>2025년 추진일정</h1>" in html and html.count("<h1") == 1
    for month in range(1, 13):
        assert f'id="month-{month}-h">{month}월' in html
    assert '<section class="month current" aria-labelledby="month-4-h">' in html
    assert '<p class="figure">31</p>' in html and '<p class="figure bad">6</p>' in html
    assert '<span class="badge bad">지연</span>' in html
    assert '<span class="badge this-month">이번 달</span>' in html
    assert "이전 추진현황 (2025년 이전에 시작)" in html
    earlier = html[html.index('id="earlier-h"') :]
    assert "광역 긴급차량 우선신호시스템 장비 구축(경기도 ITS사업)" in earlier
    assert "[스마트도시과]</span> 교통신호제어기 온라인신호 전환" in html
    assert 'href="/reports/departments/info-comm-plan.xlsx"' in html
    assert 'href="/reports/departments/info-comm-plan.hwpx"' in html


def test_calendar_filter_by_department(viewer_client):
    html = viewer_client.get("/calendar/?department=smart-city").content.decode()
    assert "[정책기획과]" not in html
    assert '<p class="figure">14</p>' in html
    assert 'href="/reports/departments/smart-city-plan.hwpx"' in html
    partial = viewer_client.get("/calendar/?department=smart-city", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and '<p class="figure">14</p>' in partial


@pytest.mark.parametrize("value", ["nope", "../../etc", "정책기획과"])
def test_calendar_unknown_department_is_a_korean_400(viewer_client, value):
    response = viewer_client.get("/calendar/", {"department": value})
    assert response.status_code == 400
    shown = value if len(value) <= 20 else value[:20] + "…"
    assert f"부서(department): '{shown}'은(는) 고를 수 있는 값이 아닙니다." in html.unescape(
        response.content.decode()
    )


def test_calendar_query_count_is_bounded(viewer_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert viewer_client.get("/calendar/").status_code == 200


def test_calendar_shows_the_users_subscription_url(client, roles):
    client.force_login(roles["viewer"])
    html = client.get("/calendar/").content.decode()
    token = feeds.feed_token(roles["viewer"])
    assert f'value="http://testserver/calendar/feed/{token}.ics"' in html
    html = client.get("/calendar/?department=smart-city").content.decode()
    assert f"/calendar/feed/{token}.ics?department=smart-city" in html


# -- feed -----------------------------------------------------------------------------------------


def test_feed_token_is_stable_per_user_and_salted(roles):
    viewer, editor = roles["viewer"], roles["editor"]
    assert feeds.feed_token(viewer) == feeds.feed_token(viewer)
    assert feeds.feed_token(viewer) != feeds.feed_token(editor)
    assert feeds.feed_token(viewer) != signing.Signer().sign(str(viewer.pk))  # salted
    assert feeds.user_for_token(feeds.feed_token(viewer)) == viewer


def test_feed_has_exact_all_day_events(client, roles):
    cal = parse(client.get(feed_url(roles["viewer"])))
    assert str(cal["X-WR-CALNAME"]) == "기획조정실 추진일정"
    assert str(cal["X-WR-TIMEZONE"]) == "Asia/Seoul"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Seoul"]
    events = events_by_uid(cal)
    assert len(events) == 31
    m = Milestone.objects.get(task__code="smart-city-2", order=3)
    event = events[f"milestone-{m.pk}@gimpo-2025.cityhall"]
    assert event.decoded("DTSTART") == date(2025, 3, 1)
    assert event.decoded("DTEND") == date(2025, 5, 1)  # exclusive: the day after 2025-04-30
    assert str(event["SUMMARY"]) == "[스마트도시과] 교통신호제어기 온라인신호 전환"
    description = str(event["DESCRIPTION"])
    assert "과제: 2. 시민 안전 긴급차량 우선신호시스템 운영" in description
    assert "기간: 2025. 3. ~ 4." in description
    assert "출처: IV.4.2 · 1074행" in description
    # a single month, the whole plan year, and an open-ended entry
    single = events[uid("policy-planning-1", 1)]
    assert (single.decoded("DTSTART"), single.decoded("DTEND")) == (date(2025, 2, 1), date(2025, 3, 1))
    year = events[uid("smart-city-1", 1)]
    assert (year.decoded("DTSTART"), year.decoded("DTEND")) == (date(2025, 1, 1), date(2026, 1, 1))
    open_ended = events[uid("policy-planning-5", 3)]
    assert open_ended.decoded("DTSTART") == date(2024, 1, 1) and "DTEND" not in open_ended
    assert "(종료일 미정)" in str(open_ended["DESCRIPTION"])


def test_feed_uids_are_stable_and_done_is_described(client, roles):
    first = events_by_uid(parse(client.get(feed_url(roles["viewer"]))))
    Milestone.objects.filter(task__code="smart-city-2", order=3).update(done=True, done_on=date(2025, 4, 10))
    second = events_by_uid(parse(client.get(feed_url(roles["viewer"]))))
    assert set(first) == set(second)
    m = Milestone.objects.get(task__code="smart-city-2", order=3)
    assert "완료 (2025-04-10)" in str(second[f"milestone-{m.pk}@gimpo-2025.cityhall"]["DESCRIPTION"])


def test_feed_filtered_by_department(client, roles):
    cal = parse(client.get(feed_url(roles["viewer"], department="smart-city")))
    assert str(cal["X-WR-CALNAME"]) == "기획조정실 추진일정 · 스마트도시과"
    summaries = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert len(summaries) == 14
    assert all(s.startswith("[스마트도시과] ") for s in summaries)
    assert client.get(feed_url(roles["viewer"], department="nope")).status_code == 400


def test_bad_or_tampered_token_is_404(client, roles):
    viewer, norole = roles["viewer"], roles["norole"]
    token = feeds.feed_token(viewer)
    user_id, signature = token.split(":", 1)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    forged = f"{roles['director'].pk}:{signature}"  # another user's id under this signature
    unsalted = signing.Signer().sign(str(viewer.pk))
    for bad in ["garbage", tampered, forged, unsalted, f"{user_id}:"]:
        assert client.get(f"/calendar/feed/{bad}.ics").status_code == 404, bad
    # a signed id of a user without a role, or of a deactivated one, is no subscription either
    assert client.get(feed_url(norole)).status_code == 404
    viewer.is_active = False
    viewer.save()
    assert client.get(feed_url(viewer)).status_code == 404


def test_feed_stops_when_the_role_is_taken_away(client, roles):
    editor = roles["editor"]
    assert client.get(feed_url(editor)).status_code == 200
    RoleAssignment.objects.filter(user=editor).delete()
    assert client.get(feed_url(editor)).status_code == 404


def test_feed_query_count_is_bounded(client, roles, django_assert_max_num_queries):
    url = feed_url(roles["viewer"])
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200
