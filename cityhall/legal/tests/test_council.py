"""의회: the session calendar, the audited bill pipeline with its allowed moves, reminders of council
requests nearing their due date and warnings of case deadlines, sent once through notify()."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.records import REGISTRY
from cityhall.core.services import RecordInvalid, record_create, record_update
from cityhall.legal import council, reminders, services
from cityhall.legal.models import Bill, BillTransition, Case, CouncilSession, DataRequest, Stage
from cityhall.notifications.models import Notification
from cityhall.organisation.models import OrgUnit, Role

SYSTEM = Actor.system("test")
TODAY = date(2025, 3, 4)


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setenv("CITYHALL_TODAY", TODAY.isoformat())


@pytest.fixture
def staff(make_user):
    user = make_user("legal-editor", Role.EDITOR, "budget-legal")
    user.email = "legal@example.kr"
    user.save()
    return user


@pytest.fixture
def session(db):
    return CouncilSession.objects.create(
        code="s-250", number=250, kind="extraordinary", starts_on=date(2025, 3, 10), ends_on=date(2025, 3, 21)
    )


@pytest.fixture
def bill(session):
    return Bill.objects.create(
        code="bill-1",
        kind="ordinance",
        title="김포시 청년 기본 조례 일부개정조례안",
        session=session,
        department=OrgUnit.objects.get(code="policy-planning"),
        submitted_on=date(2025, 3, 4),
    )


def test_a_bill_moves_only_along_the_allowed_stages_within_its_session(bill, staff):
    actor = Actor.for_user(staff)
    assert council.next_bill_stages(bill) == ("committee", "withdrawn")
    with pytest.raises(RecordInvalid, match="'제출'에서 '가결'\\(으\\)로 갈 수 없습니다"):
        council.bill_advance(bill=bill, to_stage="passed", on=date(2025, 3, 12), actor=actor)
    # Committee review happens in the session's sittings (3-10 ~ 3-21).
    with pytest.raises(RecordInvalid, match=r"회기\(2025-03-10~2025-03-21\) 안이어야"):
        council.bill_advance(bill=bill, to_stage="committee", on=date(2025, 3, 7), actor=actor)
    council.bill_advance(bill=bill, to_stage="committee", on=date(2025, 3, 12), actor=actor)
    with pytest.raises(RecordInvalid, match="앞 단계 일자\\(2025-03-12\\)보다 이릅니다"):
        council.bill_advance(bill=bill, to_stage="plenary", on=date(2025, 3, 11), actor=actor)
    council.bill_advance(bill=bill, to_stage="plenary", on=date(2025, 3, 20), actor=actor)
    council.bill_advance(bill=bill, to_stage="amended", on=date(2025, 3, 21), note="수정가결", actor=actor)
    bill.refresh_from_db()
    assert (bill.stage, bill.decided_on) == ("amended", date(2025, 3, 21))
    assert council.next_bill_stages(bill) == ()
    steps = list(
        BillTransition.objects.filter(bill=bill).values_list("from_stage", "to_stage", "on", "actor")
    )
    assert steps == [
        ("submitted", "committee", date(2025, 3, 12), "legal-editor"),
        ("committee", "plenary", date(2025, 3, 20), "legal-editor"),
        ("plenary", "amended", date(2025, 3, 21), "legal-editor"),
    ]
    audited = AuditEvent.objects.filter(record_type="bills", record_id=bill.pk, action="update")
    assert [(e.before["stage"], e.after["stage"]) for e in audited.order_by("id")] == [
        ("submitted", "committee"),
        ("committee", "plenary"),
        ("plenary", "amended"),
    ]
    with pytest.raises(RecordInvalid, match="가능한 단계: -"):
        council.bill_advance(bill=bill, to_stage="withdrawn", on=date(2025, 3, 21), actor=actor)


def test_only_the_legal_team_moves_a_bill_and_a_refusal_changes_nothing(bill, make_user):
    other = make_user("pp-editor", Role.EDITOR, "policy-planning")
    with pytest.raises(PermissionDenied):
        council.bill_advance(
            bill=bill, to_stage="committee", on=date(2025, 3, 12), actor=Actor.for_user(other)
        )
    bill.refresh_from_db()
    assert bill.stage == "submitted" and not BillTransition.objects.exists()


def test_the_record_pages_cannot_move_a_bill(bill, make_user):
    actor = Actor.for_user(make_user("pp-editor", Role.EDITOR, "policy-planning"))  # the bill's department
    with pytest.raises(RecordInvalid, match="단계 이동"):
        record_update(
            rtype=REGISTRY["bills"],
            obj=bill,
            data={"stage": "passed", "decided_on": "2025-03-20"},
            actor=actor,
        )
    bill.refresh_from_db()
    assert bill.stage == "submitted" and bill.decided_on is None
    # Other fields may still be corrected there.
    record_update(rtype=REGISTRY["bills"], obj=bill, data={"committee": "행정복지위원회"}, actor=actor)
    with pytest.raises(RecordInvalid, match="'제출' 단계로"):
        record_create(
            rtype=REGISTRY["bills"],
            data={
                "code": "bill-2",
                "kind": "general",
                "title": "동의안",
                "session": "s-250",
                "department": "budget-legal",
                "submitted_on": "2025-03-04",
                "stage": "passed",
                "decided_on": "2025-03-12",
            },
            actor=SYSTEM,
        )


def test_a_passed_ordinance_bill_moves_its_revision_past_the_council(bill, staff):
    actor = Actor.for_user(staff)
    regulation = services.regulation_create(
        code="youth",
        kind="ordinance",
        title="김포시 청년 기본 조례",
        department=OrgUnit.objects.get(code="policy-planning"),
        articles=[{"number": "제1조", "title": "목적", "text": "청년을 지원한다."}],
        actor=SYSTEM,
    )
    revision = services.revision_open(
        code="youth-rev",
        regulation=regulation,
        kind="amend",
        title="일부개정",
        department=regulation.department,
        actor=SYSTEM,
    )
    Revision = type(revision)
    Revision.objects.filter(pk=revision.pk).update(stage=Stage.DELIBERATION)
    Bill.objects.filter(pk=bill.pk).update(revision=revision)
    for stage, on in [("committee", 12), ("plenary", 20), ("passed", 20)]:
        council.bill_advance(bill=bill, to_stage=stage, on=date(2025, 3, on), actor=actor)
    revision.refresh_from_db()
    assert (revision.stage, revision.council_passed_on) == (Stage.COUNCIL, date(2025, 3, 20))
    assert revision.transitions.get().note == "의안 bill-1 의결"


def test_sessions_cannot_overlap(session):
    with pytest.raises(
        RecordInvalid, match="제250회 임시회 회기\\(2025-03-10~2025-03-21\\)와 기간이 겹칩니다"
    ):
        record_create(
            rtype=REGISTRY["council_sessions"],
            data={
                "code": "s-251",
                "number": 251,
                "kind": "regular",
                "starts_on": "2025-03-20",
                "ends_on": "2025-04-02",
            },
            actor=SYSTEM,
        )
    record_create(
        rtype=REGISTRY["council_sessions"],
        data={
            "code": "s-251",
            "number": 251,
            "kind": "regular",
            "starts_on": "2025-03-22",
            "ends_on": "2025-04-02",
        },
        actor=SYSTEM,
    )
    assert CouncilSession.objects.count() == 2


# -- reminders -------------------------------------------------------------------------------------


@pytest.fixture
def department_editor(make_user):
    user = make_user("pp-editor", Role.EDITOR, "policy-planning")
    user.email = "pp@example.kr"
    user.save()
    make_user("pp-viewer", Role.VIEWER, "policy-planning")  # viewers are not reminded
    return user


def _request(session, due_on, code="req-1", **kw):
    return DataRequest.objects.create(
        code=code,
        session=session,
        member="의원 가",
        subject="최근 3년간 위원회 운영 현황",
        department=OrgUnit.objects.get(code="policy-planning"),
        requested_on=date(2025, 2, 28),
        due_on=due_on,
        **kw,
    )


def test_requests_near_their_due_date_are_reminded_once(session, department_editor):
    near = _request(session, date(2025, 3, 7))  # 3 days left: inside the window
    _request(session, date(2025, 3, 8), code="req-far")  # 4 days: not yet
    _request(session, date(2025, 3, 5), code="req-done", status="answered", answer="제출", answered_on=TODAY)
    overdue = _request(session, date(2025, 3, 3), code="req-late")
    sent = reminders.data_request_reminders_send(today=TODAY, actor=SYSTEM)
    assert sent == 2
    rows = Notification.objects.filter(kind="reminders").order_by("subject")
    assert [(r.recipient, r.subject) for r in rows] == [
        ("pp@example.kr", "[김포시] 의회 요구자료 제출기한 2025-03-03: 최근 3년간 위원회 운영 현황"),
        ("pp@example.kr", "[김포시] 의회 요구자료 제출기한 2025-03-07: 최근 3년간 위원회 운영 현황"),
    ]
    assert "1일 지났습니다" in rows[0].body and "3일 남았습니다" in rows[1].body
    assert "제250회 임시회" in rows[1].body
    assert reminders.data_request_reminders_send(today=TODAY, actor=SYSTEM) == 0
    # A moved due date is reminded again when it comes near.
    DataRequest.objects.filter(pk=near.pk).update(due_on=date(2025, 3, 6))
    assert reminders.data_request_reminders_send(today=TODAY, actor=SYSTEM) == 1
    overdue.refresh_from_db()
    assert overdue.reminded_due == date(2025, 3, 3)


def test_case_deadline_warnings_are_sent_once_to_the_department_and_the_legal_team(staff, department_editor):
    unit = OrgUnit.objects.get(code="policy-planning")
    # Served Fri 2025-02-21 → 2 weeks → 2025-03-07 (민법 §157: first day not counted): 3 days left.
    case = Case.objects.create(
        code="case-1",
        kind="civil",
        title="손해배상 청구",
        department=unit,
        received_on=date(2024, 10, 1),
        filed_on=date(2024, 10, 1),
        judgment_on=date(2025, 2, 14),
        judgment_served_on=date(2025, 2, 21),
        year=2024,
    )
    Case.objects.create(  # an appeal answer due in 10 days: outside the 7-day window
        code="case-2",
        kind="appeal",
        title="행정심판",
        department=unit,
        received_on=date(2025, 3, 4),
        year=2025,
    )
    sent = reminders.case_deadline_warnings_send(today=TODAY, actor=SYSTEM)
    rows = Notification.objects.filter(kind="reminders").order_by("recipient")
    assert sent == 2
    assert [r.recipient for r in rows] == ["legal@example.kr", "pp@example.kr"]
    assert rows[0].subject == "[김포시] 법무 사건 기한 2025-03-07: 손해배상 청구"
    assert "민사소송법 §396①" in rows[0].body and "3일 남음" in rows[0].body
    assert reminders.case_deadline_warnings_send(today=TODAY, actor=SYSTEM) == 0
    case.refresh_from_db()
    assert case.warned_due == date(2025, 3, 7)


def test_the_daily_command_runs_every_reminder(session, department_editor, capsys):
    _request(session, date(2025, 3, 6))
    call_command("legal_remind", "--today", "2025-03-04")
    out = capsys.readouterr().out
    assert "의회 요구자료 제출기한 알림 1건" in out and "법무 사건 기한 경고 0건" in out


# -- pages -----------------------------------------------------------------------------------------


def test_the_calendar_shows_sessions_requests_due_and_bill_steps(client, staff, session, bill):
    _request(session, date(2025, 3, 14))
    council.bill_advance(bill=bill, to_stage="committee", on=date(2025, 3, 12), actor=Actor.for_user(staff))
    client.force_login(staff)
    page = client.get("/legal/council/?month=2025-03").content.decode()
    assert "제250회 임시회" in page and "2025-03-10 ~ 2025-03-21" in page
    assert "기한: 최근 3년간 위원회 운영 현황" in page
    assert "김포시 청년 기본 조례 일부개정조례안</a>: 상임위원회 심사" in page
    assert "삼일절" in page or "3·1절" in page  # 2025-03-03 대체공휴일 is in the month's first week
    response = client.get("/legal/council/?month=2025-13")
    assert response.status_code == 400 and "2025-03처럼" in response.content.decode()


def test_the_bill_page_moves_a_bill_or_says_why_not(client, staff, bill):
    client.force_login(staff)
    response = client.post(f"/legal/bills/{bill.code}/", {"to_stage": "committee", "on": "2025-03-05"})
    assert response.status_code == 422 and "회기(2025-03-10~2025-03-21) 안이어야" in response.content.decode()
    response = client.post(f"/legal/bills/{bill.code}/", {"to_stage": "committee", "on": "2025-03-11"})
    assert response.status_code == 302
    bill.refresh_from_db()
    assert bill.stage == "committee"
    assert "단계 옮기기" in client.get(f"/legal/bills/{bill.code}/").content.decode()
