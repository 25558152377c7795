"""Video-information requests (영상정보 열람·제공), as pure rules under the Personal Information
Protection Act (개인정보 보호법): which legal bases fit which requester, and which periods of
recording can be asked for. ``services`` applies them; no video is stored, only the request, the
decision and the hand-over log.

- A data subject asks to see footage of themselves: 제35조 (열람 요구).
- The police for an investigation: 제18조 제2항 제7호; a court: 제8호; another body under a law that
  provides for it: 제2호.
- A recording exists only as long as the VMS keeps it (``VMS_RETENTION_DAYS``); a period older than
  that cannot be asked for, nor one in the future or longer than a day.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from .choices import LegalBasis, Requester

VMS_RETENTION_DAYS = 30  # the centre's recordings are overwritten after this (운영 방침, 예시)
MAX_PERIOD = timedelta(hours=24)
TEXT_MAX = 100

BASES: dict[str, frozenset[str]] = {
    Requester.DATA_SUBJECT: frozenset({LegalBasis.ART35}),
    Requester.POLICE: frozenset({LegalBasis.ART18_2_7, LegalBasis.ART18_2_2}),
    Requester.COURT: frozenset({LegalBasis.ART18_2_8}),
    Requester.AGENCY: frozenset({LegalBasis.ART18_2_2}),
}


def check_basis(requester_kind: str, legal_basis: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if requester_kind not in Requester.values:
        errors["requester_kind"] = [_("요청자 구분을 고르세요.")]
        return errors
    if legal_basis not in LegalBasis.values:
        errors["legal_basis"] = [_("법적 근거를 고르세요.")]
        return errors
    if legal_basis not in BASES[requester_kind]:
        allowed = ", ".join(str(LegalBasis(b).label) for b in sorted(BASES[requester_kind]))
        errors["legal_basis"] = [
            _("%(who)s의 요청에는 이 근거를 쓸 수 없습니다. 가능한 근거: %(allowed)s")
            % {"who": Requester(requester_kind).label, "allowed": allowed}
        ]
    return errors


def check_period(start: datetime | None, end: datetime | None, now: datetime) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if start is None:
        errors["period_start"] = [_("영상 시작 시각을 적어 주세요.")]
    if end is None:
        errors["period_end"] = [_("영상 끝 시각을 적어 주세요.")]
    if errors:
        return errors
    if end <= start:
        errors["period_end"] = [_("영상 끝 시각은 시작 시각보다 뒤여야 합니다.")]
    elif end - start > MAX_PERIOD:
        errors["period_end"] = [_("한 번에 24시간까지 요청할 수 있습니다.")]
    if end > now:
        errors.setdefault("period_end", []).append(_("아직 녹화되지 않은 시각입니다."))
    if start < now - timedelta(days=VMS_RETENTION_DAYS):
        errors["period_start"] = [
            _("영상 보관 기간(%(d)d일)이 지나 남아 있지 않은 영상입니다.") % {"d": VMS_RETENTION_DAYS}
        ]
    return errors
