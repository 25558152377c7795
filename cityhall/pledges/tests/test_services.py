"""Pledge rules: the sample portfolio's figures, and the check-in workflow with its refusals."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.records import REGISTRY
from cityhall.core.services import RecordInvalid, record_create
from cityhall.pledges import selectors, services
from cityhall.pledges.models import CheckinRound, Pledge, PledgeCheckin, Status

TODAY = "2025-04-10"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setenv("CITYHALL_TODAY", TODAY)


@pytest.fixture
def sample(db):
    services.pledges_load_sample()


def actor(user):
    return Actor.for_user(user)


def test_sample_portfolio_reproduces_the_seed(sample):
    summary = selectors.portfolio_summary()
    assert summary.total == 56
    assert summary.by_category == {"flagship": 15, "department": 41}
    assert summary.count(Status.COMPLETED) == 27
    assert summary.count(Status.DUE_THIS_YEAR) == 9
    assert summary.count(Status.ON_TRACK) == 20
    assert summary.share_of(Status.COMPLETED) == Decimal("48.2")
    assert summary.share_of(Status.DUE_THIS_YEAR) == Decimal("16")  # the seed's '16%' (16.07 cut)
    assert summary.share_of(Status.ON_TRACK) == Decimal("35.7")
    assert not Pledge.objects.filter(sample=False).exists()
    assert all(t.startswith("예시 공약 ") for t in Pledge.objects.values_list("title", flat=True))


def test_sample_spreads_over_the_four_departments_and_is_idempotent(sample):
    counts = {
        u: Pledge.objects.filter(lead_department__code=u).count()
        for u in ("policy-planning", "budget-legal", "info-comm", "smart-city")
    }
    assert sum(counts.values()) == 56 and min(counts.values()) == 14
    assert services.pledges_load_sample() == 56
    assert Pledge.objects.count() == 56
    assert Pledge.objects.get(code="sample-01").cooperating_departments.count() == 1


def test_sample_refused_when_the_real_list_exists(sample):
    Pledge.objects.filter(code="sample-01").update(sample=False)
    with pytest.raises(RecordInvalid, match="실제 공약"):
        services.pledges_load_sample()


def test_share_is_cut_to_one_decimal():
    assert selectors.share(9, 56) == Decimal("16.0")
    assert selectors.share(27, 56) == Decimal("48.2")
    assert selectors.share(1, 3) == Decimal("33.3")
    assert selectors.share(2, 3) == Decimal("66.6")
    assert selectors.share(0, 0) == Decimal("0.0")


# -- workflow -------------------------------------------------------------------------------------


def open_q2(roles):
    return services.round_open(
        year=2025, quarter=2, closes_on=date(2025, 4, 30), actor=actor(roles["other_editor"])
    )


def smart_city_pledge():
    return Pledge.objects.filter(lead_department__code="smart-city").order_by("number").first()


def test_full_round(sample, roles):
    round_ = open_q2(roles)
    assert (round_.code, round_.opened_on, round_.state) == ("2025-q2", date(2025, 4, 10), "open")
    pledge = smart_city_pledge()
    assert pledge.number == 4 and pledge.status == Status.ON_TRACK and pledge.progress == 60
    missing = selectors.missing_submissions(round_)
    assert sum(len(v) for v in missing.values()) == 56

    checkin = services.checkin_submit(
        round_=round_,
        pledge=pledge,
        status=Status.DUE_THIS_YEAR,
        progress=80,
        evidence="실시설계 완료",
        actor=actor(roles["editor"]),
    )
    assert checkin.review == "submitted" and checkin.submitted_by == roles["editor"]
    services.checkin_review(
        checkin=checkin, decision="return", comment="근거 자료 첨부", actor=actor(roles["other_editor"])
    )
    checkin.refresh_from_db()
    assert checkin.review == "returned" and checkin.review_comment == "근거 자료 첨부"
    assert pledge in selectors.missing_submissions(round_)[pledge.lead_department]

    checkin = services.checkin_submit(
        round_=round_,
        pledge=pledge,
        status=Status.DUE_THIS_YEAR,
        progress=85,
        evidence="실시설계 완료, 공사 발주",
        actor=actor(roles["manager"]),
    )
    assert checkin.review == "submitted" and PledgeCheckin.objects.count() == 1
    services.checkin_review(checkin=checkin, decision="accept", actor=actor(roles["director"]))
    changes = selectors.changes_since_previous(round_)
    assert [(c.pledge.number, c.before_status, c.after_status, c.after_progress) for c in changes] == [
        (4, "", "due_this_year", 85)
    ]

    assert services.round_close(round_=round_, actor=actor(roles["admin"])) == 1
    pledge.refresh_from_db()
    round_.refresh_from_db()
    assert (pledge.status, pledge.progress) == ("due_this_year", 85)
    assert round_.state == "closed" and round_.closed_at is not None
    assert AuditEvent.objects.filter(record_type="pledges", record_id=pledge.pk, action="update").count() == 1
    assert selectors.portfolio_summary().count(Status.DUE_THIS_YEAR) == 10

    with pytest.raises(RecordInvalid, match="마감"):
        services.checkin_submit(
            round_=round_,
            pledge=pledge,
            status="on_track",
            progress=1,
            evidence="x",
            actor=actor(roles["editor"]),
        )


@pytest.mark.parametrize("who", ["viewer", "editor", "norole"])
def test_only_the_planning_team_opens_a_round(sample, roles, who):
    with pytest.raises(PermissionDenied):
        open_q2({"other_editor": roles[who]})
    assert not CheckinRound.objects.exists()


@pytest.mark.parametrize("who", ["viewer", "other_editor", "norole"])
def test_only_the_lead_department_submits(sample, roles, who):
    round_ = open_q2(roles)
    with pytest.raises(PermissionDenied):
        services.checkin_submit(
            round_=round_,
            pledge=smart_city_pledge(),
            status="on_track",
            progress=50,
            evidence="x",
            actor=actor(roles[who]),
        )
    assert not PledgeCheckin.objects.exists()


def test_department_editor_cannot_review_or_close(sample, roles):
    round_ = open_q2(roles)
    checkin = services.checkin_submit(
        round_=round_,
        pledge=smart_city_pledge(),
        status="on_track",
        progress=50,
        evidence="x",
        actor=actor(roles["editor"]),
    )
    with pytest.raises(PermissionDenied):
        services.checkin_review(checkin=checkin, decision="accept", actor=actor(roles["manager"]))
    with pytest.raises(PermissionDenied):
        services.round_close(round_=round_, actor=actor(roles["manager"]))
    checkin.refresh_from_db()
    assert checkin.review == "submitted"


@pytest.mark.parametrize(
    ("status", "progress", "evidence", "reason", "message"),
    [
        ("on_track", 101, "x", "", "진척률은 0에서 100"),
        ("on_track", -1, "x", "", "진척률은 0에서 100"),
        ("completed", 90, "x", "", "이행완료인 공약의 진척률은 100"),
        ("lagging", 20, "x", "", "사유를 적어야"),
        ("abandoned", 0, "x", " ", "사유를 적어야"),
        ("done", 50, "x", "", "추진상황 'done'"),
        ("on_track", 50, "  ", "", "추진실적"),
    ],
)
def test_bad_submission_is_refused_and_nothing_written(
    sample, roles, status, progress, evidence, reason, message
):
    round_ = open_q2(roles)
    with pytest.raises(RecordInvalid, match=message):
        services.checkin_submit(
            round_=round_,
            pledge=smart_city_pledge(),
            status=status,
            progress=progress,
            evidence=evidence,
            status_reason=reason,
            actor=actor(roles["editor"]),
        )
    assert not PledgeCheckin.objects.exists()


def test_submission_after_the_deadline_is_refused(sample, roles, monkeypatch):
    round_ = open_q2(roles)
    monkeypatch.setenv("CITYHALL_TODAY", "2025-05-01")
    with pytest.raises(RecordInvalid, match="제출기한\\(2025-04-30\\)이 지났습니다"):
        services.checkin_submit(
            round_=round_,
            pledge=smart_city_pledge(),
            status="on_track",
            progress=50,
            evidence="x",
            actor=actor(roles["editor"]),
        )


def test_round_rules(sample, roles):
    with pytest.raises(RecordInvalid, match="분기는 1에서 4"):
        services.round_open(year=2025, quarter=5, closes_on=date(2025, 5, 1), actor=actor(roles["director"]))
    with pytest.raises(RecordInvalid, match="제출기한은 개시일 이후"):
        services.round_open(year=2025, quarter=2, closes_on=date(2025, 4, 1), actor=actor(roles["director"]))
    open_q2(roles)
    with pytest.raises(RecordInvalid, match="진행 중인 점검 회차"):
        services.round_open(year=2025, quarter=3, closes_on=date(2025, 9, 1), actor=actor(roles["director"]))
    assert CheckinRound.objects.count() == 1


def test_the_database_keeps_one_open_round(sample, roles):
    open_q2(roles)
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckinRound.objects.create(
            code="2025-q3", year=2025, quarter=3, opened_on=date(2025, 7, 1), closes_on=date(2025, 9, 1)
        )
    CheckinRound.objects.create(  # closed rounds are not limited
        code="2024-q4",
        year=2024,
        quarter=4,
        opened_on=date(2024, 10, 1),
        closes_on=date(2024, 12, 1),
        state="closed",
    )
    # The generic record pages and API meet the same rule, as a field error.
    with pytest.raises(RecordInvalid) as caught:
        record_create(
            rtype=REGISTRY["checkin_rounds"],
            data={
                "code": "2025-q3",
                "year": 2025,
                "quarter": 3,
                "opened_on": "2025-07-01",
                "closes_on": "2025-09-01",
            },
            actor=actor(roles["director"]),
        )
    assert caught.value.errors == {"__all__": ["진행 중인 점검 회차가 있습니다. 먼저 마감하세요."]}
    assert sorted(CheckinRound.objects.values_list("code", "state")) == [
        ("2024-q4", "closed"),
        ("2025-q2", "open"),
    ]


def test_return_needs_a_comment_and_accepted_is_final(sample, roles):
    round_ = open_q2(roles)
    pp = actor(roles["other_editor"])
    checkin = services.checkin_submit(
        round_=round_,
        pledge=smart_city_pledge(),
        status="on_track",
        progress=50,
        evidence="x",
        actor=actor(roles["editor"]),
    )
    with pytest.raises(RecordInvalid, match="검토 의견"):
        services.checkin_review(checkin=checkin, decision="return", comment=" ", actor=pp)
    services.checkin_review(checkin=checkin, decision="accept", actor=pp)
    with pytest.raises(RecordInvalid, match="제출 상태인 것만"):
        services.checkin_review(checkin=checkin, decision="accept", actor=pp)
    with pytest.raises(RecordInvalid, match="이미 확인된"):
        services.checkin_submit(
            round_=round_,
            pledge=smart_city_pledge(),
            status="on_track",
            progress=60,
            evidence="y",
            actor=actor(roles["editor"]),
        )
