"""Legal deadlines counted by the office calendar, worked by hand on the 2025 calendar."""

from datetime import date

import pytest

from cityhall.legal import deadlines, selectors
from cityhall.legal.models import Case
from cityhall.organisation.models import OrgUnit


def test_appeal_period_two_weeks_from_service_moves_past_a_holiday():
    # Served Fri 2025-09-19: 초일 불산입, 2주 → Fri 10-03 (개천절) → Mon 10-06 (추석) … → Thu 10-09 (한글날)
    # → Fri 10-10, the first working day after the 추석 holidays (10-03, 10-05–10-08 and 10-09).
    result = deadlines.compute("appeal_period", date(2025, 9, 19), today=date(2025, 10, 1))
    assert result.due == date(2025, 10, 10)
    assert result.days_left == 9
    assert result.rule.source.startswith("민사소송법 §396①")


def test_appeal_answer_ten_days_on_an_ordinary_week():
    # Received Tue 2025-03-04: 3-14 (Fri) is the tenth day after it.
    result = deadlines.compute("appeal_answer", date(2025, 3, 4), today=date(2025, 3, 15))
    assert result.due == date(2025, 3, 14)
    assert result.overdue and result.days_over == 1


def test_legislative_notice_ending_on_a_saturday_runs_to_monday():
    # Starts Wed 2025-03-05: +20 days = Tue 03-25.
    assert deadlines.compute("legislative_notice", date(2025, 3, 5)).due == date(2025, 3, 25)
    # Starts Mon 2025-03-10: +20 days = Sun 03-30 → Mon 03-31.
    assert deadlines.compute("legislative_notice", date(2025, 3, 10)).due == date(2025, 3, 31)


def test_grievance_counts_working_days_from_receipt():
    # 고충민원 7일, 초일 산입, 토·공휴일 불산입: received Thu 2025-05-01 → 5/1,2,7,8,9,12,13 (5/5 어린이날·
    # 부처님오신날, 5/6 대체공휴일) → Tue 05-13.
    assert deadlines.compute("grievance", date(2025, 5, 1)).due == date(2025, 5, 13)


@pytest.mark.django_db
def test_the_case_page_shows_the_next_deadline_first(client, make_user):
    from cityhall.organisation.models import Role

    unit = OrgUnit.objects.get(code="budget-legal")
    case = Case.objects.create(
        code="c-1",
        kind="civil",
        title="손해배상",
        department=unit,
        received_on=date(2025, 1, 2),
        filed_on=date(2025, 1, 2),
        judgment_on=date(2025, 9, 12),
        judgment_served_on=date(2025, 9, 19),
        year=2025,
    )
    found = selectors.case_deadlines(case, today=date(2025, 10, 1))
    assert [(d.rule.code, d.due) for d in found] == [("appeal_period", date(2025, 10, 10))]
    client.force_login(make_user("legal", Role.EDITOR, "budget-legal"))
    import os

    os.environ["CITYHALL_TODAY"] = "2025-10-01"
    try:
        page = client.get("/legal/cases/c-1/").content.decode()
    finally:
        del os.environ["CITYHALL_TODAY"]
    first = page.index('id="next-deadline"')
    assert page.index("2025-10-10", first) < page.index("<dl>", first)
    assert "상소기간 (판결 송달 후 2주)" in page and "9일 남음" in page
