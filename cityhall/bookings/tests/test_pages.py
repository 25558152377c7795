import datetime as dt

import pytest
from django.utils import timezone

from cityhall.bookings import services as bookings
from cityhall.core.audit import Actor
from cityhall.organisation.models import Role

ACTOR = Actor.system("test:bookings")


def booking_sample(actor=ACTOR):
    """A resource with one full slot (one waiting) and one open slot: what the staff page shows."""
    resource = bookings.resource_ensure(key="test.page", label="시험 교실", actor=actor)
    start = (timezone.now() + dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    slot = bookings.slot_create(
        resource=resource, starts_at=start, ends_at=start + dt.timedelta(hours=2), capacity=1, actor=actor
    )
    bookings.slot_book(slot=slot, holder_ref="a", actor=actor)
    bookings.slot_book(slot=slot, holder_ref="b", actor=actor)
    later = start + dt.timedelta(days=1)
    bookings.slot_create(
        resource=resource, starts_at=later, ends_at=later + dt.timedelta(hours=2), capacity=5, actor=actor
    )
    return slot


@pytest.fixture
def slot(db):
    return booking_sample()


def test_staff_see_seats_and_waiting(client, make_user, slot):
    client.force_login(make_user("bookings-viewer", Role.VIEWER, "policy-planning"))
    response = client.get("/bookings/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "시험 교실" in html and "마감(대기 접수)" in html


def test_anonymous_and_roleless_are_refused(client, make_user, slot):
    assert client.get("/bookings/").status_code == 302
    client.force_login(make_user("bookings-nobody"))
    assert client.get("/bookings/").status_code == 403


def test_the_page_costs_the_same_queries_for_more_slots(
    client, make_user, slot, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(make_user("bookings-director", Role.DIRECTOR))
    with CaptureQueriesContext(connection) as few:
        client.get("/bookings/")
    resource = slot.resource
    for day in range(2, 8):
        start = slot.starts_at + dt.timedelta(days=day)
        bookings.slot_create(
            resource=resource, starts_at=start, ends_at=start + dt.timedelta(hours=1), capacity=3, actor=ACTOR
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/bookings/").status_code == 200
