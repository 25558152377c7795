"""Encryption at rest of the identifiers the law asks to protect (개인정보 보호법 §24·§24의2 고유식별정보
— resident registration numbers — and §29 with 개인정보의 안전성 확보조치 기준 §7; bank account numbers
kept for payments), a keyed index to find a person again without decrypting, and key rotation.

Every app that stores such a number keeps the token in a ``TextField`` (``encrypt`` before saving,
``decrypt`` where the full number is needed, ``cityhall.core.masking`` for lists and exports) and registers
the field with ``register_encrypted`` in its ``AppConfig.ready`` so that ``cityhall manage
personal_data_rotate`` re-encrypts it under the newest key.

Keys: ``settings.CITYHALL_PERSONAL_DATA_KEYS`` (Fernet keys, newest first; from the environment
``CITYHALL_PERSONAL_DATA_KEYS``). Without them (the embedded default) one key is derived from
``SECRET_KEY`` with HKDF. Tokens made by an older key, or by the derived key before keys were set, still
decrypt while that key stays listed (the derived key is always tried last); see docs/security.md.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .audit import Actor

# The HKDF label of the derived key; it names the app that first encrypted with it, and stays so that
# numbers stored before the key moved to core still decrypt.
_DERIVED_KEY_INFO = b"cityhall.military.personal"


class PersonalDataError(ValueError):
    def __init__(self, message: str, *, field: str):
        super().__init__(message)
        self.field = field


def _derive(info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
        settings.SECRET_KEY.encode()
    )


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    derived = Fernet(base64.urlsafe_b64encode(_derive(_DERIVED_KEY_INFO)))
    return MultiFernet([*(Fernet(k) for k in keys), derived])


def _cipher() -> MultiFernet:
    return _fernet(tuple(getattr(settings, "CITYHALL_PERSONAL_DATA_KEYS", ()) or ()), settings.SECRET_KEY)


def encrypt(value: str) -> str:
    """The token to store (under the newest key); an empty value stays empty."""
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


def rotate(token: str) -> str:
    """The same value encrypted under the newest key."""
    return _cipher().rotate(token.encode()).decode() if token else ""


def index(value: str, *, scope: str) -> str:
    """A keyed hash (HMAC-SHA256) to find the same person again without decrypting; ``scope`` keeps the
    indexes of two apps apart."""
    key = _derive(f"cityhall.{scope}.index".encode())
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


# --- Which fields hold tokens (for rotation) -------------------------------------------------------

_ENCRYPTED: list[tuple[type[models.Model], tuple[str, ...]]] = []


def register_encrypted(model: type[models.Model], *fields: str) -> None:
    if (model, fields) not in _ENCRYPTED:
        _ENCRYPTED.append((model, fields))


def encrypted_fields() -> list[tuple[type[models.Model], tuple[str, ...]]]:
    return list(_ENCRYPTED)


def rotate_all(*, batch_size: int = 500) -> dict[str, int]:
    """Re-encrypt every registered field under the newest key; returns rows rewritten per model. Each
    model is rewritten in one transaction, rows locked, so a concurrent write is not lost."""
    counts: dict[str, int] = {}
    for model, fields in _ENCRYPTED:
        changed = 0
        with transaction.atomic():
            rows = list(model._default_manager.select_for_update().only("pk", *fields))
            for row in rows:
                for field in fields:
                    setattr(row, field, rotate(getattr(row, field)))
            model._default_manager.bulk_update(rows, fields, batch_size=batch_size)
            changed = len(rows)
        counts[model._meta.label] = changed
    return counts


# --- Resident registration numbers (주민등록번호) ----------------------------------------------------


def clean_resident_number(raw: str) -> str:
    """``800101-1234567`` from what a person typed: 13 digits with a real birth date. The 13th-digit
    check sum is NOT enforced: numbers issued since October 2020 no longer carry it."""
    digits = re.sub(r"[\s-]", "", raw or "")
    if not re.fullmatch(r"\d{13}", digits):
        raise PersonalDataError(
            _("주민등록번호는 숫자 13자리여야 합니다 (예: 800101-1234567)."), field="resident_number"
        )
    century = {"1": 1900, "2": 1900, "5": 1900, "6": 1900, "3": 2000, "4": 2000, "7": 2000, "8": 2000}
    century |= {"9": 1800, "0": 1800}
    try:
        date(century[digits[6]] + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError as exc:
        raise PersonalDataError(
            _("주민등록번호 앞 6자리가 올바른 생년월일이 아닙니다."), field="resident_number"
        ) from exc
    return f"{digits[:6]}-{digits[6:]}"


# --- Retention (개인정보 보호법 §21: erase when the retention period ends) ---------------------------

# name -> a job that erases what is past its retention date and returns how many records it erased.
_RETENTION_JOBS: dict[str, Callable[[Actor, date], int]] = {}


def register_retention(name: str, job: Callable[[Actor, date], int]) -> None:
    """Each app that keeps citizens' personal data registers its erasure in ``AppConfig.ready``, so
    ``cityhall manage personal_data_purge`` (daily) runs them all; docs/security.md lists them."""
    _RETENTION_JOBS[name] = job


def retention_jobs() -> dict[str, Callable[[Actor, date], int]]:
    return dict(_RETENTION_JOBS)
