"""Citizens booking the same consultation slot at the same moment, in real threads (one connection each),
on SQLite (WAL, IMMEDIATE transactions) and PostgreSQL (a throwaway database; skipped without a server,
a failure under CITYHALL_REQUIRE_SERVICES=1): one seat, never two; the others wait in line without gaps.
And one person booking two slots of the same day at once: one request, the other refused."""

import pytest

from cityhall.core.tests.scenarios import run_scenario
from cityhall.core.tests.test_postgres import postgres_url  # noqa: F401 - the fixture

CITIZENS = 8

SCENARIO = r"""
import json, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from cityhall.core.tests.scenarios import race
import datetime as dt
from django.core.management import call_command
from django.db import connection
from cityhall.bookings import selectors as booking_selectors
from cityhall.core.audit import Actor
from cityhall.facilities.models import Service
from cityhall.legal.consultations import services
from cityhall.legal.models import Consultation
from cityhall.organisation.models import OrgUnit

N = int(sys.argv[1])
call_command("migrate", verbosity=0)
unit = OrgUnit.objects.create(code="budget-legal", name="예산법무과", kind="department")
Service.objects.create(code=services.SERVICE_CODE, org_unit=unit, name="무료법률상담실",
                       place="별관 2층 상담실", weekday=1, start_time=dt.time(14), end_time=dt.time(16))
actor = Actor.system("test:setup")
services.consultation_month_open(year=2030, month=5, actor=actor)
slots = booking_selectors.slots(services.RESOURCE_KEY, dt.date(2030, 5, 7), dt.date(2030, 5, 7))
first, second, third = slots[0], slots[1], slots[2]
connection.close()



def book(slot_id, phone):
    c = services.consultation_book(slot=slot_id, name="시민", phone=phone, eligibility="resident",
                                   topic="civil", consent=True, actor=Actor.system("citizen"))
    return [c.status, c.position]


many = race(lambda i: book(first.id, f"010-1000-{i:04d}"), N)
same = race(lambda i: book([second.id, third.id][i % 2], "010-7777-7777"), N)
view = booking_selectors.slot_view(first.id)
print(json.dumps({
    "many": many,
    "same": same,
    "booked_in_first": Consultation.objects.filter(booking__slot_id=first.id, status="booked").count(),
    "seats": [view.booked, view.capacity],
    "same_person": Consultation.objects.filter(phone="010-7777-7777").exclude(status="cancelled").count(),
}))
"""


def run(tmp_path, url: str = "") -> dict:
    return run_scenario(SCENARIO, tmp_path, str(CITIZENS), url=url)


def check(outcome: dict) -> None:
    # One seat, a waiting list of 3 (the settings' limit), then refusals with the reason.
    lined = sorted(tuple(r) for r in outcome["many"] if isinstance(r, list))
    assert lined == [("booked", None), ("waitlisted", 1), ("waitlisted", 2), ("waitlisted", 3)]
    refused = [r for r in outcome["many"] if not isinstance(r, list)]
    assert refused == ["이 시간대는 마감되었고 대기 인원도 찼습니다."] * (CITIZENS - 4)
    assert outcome["booked_in_first"] == 1 and outcome["seats"] == [1, 1]  # no double booking
    same = outcome["same"]
    assert sum(1 for r in same if isinstance(r, list)) == 1, same
    refusals = {
        "같은 날 이미 신청한 상담이 있습니다. 먼저 취소하세요.",
        "이 시간대에 이미 예약(또는 대기)되어 있습니다.",  # the same slot, caught by the bookings
    }
    assert [r for r in same if not isinstance(r, list) and r not in refusals] == []
    assert outcome["same_person"] == 1


@pytest.mark.slow
def test_consultation_race_on_sqlite(tmp_path):
    check(run(tmp_path))


@pytest.mark.postgres
@pytest.mark.slow
def test_consultation_race_on_postgresql(postgres_url, tmp_path):  # noqa: F811
    check(run(tmp_path, postgres_url))
