"""Certificates: codes, signatures, verification (masked), revocation, the Korean PDF — and bad input."""

import io
import re

import pytest
from pypdf import PdfReader

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.documents import services
from cityhall.documents.models import Certificate

ACTOR = Actor.system("test:documents")
PAYLOAD = {"성명": "홍길동", "파기 매체": "하드디스크 3대 (일련번호 WD-1234 외 2)", "파기일": "2025-10-10"}


def issue(**kw):
    args = {
        "kind": "it.media_destruction",
        "title": "저장매체 파기 확인서",
        "subject_ref": "it.destruction:7",
        "payload": PAYLOAD,
        "personal": ["성명"],
        "actor": ACTOR,
    }
    args.update(kw)
    return services.certificate_issue(**args)


def test_issue_signs_and_verifies_masked(db):
    cert = issue()
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}", cert.code)
    assert services.signature_ok(cert)
    result = services.certificate_verify(cert.code.lower().replace("-", " "))
    assert result.valid and not result.revoked
    assert result.title == "저장매체 파기 확인서" and result.issuer == "김포시 기획조정실"
    assert result.items == (
        ("성명", "홍*동"),
        ("파기 매체", "하드디스크 3대 (일련번호 WD-1234 외 2)"),
        ("파기일", "2025-10-10"),
    )
    (event,) = AuditEvent.objects.filter(record_type="certificates", record_id=cert.pk)
    assert event.action == "issue" and event.after["payload"]["성명"] == "홍*동"


def test_a_changed_row_no_longer_verifies(db):
    cert = issue()
    Certificate.objects.filter(pk=cert.pk).update(payload={**PAYLOAD, "파기 매체": "USB 1개"})
    assert services.certificate_verify(cert.code) == services.INVALID


@pytest.mark.parametrize("code", ["", "ABCD", "ABCD-EFGH-JKLM-NPQ0", "ABCD-EFGH-JKLM-NPQR-STUV", "<script>"])
def test_unknown_and_malformed_codes_are_one_answer(db, code):
    issue()
    assert services.certificate_verify(code) == services.INVALID


def test_codes_are_random_over_the_alphabet():
    codes = {services.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert set("".join(codes).replace("-", "")) == set(services.ALPHABET)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("abcd-efgh-jkmn-pqrs", "ABCD-EFGH-JKMN-PQRS"),
        (" ABCD EFGH JKMN PQRS ", "ABCD-EFGH-JKMN-PQRS"),
        ("ABCDEFGHJKMNPQRS", "ABCD-EFGH-JKMN-PQRS"),
        ("ABCD-EFGH-JKMN-PQR0", ""),  # 0 is not in the alphabet
        ("ABCD-EFGH-JKMN", ""),
    ],
)
def test_normalize_code(typed, stored):
    assert services.normalize_code(typed) == stored


def test_revoke(db):
    cert = issue()
    services.certificate_revoke(certificate=cert, reason="잘못 발급", actor=ACTOR)
    result = services.certificate_verify(cert.code)
    assert (result.valid, result.revoked) == (False, True) and result.revoked_at is not None
    with pytest.raises(RecordInvalid, match="이미 취소된 증명서"):
        services.certificate_revoke(certificate=cert, reason="다시", actor=ACTOR)
    with pytest.raises(RecordInvalid, match="취소 사유"):
        services.certificate_revoke(certificate=issue(), reason=" ", actor=ACTOR)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kind": "has space"}, "kind", "증명서 종류"),
        ({"title": ""}, "title", "증명서 제목"),
        ({"subject_ref": ""}, "subject_ref", "발급 참조"),
        ({"payload": {}}, "payload", "1개 이상"),
        ({"payload": ["성명"]}, "payload", "1개 이상"),
        ({"payload": {"성명": None}}, "payload", "500자 이하"),
        ({"payload": {"성명": "가" * 501}}, "payload", "500자 이하"),
        ({"payload": {"": "x"}}, "payload", "항목 이름"),
        ({"payload": {str(i): i for i in range(31)}}, "payload", "30개 항목 이하"),
        ({"personal": ["주소"]}, "personal", "개인정보 항목"),
    ],
)
def test_bad_input_issues_nothing(db, changes, field, message):
    with pytest.raises(RecordInvalid) as exc:
        issue(**changes)
    assert message in " ".join(exc.value.errors[field])
    assert not Certificate.objects.exists()


def test_pdf_is_korean_with_the_code(db, settings):
    settings.CITYHALL_PUBLIC_URL = "https://www.gimpo.go.kr"
    cert = issue()
    pdf = services.certificate_pdf(cert)
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in (
        "저장매체 파기 확인서",
        "홍길동",  # the holder's own copy is not masked
        "하드디스크 3대 (일련번호 WD-1234 외 2)",
        "위와 같이 증명합니다.",
        "김포시 기획조정실",
        f"인증번호: {cert.code}",
        f"진위 확인: https://www.gimpo.go.kr/verify/{cert.code}/",
    ):
        assert expected in text, expected
    assert reader.metadata.title == "저장매체 파기 확인서"


def test_a_long_statement_continues_on_a_second_page(db):
    payload = {f"항목 {i:02d}": "가나다라마바사 " * 8 for i in range(12)}
    reader = PdfReader(io.BytesIO(services.certificate_pdf(issue(payload=payload, personal=[]))))
    assert len(reader.pages) == 2
    text = "".join(page.extract_text() for page in reader.pages)
    assert (
        "항목 00" in text and "항목 11" in text and "위와 같이 증명합니다." in reader.pages[1].extract_text()
    )
