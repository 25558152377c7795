"""Writes of the military module: the compensation cycle (apply → compute → decide → notify → pay,
objections and re-review), the rule table, personal-data access and deletion, and the cooperation
councils' meetings (through the committees app) and tasks. Keyword-only, atomic, audited,
validating before anything is saved."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cityhall.core import audit, personal_data
from cityhall.core.permissions import has_permission
from cityhall.core.records import RecordType, record_type_for
from cityhall.core.services import RecordInvalid
from cityhall.organisation import departments
from cityhall.organisation.selectors import PLANNING_STAFF

from . import personal, rules, schedule
from .compensation import CompensationError, Facts, compute
from .models import (
    CompensationYear,
    CooperationCouncil,
    CooperationTask,
    NoiseApplication,
    NoiseRuleRow,
    NoiseRuleVersion,
    Objection,
    Zone,
)

# Applications and objections are not generic records (their personal fields never leave this app's
# pages); these types name them in the audit trail.
APPLICATIONS = RecordType(name="noise_applications", model=NoiseApplication, owner=None)
OBJECTIONS = RecordType(name="noise_objections", model=Objection, owner=None)
AUDIT_REVEAL = "reveal"
AUDIT_REVEAL_LABEL = "개인정보 열람"
RETENTION_YEARS_DEFAULT = 5
CORRECTABLE = {"zone", "moved_in_on", "moved_out_on", "workplace_outside_months"}


def require_planning(actor: audit.Actor) -> None:
    """Compensation, councils and tasks are 정책기획과's work (commands and jobs act as the system)."""
    if actor.user is not None and not has_permission(actor.user, PLANNING_STAFF):
        raise PermissionDenied(_("정책기획과만 처리할 수 있습니다."))


# -- the rule table --------------------------------------------------------------------------------
@transaction.atomic
def rule_version_load_default(*, actor: audit.Actor) -> NoiseRuleVersion:
    """The decree's table as enacted (idempotent)."""
    version, created = NoiseRuleVersion.objects.get_or_create(
        code=rules.DEFAULT_VERSION["code"],
        defaults={k: v for k, v in rules.DEFAULT_VERSION.items() if k != "code"},
    )
    if created:
        NoiseRuleRow.objects.bulk_create(NoiseRuleRow(version=version, **row) for row in rules.DEFAULT_ROWS)
        audit.record(
            actor, "create", record_type_for(NoiseRuleVersion), version, after={"code": version.code}
        )
    return version


def rule_rows_rules(obj, before: dict | None) -> dict[str, list[str]]:
    """A rule table decided with is frozen: its rows change only in a new version."""
    version_id = getattr(obj, "version_id", None) or getattr(obj, "pk", None)
    model_is_row = isinstance(obj, NoiseRuleRow)
    if before is None and not model_is_row:
        return {}
    if (
        version_id
        and CompensationYear.objects.filter(rule_version_id=version_id)
        .exclude(state=CompensationYear.State.RECEIVING)
        .exists()
    ):
        return {"__all__": [_("이미 심의 결정에 쓰인 규칙표는 고칠 수 없습니다. 새 판을 만드세요.")]}
    return {}


def rule_table_of(version: NoiseRuleVersion):
    return rules.table_from_rows(version.code, version.rows.all())


# -- years -----------------------------------------------------------------------------------------
@transaction.atomic
def year_open(
    *,
    year: int,
    org_unit,
    area: str,
    rule_version: NoiseRuleVersion,
    actor: audit.Actor,
    base_established_on: date | None = None,
    committee=None,
    budget: int | None = None,
    sample: bool = False,
    section: str = "",
    line: int | None = None,
) -> CompensationYear:
    require_planning(actor)
    if CompensationYear.objects.filter(year=year).exists():
        raise RecordInvalid(_("%(year)d년 보상 연도가 이미 있습니다.") % {"year": year}, field="year")
    obj = CompensationYear.objects.create(
        year=year,
        org_unit=org_unit,
        area=area,
        rule_version=rule_version,
        committee=committee,
        base_established_on=base_established_on,
        budget=budget,
        sample=sample,
        section=section,
        line=line,
    )
    rtype = record_type_for(CompensationYear)
    audit.record(actor, "create", rtype, obj, after=rtype.to_data(obj))
    return obj


