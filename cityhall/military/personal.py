"""Bank accounts of the compensation applicants: the bank codes and the account number's check. The
encryption at rest, the keyed index and the resident-number check are shared
(``cityhall.core.personal_data``); the masks are ``cityhall.core.masking``'s.

The banks' check-digit rules are not public, so only the bank code (금융결제원 코드 below) and the
number's shape (10–14 digits, hyphens allowed) are checked.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from cityhall.core.personal_data import PersonalDataError

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
