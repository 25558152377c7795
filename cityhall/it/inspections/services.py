"""사용전검사 writes: receive an application (its processing deadline counted by the civil-petition
rule), check the documents, inspect on site, decide (pass with a certificate code, or fail with the
reasons and the period for a re-inspection), and receive a re-inspection. 정보통신과 staff only; each
write validates first, runs in one transaction and is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cityhall.core import audit, clock, deadlines
from cityhall.core.records import Errors, record_type_for
from cityhall.core.services import NON_FIELD, RecordInvalid

from ..models import OPEN_INSPECTION_STATUSES, InspectionStatus, TelecomInspection
from ..writes import create_numbered, require_it_staff, save_audited

STAFF_ONLY = gettext_lazy("사용전검사는 정보통신과(편집자·관리자)나 실장·관리자만 처리할 수 있습니다.")

#: 법정 처리기일 (seed II.3 line 335), counted as 민원처리법 §19② counts periods of six days or more.
PROCESSING_DAYS = 14
PROCESSING_RULE = "civil_petition_days"
#: Days an applicant has to ask for a re-inspection after a failure: a setting (``IT_REINSPECTION_DAYS``),
#: counted by the same rule; the dataset names no period, so the default is the processing period.
DEFAULT_REINSPECTION_DAYS = 14
#: Warn on a case this many calendar days before its deadline.
WARN_DAYS = 3


def processing_deadline(received_on: dt.date) -> deadlines.Deadline:
    return deadlines.due(PROCESSING_RULE, received_on, PROCESSING_DAYS)


def reinspection_deadline(decided_on: dt.date) -> deadlines.Deadline:
    days = int(getattr(settings, "IT_REINSPECTION_DAYS", DEFAULT_REINSPECTION_DAYS))
    return deadlines.due(PROCESSING_RULE, decided_on, days)


def processing_days(received_on: dt.date, decided_on: dt.date) -> int:
    """처리일: working days from receipt to decision, the first day counted (as the period is)."""
    return deadlines.working_days_between(received_on, decided_on)


def _locked(inspection: TelecomInspection) -> tuple[TelecomInspection, dict[str, Any]]:
    locked = TelecomInspection.objects.select_for_update().get(pk=inspection.pk)
    return locked, record_type_for(TelecomInspection).to_data(locked)


def _check_day(day: Any, field: str, label: str, *, not_before: dt.date, errors: Errors) -> None:
    if not isinstance(day, dt.date):
        errors.setdefault(field, []).append(_("%(label)s을(를) 날짜로 적어 주세요.") % {"label": label})
    elif day < not_before:
        errors.setdefault(field, []).append(
            _("%(label)s은(는) %(day)s 이후여야 합니다.") % {"label": label, "day": not_before.isoformat()}
        )
    elif day > clock.today():
        errors.setdefault(field, []).append(_("%(label)s이(가) 미래입니다.") % {"label": label})


@transaction.atomic
def inspection_receive(
    *,
    building: str,
    address: str,
    applicant: str,
    actor: audit.Actor,
    applicant_contact: str = "",
    received_on: dt.date | None = None,
    reinspection_of: TelecomInspection | None = None,
) -> TelecomInspection:
    """접수: a new application (or the re-inspection of a failed one, within its period)."""
    require_it_staff(actor, STAFF_ONLY)
    received_on = received_on or clock.today()
    errors: Errors = {}
    for field, value, label in (
        ("building", building, _("건축물")),
        ("address", address, _("소재지")),
        ("applicant", applicant, _("신청인")),
    ):
        if not str(value or "").strip():
            errors[field] = [_("%(label)s을(를) 적어 주세요.") % {"label": label}]
    if received_on > clock.today():
        errors["received_on"] = [_("접수일이 미래입니다.")]
    if reinspection_of is not None:
        failed = TelecomInspection.objects.select_for_update().get(pk=reinspection_of.pk)
        if failed.status != InspectionStatus.FAILED:
            errors[NON_FIELD] = [_("불합격한 검사만 재검사를 신청할 수 있습니다.")]
        elif hasattr(failed, "reinspection"):
            errors[NON_FIELD] = [
                _("이 검사의 재검사는 이미 접수되었습니다 (%(n)s).") % {"n": failed.reinspection.code}
            ]
        elif failed.reinspect_by and received_on > failed.reinspect_by:
            errors["received_on"] = [
                _("재검사 신청 기한(%(day)s)이 지났습니다.") % {"day": failed.reinspect_by.isoformat()}
            ]
    if errors:
        raise RecordInvalid(errors)
    inspection = TelecomInspection(
        building=building.strip(),
        address=address.strip(),
        applicant=applicant.strip(),
        applicant_contact=(applicant_contact or "").strip(),
        received_on=received_on,
        due_on=processing_deadline(received_on).due_date,
        reinspection_of=reinspection_of,
    )
    create_numbered(actor, inspection, f"{received_on.year}-")
    return inspection


def _require_status(inspection: TelecomInspection, *allowed: str) -> None:
    if inspection.status not in allowed:
        raise RecordInvalid(
            {
                "status": [
                    _("지금 상태(%(status)s)에서는 할 수 없습니다.")
                    % {"status": inspection.get_status_display()}
                ]
            }
        )


@transaction.atomic
def inspection_check_documents(
    *, inspection: TelecomInspection, actor: audit.Actor, checked_on: dt.date | None = None
) -> TelecomInspection:
    """서류 검토 완료."""
    require_it_staff(actor, STAFF_ONLY)
    inspection, before = _locked(inspection)
    _require_status(inspection, InspectionStatus.RECEIVED)
    checked_on = checked_on or clock.today()
    errors: Errors = {}
    _check_day(
        checked_on, "documents_checked_on", _("서류 검토일"), not_before=inspection.received_on, errors=errors
    )
    if errors:
        raise RecordInvalid(errors)
    inspection.documents_checked_on = checked_on
    inspection.status = InspectionStatus.DOCUMENTS_CHECKED
    save_audited(actor, inspection, before)
    return inspection


@transaction.atomic
def inspection_inspect(
    *, inspection: TelecomInspection, actor: audit.Actor, inspected_on: dt.date | None = None
) -> TelecomInspection:
    """현장 검사 완료."""
    require_it_staff(actor, STAFF_ONLY)
    inspection, before = _locked(inspection)
    _require_status(inspection, InspectionStatus.DOCUMENTS_CHECKED)
    inspected_on = inspected_on or clock.today()
    errors: Errors = {}
    _check_day(
        inspected_on,
        "inspected_on",
        _("현장 검사일"),
        not_before=inspection.documents_checked_on or inspection.received_on,
        errors=errors,
    )
    if errors:
        raise RecordInvalid(errors)
    inspection.inspected_on = inspected_on
    inspection.status = InspectionStatus.INSPECTED
    save_audited(actor, inspection, before)
    return inspection


@transaction.atomic
def inspection_decide(
    *,
    inspection: TelecomInspection,
    passed: bool,
    actor: audit.Actor,
    findings: str = "",
    decided_on: dt.date | None = None,
) -> TelecomInspection:
    """합격 (with the certificate's code) or 불합격 (with the reasons and the re-inspection period)."""
    require_it_staff(actor, STAFF_ONLY)
    inspection, before = _locked(inspection)
    _require_status(inspection, InspectionStatus.INSPECTED)
    decided_on = decided_on or clock.today()
    errors: Errors = {}
    _check_day(
        decided_on,
        "decided_on",
        _("처리일"),
        not_before=inspection.inspected_on or inspection.received_on,
        errors=errors,
    )
    findings = (findings or "").strip()
    if not passed and not findings:
        errors["findings"] = [_("불합격 사유를 적어 주세요.")]
    if errors:
        raise RecordInvalid(errors)
    inspection.decided_on = decided_on
    inspection.findings = findings
    if passed:
        inspection.status = InspectionStatus.PASSED
        inspection.certificate_number = f"사용전검사-{inspection.code}"
    else:
        inspection.status = InspectionStatus.FAILED
        inspection.reinspect_by = reinspection_deadline(decided_on).due_date
    save_audited(actor, inspection, before)
    return inspection


def is_open(inspection: TelecomInspection) -> bool:
    return inspection.status in OPEN_INSPECTION_STATUSES
