"""Personal data of the compensation applicants (개인정보 보호법 §24·§29: 고유식별정보 encrypted):
encryption at rest (``cryptography``'s Fernet; MultiFernet so keys can rotate), a keyed index to find a
person without decrypting, masks for every list and export, and the format checks.

Keys: ``settings.CITYHALL_PERSONAL_DATA_KEYS`` (a list of Fernet keys, newest first) when set;
otherwise one key derived from ``SECRET_KEY`` with HKDF (the embedded default).

Checks: a resident registration number must have 13 digits and a real birth date (the 13th-digit
check sum is NOT enforced: numbers issued since October 2020 no longer carry it). Bank account numbers:
the banks' check-digit rules are not public, so only the bank code (금융결제원 코드 below) and the
number's shape (10–14 digits, hyphens allowed) are checked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import date
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.translation import gettext as _

# 금융결제원 표준 은행코드 (the ones residents commonly name; extend in settings if needed).
BANKS = {
    "002": "KDB산업은행",
    "003": "IBK기업은행",
    "004": "KB국민은행",
    "007": "수협은행",
    "011": "NH농협은행",
    "012": "지역농·축협",
    "020": "우리은행",
    "023": "SC제일은행",
    "027": "한국씨티은행",
    "031": "iM뱅크(대구)",
    "032": "부산은행",
    "034": "광주은행",
    "035": "제주은행",
    "037": "전북은행",
    "039": "경남은행",
    "045": "새마을금고",
    "048": "신협",
    "071": "우체국",
    "081": "하나은행",
    "088": "신한은행",
    "089": "케이뱅크",
    "090": "카카오뱅크",
    "092": "토스뱅크",
}


class PersonalDataError(ValueError):
    def __init__(self, message: str, *, field: str):
        super().__init__(message)
        self.field = field


def _derive(info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
        settings.SECRET_KEY.encode()
    )


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if keys:
        return MultiFernet([Fernet(k) for k in keys])
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_derive(b"cityhall.military.personal")))])


def _cipher() -> MultiFernet:
    return _fernet(tuple(getattr(settings, "CITYHALL_PERSONAL_DATA_KEYS", ()) or ()))


def encrypt(value: str) -> str:
    return _cipher().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _cipher().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a key that was removed from the settings
        raise PersonalDataError(
            _("개인정보를 복호화할 수 없습니다 (키 확인 필요)."), field="__all__"
        ) from exc


def index(value: str) -> str:
    """A keyed hash (HMAC-SHA256) to find the same person again without decrypting."""
    return hmac.new(_derive(b"cityhall.military.index"), value.encode(), hashlib.sha256).hexdigest()


def clean_resident_number(raw: str) -> str:
    digits = re.sub(r"[\s-]", "", raw or "")
    if not re.fullmatch(r"\d{13}", digits):
        raise PersonalDataError(
            _("주민등록번호는 숫자 13자리여야 합니다 (예: 800101-1234567)."), field="resident_number"
        )
    century = {
        "1": 1900,
        "2": 1900,
        "5": 1900,
        "6": 1900,
        "3": 2000,
        "4": 2000,
        "7": 2000,
        "8": 2000,
        "9": 1800,
        "0": 1800,
    }[digits[6]]
    try:
        date(century + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError as exc:
        raise PersonalDataError(
            _("주민등록번호 앞 6자리가 올바른 생년월일이 아닙니다."), field="resident_number"
        ) from exc
    return f"{digits[:6]}-{digits[6:]}"


def clean_account(bank_code: str, raw: str) -> str:
    if bank_code not in BANKS:
        raise PersonalDataError(
            _("알 수 없는 은행코드입니다: '%(code)s'") % {"code": bank_code}, field="bank_code"
        )
    if not re.fullmatch(r"[\d-]+", raw or "") or "--" in raw or raw.startswith("-") or raw.endswith("-"):
        raise PersonalDataError(_("계좌번호는 숫자와 하이픈(-)만 쓸 수 있습니다."), field="account_number")
    digits = raw.replace("-", "")
    if not 10 <= len(digits) <= 14:
        raise PersonalDataError(_("계좌번호는 숫자 10~14자리여야 합니다."), field="account_number")
    return digits


def mask_resident_number(value: str) -> str:
    return f"{value[:6]}-{value[7]}******" if len(value) >= 8 else "******"


def mask_account(value: str) -> str:
    return f"{value[:3]}{'*' * max(len(value) - 6, 0)}{value[-3:]}" if len(value) > 6 else "****"


def mask_name(value: str) -> str:
    if len(value) <= 1:
        return "*"
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
