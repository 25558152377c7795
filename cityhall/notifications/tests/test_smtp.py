"""E-mail through a real SMTP server: aiosmtpd on a loopback port, Django's SMTP backend talking to it."""

import email
import socket
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller

from cityhall.core.audit import Actor
from cityhall.notifications import services
from cityhall.notifications.models import Notification


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def test_korean_mail_reaches_the_smtp_server(db, smtp_server, django_capture_on_commit_callbacks):
    inbox, _port = smtp_server
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = services.notify(
            template="general/notice",
            context={
                "name": "김민원",
                "title": "증명서가 발급되었습니다",
                "detail": "인증번호로 확인하세요.",
            },
            to_email="minwon@example.kr",
            kind="certificates",
            actor=Actor.system("test:smtp"),
        )
    assert Notification.objects.get(pk=row.pk).status == "sent"
    (envelope,) = inbox.messages
    assert envelope.rcpt_tos == ["minwon@example.kr"]
    message = email.message_from_bytes(envelope.content)
    assert str(make_header(decode_header(message["Subject"]))) == "[김포시] 증명서가 발급되었습니다"
    body = message.get_payload(decode=True).decode(message.get_content_charset())
    assert body.startswith("김민원님, 안녕하세요.")


def test_a_closed_port_is_a_failed_row(db, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there
    settings.EMAIL_TIMEOUT = 3
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = services.notify(
            template="general/notice",
            context={"title": "t", "detail": "d"},
            to_email="minwon@example.kr",
            kind="reminders",
            actor=Actor.system("test:smtp"),
        )
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error.startswith("ConnectionRefusedError")
