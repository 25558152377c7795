"""정보보호: a finding's due date by severity (hand-worked), fix and re-check, drill rates, the files
due for their yearly check, the page and its refusals."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from cityhall.core.audit import Actor
from cityhall.core.services import RecordInvalid
from cityhall.core.tests.record_matrix import client_for
from cityhall.it.models import PersonalDataFile, SecurityDrill, SecurityFinding
from cityhall.it.security import selectors, services
from cityhall.organisation.models import OrgUnit, Role


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setenv("CITYHALL_TODAY", "2025-06-30")


@pytest.fixture
def staff(make_user):
    return Actor.for_user(make_user("ic-editor", Role.EDITOR, "info-comm"))


def record(staff, severity="high", found_on=dt.date(2025, 6, 2)):
    return services.finding_record(
        source="web",
        target="www.gimpo.go.kr",
        title="관리자 페이지 노출",
        severity=severity,
        actor=staff,
        found_on=found_on,
    )


def test_the_due_date_follows_the_severity(staff, settings):
    assert record(staff, "critical").due_on == dt.date(2025, 6, 9)  # 7 days
    assert record(staff, "high").due_on == dt.date(2025, 7, 2)  # 30 days
    assert record(staff, "low").due_on == dt.date(2025, 8, 31)  # 90 days
    settings.IT_FINDING_DAYS = {"high": 14}
    assert record(staff, "high").due_on == dt.date(2025, 6, 16)
    assert list(SecurityFinding.objects.values_list("code", flat=True).order_by("code"))[:2] == [
        "V2025-0001",
        "V2025-0002",
    ]


def test_fix_then_recheck_and_a_failed_recheck_reopens(staff):
    finding = record(staff)
    with pytest.raises(RecordInvalid):
        services.finding_verify(finding=finding, still_open=False, actor=staff)
    with pytest.raises(RecordInvalid) as exc:
        services.finding_fix(finding=finding, fix=" ", actor=staff)
    assert exc.value.errors == {"fix": ["조치 내용을 적어 주세요."]}
    fixed = services.finding_fix(finding=finding, fix="접근 제한", actor=staff)
    reopened = services.finding_verify(finding=fixed, still_open=True, actor=staff)
    assert (reopened.status, reopened.due_on) == ("open", dt.date(2025, 7, 2))
    services.finding_fix(finding=finding, fix="IP 제한 추가", actor=staff)
    assert services.finding_verify(finding=finding, still_open=False, actor=staff).status == "verified"


def test_bad_findings_and_other_departments_are_refused(staff, make_user):
    with pytest.raises(RecordInvalid) as exc:
        services.finding_record(
            source="x", target="", title="t", severity="huge", actor=staff, found_on=dt.date(2025, 7, 1)
        )
    assert set(exc.value.errors) == {"source", "target", "severity", "found_on"}
    with pytest.raises(PermissionDenied):
        record(Actor.for_user(make_user("sc", Role.EDITOR, "smart-city")))
    assert not SecurityFinding.objects.exists()


def test_overdue_counts_drill_rates_and_files_due(staff, db):
    record(staff, "critical", dt.date(2025, 6, 1))  # due 8 June: overdue on 30 June
    record(staff, "low", dt.date(2025, 6, 1))
    assert selectors.finding_counts(dt.date(2025, 6, 30)) == {
        "open": 2,
        "overdue": 1,
        "fixed": 0,
        "verified": 0,
    }
    it = OrgUnit.objects.get(code="info-comm")
    drill = SecurityDrill.objects.create(
        kind="phishing",
        held_on=dt.date(2025, 5, 1),
        participants=1200,
        clicked=54,
        reported=310,
        department=it,
    )
    assert (str(drill.click_rate), str(drill.report_rate)) == ("4.5", "25.8")  # 54/1200, 310/1200
    PersonalDataFile.objects.create(
        code="f1",
        name="민원인 명부",
        department=it,
        purpose="민원",
        legal_basis="민원처리법",
        retention_years=3,
        last_checked_on=dt.date(2024, 6, 29),
    )
    PersonalDataFile.objects.create(
        code="f2",
        name="수강생 명부",
        department=it,
        purpose="교육",
        legal_basis="동의",
        retention_years=1,
        last_checked_on=dt.date(2024, 7, 1),
    )
    assert [f.code for f in selectors.files_due_for_check(dt.date(2025, 6, 30))] == ["f1"]


def test_the_page_records_fixes_and_refuses_viewers(staff, roles):
    client = client_for(staff.user)
    assert (
        client.post(
            "/it/security/", {"source": "web", "target": "", "title": "x", "severity": "high"}
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/it/security/",
            {"source": "server", "target": "WEB-01", "title": "구버전 OpenSSL", "severity": "high"},
        ).status_code
        == 302
    )
    code = SecurityFinding.objects.get().code
    assert client.post(f"/it/security/findings/{code}/fix/", {"fix": "패치 적용"}).status_code == 302
    assert SecurityFinding.objects.get().status == "fixed"
    viewer = client_for(roles["viewer"])
    assert viewer.get("/it/security/").status_code == 403  # vulnerabilities are not for every role
    assert (
        viewer.post(
            "/it/security/", {"source": "web", "target": "a", "title": "b", "severity": "low"}
        ).status_code
        == 403
    )
    assert viewer.post(f"/it/security/findings/{code}/verify/").status_code == 403
