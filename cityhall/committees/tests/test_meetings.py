"""Committee meetings: numbering, quorum (재적 과반수 출석), decisions (출석 과반수 찬성), attendance and
allowances, minutes — worked by hand on the seed's committees (I.3, lines 59–64)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from cityhall.committees import rules, selectors, services
from cityhall.committees.models import AgendaItem, Committee, CommitteeMember
from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.organisation.models import Role

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test:committees")
EVALUATION = "policy-planning-c3"  # 성과평가위원회, 8 members (line 61)
REGULATION = "policy-planning-c1"  # 규제개혁위원회, 13 members (line 59)


def committee(code):
    return Committee.objects.get(code=code)


@pytest.mark.parametrize(
    ("n", "majority", "two_thirds"), [(1, 1, 1), (2, 2, 2), (8, 5, 6), (9, 5, 6), (13, 7, 9)]
)
def test_counting_rules(n, majority, two_thirds):
    assert rules.majority(n) == majority
    assert rules.two_thirds(n) == two_thirds


def test_passes_is_a_majority_of_those_present():
    assert rules.passes(4, 7) and not rules.passes(3, 7)
    assert rules.passes(4, 6) and not rules.passes(3, 6)
    with pytest.raises(ValueError):
        rules.majority(0)


def test_meetings_are_numbered_per_committee_and_year():
    evaluation = committee(EVALUATION)
    first = services.meeting_create(
        committee=evaluation,
        held_on=dt.date(2025, 3, 5),
        agenda=["2024년 평가결과 보고", "2025년 평가계획"],
        actor=ACTOR,
    )
    second = services.meeting_create(
        committee=evaluation, held_on=dt.date(2025, 9, 1), agenda=["중간점검"], actor=ACTOR
    )
    next_year = services.meeting_create(
        committee=evaluation, held_on=dt.date(2026, 1, 9), agenda=["x"], actor=ACTOR
    )
    assert (first.code, second.code, next_year.code) == (
        "policy-planning-c3-2025-01",
        "policy-planning-c3-2025-02",
        "policy-planning-c3-2026-01",
    )
    assert (first.members_total, first.quorum) == (8, 5)  # 재적 8 → 과반수 5
    assert [(i.order, i.title) for i in first.agenda_items.all()] == [
        (1, "2024년 평가결과 보고"),
        (2, "2025년 평가계획"),
    ]
    assert [m.code for m in selectors.meetings_of(evaluation, 2025)] == [first.code, second.code]
    two_thirds = services.meeting_create(
        committee=evaluation,
        held_on=dt.date(2025, 12, 1),
        agenda=["x"],
        actor=ACTOR,
        quorum_rule="two_thirds",
    )
    assert two_thirds.quorum == 6


def test_no_decision_below_the_quorum():
    meeting = services.meeting_create(
        committee=committee(EVALUATION), held_on=dt.date(2025, 3, 5), agenda=["평가계획", "보고"], actor=ACTOR
    )
    plan, report = meeting.agenda_items.all()
    with pytest.raises(RecordInvalid, match="출석을 먼저 기록하세요"):
        services.meeting_decide(item=plan, decision="approved", actor=ACTOR)
    services.meeting_record_attendance(meeting=meeting, present_count=4, actor=ACTOR)
    with pytest.raises(RecordInvalid, match=r"개의 정족수\(5명\)에 미달하여 의결할 수 없습니다 \(출석 4명\)"):
        services.meeting_decide(item=plan, decision="approved", actor=ACTOR)
    assert services.meeting_decide(item=report, decision="reported", actor=ACTOR).decision == "reported"
    # a decided item freezes the attendance
    with pytest.raises(RecordInvalid, match="의결된 안건이 있어"):
        services.meeting_record_attendance(meeting=meeting, present_count=5, actor=ACTOR)


def test_votes_decide_by_a_majority_of_those_present():
    meeting = services.meeting_create(
        committee=committee(EVALUATION), held_on=dt.date(2025, 3, 5), agenda=["a", "b"], actor=ACTOR
    )
    services.meeting_record_attendance(meeting=meeting, present_count=5, actor=ACTOR)
    a, b = meeting.agenda_items.all()
    with pytest.raises(RecordInvalid, match=r"출석위원 과반수\(3명\)의 찬성이 필요합니다 \(찬성 2명\)"):
        services.meeting_decide(
            item=a, decision="approved", votes_for=2, votes_against=2, votes_abstain=1, actor=ACTOR
        )
    with pytest.raises(RecordInvalid, match=r"합\(6\)이 출석위원\(5명\)보다 많습니다"):
        services.meeting_decide(item=a, decision="approved", votes_for=4, votes_against=2, actor=ACTOR)
    with pytest.raises(RecordInvalid, match="부결이 아닙니다"):
        services.meeting_decide(item=b, decision="rejected", votes_for=3, actor=ACTOR)
    with pytest.raises(RecordInvalid, match="0 이상의 정수"):
        services.meeting_decide(item=b, decision="rejected", votes_for=-1, actor=ACTOR)
    with pytest.raises(RecordInvalid, match="의결 결과가 올바르지 않습니다"):
        services.meeting_decide(item=b, decision="maybe", actor=ACTOR)
    decided = services.meeting_decide(
        item=a,
        decision="approved",
        votes_for=3,
        votes_against=1,
        votes_abstain=1,
        actor=ACTOR,
        note="원안대로",
    )
    assert (decided.decision, decided.votes_for, decided.note) == ("approved", 3, "원안대로")
    assert services.meeting_decide(item=b, decision="rejected", votes_for=2, votes_against=3, actor=ACTOR)
    summary = selectors.meeting_summary(meeting.pk)
    assert summary.quorum_met and [i.decision for i in summary.items] == ["approved", "rejected"]


def test_listed_members_attendance_and_allowances():
    regulation = committee(REGULATION)
    members = [CommitteeMember.objects.create(committee=regulation, name=f"위원{i}") for i in range(9)]
    # 예시 allowance: 150,000원 per attendee (the rate is set per meeting)
    meeting = services.meeting_create(
        committee=regulation,
        held_on=dt.date(2025, 4, 2),
        agenda=["규제 심사"],
        allowance_per_attendee=150_000,
        actor=ACTOR,
    )
    assert (meeting.members_total, meeting.quorum) == (9, 5)  # the listed members, not the stated 13
    with pytest.raises(RecordInvalid, match="이 위원회의 위원이 아닙니다"):
        services.meeting_record_attendance(meeting=meeting, present=[members[0].pk, 999_999], actor=ACTOR)
    with pytest.raises(RecordInvalid, match="출석한 위원을 고르세요"):
        services.meeting_record_attendance(meeting=meeting, present_count=5, actor=ACTOR)
    services.meeting_record_attendance(meeting=meeting, present=members[:5], actor=ACTOR)
    summary = selectors.meeting_summary(meeting.pk)
    assert summary.quorum_met and summary.allowance_total == 750_000
    assert sum(a.present for a in summary.attendances) == 5
    second = services.meeting_create(
        committee=regulation,
        held_on=dt.date(2025, 5, 7),
        agenda=["x"],
        allowance_per_attendee=100_000,
        actor=ACTOR,
    )
    services.meeting_record_attendance(meeting=second, present=[members[0]], actor=ACTOR)
    report = {m.name: (n, total) for m, n, total in selectors.allowances_by_member(regulation, 2025)}
    assert report["위원0"] == (2, 250_000) and report["위원4"] == (1, 150_000) and "위원5" not in report


def test_unlisted_committee_counts_attendance_by_number():
    meeting = services.meeting_create(
        committee=committee(EVALUATION),
        held_on=dt.date(2025, 3, 5),
        agenda=["a"],
        allowance_per_attendee=100_000,
        actor=ACTOR,
    )
    with pytest.raises(RecordInvalid, match=r"0~8명"):
        services.meeting_record_attendance(meeting=meeting, present_count=9, actor=ACTOR)
    with pytest.raises(RecordInvalid, match="숫자로 적습니다"):
        services.meeting_record_attendance(meeting=meeting, present_count=True, actor=ACTOR)
    services.meeting_record_attendance(meeting=meeting, present_count=6, actor=ACTOR)
    assert selectors.meeting_summary(meeting.pk).allowance_total == 600_000


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"agenda": []}, "agenda"),
        ({"agenda": ["  "]}, "agenda"),
        ({"agenda": "한 건"}, "agenda"),
        ({"allowance_per_attendee": -1}, "allowance_per_attendee"),
        ({"allowance_per_attendee": 2_000_000}, "allowance_per_attendee"),
        ({"allowance_per_attendee": True}, "allowance_per_attendee"),
        ({"kind": "party"}, "kind"),
        ({"quorum_rule": "all"}, "quorum_rule"),
        ({"place": "가" * 101}, "place"),
    ],
)
def test_meeting_create_bad_input_writes_nothing(changes, field):
    args = {
        "committee": committee(EVALUATION),
        "held_on": dt.date(2025, 3, 5),
        "agenda": ["a"],
        "actor": ACTOR,
    }
    args.update(changes)
    with pytest.raises(RecordInvalid) as exc:
        services.meeting_create(**args)
    assert field in exc.value.errors
    assert not committee(EVALUATION).meetings.exists()


def test_minutes_and_audit():
    meeting = services.meeting_create(
        committee=committee(EVALUATION), held_on=dt.date(2025, 3, 5), agenda=["a"], actor=ACTOR
    )
    services.meeting_minutes_set(
        meeting=meeting, minutes="10시 개의, 안건 1 원안가결, 11시 산회", actor=ACTOR
    )
    with pytest.raises(RecordInvalid, match="회의록은"):
        services.meeting_minutes_set(meeting=meeting, minutes=" ", actor=ACTOR)
    actions = (
        AuditEvent.objects.filter(record_type="committee_meetings", record_id=meeting.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert list(actions) == ["create", "update"]


def test_who_may_manage_meetings(make_user):
    evaluation = committee(EVALUATION)  # 정책기획과
    editor = make_user("pp-editor-m", Role.EDITOR, "policy-planning")
    outsider = make_user("sc-editor-m", Role.EDITOR, "smart-city")
    viewer = make_user("pp-viewer-m", Role.VIEWER, "policy-planning")
    for user in (outsider, viewer):
        with pytest.raises(PermissionDenied):
            services.meeting_create(
                committee=evaluation, held_on=dt.date(2025, 3, 5), agenda=["a"], actor=Actor.for_user(user)
            )
    assert not evaluation.meetings.exists()
    meeting = services.meeting_create(
        committee=evaluation, held_on=dt.date(2025, 3, 5), agenda=["a"], actor=Actor.for_user(editor)
    )
    with pytest.raises(PermissionDenied):
        services.meeting_record_attendance(meeting=meeting, present_count=5, actor=Actor.for_user(outsider))


def test_record_pages_obey_the_same_rules():
    meeting = services.meeting_create(
        committee=committee(EVALUATION), held_on=dt.date(2025, 3, 5), agenda=["a"], actor=ACTOR
    )
    item = meeting.agenda_items.get()
    item.decision = AgendaItem.Decision.APPROVED
    assert services.agenda_item_rules(item, {"decision": "pending"}) == {
        "decision": ["출석을 먼저 기록하세요."]
    }
    meeting.quorum = 1
    assert "quorum" in services.meeting_rules(
        meeting, {"quorum": 5, "members_total": 8, "present_count": 0, "attendance_recorded": False}
    )
    assert "__all__" in services.meeting_rules(meeting, None)
