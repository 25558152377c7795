"""Who a voter is, without keeping who they are: keyed hashes and the identity-provider slot.

- ``person_key(identifier)``: HMAC-SHA256, with the census secret, of a normalised resident
  identifier. The census list, verifications and the voters' roll hold only this key.
- ``ballot_key(process_id, person_key)``: HMAC-SHA256, with a *different* secret (the ballot
  secret), of the process and the person's key. The stored ballot carries only this, so the
  database alone cannot link a ballot to a person, while the server can find the ballot again to
  replace it when the voter changes it (docs/adr/0013-ballot-secrecy.md).
- ``IdentityProvider``: one interface for external identity checks (mobile 본인인증 and the like).
  ``MockProvider`` (모의) stands in for a real one in the demo and tests.

Secrets come from the environment (``CITYHALL_CENSUS_KEY``, ``CITYHALL_BALLOT_KEY``); without
them each is derived from the Django secret key with its own salt."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def _secret(name: str) -> bytes:
    configured = os.environ.get(f"CITYHALL_{name.upper()}_KEY")
    if configured:
        return configured.encode()
    return hashlib.sha256(f"cityhall.participation.{name}:{settings.SECRET_KEY}".encode()).digest()


def normalise_identifier(raw: str) -> str:
    """Digits and letters only, upper case: '900101-1234567' and '9001011234567' are one person."""
    return re.sub(r"[^0-9A-Za-z]", "", raw or "").upper()


def person_key(identifier: str) -> str:
    normal = normalise_identifier(identifier)
    if len(normal) < 6:
        raise ValueError(_("식별번호가 너무 짧습니다 (6자 이상)."))
    return hmac.new(_secret("census"), f"person:{normal}".encode(), hashlib.sha256).hexdigest()


def ballot_key(process_id: int, key: str) -> str:
    return hmac.new(_secret("ballot"), f"ballot:{process_id}:{key}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Identity:
    identifier: str  # the resident identifier the provider vouches for (hashed at once, never stored)
    birth_year: int
    district: str = ""
    resident: bool = True


class IdentityProvider(Protocol):
    code: str
    label: str

    def verify(self, data: dict[str, str]) -> Identity:
        """The identity the provider's answer vouches for; ValueError (Korean) when it does not."""
        ...


class MockProvider:
    """모의 본인인증: accepts a phone number and birth year as a real provider would after its own
    check. For the demo and tests only; a deployment lists its real providers in
    ``CITYHALL_IDENTITY_PROVIDERS``."""

    code = "mock"
    label = gettext_lazy("모의 본인인증 (예시)")

    def verify(self, data: dict[str, str]) -> Identity:
        phone = normalise_identifier(data.get("phone", ""))
        if not re.fullmatch(r"01[0-9]{8,9}", phone):
            raise ValueError(_("휴대전화 번호는 010으로 시작하는 10~11자리 숫자여야 합니다."))
        try:
            year = int(data.get("birth_year", ""))
        except ValueError:
            raise ValueError(_("출생 연도는 네 자리 숫자여야 합니다.")) from None
        if not 1900 <= year <= 2100:
            raise ValueError(_("출생 연도는 네 자리 숫자여야 합니다."))
        return Identity(identifier=f"PHONE{phone}", birth_year=year, district=data.get("district", ""))


_PROVIDERS: dict[str, IdentityProvider] = {}


def register_provider(provider: IdentityProvider) -> None:
    _PROVIDERS[provider.code] = provider


def providers() -> dict[str, IdentityProvider]:
    enabled = getattr(settings, "CITYHALL_IDENTITY_PROVIDERS", None)
    if enabled is None:
        enabled = [c for c in os.environ.get("CITYHALL_IDENTITY_PROVIDERS", "mock").split(",") if c]
    return {code: _PROVIDERS[code] for code in enabled if code in _PROVIDERS}


register_provider(MockProvider())
