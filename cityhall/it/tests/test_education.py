"""디지털 역량강화교육: the 2024 sample reproduces the plan's figures, citizens enrol (a seat or a
place in line, one per phone number), the first in line moves up and is told, attendance and
completion, bad input, pages, and the last seat raced by real threads on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from cityhall.core.audit import Actor
from cityhall.core.services import RecordInvalid
from cityhall.core.tests.record_matrix import client_for
from cityhall.core.tests.scenarios import run_scenario
from cityhall.core.tests.test_postgres import postgres_url  # noqa: F401 - the fixture
from cityhall.it import services as it_services
from cityhall.it.education import selectors, services
from cityhall.it.models import Course, EducationVenue, Enrolment
from cityhall.notifications.models import Notification
from cityhall.organisation.models import OrgUnit, Role

# Bookings run on the real clock (a slot cannot open in the past): the sessions start in ten days.
TODAY = dt.date.today()
START = TODAY + dt.timedelta(days=10)
PUBLIC = Actor.system("public:enrol")


@pytest.fixture
def staff(make_user):
    return Actor.for_user(make_user("ic-editor", Role.EDITOR, "info-comm"))


@pytest.fixture
def session(db, staff):
    it = OrgUnit.objects.get(code="info-comm")
    venue = EducationVenue.objects.create(code="v1", name="사우동 교육장", kind="main", department=it)
    course = Course.objects.create(code="c1", title="스마트폰 기초", level="basic", department=it)
    return services.session_open(
        course=course,
        venue=venue,
        starts_on=START,
        ends_on=START + dt.timedelta(days=4),
        capacity=2,
        actor=staff,
    )


def enrol(session, n, **kw):
    data = {"name": f"시민{n}", "phone": f"010-1111-{n:04d}", "age_group": "60s", **kw}
    return services.enrol(session=session, actor=PUBLIC, **data)


def test_the_2024_sample_reproduces_6_venues_3824_graduates_1_zone_1814_visits(db):
    it_services.it_load_sample()
    stats = selectors.statistics(2024)
    assert (stats.venues_used, stats.graduates, stats.zones, stats.visitors) == (6, 3824, 1, 1814)
    for name, value in (("venues", 6), ("graduates", 3824), ("zones", 1), ("visitors", 1814)):
        figure = selectors.stated(stats, name)
        assert (figure.value, figure.line) == (value, 308)
    assert sum(n for _, n in stats.by_age) == 3824
    assert dict(stats.by_kind)["주요 교육장"] == 3824


def test_seats_then_the_waiting_list_then_promotion_with_messages(
    session, staff, django_capture_on_commit_callbacks
):
    first, second = enrol(session, 1), enrol(session, 2)
    third = enrol(session, 3)
    assert [e.booking.status for e in (first, second, third)] == ["booked", "booked", "waitlisted"]
    assert third.booking.position == 1
    sms = list(Notification.objects.order_by("id").values_list("body", flat=True))
    assert "수강이 확정되었습니다" in sms[0] and "대기 1번으로 접수했습니다" in sms[2]
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_cancel(enrolment=first, actor=staff)
    third.booking.refresh_from_db()
    assert third.booking.status == "booked"
    assert "수강이 확정되었습니다" in Notification.objects.order_by("-id").first().body
    view = [s for s in selectors.open_sessions(TODAY) if s.session == session][0]
    assert (view.remaining, view.waiting) == (0, 0)


def test_one_place_per_phone_number_and_bad_input_records_nothing(session):
    enrol(session, 1)
    with pytest.raises(RecordInvalid) as exc:
        enrol(session, 1, name="다른 이름")
    assert exc.value.errors == {"phone": ["이 연락처로 이미 신청되어 있습니다."]}
    with pytest.raises(RecordInvalid) as exc:
        services.enrol(session=session, name=" ", phone="02-123-4567", age_group="teen", actor=PUBLIC)
    assert exc.value.errors == {
        "name": ["이름을 적어 주세요."],
        "phone": ["휴대전화 번호를 010-1234-5678 형식으로 적어 주세요."],
        "age_group": ["연령대를 골라 주세요."],
    }
    assert Enrolment.objects.count() == 1


def test_attendance_after_the_start_then_completion(session, staff, monkeypatch):
    e = enrol(session, 1)
    with pytest.raises(RecordInvalid) as exc:
        services.enrolment_attend(enrolment=e, attended=True, actor=staff)
    assert exc.value.errors == {"attended": ["교육이 시작한 뒤에 출석을 기록할 수 있습니다."]}
    with pytest.raises(RecordInvalid):
        services.enrolment_complete(enrolment=e, actor=staff)
    monkeypatch.setenv("CITYHALL_TODAY", START.isoformat())
    started = dt.datetime.combine(START, dt.time(11), services.SEOUL)
    monkeypatch.setattr("cityhall.bookings.services._now", lambda: started)
    services.enrolment_attend(enrolment=e, attended=True, actor=staff)
    done = services.enrolment_complete(enrolment=e, actor=staff)
    e.booking.refresh_from_db()
    assert (done.attended, done.completed, e.booking.status) == (True, True, "attended")


def test_only_it_staff_open_sessions_and_mark_attendance(session, make_user):
    other = Actor.for_user(make_user("sc", Role.EDITOR, "smart-city"))
    e = enrol(session, 1)
    with pytest.raises(PermissionDenied):
        services.enrolment_cancel(enrolment=e, actor=other)
    with pytest.raises(PermissionDenied):
        services.session_open(
            course=session.course,
            venue=session.venue,
            starts_on=TODAY,
            ends_on=TODAY,
            capacity=5,
            actor=other,
        )


def test_a_session_cannot_open_in_the_past_or_without_seats(session, staff):
    with pytest.raises(RecordInvalid) as exc:
        services.session_open(
            course=session.course,
            venue=session.venue,
            starts_on=TODAY - dt.timedelta(days=1),
            ends_on=TODAY - dt.timedelta(days=30),
            capacity=0,
            actor=staff,
        )
    assert set(exc.value.errors) == {"capacity", "ends_on", "starts_on"}


def test_the_public_page_enrols_without_an_account(session, client):
    page = client.get("/public/classes/")
    assert page.status_code == 200 and "스마트폰 기초" in page.content.decode()
    prefix = f"s{session.pk}"
    bad = client.post(
        f"/public/classes/{session.code}/enrol/", {f"{prefix}-name": "홍길동", f"{prefix}-phone": "123"}
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "휴대전화 번호를 010-1234-5678 형식으로 적어 주세요." in html and "필수 항목입니다." in html
    ok = client.post(
        f"/public/classes/{session.code}/enrol/",
        {
            f"{prefix}-name": "<b>홍길동</b>",
            f"{prefix}-phone": "010-2222-3333",
            f"{prefix}-age_group": "70_plus",
            f"{prefix}-consent": "on",
        },
    )
    assert ok.status_code == 200 and "수강이 확정되었습니다" in ok.content.decode()
    assert Enrolment.objects.get().name == "<b>홍길동</b>"


def test_the_roster_masks_names_and_phones_and_escapes_them(session, roles):
    enrol(session, 1, name="<script>x</script>김철수")
    html = client_for(roles["viewer"]).get(f"/it/education/sessions/{session.code}/").content.decode()
    assert "010-****-0001" in html and "010-1111-0001" not in html
    assert "<script>x" not in html


def test_the_overview_and_session_open_form(staff, session):
    client = client_for(staff.user)
    assert client.get("/it/education/?year=2024").status_code == 200
    made = client.post(
        "/it/education/",
        {
            "course": "c1",
            "venue": "v1",
            "starts_on": f"{START:%Y-%m-%d}",
            "ends_on": f"{START:%Y-%m-%d}",
            "capacity": "20",
        },
    )
    assert made.status_code == 302
    bad = client.post(
        "/it/education/",
        {"course": "c1", "venue": "v1", "starts_on": "2020-01-01", "ends_on": "2020-01-02", "capacity": "20"},
    )
    assert bad.status_code == 400 and "지난 날짜에는 교육 일정을 열 수 없습니다." in bad.content.decode()


RACE = r"""
import json, os, sys, threading, datetime as dt
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.core.management import call_command
from django.db import connection
from cityhall.core.audit import Actor
from cityhall.core.services import RecordInvalid
from cityhall.it.education import services
from cityhall.it.models import Course, EducationVenue, Enrolment
from cityhall.organisation.models import OrgUnit

