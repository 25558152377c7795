"""The session engine: Django's database sessions, read with one fixed statement."""

from datetime import timedelta

from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cityhall.core.sessions import SessionStore


def test_reads_what_django_s_engine_wrote(db):
    written = DjangoStore()
    written["_auth_user_id"] = "7"
    written["note"] = "한글"
    written.create()
    with CaptureQueriesContext(connection) as queries:
        read = SessionStore(written.session_key)
        assert read["note"] == "한글"
        assert read.get("_auth_user_id") == "7"
    assert len(queries) == 1


def test_an_expired_session_reads_as_empty_and_gets_a_new_key(db):
    store = SessionStore()
    store["note"] = "old"
    store.create()
    key = store.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    again = SessionStore(key)
    assert again.load() == {}
    assert again.session_key is None


def test_an_unknown_key_reads_as_empty(db):
    store = SessionStore("k" * 32)
    assert store.load() == {}
    assert store.session_key is None


def test_a_signed_in_request_reads_its_session(client, make_user):
    client.force_login(make_user("reader"))
    response = client.get("/participation/")
    assert response.status_code == 200
    assert response.wsgi_request.user.username == "reader"
    assert response.wsgi_request.session.__class__ is SessionStore