def facts_of(app: NoiseApplication, year: CompensationYear, overrides: dict | None = None) -> Facts:
    data = {
        "zone": app.zone,
        "moved_in_on": app.moved_in_on,
        "moved_out_on": app.moved_out_on,
        "workplace_outside_months": app.workplace_outside_months,
    }
    data.update(overrides or {})
    return Facts(
        year=year.residence_year,
        zone=data["zone"],
        moved_in_on=data["moved_in_on"],
        moved_out_on=data["moved_out_on"],
        workplace_outside_months=tuple(data["workplace_outside_months"] or ()),
        base_established_on=year.base_established_on,
    )


def _retain_until(year: CompensationYear) -> date:
    years = int(getattr(settings, "CITYHALL_NOISE_RETENTION_YEARS", RETENTION_YEARS_DEFAULT))
    return date(year.year + years, 12, 31)


def _parse_date(value: Any, field: str, label: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise RecordInvalid(
            _("%(label)s은(는) YYYY-MM-DD 형식이어야 합니다.") % {"label": label}, field=field
        ) from exc


def parse_months(value: Any) -> list[int]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [v for v in value.replace(" ", "").split(",") if v]
    try:
        months = sorted({int(v) for v in value})
    except (TypeError, ValueError) as exc:
        raise RecordInvalid(
            _("근무지 월은 1~12의 숫자를 쉼표로 적습니다."), field="workplace_outside_months"
        ) from exc
    if any(not 1 <= m <= 12 for m in months):
        raise RecordInvalid(_("근무지 월은 1~12여야 합니다."), field="workplace_outside_months")
    return months


# -- applications ----------------------------------------------------------------------------------
@transaction.atomic
def application_submit(
    *, year: CompensationYear, data: dict[str, Any], actor: audit.Actor, sample: bool = False
) -> NoiseApplication:
    """접수: validate everything first (Korean message per field), then store encrypted and compute."""
    require_planning(actor)
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    year = CompensationYear.objects.select_for_update().get(pk=year.pk)
    if year.state != CompensationYear.State.RECEIVING:
        raise RecordInvalid(_("이 연도는 신청 접수를 마감했습니다."))
    name = str(data.get("name") or "").strip()
    if not name:
        fail("name", _("성명을 적어 주세요."))
    address = str(data.get("address") or "").strip()
    if not address:
        fail("address", _("주소를 적어 주세요."))
    zone = str(data.get("zone") or "")
    if zone not in Zone.values:
        fail("zone", _("알 수 없는 구역입니다: '%(zone)s' (1종·2종·3종 중 하나)") % {"zone": zone})
    try:
        moved_in = _parse_date(data.get("moved_in_on"), "moved_in_on", _("전입일"))
        moved_out = _parse_date(data.get("moved_out_on"), "moved_out_on", _("전출일"))
        applied = _parse_date(data.get("applied_on"), "applied_on", _("신청일"))
        months = parse_months(data.get("workplace_outside_months"))
    except RecordInvalid as exc:
        for f, ms in exc.errors.items():
            errors.setdefault(f, []).extend(ms)
        moved_in = moved_out = applied = None
        months = []
    if moved_in is None and "moved_in_on" not in errors:
        fail("moved_in_on", _("전입일을 적어 주세요."))
    if applied is None and "applied_on" not in errors:
        fail("applied_on", _("신청일을 적어 주세요."))
    if moved_in and applied and moved_in > applied:
        fail(
            "moved_in_on",
            _("전입일(%(moved)s)이 신청일(%(applied)s)보다 늦습니다.")
            % {"moved": moved_in.isoformat(), "applied": applied.isoformat()},
        )
    if moved_in and moved_out and moved_out < moved_in:
        fail("moved_out_on", _("전출일이 전입일보다 앞설 수 없습니다."))
    if applied:
        deadline = schedule.step(year.year, "apply").due
        if applied > deadline or applied.year != year.year:
            fail(
                "applied_on",
                _("신청 기간(%(year)d-01-01 ~ %(due)s)이 아닙니다.")
                % {"year": year.year, "due": deadline.isoformat()},
            )
    try:
        rrn = personal_data.clean_resident_number(str(data.get("resident_number") or ""))
    except personal_data.PersonalDataError as exc:
        fail(exc.field, str(exc))
        rrn = ""
    bank_code = str(data.get("bank_code") or "")
    try:
        account = personal.clean_account(bank_code, str(data.get("account_number") or ""))
    except personal_data.PersonalDataError as exc:
        fail(exc.field, str(exc))
        account = ""
    holder = str(data.get("account_holder") or name).strip()
    if errors:
        raise RecordInvalid(errors)
    key = personal_data.index(rrn, scope="military")
    if NoiseApplication.objects.filter(year=year, resident_index=key).exists():
        raise RecordInvalid(
            _("이 사람의 %(year)d년 신청이 이미 있습니다.") % {"year": year.year}, field="resident_number"
        )
    last = (
        NoiseApplication.objects.filter(year=year)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    app = NoiseApplication(
        year=year,
        number=(last or 0) + 1,
        name=name,
        address=address,
        zone=zone,
        moved_in_on=moved_in,
        moved_out_on=moved_out,
        workplace_outside_months=months,
        applied_on=applied,
        bank_code=bank_code,
        account_holder=holder,
        resident_number=personal_data.encrypt(rrn),
        resident_index=key,
        account_number=personal_data.encrypt(account),
        retain_until=_retain_until(year),
        sample=sample,
    )
    result = compute(facts_of(app, year), rule_table_of(year.rule_version))
    app.computed_amount, app.explanation = result.amount, result.lines
    try:
        with transaction.atomic():
            app.save()
    except IntegrityError as exc:  # a concurrent application of the same person
        raise RecordInvalid(
            _("이 사람의 %(year)d년 신청이 이미 있습니다.") % {"year": year.year}, field="resident_number"
        ) from exc
    audit.record(actor, "create", APPLICATIONS, app, after=_public(app))
    return app


def _public(app: NoiseApplication) -> dict[str, Any]:
    """What the audit trail keeps of an application: no personal data."""
    return {
        "number": app.number,
        "zone": app.zone,
        "moved_in_on": app.moved_in_on.isoformat(),
        "status": app.status,
        "computed_amount": app.computed_amount,
        "decided_amount": app.decided_amount,
    }


@transaction.atomic
def year_decide(*, year: CompensationYear, decided_on: date, actor: audit.Actor) -> CompensationYear:
    """심의 결정: every application computed with the year's rule table, which is then frozen."""
    require_planning(actor)
    year = CompensationYear.objects.select_for_update().get(pk=year.pk)
    if year.state != CompensationYear.State.RECEIVING:
        raise RecordInvalid(_("이미 심의 결정한 연도입니다."))
    if decided_on < schedule.step(year.year, "apply").due:
        raise RecordInvalid(_("신청 마감 전에는 결정할 수 없습니다."), field="decided_on")
    table = rule_table_of(year.rule_version)
    events = []
    apps = list(year.applications.select_for_update().filter(purged=False))
    for app in apps:
        result = compute(facts_of(app, year), table)
        app.computed_amount = app.decided_amount = result.amount
        app.explanation = result.lines
        app.decided_rule_version = year.rule_version
        if result.amount > 0:
            app.status, app.reject_reason = NoiseApplication.Status.APPROVED, ""
        else:
            app.status = NoiseApplication.Status.REJECTED
            app.reject_reason = _("보상 대상 기간 중 소음대책지역 거주 사실 없음")
        events.append(audit.event(actor, "update", APPLICATIONS, app, after=_public(app)))
    NoiseApplication.objects.bulk_update(
        apps,
        [
            "computed_amount",
            "decided_amount",
            "explanation",
            "decided_rule_version",
            "status",
            "reject_reason",
        ],
    )
    audit.record_many(events)
    if year.committee_id and year.decision_meeting_id is None:
        from cityhall.committees import services as committees

        approved = [a for a in apps if a.decided_amount]
        year.decision_meeting = committees.meeting_create(
            committee=year.committee,
            held_on=decided_on,
            agenda=[
                _("%(year)d년 군소음 피해 보상금 지급대상 및 보상금액 결정 (%(count)d명, %(total)s원)")
                % {
                    "year": year.year,
                    "count": len(approved),
                    "total": f"{sum(a.decided_amount for a in approved):,}",
                }
            ],
            actor=actor,
        )
    return _year_move(year, CompensationYear.State.DECIDED, decided_on=decided_on, actor=actor)


def _year_move(year: CompensationYear, state: str, *, actor: audit.Actor, **dates) -> CompensationYear:
    rtype = record_type_for(CompensationYear)
    before = rtype.to_data(year)
    year.state = state
    for name, value in dates.items():
        setattr(year, name, value)
    year.save()
    audit.record(actor, "update", rtype, year, before=before, after=rtype.to_data(year))
    return year


@transaction.atomic
def year_notify(*, year: CompensationYear, notified_on: date, actor: audit.Actor) -> CompensationYear:
    require_planning(actor)
    year = CompensationYear.objects.select_for_update().get(pk=year.pk)
    if year.state != CompensationYear.State.DECIDED:
        raise RecordInvalid(_("심의 결정 뒤에 통지합니다."))
    if year.decided_on and notified_on < year.decided_on:
        raise RecordInvalid(_("통지일이 결정일보다 앞설 수 없습니다."), field="notified_on")
    return _year_move(year, CompensationYear.State.NOTIFIED, notified_on=notified_on, actor=actor)


@transaction.atomic
def year_pay(*, year: CompensationYear, paid_on: date, actor: audit.Actor) -> int:
    """지급: approved applications without an objection under re-review. Returns how many were paid."""
    require_planning(actor)
    year = CompensationYear.objects.select_for_update().get(pk=year.pk)
    if year.state not in (CompensationYear.State.NOTIFIED, CompensationYear.State.PAID):
        raise RecordInvalid(_("결정 통지 뒤에 지급합니다."))
    pending = Objection.objects.filter(application__year=year, outcome=Objection.Outcome.PENDING).values(
        "application_id"
    )
    apps = list(
        year.applications.select_for_update()
        .filter(status=NoiseApplication.Status.APPROVED)
        .exclude(pk__in=pending)
    )
    for app in apps:
        app.status, app.paid_on = NoiseApplication.Status.PAID, paid_on
    NoiseApplication.objects.bulk_update(apps, ["status", "paid_on"])
    audit.record_many(audit.event(actor, "update", APPLICATIONS, a, after=_public(a)) for a in apps)
    if year.state != CompensationYear.State.PAID:
        _year_move(year, CompensationYear.State.PAID, paid_on=paid_on, actor=actor)
    return len(apps)


# -- objections ------------------------------------------------------------------------------------
@transaction.atomic
def objection_file(
    *,
    application: NoiseApplication,
    filed_on: date,
    reason: str,
    actor: audit.Actor,
    corrections: dict[str, Any] | None = None,
) -> Objection:
    require_planning(actor)
    app = NoiseApplication.objects.select_for_update().select_related("year").get(pk=application.pk)
    year = app.year
    if year.notified_on is None:
        raise RecordInvalid(_("결정 통지 전에는 이의신청을 받을 수 없습니다."))
    due, _lines = schedule.objection_due(year.notified_on)
    if filed_on > due:
        raise RecordInvalid(
            _("이의신청 기한(%(due)s)이 지났습니다.") % {"due": due.isoformat()}, field="filed_on"
        )
    if filed_on < year.notified_on:
        raise RecordInvalid(_("이의신청일이 통지일보다 앞설 수 없습니다."), field="filed_on")
    if not (reason or "").strip():
        raise RecordInvalid(_("이의 사유를 적어 주세요."), field="reason")
    if app.objections.filter(outcome=Objection.Outcome.PENDING).exists():
        raise RecordInvalid(_("재심의 중인 이의신청이 이미 있습니다."))
    clean = _clean_corrections(corrections or {})
    objection = Objection.objects.create(
        application=app,
        filed_on=filed_on,
        due_on=due,
        reason=reason.strip(),
        corrections=clean,
        amount_before=app.decided_amount,
    )
    audit.record(
        actor, "create", OBJECTIONS, objection, after={"filed_on": filed_on.isoformat(), "corrections": clean}
    )
    return objection


def _clean_corrections(corrections: dict[str, Any]) -> dict[str, Any]:
    unknown = set(corrections) - CORRECTABLE
    if unknown:
        raise RecordInvalid(_("정정할 수 없는 항목입니다: %(names)s") % {"names": ", ".join(sorted(unknown))})
    clean: dict[str, Any] = {}
    for name, value in corrections.items():
        if value in (None, "", []):
            continue
        if name == "zone":
            if str(value) not in Zone.values:
                raise RecordInvalid(_("알 수 없는 구역입니다: '%(zone)s'") % {"zone": value}, field="zone")
            clean[name] = str(value)
        elif name == "workplace_outside_months":
            clean[name] = parse_months(value)
        else:
            parsed = _parse_date(value, name, name)
            clean[name] = parsed.isoformat() if parsed else None
    return clean


@transaction.atomic
def objection_decide(
    *,
    objection: Objection,
    outcome: str,
    decided_on: date,
    actor: audit.Actor,
    accepted: list[str] | None = None,
) -> Objection:
    """재심의: accepted → every correction applies; partly → only ``accepted`` ones; dismissed → none.
    The amount is recomputed with the rule table the year was decided with."""
    require_planning(actor)
    objection = Objection.objects.select_for_update().select_related("application__year").get(pk=objection.pk)
    if objection.outcome != Objection.Outcome.PENDING:
        raise RecordInvalid(_("이미 재심의한 이의신청입니다."))
    if outcome not in {Objection.Outcome.ACCEPTED, Objection.Outcome.PARTLY, Objection.Outcome.DISMISSED}:
        raise RecordInvalid(_("알 수 없는 재심의 결과입니다."), field="outcome")
    if decided_on < objection.filed_on:
        raise RecordInvalid(_("재심의일이 이의신청일보다 앞설 수 없습니다."), field="decided_on")
    app = NoiseApplication.objects.select_for_update().get(pk=objection.application_id)
    year = objection.application.year
    if outcome == Objection.Outcome.ACCEPTED:
        applied = dict(objection.corrections)
    elif outcome == Objection.Outcome.PARTLY:
        if not accepted:
            raise RecordInvalid(_("일부 인용은 받아들인 항목을 고릅니다."), field="accepted")
        applied = {k: v for k, v in objection.corrections.items() if k in accepted}
    else:
        applied = {}
    overrides = {
        k: (date.fromisoformat(v) if k in {"moved_in_on", "moved_out_on"} and v else v)
        for k, v in applied.items()
    }
    version = app.decided_rule_version or year.rule_version
    try:
        result = compute(facts_of(app, year, overrides), rule_table_of(version))
    except CompensationError as exc:
        raise RecordInvalid(str(exc), field=exc.field) from exc
    lines = [
        _("재심의 %(outcome)s: 반영한 정정 %(applied)s")
        % {"outcome": Objection.Outcome(outcome).label, "applied": applied or "-"}
    ]
    objection.outcome, objection.decided_on = outcome, decided_on
    objection.amount_after = result.amount if applied else app.decided_amount
    objection.explanation = lines + (result.lines if applied else list(app.explanation))
    objection.save()
    if applied:
        for name, value in overrides.items():
            setattr(app, name, value)
        app.decided_amount = app.computed_amount = result.amount
        app.explanation = result.lines
        if app.status in (NoiseApplication.Status.APPROVED, NoiseApplication.Status.REJECTED):
            app.status = (
                NoiseApplication.Status.APPROVED if result.amount > 0 else NoiseApplication.Status.REJECTED
            )
            app.reject_reason = "" if result.amount > 0 else app.reject_reason
        app.save()
    audit.record(
        actor,
        "update",
        OBJECTIONS,
        objection,
        after={
            "outcome": outcome,
            "amount_before": objection.amount_before,
            "amount_after": objection.amount_after,
        },
    )
    return objection


def objection_payment_due(objection: Objection) -> date:
    return schedule.step(objection.application.year.year, "pay_objection").due


# -- personal data ---------------------------------------------------------------------------------
def application_reveal(*, application: NoiseApplication, actor: audit.Actor) -> dict[str, str]:
    """The decrypted resident and account numbers, for a staff member allowed to see them; audited."""
    require_planning(actor)
    if application.purged:
        raise RecordInvalid(_("보유기간이 끝나 파기한 개인정보입니다."))
    data = {
        "resident_number": personal_data.decrypt(application.resident_number),
        "account_number": personal_data.decrypt(application.account_number),
    }
    audit.record(actor, AUDIT_REVEAL, APPLICATIONS, application, after={"fields": sorted(data)})
    return data


def payment_file_record(*, year: CompensationYear, rows: int, total: int, actor: audit.Actor) -> None:
    """The bank file carries full account numbers: each download is recorded as an access."""
    require_planning(actor)
    audit.record(
        actor,
        AUDIT_REVEAL,
        record_type_for(CompensationYear),
        year,
        after={"export": "payments.csv", "rows": rows, "total": total},
    )


@transaction.atomic
def personal_data_purge(*, today: date, actor: audit.Actor) -> int:
    """Delete the personal data of applications whose retention period has ended (개인정보 보호법 §21).
    The amounts and decisions stay (they are the year's accounts); the person's data does not."""
    require_planning(actor)
    apps = list(NoiseApplication.objects.select_for_update().filter(purged=False, retain_until__lt=today))
    for app in apps:
        app.name, app.address, app.account_holder = "(파기)", "", ""
        app.resident_number = app.account_number = app.resident_index = ""
        app.purged = True
    NoiseApplication.objects.bulk_update(
        apps,
        [
            "name",
            "address",
            "account_holder",
            "resident_number",
            "account_number",
            "resident_index",
            "purged",
        ],
    )
    audit.record_many(audit.event(actor, "update", APPLICATIONS, a, after={"purged": True}) for a in apps)
    return len(apps)


# -- cooperation -----------------------------------------------------------------------------------
@transaction.atomic
def council_meeting_record(
    *, council: CooperationCouncil, held_on: date, agenda: list[str], minutes: str, actor: audit.Actor
):
    """A meeting of a council, kept by the committees app (numbered, agenda, later attendance and
    decisions on its pages); the minutes when given."""
    from cityhall.committees import services as committees

    require_planning(actor)
    meeting = committees.meeting_create(
        committee=council.committee, held_on=held_on, agenda=agenda, actor=actor
    )
    if (minutes or "").strip():
        meeting = committees.meeting_minutes_set(meeting=meeting, minutes=minutes.strip(), actor=actor)
    return meeting


@transaction.atomic
def task_follow_up(
    *,
    task: CooperationTask,
    on: date,
    note: str,
    actor: audit.Actor,
    next_step: str = "",
    due_on: date | None = None,
    status: str = "",
) -> CooperationTask:
    """One step of a cooperation task, as a meeting records it."""
    require_planning(actor)
    task = CooperationTask.objects.select_for_update().get(pk=task.pk)
    if not (note or "").strip():
        raise RecordInvalid(_("경과를 적어 주세요."), field="note")
    if status and status not in CooperationTask.Status.values:
        raise RecordInvalid(_("알 수 없는 상태입니다."), field="status")
    rtype = record_type_for(CooperationTask)
    before = rtype.to_data(task)
    task.updates = [*task.updates, {"on": on.isoformat(), "note": note.strip(), "next_step": next_step}]
    task.next_step = next_step or task.next_step
    task.due_on = due_on or task.due_on
    task.status = status or task.status
    task.save()
    audit.record(actor, "update", rtype, task, before=before, after=rtype.to_data(task))
    return task


def _period_end(year: int, index: int, months: int) -> date:
    """The last day of the ``index``-th block of ``months`` months counted from January of ``year``."""
    last_month = (index + 1) * months  # 1-based month number of the block's last month, may pass 12
    y, m = year + (last_month - 1) // 12, (last_month - 1) % 12 + 1
    return date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1)


def council_next_due(council: CooperationCouncil, today: date) -> date | None:
    """A regular council meets once in each block of ``cadence_months`` (분기 1회: each quarter): the
    next meeting is due by the end of the block after the last meeting's, or of the current block when
    it has not met this year."""
    months = council.cadence_months
    if not months:
        return None
    from cityhall.committees.selectors import meetings_of

    held = [m.held_on for m in meetings_of(council.committee)]
    if not held:
        return _period_end(today.year, (today.month - 1) // months, months)
    last = max(held)
    return _period_end(last.year, (last.month - 1) // months + 1, months)


def councils_due(today: date, *, within_days: int = 14) -> list[tuple[CooperationCouncil, date]]:
    """Councils with a regular cadence whose next meeting falls due within ``within_days`` (or is late)."""
    due = []
    for council in (
        CooperationCouncil.objects.exclude(cadence_months__isnull=True)
        .select_related("committee")
        .order_by("id")
    ):
        next_due = council_next_due(council, today)
        if next_due is not None and next_due <= today + timedelta(days=within_days):
            due.append((council, next_due))
    return due


# -- samples ---------------------------------------------------------------------------------------
@transaction.atomic
def samples_load(*, actor: audit.Actor | None = None) -> CompensationYear:
    """The 2025 sample year (150 예시 applicants, 40,000,000 won), the councils, agreements and agenda
    items of the seed (idempotent: a second call changes nothing)."""
    from cityhall.committees.models import Committee
    from cityhall.organisation.models import OrgUnit

    from . import samples

    actor = actor or audit.Actor.system("military:load-sample")
    department = OrgUnit.objects.get(code=departments.POLICY_PLANNING)
    team = OrgUnit.objects.filter(code="military-cooperation").first() or department
    version = rule_version_load_default(actor=actor)
    for code, committee_code, tier, months in samples.COUNCILS:
        committee = Committee.objects.filter(code=committee_code).first()
        if committee is not None:
            CooperationCouncil.objects.get_or_create(
                code=code, defaults={"committee": committee, "tier": tier, "cadence_months": months}
            )
    from .models import Agreement

    for row in samples.AGREEMENTS:
        Agreement.objects.get_or_create(code=row["code"], defaults={**row, "org_unit": department})
    working = CooperationCouncil.objects.get(code="mil-council-working")
    for code, title, partner, line in samples.TASKS:
        CooperationTask.objects.get_or_create(
            code=code,
            defaults={
                "title": title,
                "council": working,
                "owner": team,
                "partner_unit": partner,
                "next_step": "실무분과 사전 협의 (예시)",
                "status": CooperationTask.Status.IN_PROGRESS,
                "sample": True,
                "section": "IV.1.5",
                "line": line,
            },
        )
    from cityhall.budget.selectors import programs_with_shares

    from .models import SupportProjectProgress
    from .selectors import SUPPORT_GROUPS

    for program in programs_with_shares().filter(group__in=SUPPORT_GROUPS):
        SupportProjectProgress.objects.get_or_create(program=program)
    year = CompensationYear.objects.filter(year=2025).first()
    if year is None:
        year = year_open(
            year=2025,
            org_unit=department,
            area=samples.AREA,
            rule_version=version,
            committee=Committee.objects.filter(code="policy-planning-c5").first(),
            budget=samples.TOTAL_AMOUNT,
            sample=True,
            section="IV.1.6",
            line=samples.SEED_APPLICANTS_LINE,
            actor=actor,
        )
        for row in samples.applicants():
            application_submit(year=year, data=row, actor=actor, sample=True)
    return year


def council_reminders_send(*, today: date, actor: audit.Actor) -> int:
    """Remind 정책기획과's editors and managers (e-mail/SMS through the shared notifications, their
    preferences for "reminders" applied) once per due date of each regular council. Returns how many
    notifications were written."""
    from cityhall.notifications import services as notifications
    from cityhall.organisation.selectors import department_users

    sent = 0
    recipients = [u for u in department_users(departments.POLICY_PLANNING, ("editor", "manager")) if u.email]
    for council, due in councils_due(today):
        if council.reminded_due == due:
            continue
        with transaction.atomic():
            for user in recipients:
                sent += len(
                    notifications.notify(
                        template="general/notice",
                        context={
                            "name": user.get_full_name() or user.get_username(),
                            "title": _("%(council)s 개최 기한 %(due)s")
                            % {"council": council.name, "due": due.isoformat()},
                            "detail": _("%(cadence)s 정기 협의체입니다. 회의를 열고 회의록을 기록해 주세요.")
                            % {"cadence": council.committee.meeting_frequency},
                        },
                        kind="reminders",
                        user=user,
                        actor=actor,
                    )
                )
            CooperationCouncil.objects.filter(pk=council.pk).update(reminded_due=due)
    return sent
