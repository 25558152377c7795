"""정보보호 writes (seed IV.3.5): a vulnerability finding gets its due date from its severity, is fixed
and then confirmed by a re-check; only 정보통신과 records them. Drills, incidents and personal-data
files are plain records (the record pages, with their rules)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cityhall.core import audit, clock
from cityhall.core.records import Errors, record_type_for
from cityhall.core.services import RecordInvalid

from ..models import FindingSource, FindingStatus, SecurityFinding, Severity
from ..writes import create_numbered, require_it_staff, save_audited

STAFF_ONLY = gettext_lazy("취약점은 정보통신과(편집자·관리자)나 실장·관리자만 기록할 수 있습니다.")

#: Days to fix a finding by severity: the city's own standard (``IT_FINDING_DAYS`` overrides any).
DEFAULT_FIX_DAYS = {Severity.CRITICAL: 7, Severity.HIGH: 30, Severity.MEDIUM: 60, Severity.LOW: 90}
#: A personal-data file is due for its check a year after the last one.
CHECK_EVERY_DAYS = 365


def fix_days(severity: str) -> int:
    overrides = getattr(settings, "IT_FINDING_DAYS", {}) or {}
    return int(overrides.get(severity, DEFAULT_FIX_DAYS[Severity(severity)]))


def due_on(severity: str, found_on: dt.date) -> dt.date:
    return found_on + dt.timedelta(days=fix_days(severity))


@transaction.atomic
def finding_record(
    *,
    source: str,
    target: str,
    title: str,
    severity: str,
    actor: audit.Actor,
    found_on: dt.date | None = None,
    asset=None,
) -> SecurityFinding:
    require_it_staff(actor, STAFF_ONLY)
    found_on = found_on or clock.today()
    errors: Errors = {}
    if source not in FindingSource.values:
        errors["source"] = [_("출처를 골라 주세요.")]
    if severity not in Severity.values:
        errors["severity"] = [_("위험도를 골라 주세요.")]
    if not (target or "").strip():
        errors["target"] = [_("대상을 적어 주세요.")]
    if not (title or "").strip():
        errors["title"] = [_("취약점을 적어 주세요.")]
    if found_on > clock.today():
        errors["found_on"] = [_("발견일이 미래입니다.")]
    if errors:
        raise RecordInvalid(errors)
    finding = SecurityFinding(
        source=source,
        target=target.strip(),
        title=title.strip(),
        severity=severity,
        found_on=found_on,
        due_on=due_on(severity, found_on),
        asset=asset,
    )
    create_numbered(actor, finding, f"V{found_on.year}-")
    return finding


@transaction.atomic
def finding_fix(
    *, finding: SecurityFinding, fix: str, actor: audit.Actor, fixed_on: dt.date | None = None
) -> SecurityFinding:
    require_it_staff(actor, STAFF_ONLY)
    finding = SecurityFinding.objects.select_for_update().get(pk=finding.pk)
    before = record_type_for(SecurityFinding).to_data(finding)
    if finding.status != FindingStatus.OPEN:
        raise RecordInvalid({"status": [_("조치 중인 취약점만 조치 완료로 바꿀 수 있습니다.")]})
    if not (fix or "").strip():
        raise RecordInvalid(_("조치 내용을 적어 주세요."), field="fix")
    finding.fix, finding.fixed_on, finding.status = (
        fix.strip(),
        fixed_on or clock.today(),
        FindingStatus.FIXED,
    )
    save_audited(actor, finding, before)
    return finding


@transaction.atomic
def finding_verify(
    *, finding: SecurityFinding, still_open: bool, actor: audit.Actor, rechecked_on: dt.date | None = None
) -> SecurityFinding:
    """재점검: confirmed fixed, or found still open (back to 조치 중, the due date unchanged)."""
    require_it_staff(actor, STAFF_ONLY)
    finding = SecurityFinding.objects.select_for_update().get(pk=finding.pk)
    before = record_type_for(SecurityFinding).to_data(finding)
    if finding.status != FindingStatus.FIXED:
        raise RecordInvalid({"status": [_("조치 완료된 취약점만 재점검합니다.")]})
    rechecked_on = rechecked_on or clock.today()
    if finding.fixed_on and rechecked_on < finding.fixed_on:
        raise RecordInvalid(_("재점검일은 조치일보다 빠를 수 없습니다."), field="rechecked_on")
    finding.rechecked_on = rechecked_on
    finding.status = FindingStatus.OPEN if still_open else FindingStatus.VERIFIED
    save_audited(actor, finding, before)
    return finding
