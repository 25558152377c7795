"""N people booking the last seat at the same moment, in real threads (one connection each): on SQLite
(the embedded default, a file database in WAL mode with IMMEDIATE transactions) and on PostgreSQL (a
throwaway database; skipped without a server, a failure under CITYHALL_REQUIRE_SERVICES=1 as in CI).
Exactly one gets the seat; the others get the service's message, or a place in line without gaps."""

import pytest

from cityhall.core.tests.scenarios import run_scenario
from cityhall.core.tests.test_postgres import postgres_url  # noqa: F401 - the fixture

BOOKERS = 8

SCENARIO = r"""
import json, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from cityhall.core.tests.scenarios import race
from datetime import timedelta
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from cityhall.bookings import selectors, services
from cityhall.bookings.models import Booking
from cityhall.core.audit import Actor

N = int(sys.argv[1])
call_command("migrate", "bookings", verbosity=0)
call_command("migrate", "core", verbosity=0)
actor = Actor.system("test:setup")
resource = services.resource_ensure(key="race.desk", label="경합 시험", actor=actor)
start = timezone.now() + timedelta(days=3)
last_seat = services.slot_create(resource=resource, starts_at=start, ends_at=start + timedelta(hours=1),
                                 capacity=3, actor=actor)
services.slot_book(slot=last_seat, holder_ref="early-1", actor=actor)
services.slot_book(slot=last_seat, holder_ref="early-2", actor=actor)  # one seat left
lined = services.slot_create(resource=resource, starts_at=start + timedelta(hours=2),
                             ends_at=start + timedelta(hours=3), capacity=1, actor=actor)
connection.close()



no_list = race(lambda i: services.slot_book(
    slot=last_seat.pk, holder_ref=f"p{i}", actor=Actor.system(f"p{i}"), waitlist=False).status, N)
def book_in_line(i):
    booking = services.slot_book(slot=lined.pk, holder_ref=f"q{i}", actor=Actor.system(f"q{i}"))
    return [booking.status, booking.position]


with_list = race(book_in_line, N)
booked = [b.pk for b in Booking.objects.filter(slot=lined, status="booked")]
waiting = list(
    Booking.objects.filter(slot=lined, status="waitlisted").order_by("id").values_list("pk", flat=True)
)
# the seat holder and the first two in line cancel at the same moment: the one seat goes to the third
cancellers = booked + waiting[:2]
cancel = race(lambda i: services.booking_cancel(booking=cancellers[i], actor=Actor.system("c")).status
              if i < len(cancellers) else "idle", N)
after = selectors.slot_view(lined.pk)
print(json.dumps({
    "no_list": no_list,
    "with_list": with_list,
    "last_seat_booked": selectors.slot_view(last_seat.pk).booked,
    "cancel": cancel,
    "after": [after.booked, after.waiting],
    "holder": Booking.objects.get(slot=lined, status="booked").pk,
    "expected_holder": waiting[2],
}))
"""


def run(tmp_path, url: str = "") -> dict:
    return run_scenario(SCENARIO, tmp_path, str(BOOKERS), url=url)


def check(outcome: dict) -> None:
    full = "이 시간대는 마감되었습니다. 다른 시간대를 선택하세요."
    assert sorted(outcome["no_list"]) == ["booked"] + [full] * (BOOKERS - 1)
    assert outcome["last_seat_booked"] == 3
    statuses = sorted(tuple(r) for r in outcome["with_list"])
    assert statuses == [("booked", None)] + [("waitlisted", n) for n in range(1, BOOKERS)]
    # the seat went to whoever was third in line; nobody else moved up to a seat
    assert outcome["holder"] == outcome["expected_holder"]
    assert sorted(outcome["cancel"]) == ["cancelled"] * 3 + ["idle"] * (BOOKERS - 3)
    assert outcome["after"] == [1, BOOKERS - 4]


@pytest.mark.slow
def test_last_seat_on_sqlite(tmp_path):
    check(run(tmp_path))


@pytest.mark.postgres
@pytest.mark.slow
def test_last_seat_on_postgresql(postgres_url, tmp_path):  # noqa: F811
    check(run(tmp_path, postgres_url))
