"""Issuing, signing, verifying and revoking certificates, and their PDF.

The code is 16 characters from a 31-letter alphabet drawn with ``secrets`` (≈79 bits: not guessable, not
enumerable), shown as ``XXXX-XXXX-XXXX-XXXX``. The signature is an HMAC-SHA256 (keyed by the site's
secret key through ``salted_hmac``) over the code, kind, title, payload, issue time and issuer: a row
changed behind the services' back no longer verifies. Issuing apps check who may issue; these services
check what is issued.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import override

from cityhall.core import audit
from cityhall.core.api import mask_name
from cityhall.core.records import record_type_for
from cityhall.core.services import RecordInvalid

from .models import Certificate

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
CODE_LENGTH = 16
CODE_FORMAT = re.compile(rf"^[{ALPHABET}]{{{CODE_LENGTH}}}$")
SALT = "cityhall.documents.certificate"
ISSUER = "김포시 기획조정실"
MAX_ITEMS = 30


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return format_code(raw)


def format_code(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalize_code(text: str) -> str:
    """What a person typed (``abcd efgh-jkmn…``) as the stored form, or ``""`` when it cannot be a code."""
    raw = re.sub(r"[\s\-]", "", (text or "")).upper()
    return format_code(raw) if CODE_FORMAT.match(raw) else ""


def _canonical(cert: Certificate) -> bytes:
    return json.dumps(
        {
            "code": cert.code,
            "kind": cert.kind,
            "title": cert.title,
            "payload": cert.payload,
            "personal": cert.personal,
            "issued_at": cert.issued_at.isoformat(),
            "issuer": cert.issuer,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    ).encode("utf-8")


def sign(cert: Certificate) -> str:
    return salted_hmac(SALT, _canonical(cert), algorithm="sha256").hexdigest()


def signature_ok(cert: Certificate) -> bool:
    return constant_time_compare(cert.signature, sign(cert))


def _snapshot(cert: Certificate) -> dict:
    data = record_type_for(cert).to_data(cert)
    data["payload"] = masked_payload(cert)  # the audit trail keeps no personal data in clear
    return data


def _check_payload(payload, personal) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not isinstance(payload, dict) or not payload:
        errors["payload"] = [_("증명 내용은 '항목: 값'으로 1개 이상이어야 합니다.")]
    elif len(payload) > MAX_ITEMS:
        errors["payload"] = [_("증명 내용은 %(max)s개 항목 이하여야 합니다.") % {"max": MAX_ITEMS}]
    else:
        for label, value in payload.items():
            if not isinstance(label, str) or not label.strip() or len(label) > 50:
                errors["payload"] = [_("항목 이름은 1~50자의 글자여야 합니다: %(label)s") % {"label": label}]
                break
            if not isinstance(value, (str, int)) or isinstance(value, bool) or len(str(value)) > 500:
                errors["payload"] = [
                    _("항목 '%(label)s'의 값은 500자 이하의 글자나 정수여야 합니다.") % {"label": label}
                ]
                break
    if not isinstance(personal, (list, tuple)) or (
        isinstance(payload, dict) and any(p not in payload for p in personal)
    ):
        errors["personal"] = [_("개인정보 항목은 증명 내용의 항목 이름이어야 합니다.")]
    return errors


@transaction.atomic
def certificate_issue(
    *,
    kind: str,
    title: str,
    subject_ref: str,
    payload: dict,
    actor: audit.Actor,
    personal: list[str] | tuple[str, ...] = (),
    issuer: str = ISSUER,
) -> Certificate:
    """Issue a certificate stating ``payload`` (``{"성명": "홍길동", "파기 매체": "HDD 3대"}``), with
    ``personal`` naming the labels to mask on the public page."""
    errors: dict[str, list[str]] = {}
    if not kind or len(kind) > 100 or any(c.isspace() for c in kind):
        errors["kind"] = [_("증명서 종류는 공백 없이 1~100자여야 합니다 (예: it.media_destruction).")]
    if not (title or "").strip() or len(title) > 200:
        errors["title"] = [_("증명서 제목은 1~200자여야 합니다.")]
    if not (subject_ref or "").strip() or len(subject_ref) > 100:
        errors["subject_ref"] = [_("발급 참조는 1~100자여야 합니다.")]
    errors.update(_check_payload(payload, personal))
    if errors:
        raise RecordInvalid(errors)
    for _attempt in range(5):
        cert = Certificate(
            code=new_code(),
            kind=kind,
            title=title.strip(),
            subject_ref=subject_ref.strip(),
            payload={str(k).strip(): v for k, v in payload.items()},
            personal=[str(p).strip() for p in personal],
            issued_at=timezone.now().replace(microsecond=0),
            issuer=issuer,
        )
        cert.signature = sign(cert)
        try:
            with transaction.atomic():
                cert.save()
            break
        except IntegrityError:  # the same code drawn twice: astronomically rare, draw again
            continue
    else:  # pragma: no cover
        raise RecordInvalid(_("인증번호를 만들지 못했습니다. 다시 시도하세요."))
    audit.record(actor, "issue", record_type_for(cert), cert, after=_snapshot(cert))
    return cert


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str, actor: audit.Actor) -> Certificate:
    """발급 취소: the code then verifies as revoked (with the date), no longer as valid."""
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise RecordInvalid(_("취소 사유를 200자 이내로 적으세요."), field="reason")
    cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if cert.revoked_at is not None:
        raise RecordInvalid(_("이미 취소된 증명서입니다."), field="certificate")
    before = _snapshot(cert)
    cert.revoked_at = timezone.now()
    cert.revoked_reason = reason
    cert.save(update_fields=["revoked_at", "revoked_reason"])
    audit.record(actor, "revoke", record_type_for(cert), cert, before=before, after=_snapshot(cert))
    return cert


# -- reading ----------------------------------------------------------------------------------------


def masked_payload(cert: Certificate) -> dict[str, str]:
    return {
        label: mask_name(str(value)) if label in cert.personal else str(value)
        for label, value in cert.payload.items()
    }


@dataclass(frozen=True)
class Verification:
    """What the public page may show: valid or revoked with the masked statement, or nothing."""

    valid: bool
    revoked: bool = False
    code: str = ""
    title: str = ""
    kind: str = ""
    issuer: str = ""
    issued_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None
    items: tuple[tuple[str, str], ...] = ()


INVALID = Verification(valid=False)


def certificate_verify(code: str) -> Verification:
    """The certificate with ``code`` as the public may see it; ``INVALID`` for an unknown, malformed or
    tampered code (one answer for all three, so the page tells nothing about which codes exist)."""
    code = normalize_code(code)
    if not code:
        return INVALID
    cert = Certificate.objects.filter(code=code).first()
    if cert is None or not signature_ok(cert):
        return INVALID
    return Verification(
        valid=cert.revoked_at is None,
        revoked=cert.revoked_at is not None,
        code=cert.code,
        title=cert.title,
        kind=cert.kind,
        issuer=cert.issuer,
        issued_at=cert.issued_at,
        revoked_at=cert.revoked_at,
        items=tuple(masked_payload(cert).items()),
    )


def verify_url(cert: Certificate) -> str:
    base = (getattr(settings, "CITYHALL_PUBLIC_URL", "") or "").rstrip("/")
    return f"{base}/verify/{cert.code}/"


# -- PDF --------------------------------------------------------------------------------------------

BODY_FONT = "HYSMyeongJo-Medium"  # Adobe-Korea1 CID fonts built into reportlab: no font file needed
HEADING_FONT = "HYGothic-Medium"


def _fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    registered = pdfmetrics.getRegisteredFontNames()
    for name in (BODY_FONT, HEADING_FONT):
        if name not in registered:
            pdfmetrics.registerFont(UnicodeCIDFont(name))


def certificate_pdf(cert: Certificate) -> bytes:
    """An A4 PDF in Korean: the title, what is certified (as issued, unmasked: it goes to the person it
    is about), the issuer and date, the verification code, the URL and a QR code of it. Always Korean,
    whatever the language of the page that asked for it."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    _fonts()
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    with override(settings.LANGUAGE_CODE):
        pdf.setTitle(cert.title)
        pdf.setAuthor(cert.issuer)
        pdf.setSubject(_("인증번호 %(code)s") % {"code": cert.code})
        pdf.setFont(HEADING_FONT, 22)
        pdf.drawCentredString(width / 2, height - 40 * mm, cert.title)
        y = height - 65 * mm
        pdf.setFont(BODY_FONT, 12)
        for label, value in cert.payload.items():
            for i, line in enumerate(_wrap(str(value), 34)):
                if y < 105 * mm:  # keep room for the closing block: continue on a new page
                    pdf.showPage()
                    pdf.setFont(BODY_FONT, 12)
                    y = height - 30 * mm
                if i == 0:
                    pdf.drawString(30 * mm, y, label)
                pdf.drawString(75 * mm, y, line)
                y -= 8 * mm
        pdf.drawCentredString(width / 2, 95 * mm, _("위와 같이 증명합니다."))
        local = timezone.localtime(cert.issued_at)
        pdf.drawCentredString(
            width / 2,
            85 * mm,
            _("%(y)s년 %(m)s월 %(d)s일") % {"y": local.year, "m": local.month, "d": local.day},
        )
        pdf.setFont(HEADING_FONT, 16)
        pdf.drawCentredString(width / 2, 72 * mm, cert.issuer)
        pdf.setFont(BODY_FONT, 10)
        url = verify_url(cert)
        pdf.drawString(30 * mm, 40 * mm, _("인증번호: %(code)s") % {"code": cert.code})
        pdf.drawString(30 * mm, 34 * mm, _("진위 확인: %(url)s") % {"url": url})
        pdf.drawString(30 * mm, 28 * mm, _("인증번호로 발급 사실과 내용을 확인할 수 있습니다."))
    qr = QrCodeWidget(url)
    x0, y0, x1, y1 = qr.getBounds()
    size = 28 * mm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(qr)
    renderPDF.draw(drawing, pdf, width - 30 * mm - size, 22 * mm)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _wrap(text: str, width: int) -> list[str]:
    """Split ``text`` into lines of at most ``width`` characters (Korean is about one em per syllable)."""
    lines = []
    for paragraph in text.splitlines() or [""]:
        while len(paragraph) > width:
            lines.append(paragraph[:width])
            paragraph = paragraph[width:]
        lines.append(paragraph)
    return lines
