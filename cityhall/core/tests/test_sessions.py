"""The two reads of every signed-in request: the session row and the user, each a fixed statement."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cityhall.core.sessions import BACKEND, AccountBackend, SessionStore


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


def test_the_user_is_read_with_its_columns_converted(make_user):
    user = make_user("reader")
    get_user_model().objects.filter(pk=user.pk).update(last_login=timezone.now(), first_name="김포")
    with CaptureQueriesContext(connection) as queries:
        read = AccountBackend().get_user(user.pk)
    assert len(queries) == 1
    assert (read.pk, read.username, read.first_name, read.is_active) == (user.pk, "reader", "김포", True)
    assert isinstance(read.date_joined, datetime) and isinstance(read.last_login, datetime)
    assert read.check_password("pw-for-tests-1")
    assert read.get_session_auth_hash() == user.get_session_auth_hash()


def test_an_inactive_or_unknown_user_is_nobody(make_user):
    user = make_user("gone")
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert AccountBackend().get_user(user.pk) is None
    assert AccountBackend().get_user(user.pk + 1000) is None


def test_the_backend_is_the_one_sign_in_uses(client, make_user):
    assert settings.AUTHENTICATION_BACKENDS[-1] == BACKEND
    make_user("signer")
    response = client.post("/accounts/login/", {"username": "signer", "password": "pw-for-tests-1"})
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == BACKEND
    assert client.get("/participation/").wsgi_request.user.username == "signer"
