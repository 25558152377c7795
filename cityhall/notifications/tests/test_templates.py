"""The ready-made notices the modules share: bookings (confirmed, waitlisted, promoted, cancelled) and
certificates (issued), each with an e-mail subject, body and a text message."""

import pytest
from django.core import mail

from cityhall.core.audit import Actor
from cityhall.notifications import services

ACTOR = Actor.system("test:templates")
CONTEXT = {
    "name": "홍길동",
    "title": "무료 법률상담",
    "when": "2025-10-14(화) 14:00",
    "place": "시청 본관 1층",
    "number": "bk-1a2b3c",
    "position": 2,
    "reason": "상담인 사정",
    "code": "7KQM-2XWD-9PLT-HV3A",
    "url": "https://www.gimpo.go.kr/verify/7KQM-2XWD-9PLT-HV3A/",
}


@pytest.mark.parametrize(
    ("template", "kind", "subject", "text"),
    [
        (
            "bookings/confirmed",
            "bookings",
            "[김포시] 무료 법률상담 예약이 확정되었습니다",
            "[김포시] 무료 법률상담 예약 확정 2025-10-14(화) 14:00 시청 본관 1층",
        ),
        (
            "bookings/waitlisted",
            "bookings",
            "[김포시] 무료 법률상담 대기 2번으로 접수되었습니다",
            "[김포시] 무료 법률상담 2025-10-14(화) 14:00 대기 2번 접수",
        ),
        (
            "bookings/promoted",
            "bookings",
            "[김포시] 무료 법률상담 자리가 나서 예약이 확정되었습니다",
            "[김포시] 무료 법률상담 2025-10-14(화) 14:00 대기 중 예약 확정",
        ),
        (
            "bookings/cancelled",
            "bookings",
            "[김포시] 무료 법률상담 예약이 취소되었습니다",
            "[김포시] 무료 법률상담 2025-10-14(화) 14:00 예약 취소",
        ),
        (
            "certificates/issued",
            "certificates",
            "[김포시] 무료 법률상담이(가) 발급되었습니다",
            "[김포시] 무료 법률상담 발급, 인증번호 7KQM-2XWD-9PLT-HV3A",
        ),
    ],
)
def test_shared_notices(db, django_capture_on_commit_callbacks, template, kind, subject, text):
    with django_capture_on_commit_callbacks(execute=True):
        email, sms = services.notify(
            template=template,
            context=CONTEXT,
            kind=kind,
            to_email="hong@example.kr",
            to_phone="01012345678",
            actor=ACTOR,
        )
    assert mail.outbox[0].subject == subject
    assert mail.outbox[0].body.startswith("홍길동님, 안녕하세요.") and mail.outbox[0].body.endswith(
        "김포시 기획조정실"
    )
    assert sms.body == text


def test_confirmed_body(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            template="bookings/confirmed",
            context=CONTEXT,
            kind="bookings",
            to_email="a@example.kr",
            actor=ACTOR,
        )
    assert mail.outbox[0].body == (
        "홍길동님, 안녕하세요.\n\n무료 법률상담 예약이 확정되었습니다.\n\n일시: 2025-10-14(화) 14:00\n"
        "장소: 시청 본관 1층\n예약번호: bk-1a2b3c\n\n"
        "일정이 바뀌면 미리 취소해 주세요. 다음 분께 자리가 돌아갑니다.\n\n김포시 기획조정실"
    )
