"""The compensation cycle through the services, on the Gimpo dataset: the 2025 sample year, bad input,
decisions frozen against new rule versions, objections and re-review, personal data."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.military import samples, services
from cityhall.military.models import (
    CompensationYear,
    CooperationCouncil,
    NoiseApplication,
    NoiseRuleRow,
    NoiseRuleVersion,
)
from cityhall.organisation.models import OrgUnit, Role

SYSTEM = Actor.system("test")
GOOD = {
    "name": "홍길동",
    "resident_number": "800101-1234567",
    "address": "월곶면 군하리 1",
    "zone": "3",
    "moved_in_on": "2005-03-01",
    "applied_on": "2025-02-10",
    "bank_code": "011",
    "account_number": "301-1234-5678-91",
}


@pytest.fixture
def year(db):
    version = services.rule_version_load_default(actor=SYSTEM)
    return services.year_open(
        year=2025,
        org_unit=OrgUnit.objects.get(code="policy-planning"),
        area="군하리",
        rule_version=version,
        actor=SYSTEM,
    )


def test_sample_year_reproduces_the_seed_totals(db):
    year = services.samples_load()
    apps = NoiseApplication.objects.filter(year=year)
    assert apps.count() == samples.TOTAL_APPLICANTS == 150
    assert sum(a.computed_amount for a in apps) == samples.TOTAL_AMOUNT == 40_000_000
    assert all(a.sample for a in apps) and year.line == 564
    services.samples_load()  # idempotent
    assert NoiseApplication.objects.count() == 150 and CooperationCouncil.objects.count() == 3


def test_application_is_encrypted_masked_and_computed(year):
    app = services.application_submit(year=year, data=GOOD, actor=SYSTEM)
    assert "800101" not in app.resident_number and "1234-5678" not in app.account_number
    assert app.computed_amount == 252_000  # 3종, moved in 2005: 30,000 × 12 × 70 %
    from cityhall.military.selectors import masked

    row = masked(app)
    assert (row.name, row.resident_number, row.account) == ("홍*동", "800101-1******", "301*******891")
    assert services.application_reveal(application=app, actor=SYSTEM)["account_number"] == "3011234567891"
    assert AuditEvent.objects.filter(record_type="noise_applications", action="reveal").count() == 1
    assert "800101" not in str(
        AuditEvent.objects.filter(record_type="noise_applications").values_list("after")
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"moved_in_on": "2025-02-11"},
            "moved_in_on",
            "전입일(2025-02-11)이 신청일(2025-02-10)보다 늦습니다.",
        ),
        ({"zone": "4"}, "zone", "알 수 없는 구역입니다: '4' (1종·2종·3종 중 하나)"),
        ({"account_number": "301-12"}, "account_number", "계좌번호는 숫자 10~14자리여야 합니다."),
        ({"bank_code": "999"}, "bank_code", "알 수 없는 은행코드입니다: '999'"),
        (
            {"resident_number": "801301-1234567"},
            "resident_number",
            "주민등록번호 앞 6자리가 올바른 생년월일이 아닙니다.",
        ),
        ({"applied_on": "2025-03-04"}, "applied_on", "신청 기간(2025-01-01 ~ 2025-02-28)이 아닙니다."),
        ({"moved_in_on": "2005/03/01"}, "moved_in_on", "전입일은(는) YYYY-MM-DD 형식이어야 합니다."),
    ],
)
def test_bad_applications_are_refused_with_nothing_written(year, change, field, message):
    with pytest.raises(RecordInvalid) as exc:
        services.application_submit(year=year, data={**GOOD, **change}, actor=SYSTEM)
    assert exc.value.errors[field] == [message]
    assert NoiseApplication.objects.count() == 0


def test_second_application_of_the_same_person_is_refused(year):
    services.application_submit(year=year, data=GOOD, actor=SYSTEM)
    with pytest.raises(RecordInvalid, match="이 사람의 2025년 신청이 이미 있습니다"):
        services.application_submit(year=year, data={**GOOD, "name": "다른이름"}, actor=SYSTEM)


def _decided(year):
    app = services.application_submit(year=year, data=GOOD, actor=SYSTEM)
    services.year_decide(year=year, decided_on=date(2025, 4, 22), actor=SYSTEM)
    services.year_notify(year=year, notified_on=date(2025, 5, 30), actor=SYSTEM)
    app.refresh_from_db()
    return app


def test_a_new_rule_version_never_changes_a_decided_year(year):
    app = _decided(year)
    assert app.decided_amount == 252_000
    row = NoiseRuleRow.objects.get(version=year.rule_version, kind="zone_amount", key="3")
    from cityhall.core.records import REGISTRY
    from cityhall.core.services import record_update

    with pytest.raises(RecordInvalid, match="이미 심의 결정에 쓰인 규칙표는 고칠 수 없습니다"):
        record_update(rtype=REGISTRY["noise_rule_rows"], obj=row, data={"amount": 40_000}, actor=SYSTEM)
    newer = NoiseRuleVersion.objects.create(
        code="decree-2030", title="가상 개정", effective_from=date(2030, 1, 1)
    )
    for r in NoiseRuleRow.objects.filter(version=year.rule_version):
        r.pk, r.version = None, newer
        if r.kind == "zone_amount":
            r.amount *= 2
        r.save()
    # An objection decided later still computes with the version the year was decided with.
    objection = services.objection_file(
        application=app,
        filed_on=date(2025, 6, 2),
        reason="전입일 정정",
        corrections={"moved_in_on": "1985-01-01"},
        actor=SYSTEM,
    )
    services.objection_decide(
        objection=objection, outcome="accepted", decided_on=date(2025, 6, 20), actor=SYSTEM
    )
    app.refresh_from_db()
    assert app.decided_amount == 360_000 and app.decided_rule_version.code == "decree-2020"


def test_objection_outcomes(year):
    app = _decided(year)
    corrections = {"zone": "2", "workplace_outside_months": "1,2"}
    # dismissed: nothing changes
    o = services.objection_file(
        application=app, filed_on=date(2025, 6, 10), reason="구역 정정", corrections=corrections, actor=SYSTEM
    )
    o = services.objection_decide(
        objection=o, outcome="dismissed", decided_on=date(2025, 6, 12), actor=SYSTEM
    )
    assert (o.amount_before, o.amount_after) == (252_000, 252_000)
    # partly: only the zone → 2종 45,000 × 12 × 70 % = 378,000
    o = services.objection_file(
        application=app, filed_on=date(2025, 6, 13), reason="구역 정정", corrections=corrections, actor=SYSTEM
    )
    o = services.objection_decide(
        objection=o, outcome="partly", accepted=["zone"], decided_on=date(2025, 6, 16), actor=SYSTEM
    )
    assert o.amount_after == 378_000
    # accepted: zone and workplace → Jan–Feb at 60 %: 2 × 18,000 + 10 × 31,500 = 351,000
    o = services.objection_file(
        application=app, filed_on=date(2025, 6, 17), reason="근무지", corrections=corrections, actor=SYSTEM
    )
    o = services.objection_decide(objection=o, outcome="accepted", decided_on=date(2025, 6, 20), actor=SYSTEM)
    app.refresh_from_db()
    assert (o.amount_after, app.decided_amount, app.zone) == (351_000, 351_000, "2")


def test_objection_deadline_and_payment_waits_for_re_review(year):
    app = _decided(year)
    # Notified Fri 2025-05-30: 30 days → Sun 2025-06-29 → Mon 2025-06-30.
    with pytest.raises(RecordInvalid, match=r"이의신청 기한\(2025-06-30\)이 지났습니다"):
        services.objection_file(application=app, filed_on=date(2025, 7, 1), reason="늦음", actor=SYSTEM)
    o = services.objection_file(application=app, filed_on=date(2025, 6, 30), reason="기한 내", actor=SYSTEM)
    assert o.due_on == date(2025, 6, 30)
    assert services.year_pay(year=year, paid_on=date(2025, 8, 29), actor=SYSTEM) == 0
    services.objection_decide(objection=o, outcome="dismissed", decided_on=date(2025, 7, 15), actor=SYSTEM)
    assert services.year_pay(year=year, paid_on=date(2025, 10, 30), actor=SYSTEM) == 1
    assert CompensationYear.objects.get().state == "paid"


def test_personal_data_is_deleted_when_retention_ends(year, settings):
    settings.CITYHALL_NOISE_RETENTION_YEARS = 5
    app = services.application_submit(year=year, data=GOOD, actor=SYSTEM)
    assert app.retain_until == date(2030, 12, 31)
    assert services.personal_data_purge(today=date(2030, 12, 31), actor=SYSTEM) == 0
    assert services.personal_data_purge(today=date(2031, 1, 1), actor=SYSTEM) == 1
    app.refresh_from_db()
    assert (app.name, app.resident_number, app.account_number, app.purged) == ("(파기)", "", "", True)
    assert app.computed_amount == 252_000
    with pytest.raises(RecordInvalid, match="파기한 개인정보"):
        services.application_reveal(application=app, actor=SYSTEM)


def test_only_planning_staff_may_process(year, make_user):
    other = make_user("sc-editor", Role.EDITOR, "smart-city")
    with pytest.raises(PermissionDenied):
        services.application_submit(year=year, data=GOOD, actor=Actor.for_user(other))
    planner = make_user("pp-editor", Role.EDITOR, "policy-planning")
    assert services.application_submit(year=year, data=GOOD, actor=Actor.for_user(planner)).number == 1


def test_quarterly_council_reminder_follows_the_committee_meetings(db):
    from cityhall.committees.models import CommitteeMember

    services.samples_load()
    working = CooperationCouncil.objects.get(code="mil-council-working")
    assert working.committee.code == "policy-planning-council-2" and working.name == "실무협의체"
    due = dict(services.councils_due(date(2025, 3, 20)))
    assert due[working] == date(2025, 3, 31)
    for affiliation in ("김포시 부시장", "해병대 제2사단 참모장"):
        CommitteeMember.objects.create(committee=working.committee, name="예시", affiliation=affiliation)
    meeting = services.council_meeting_record(
        council=working,
        held_on=date(2025, 3, 25),
        agenda=["경계철책 철거 협의"],
        minutes="1분기 실무협의체",
        actor=SYSTEM,
    )
    assert meeting.code == "policy-planning-council-2-2025-01" and meeting.minutes == "1분기 실무협의체"
    assert working not in dict(services.councils_due(date(2025, 4, 1)))
    assert dict(services.councils_due(date(2025, 6, 20)))[working] == date(2025, 6, 30)


def test_objection_deadline_counts_korean_holidays():
    from cityhall.military.schedule import objection_due

    # Notified 2025-09-05: 30 days end Sun 10-05; 추석 연휴·대체 휴일·한글날 run to 10-09 → Fri 10-10.
    due, lines = objection_due(date(2025, 9, 5))
    assert due == date(2025, 10, 10)
    assert "2025-10-08 제외: 추석 대체 휴일" in lines


def test_objection_period_is_a_setting(settings):
    from cityhall.military.schedule import objection_due

    settings.CITYHALL_NOISE_OBJECTION_DAYS = 60
    assert objection_due(date(2025, 5, 30))[0] == date(2025, 7, 29)


def test_daily_command_purges_and_reminds(db, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    services.samples_load()
    monkeypatch.setenv("CITYHALL_TODAY", "2031-03-20")
    out = StringIO()
    call_command("military_daily", stdout=out)
    assert "개인정보 파기: 150건" in out.getvalue()
    assert "개최 알림: 실무협의체 — 기한 2031-03-31" in out.getvalue()


def test_council_reminder_is_sent_once_per_due_date(db, make_user):
    from cityhall.notifications.models import Notification

    services.samples_load()
    planner = make_user("pp-editor", Role.EDITOR, "policy-planning")
    planner.email = "planner@example.org"
    planner.save()
    make_user("sc-editor", Role.EDITOR, "smart-city").__class__.objects.filter(username="sc-editor").update(
        email="other@example.org"
    )
    assert services.council_reminders_send(today=date(2025, 3, 20), actor=SYSTEM) >= 1
    subjects = list(Notification.objects.values_list("subject", flat=True))
    assert any("실무협의체 개최 기한 2025-03-31" in s for s in subjects)
    assert not Notification.objects.filter(recipient="other@example.org").exists()
    assert services.council_reminders_send(today=date(2025, 3, 21), actor=SYSTEM) == 0