N = int(sys.argv[1])
call_command("migrate", verbosity=0)
it = OrgUnit.objects.create(code="info-comm", name="정보통신과", kind="department")
venue = EducationVenue.objects.create(code="v", name="교육장", kind="main", department=it)
course = Course.objects.create(code="c", title="과정", level="basic", department=it)
start = dt.date.today() + dt.timedelta(days=10)
session = services.session_open(course=course, venue=venue, starts_on=start, ends_on=start, capacity=1,
                                actor=Actor.system("setup"))
connection.close()
together = threading.Barrier(N, timeout=60)
results = {}

def run(i):
    try:
        together.wait()
        e = services.enrol(session=session, name=f"p{i}", phone=f"010-0000-{i:04d}", age_group="30s",
                           actor=Actor.system(f"p{i}"))
        results[i] = e.booking.status
    except RecordInvalid as exc:
        results[i] = str(exc)
    finally:
        connection.close()

threads = [threading.Thread(target=run, args=(i,)) for i in range(N)]
[t.start() for t in threads]
[t.join() for t in threads]
print(json.dumps({"results": sorted(results.values()),
                  "enrolments": Enrolment.objects.count(),
                  "booked": Enrolment.objects.filter(booking__status="booked").count()}))
"""


def race(tmp_path, url=""):
    outcome = run_scenario(RACE, tmp_path, "8", url=url)
    assert outcome == {"results": ["booked"] + ["waitlisted"] * 7, "enrolments": 8, "booked": 1}


@pytest.mark.slow
def test_the_last_seat_goes_to_one_person_on_sqlite(tmp_path):
    race(tmp_path)


@pytest.mark.postgres
@pytest.mark.slow
def test_the_last_seat_goes_to_one_person_on_postgresql(postgres_url, tmp_path):  # noqa: F811
    race(tmp_path, postgres_url)
