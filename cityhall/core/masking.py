"""How personal data (개인정보) shows where the law asks it be hidden: names and phone numbers partly
masked on lists, on pages and API answers for those who may not change the record, and in the audit
trail (which keeps who changed what, not the person's data)."""

from __future__ import annotations

from typing import Any


def mask_name(name: str) -> str:
    """홍길동 → 홍*동, 김철 → 김*."""
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str) -> str:
    """010-1234-5678 → 010-****-5678."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 8:
        return "***"
    return f"{digits[:3]}-****-{digits[-4:]}"


def mask_email(address: str) -> str:
    """hong@example.kr → ho***@example.kr."""
    local, _sep, domain = address.partition("@")
    return f"{local[:2]}***@{domain}"


def mask_resident_number(value: str) -> str:
    """800101-1234567 → 800101-1****** (birth date and the sex digit, as 개인정보 처리 guidance allows)."""
    return f"{value[:6]}-{value[7]}******" if len(value) >= 8 else "******"


def mask_account(value: str) -> str:
    """12345678901 → 123*****901."""
    return f"{value[:3]}{'*' * max(len(value) - 6, 0)}{value[-3:]}" if len(value) > 6 else "****"


def mask_personal(value: Any) -> Any:
    """A personal field's value masked by what it looks like (an e-mail address, a phone number or a
    name); a value already masked stays as it is."""
    if not isinstance(value, str) or not value or "*" in value:
        return value
    if "@" in value:
        return mask_email(value)
    digits = sum(ch.isdigit() for ch in value)
    return mask_phone(value) if digits >= 8 else mask_name(value)


def mask_fields(data: dict[str, Any] | None, personal: tuple[str, ...]) -> dict[str, Any] | None:
    """A copy of ``data`` with its personal fields masked."""
    if not data or not personal:
        return data
    return {k: mask_personal(v) if k in personal else v for k, v in data.items()}
