"""Deadline counting, worked by hand on the 2024–2026 calendars (holidays.KR, 관공서의 공휴일에 관한 규정)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import override_settings

from cityhall.core import deadlines
from cityhall.core.deadlines import DeadlineInvalid, due

KST = ZoneInfo("Asia/Seoul")


def at(*args):
    return datetime(*args, tzinfo=KST)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2024, 2, 12), "설날 대체 휴일"),
        (date(2024, 4, 10), "국회의원 선거일"),
        (date(2024, 10, 1), "국군의 날"),
        (date(2025, 1, 27), "임시공휴일"),
        (date(2025, 6, 3), "대통령 선거일"),
        (date(2025, 10, 8), "추석 대체 휴일"),
        (date(2025, 10, 9), "한글날"),
        (date(2026, 2, 17), "설날"),
        (date(2026, 6, 3), "지방선거일"),
        (date(2025, 10, 12), "일요일"),
    ],
)
def test_holiday_names(day, name):
    assert deadlines.holiday_name(day) == name
    assert deadlines.is_holiday(day)
    assert not deadlines.is_working_day(day)


def test_saturday_is_not_a_holiday_but_not_a_working_day():
    assert deadlines.holiday_name(date(2025, 10, 11)) is None
    assert not deadlines.is_holiday(date(2025, 10, 11))
    assert not deadlines.is_working_day(date(2025, 10, 11))
    assert deadlines.is_working_day(date(2025, 10, 10))  # the Friday after the 추석 run


def test_chuseok_2025_run_of_closed_days():
    # 10/3 개천절, 10/4 토, 10/5–7 추석, 10/8 대체, 10/9 한글날: seven closed days in a row.
    closed = [date(2025, 10, d) for d in range(3, 10)]
    assert [deadlines.is_working_day(d) for d in closed] == [False] * 7
    assert deadlines.working_days_between(date(2025, 10, 1), date(2025, 10, 10)) == 3
    assert deadlines.working_days_between(date(2025, 10, 10), date(2025, 10, 1)) == 0
    names = dict(deadlines.holidays_between(date(2025, 10, 3), date(2025, 10, 9)))
    assert date(2025, 10, 4) not in names and names[date(2025, 10, 6)] == "추석"


# 민원처리법 §19②: 6일 이상 — 첫날 산입, 토요일·공휴일 불산입.
@pytest.mark.parametrize(
    ("received", "days", "expected"),
    [
        # 9/29 월①, 9/30②, 10/1③, 10/2④, (10/3–10/9 closed), 10/10⑤, 10/13⑥, 10/14⑦
        (date(2025, 9, 29), 7, date(2025, 10, 14)),
        # 2024 추석: 9/13 금①, (9/14–9/18), 9/19②, 9/20③, 9/23④, 9/24⑤, 9/25⑥
        (date(2024, 9, 13), 6, date(2024, 9, 25)),
        # 2025 설: 1/24 금①, (1/25–1/30 incl. 1/27 임시공휴일), 1/31②, 2/3③ … 2/7⑦, 2/10⑧, 2/11⑨, 2/12⑩
        (date(2025, 1, 24), 10, date(2025, 2, 12)),
        # received on a Saturday: 6/2 월①, (6/3 선거일), 6/4②, 6/5③, (6/6 현충일, 6/7, 6/8),
        # 6/9④, 6/10⑤, 6/11⑥
        (date(2025, 5, 31), 6, date(2025, 6, 11)),
    ],
)
def test_civil_petition_days(received, days, expected):
    deadline = due("civil_petition", received, days)
    assert deadline.due == expected
    assert deadline.rule.code == "civil_petition_days"
    assert deadline.rule.source == "민원 처리에 관한 법률 제19조제2항"


def test_civil_petition_days_explains_what_was_skipped():
    deadline = due("civil_petition_days", date(2025, 9, 29), 7)
    text = "\n".join(deadline.explanation)
    assert "2025-10-06 제외: 추석" in text
    assert "2025-10-04 제외: 토요일" in text
    assert "7번째 근무일: 2025-10-14" in text


# 민원처리법 §19①: 5일 이하 — 접수 시각부터 근무시간(09–12, 13–18), 1일=8시간.
@pytest.mark.parametrize(
    ("received", "amount", "unit", "expected"),
    [
        # 10/2 16:30–18:00 1.5h; 10/10 8h; 10/13 8h; 10/14 09–12 3h + 13:00–16:30 3.5h = 24h
        (at(2025, 10, 2, 16, 30), 3, "days", at(2025, 10, 14, 16, 30)),
        # 2026 설: 2/13 금 11–12 1h + 13–18 5h; (2/14–2/18); 2/19 09–11 2h
        (at(2026, 2, 13, 11, 0), 1, "days", at(2026, 2, 19, 11, 0)),
        # 즉시 = 3 근무시간; a Saturday receipt starts on Monday 09:00
        (at(2025, 5, 31, 10, 0), 3, "hours", at(2025, 6, 2, 12, 0)),
        # after hours on 6/2, 6/3 election day → 6/4 09–12
        (at(2025, 6, 2, 19, 0), 3, "hours", at(2025, 6, 4, 12, 0)),
        # received in the lunch hour: from 13:00
        (at(2025, 6, 4, 12, 30), 2, "hours", at(2025, 6, 4, 15, 0)),
        # 5일 = 40h from Monday 09:00 → Friday 18:00 (a week with no holiday)
        (at(2025, 6, 9, 9, 0), 5, "days", at(2025, 6, 13, 18, 0)),
    ],
)
def test_civil_petition_hours(received, amount, unit, expected):
    deadline = due("civil_petition", received, amount, unit)
    assert deadline.due == expected
    assert deadline.rule.code == "civil_petition_hours"
    assert deadline.due_date == expected.date()


def test_civil_petition_hours_from_utc_time():
    # 2025-10-02 07:30 UTC = 16:30 KST
    received = datetime(2025, 10, 2, 7, 30, tzinfo=ZoneInfo("UTC"))
    assert due("civil_petition_hours", received, 3).due == at(2025, 10, 14, 16, 30)


# 민원처리법 §19③: 주·월·연 — 첫날 산입, 역에 따라, 말일이 토요일·공휴일이면 다음 날.
@pytest.mark.parametrize(
    ("received", "amount", "unit", "expected"),
    [
        (date(2025, 3, 10), 1, "months", date(2025, 4, 9)),
        # 2026-01-16 + 1월 → 2/15 (일) → 2/16–18 설 → 2/19
        (date(2026, 1, 16), 1, "months", date(2026, 2, 19)),
        # 2주: 2025-05-21 → 6/3 (대통령 선거일) → 6/4
        (date(2025, 5, 21), 2, "weeks", date(2025, 6, 4)),
        (date(2024, 3, 4), 1, "years", date(2025, 3, 4)),  # 2025-03-03 is 삼일절 대체; 3/4 is the day itself
    ],
)
def test_civil_petition_calendar(received, amount, unit, expected):
    deadline = due("civil_petition", received, amount, unit)
    assert deadline.rule.code == "civil_petition_calendar"
    assert deadline.due == expected


# 민법 §157 (초일 불산입), §159–161.
@pytest.mark.parametrize(
    ("start", "amount", "unit", "expected"),
    [
        # 14일: 9/25 + 14 = 10/9 한글날 → 10/10
        (date(2025, 9, 25), 14, "days", date(2025, 10, 10)),
        # 9/19 + 14 = 10/3 개천절, then 10/4–10/9 closed → 10/10
        (date(2025, 9, 19), 14, "days", date(2025, 10, 10)),
        # 2024 설: 1/29 + 14 = 2/12 (설날 대체 휴일) → 2/13
        (date(2024, 1, 29), 14, "days", date(2024, 2, 13)),
        # 5/20 + 14 = 6/3 (대통령 선거일) → 6/4
        (date(2025, 5, 20), 14, "days", date(2025, 6, 4)),
        # 90일 (행정심판 청구기간): 2025-07-07 + 90 = 10/5 (추석 전날) → 10/10
        (date(2025, 7, 7), 90, "days", date(2025, 10, 10)),
        # 월: 기산일 2/1 → 3/1의 전일 2/28 (§160②)
        (date(2025, 1, 31), 1, "months", date(2025, 2, 28)),
        # 기산일 1/31 → 2024년 2월에 31일이 없으므로 말일 2/29 (§160③)
        (date(2024, 1, 30), 1, "months", date(2024, 2, 29)),
        # 기산일 9/1 (월의 처음) → 9/30
        (date(2025, 8, 31), 1, "months", date(2025, 9, 30)),
        # 기산일 9/7 → 10/6 추석 → 10/10
        (date(2025, 9, 6), 1, "months", date(2025, 10, 10)),
        # 1주: 기산일 2026-05-19 → 5/25 (부처님오신날 대체 휴일) → 5/26
        (date(2026, 5, 18), 1, "weeks", date(2026, 5, 26)),
        # 1년: 기산일 2025-02-17 → 2026-02-16 (설날 전날) → 2/19
        (date(2025, 2, 16), 1, "years", date(2026, 2, 19)),
    ],
)
def test_civil_code(start, amount, unit, expected):
    assert due("civil_code", start, amount, unit).due == expected


def test_civil_code_period_starting_at_midnight_counts_the_first_day():
    # §157 단서: 2025-09-25 00:00 → 9/25 산입, 14일의 말일 10/8 (추석 대체) → 10/10
    assert due("civil_code", at(2025, 9, 25, 0, 0), 14).due == date(2025, 10, 10)
    # 10일 from 9/22 00:00: 9/22–10/1; from 9/22 10:00: 9/23–10/2
    assert due("civil_code", at(2025, 9, 22, 0, 0), 10).due == date(2025, 10, 1)
    assert due("civil_code", at(2025, 9, 22, 10, 0), 10).due == date(2025, 10, 2)


def test_civil_code_explanation_names_the_article():
    deadline = due("civil_code", date(2025, 9, 25), 14)
    assert deadline.explanation[0] == "첫날(2025-09-25) 불산입 (민법 제157조)"
    assert deadline.explanation[-1] == (
        "말일이 토요일·공휴일이므로 다음 근무일 2025-10-10에 만료 (민법 제161조)"
    )


# 행정기본법 §6②: 권익 제한 — 첫날 산입, 말일이 공휴일이어도 그날 만료.
@pytest.mark.parametrize(
    ("start", "amount", "unit", "expected"),
    [
        (date(2025, 10, 1), 3, "days", date(2025, 10, 3)),  # 개천절, not moved
        (date(2025, 9, 6), 1, "months", date(2025, 10, 5)),  # 추석 전날, not moved
        (date(2024, 2, 9), 2, "days", date(2024, 2, 10)),  # 설날 (토)
    ],
)
def test_rights_restriction(start, amount, unit, expected):
    deadline = due("rights_restriction", start, amount, unit)
    assert deadline.due == expected
    assert deadline.rule.source == "행정기본법 제6조제2항"


@override_settings(CITYHALL_EXTRA_HOLIDAYS=["2025-10-10:시청 임시 휴무", "2025-10-13"])
def test_extra_closure_days_from_settings():
    assert deadlines.holiday_name(date(2025, 10, 10)) == "시청 임시 휴무"
    assert deadlines.holiday_name(date(2025, 10, 13)) == "임시 휴무일"
    # 9/29①, 9/30②, 10/1③, 10/2④, 10/14⑤, 10/15⑥, 10/16⑦
    assert due("civil_petition_days", date(2025, 9, 29), 7).due == date(2025, 10, 16)


@override_settings(CITYHALL_EXTRA_HOLIDAYS=["10/10/2025"])
def test_bad_extra_holiday_setting_is_named():
    with pytest.raises(DeadlineInvalid, match="10/10/2025"):
        deadlines.is_holiday(date(2025, 10, 10))


@pytest.mark.parametrize(
    ("rule", "start", "amount", "unit", "message"),
    [
        ("nope", date(2025, 1, 2), 3, "days", "알 수 없는 기간 계산 규칙"),
        ("civil_code", date(2025, 1, 2), 3, "fortnights", "알 수 없는 기간 단위"),
        ("civil_code", date(2025, 1, 2), 0, "days", "1 이상의 정수"),
        ("civil_code", date(2025, 1, 2), -3, "days", "1 이상의 정수"),
        ("civil_code", date(2025, 1, 2), True, "days", "1 이상의 정수"),
        ("civil_code", date(2025, 1, 2), "3", "days", "1 이상의 정수"),
        ("civil_code", date(2025, 1, 2), 100_000, "days", "너무 깁니다"),
        ("civil_code", "2025-01-02", 3, "days", "날짜여야"),
        ("civil_code", datetime(2025, 1, 2, 9), 3, "days", "시간대가 없습니다"),
        ("civil_code", date(2025, 1, 2), 3, "hours", "민법 제156조"),
        ("civil_petition_days", date(2025, 1, 2), 5, "days", "시간 단위로 계산"),
        ("civil_petition_days", date(2025, 1, 2), 1, "months", "일로만"),
        ("civil_petition_hours", at(2025, 1, 2, 9), 6, "days", "일 단위로 계산"),
        ("civil_petition_hours", date(2025, 1, 2), 3, "days", "접수 일시가 필요"),
        ("civil_petition_hours", at(2025, 1, 2, 9), 1, "weeks", "일 또는 시간"),
        ("civil_petition_calendar", date(2025, 1, 2), 10, "days", "주, 월 또는 연"),
        ("rights_restriction", date(2025, 1, 2), 3, "hours", "일·주·월·연"),
    ],
)
def test_bad_input_is_refused_in_korean(rule, start, amount, unit, message):
    with pytest.raises(DeadlineInvalid, match=message):
        due(rule, start, amount, unit)


def test_days_left():
    deadline = due("civil_code", date(2025, 9, 25), 14)  # 2025-10-10
    assert deadlines.days_left(deadline, today=date(2025, 10, 1)) == 9
    assert deadlines.days_left(deadline, today=date(2025, 10, 10)) == 0
    assert deadlines.days_left(deadline, today=date(2025, 10, 13)) == -3


def test_every_rule_has_a_korean_label_and_a_source():
    for code, rule in deadlines.RULES.items():
        assert rule.code == code
        assert str(rule.label) and ("법" in rule.source)


def test_deadline_badge_shows_the_rule():
    deadline = due("civil_code", date(2025, 9, 25), 14)
    html = Template("{% load deadlines %}{% deadline_badge d today %}").render(
        Context({"d": deadline, "today": date(2025, 10, 13)})
    )
    assert '<time datetime="2025-10-10">2025-10-10</time>' in html
    assert "3일 지남" in html
    assert "민법상 기간 · 민법 제157조·제159조~제161조, 행정기본법 제6조제1항" in html
    assert "2025-10-09 제외: 한글날" in html
    moment = due("civil_petition", at(2025, 10, 2, 16, 30), 3)
    html = Template("{% load deadlines %}{% deadline_badge d today %}").render(
        Context({"d": moment, "today": date(2025, 10, 10)})
    )
    assert "2025-10-14 16:30" in html and "4일 남음" in html
    assert Template("{% load deadlines %}{% deadline_badge d %}").render(Context({"d": None})).strip() == ""
