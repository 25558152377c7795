"""The public /verify/ pages: no login, one answer for every invalid code, masked personal data, a limit
on lookups."""

import pytest

from cityhall.core.audit import Actor
from cityhall.documents import services, views

ACTOR = Actor.system("test:documents")


def certificate_sample():
    return services.certificate_issue(
        kind="test.sample",
        title="예시 확인서",
        subject_ref="test:1",
        payload={"성명": "홍길동", "내용": "<script>alert(1)</script> 예시"},
        personal=["성명"],
        actor=ACTOR,
    )


@pytest.fixture
def cert(db):
    return certificate_sample()


@pytest.fixture(autouse=True)
def _fresh_limit():
    from django.core.cache import cache

    cache.clear()


def test_form_and_redirect(client, cert):
    assert client.get("/verify/").status_code == 200
    response = client.get("/verify/", {"code": cert.code.lower()})
    assert response.status_code == 302 and response["Location"] == f"/verify/{cert.code}/"


def test_malformed_code_is_explained_on_the_form(client, db):
    response = client.get("/verify/", {"code": "1234"})
    assert response.status_code == 400
    assert "인증번호는 16자리 영문·숫자입니다" in response.content.decode()


def test_valid_certificate_shows_what_it_states_masked(client, cert):
    html = client.get(f"/verify/{cert.code}/").content.decode()
    assert "유효한 증명서입니다." in html and "예시 확인서" in html
    assert "홍*동" in html and "홍길동" not in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_unknown_code_is_invalid(client, cert):
    response = client.get("/verify/ABCD-EFGH-JKMN-PQRS/")
    assert response.status_code == 404
    assert "유효하지 않은 인증번호입니다." in response.content.decode()
    assert client.get("/verify/nonsense/").status_code == 404


def test_revoked(client, cert):
    services.certificate_revoke(certificate=cert, reason="오류", actor=ACTOR)
    html = client.get(f"/verify/{cert.code}/").content.decode()
    assert "발급이 취소된 증명서입니다." in html and "유효한 증명서입니다." not in html


def test_lookups_are_limited(client, cert, monkeypatch):
    monkeypatch.setattr(views, "VERIFY_LIMIT", 3)
    for _ in range(3):
        assert client.get("/verify/ABCD-EFGH-JKMN-PQRS/").status_code == 404
    response = client.get(f"/verify/{cert.code}/")
    assert response.status_code == 429
    assert "조회가 너무 많습니다" in response.content.decode()


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "127.0.0.1"),  # no proxy configured: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # a forged first entry does not count
        (2, "203.0.113.9", "127.0.0.1"),  # fewer entries than proxies: the header is not trusted
    ],
)
def test_client_address_behind_proxies(rf, settings, proxies, forwarded, expected):
    settings.CITYHALL_PROXY_COUNT = proxies
    request = rf.get("/verify/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="127.0.0.1")
    assert views.client_address(request) == expected
