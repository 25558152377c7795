import pytest

from cityhall.core.audit import Actor
from cityhall.notifications import services
from cityhall.notifications.models import Preference
from cityhall.organisation.models import Role


def notification_sample():
    """Two messages in the outbox: an e-mail and a 모의 text, for the staff page."""
    return services.notify(
        template="general/notice",
        context={"name": "홍길동", "title": "<script>alert(1)</script>", "detail": "예시"},
        to_email="hong@example.kr",
        to_phone="010-1234-5678",
        kind="bookings",
        actor=Actor.system("test:sample"),
    )


@pytest.fixture
def outbox(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return notification_sample()


def test_office_wide_staff_see_the_outbox_masked(client, make_user, outbox):
    client.force_login(make_user("nt-director", Role.DIRECTOR))
    html = client.get("/notifications/outbox/").content.decode()
    assert "ho***@example.kr" in html and "010-****-5678" in html
    assert "hong@example.kr" not in html and "01012345678" not in html
    assert "모의" in html
    assert "<script>" not in html
    filtered = client.get("/notifications/outbox/?status=failed").content.decode()
    assert "ho***@example.kr" not in filtered
    assert client.get("/notifications/outbox/?status=bogus").status_code == 400


def test_department_staff_and_anonymous_are_refused(client, make_user, outbox):
    assert client.get("/notifications/outbox/").status_code == 302
    client.force_login(make_user("nt-viewer", Role.VIEWER, "policy-planning"))
    assert client.get("/notifications/outbox/").status_code == 403


def test_a_user_sets_their_own_preferences(client, make_user):
    user = make_user("nt-citizen")
    client.force_login(user)
    assert client.get("/notifications/preferences/").status_code == 200
    response = client.post("/notifications/preferences/", {"bookings-email": "on", "reminders-sms": "on"})
    assert response.status_code == 302
    chosen = {p.kind: (p.email, p.sms) for p in Preference.objects.filter(user=user)}
    assert chosen["bookings"] == (True, False)
    assert chosen["reminders"] == (False, True)
    assert chosen["repairs"] == (False, False)
