"""제안제도 on the same engine: the review deadline by the shared calendar's named rule, 창안등급 with
award money within the round's budget, the proposer told by e-mail, the statistics the plan asks for."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cityhall.core.audit import Actor
from cityhall.core.services import RecordInvalid
from cityhall.notifications.models import Notification
from cityhall.organisation.models import OrgUnit
from cityhall.participation import selectors, services
from cityhall.participation.choices import (
    BallotKind,
    PhaseKind,
    ProcessKind,
    ProposalStatus,
    SuggestionGrade,
)
from cityhall.participation.models import Phase, Proposal, StageDecision

from .factories import process, voter

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(make_user):
    return process(
        code="sg-test", kind=ProcessKind.SUGGESTION, phase=PhaseKind.ACCEPTING, budget=1_000_000, costs=()
    )


def test_review_deadline_counts_working_days_from_receipt(round_, make_user):
    """30일 under 민원처리법 §19② (초일 산입, 토·공휴일 불산입), received Monday 2025-03-03 (삼일절 대체
    휴일): the first working day counted is 03-04; 30 working days later is 2025-04-14."""
    staff = make_user("pp-editor", "editor", "policy-planning")
    proposal = services.proposal_submit(
        process=round_,
        title="민원 창구 개선",
        description="내용",
        estimated_cost=1,
        actor=Actor.for_user(make_user("citizen")),
    )
    Proposal.objects.filter(pk=proposal.pk).update(created_at="2025-03-03T01:00:00Z")
    proposal.refresh_from_db()
    assert services.review_deadline(proposal).due_date == date(2025, 4, 14)
    services.proposal_assign(
        proposal=proposal, department=OrgUnit.objects.get(code="smart-city"), actor=Actor.for_user(staff)
    )
    proposal.refresh_from_db()
    assert proposal.review_due == date(2025, 4, 14)


def test_grading_awards_within_budget_and_tells_the_proposer(round_, make_user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    staff = make_user("pp-editor", "editor", "policy-planning")
    author = make_user("citizen")
    author.email = "citizen@example.kr"
    author.save()
    first = services.proposal_submit(
        process=round_,
        title="민원 창구 개선",
        description="내용",
        estimated_cost=1,
        actor=Actor.for_user(author),
    )
    second = services.proposal_submit(
        process=round_,
        title="도서관 야간 개방",
        description="내용",
        estimated_cost=1,
        actor=Actor.for_user(author),
    )
    Proposal.objects.filter(pk__in=[first.pk, second.pk]).update(status=ProposalStatus.ELIGIBLE)
    with pytest.raises(RecordInvalid, match="실무심의회가 상정한 제안만"):
        services.suggestion_grade(proposal=first, grade=SuggestionGrade.GOLD, actor=Actor.for_user(staff))
    for proposal in (first, second):
        services.suggestion_refer(
            proposal=proposal, referred=True, grade=SuggestionGrade.SILVER, actor=Actor.for_user(staff)
        )
    with pytest.raises(PermissionDenied):  # PB staff do not grade suggestions: 정책기획과 does
        services.suggestion_grade(
            proposal=first,
            grade=SuggestionGrade.GOLD,
            award=1,
            actor=Actor.for_user(make_user("bl", "editor", "budget-legal")),
        )
    services.suggestion_grade(
        proposal=first, grade=SuggestionGrade.GOLD, award=700_000, actor=Actor.for_user(staff)
    )
    with pytest.raises(RecordInvalid) as caught:
        services.suggestion_grade(
            proposal=second, grade=SuggestionGrade.SILVER, award=400_000, actor=Actor.for_user(staff)
        )
    assert caught.value.errors["award"] == ["부상금 합계 1,100,000원이 예산 1,000,000원을 넘습니다."]
    services.suggestion_grade(
        proposal=second, grade=SuggestionGrade.SILVER, award=300_000, actor=Actor.for_user(staff)
    )
    first.refresh_from_db()
    assert (first.status, first.grade, first.award) == (ProposalStatus.SELECTED, "gold", 700_000)
    assert Notification.objects.filter(kind="proposers").count() == 2
    stats = selectors.statistics(round_)
    assert stats["many_suggestions"] == [("citizen", 2)]
    assert stats["awards"] == 1_000_000


def test_grading_is_for_suggestion_rounds_only(make_user):
    pb = process()
    staff = make_user("pb-staff", "editor", "budget-legal")
    with pytest.raises(RecordInvalid, match="제안제도 절차에서만"):
        services.suggestion_grade(
            proposal=pb.proposals.get(number=1), grade=SuggestionGrade.GOLD, actor=Actor.for_user(staff)
        )


def test_sample_round_reproduces_the_award_total():
    """II.1 line 231: 제안 채택에 따른 부상금 지급 : 540만원."""
    services.participation_load_sample()
    round_ = selectors.process("sg-2024")
    stats = selectors.statistics(round_)
    assert stats["awards"] == 5_400_000
    assert (round_.section, round_.line) == ("II.1", 231)
    assert len(stats["many_suggestions"]) == 3


def test_grading_page_for_policy_planning(client, make_user):
    services.participation_load_sample()
    round_ = selectors.process("sg-2024")
    path = f"/participation/{round_.code}/grading/"
    client.force_login(make_user("bl-editor", "editor", "budget-legal"))
    assert client.get(path).status_code == 403
    client.force_login(make_user("pp-editor", "editor", "policy-planning"))
    assert "부상금 예산 5,400,000원 중 5,400,000원을 정했습니다." in client.get(path).content.decode()
    response = client.post(path, {"number": "9", "grade": "effort", "award": "100,000원"}, follow=True)
    assert "부상금 합계 5,500,000원이 예산 5,400,000원을 넘습니다." in response.content.decode()
    client.post(path, {"number": "1", "grade": "silver", "award": "100만원"})
    assert round_.proposals.get(number=1).award == 1_000_000


def test_working_committee_refers_or_closes_with_a_reason(round_, make_user):
    """제안심사실무심의회 (seed line 60) refers eligible suggestions to 제안심사위원회 with a
    recommended grade, or closes them with a public reason; once per suggestion."""
    staff = Actor.for_user(make_user("pp-editor", "editor", "policy-planning"))
    author = Actor.for_user(make_user("citizen"))
    a, b, c = (
        services.proposal_submit(process=round_, title=t, description="내용", estimated_cost=0, actor=author)
        for t in ("가", "나", "다")
    )
    with pytest.raises(RecordInvalid, match="적격 판정을 받은 제안만"):
        services.suggestion_refer(proposal=a, referred=True, grade="gold", actor=staff)
    Proposal.objects.filter(process=round_).update(status=ProposalStatus.ELIGIBLE)
    with pytest.raises(RecordInvalid) as caught:
        services.suggestion_refer(proposal=a, referred=True, grade="not_adopted", actor=staff)
    assert caught.value.errors["grade"] == ["상정하는 제안에는 권고 창안등급(금상~노력상)을 고르세요."]
    with pytest.raises(RecordInvalid) as caught:
        services.suggestion_refer(proposal=b, referred=False, actor=staff)
    assert caught.value.errors["reason"] == ["상정하지 않는 사유를 적으세요 (제안자에게 공개됩니다)."]
    with pytest.raises(PermissionDenied):
        services.suggestion_refer(proposal=a, referred=True, grade="gold", actor=author)
    assert not StageDecision.objects.exists()
    services.suggestion_refer(proposal=a, referred=True, grade="bronze", actor=staff)
    services.suggestion_refer(proposal=b, referred=False, reason="이미 시행 중인 사업", actor=staff)
    with pytest.raises(RecordInvalid, match="이미 실무심의회 심의를 마쳤습니다"):
        services.suggestion_refer(proposal=a, referred=True, grade="gold", actor=staff)
    b.refresh_from_db()
    assert b.status == ProposalStatus.NOT_SELECTED
    assert b.history.last().reason == "실무심의회 미상정: 이미 시행 중인 사업"
    with pytest.raises(RecordInvalid):  # closed at the working stage: the committee does not grade it
        services.suggestion_grade(proposal=b, grade="gold", actor=staff)
    with pytest.raises(RecordInvalid, match="실무심의회가 상정한 제안만"):  # c was never referred
        services.suggestion_grade(proposal=c, grade="gold", actor=staff)
    services.suggestion_grade(proposal=a, grade="silver", award=100_000, actor=staff)
    stages = list(a.stages.order_by("stage").values_list("stage", "referred", "grade", "votes"))
    # the factory's round has a voting phase: the votes it had (none) are kept with the decision
    assert stages == [("committee", True, "silver", 0), ("working", True, "bronze", None)]


def test_a_working_committee_decision_whose_audit_fails_is_not_stored(round_, make_user, monkeypatch):
    from django.db import DatabaseError

    staff = Actor.for_user(make_user("pp-editor", "editor", "policy-planning"))
    author = Actor.for_user(make_user("citizen"))
    proposal = services.proposal_submit(
        process=round_, title="가", description="내용", estimated_cost=0, actor=author
    )
    Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.ELIGIBLE)

    def broken(*args, **kwargs):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(services, "_audit", broken)
    with pytest.raises(DatabaseError):
        services.suggestion_refer(proposal=proposal, referred=False, reason="이미 시행 중", actor=staff)
    assert not StageDecision.objects.exists()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ELIGIBLE


def test_citizens_vote_on_referred_suggestions_and_the_vote_is_counted_into_the_grading(make_user):
    """New in 2025 (seed line 514): citizens vote online on the suggestions 실무심의회 referred; the
    grading sheet combines the committee's mean score and the vote share by the published weights,
    and grading waits until the vote has closed."""
    round_ = process(
        code="sg-vote",
        kind=ProcessKind.SUGGESTION,
        phase=PhaseKind.VOTING,
        budget=1_000_000,
        costs=(0, 0, 0),
        ballot_kind=BallotKind.APPROVAL,
        max_projects=2,
        committee_weight=60,
        vote_weight=40,
    )
    staff = Actor.for_user(make_user("pp-editor", "editor", "policy-planning"))
    for proposal in round_.proposals.all():
        services.suggestion_refer(proposal=proposal, referred=True, grade="bronze", actor=staff)
    heading = round_.headings.get()
    for i, choice in enumerate(([1, 2], [2], [2, 3], [2])):
        user = voter(make_user, name=f"v{i}", phone=f"0101234567{i}")
        services.ballot_cast(process=round_, heading=heading, projects=choice, actor=Actor.for_user(user))
    with pytest.raises(RecordInvalid, match="시민 투표가 끝난 뒤에"):
        services.suggestion_grade(proposal=round_.proposals.get(number=2), grade="gold", actor=staff)
    Phase.objects.filter(process=round_, kind=PhaseKind.VOTING).update(
        ends_at=timezone.now() - timedelta(hours=1)
    )
    round_ = selectors.process("sg-vote")
    board = selectors.grading_board(round_)
    assert [(r.proposal.number, r.votes, r.share, r.combined) for r in board] == [
        (2, 4, 100.0, 40.0),  # 60 % × 0 (no committee scores yet) + 40 % × 4/4
        (1, 1, 25.0, 10.0),
        (3, 1, 25.0, 10.0),
    ]
    services.suggestion_grade(
        proposal=round_.proposals.get(number=2), grade="gold", award=500_000, actor=staff
    )
    decision = StageDecision.objects.get(proposal__number=2, proposal__process=round_, stage="committee")
    assert (decision.grade, decision.votes) == ("gold", 4)


def test_grading_page_refers_and_grades(client, make_user, round_):
    author = Actor.for_user(make_user("citizen"))
    proposal = services.proposal_submit(
        process=round_, title="민원 창구 개선", description="내용", estimated_cost=0, actor=author
    )
    Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.ELIGIBLE)
    client.force_login(make_user("pp-editor", "editor", "policy-planning"))
    path = f"/participation/{round_.code}/grading/"
    assert "실무심의회 결정 기록" in client.get(path).content.decode()
    response = client.post(path, {"number": "1", "stage": "working", "referred": "maybe"}, follow=True)
    assert "상정 여부를 고르세요." in response.content.decode()
    response = client.post(path, {"number": "x", "stage": "working", "referred": "yes"}, follow=True)
    assert "제안을 찾을 수 없습니다." in response.content.decode()
    assert not StageDecision.objects.exists()
    client.post(path, {"number": "1", "stage": "working", "referred": "yes", "grade": "silver"})
    page = client.get(path).content.decode()
    assert "권고 등급 은상" in page
    client.post(path, {"number": "1", "grade": "silver", "award": "50만원"})
    proposal.refresh_from_db()
    assert (proposal.grade, proposal.award, proposal.status) == ("silver", 500_000, ProposalStatus.SELECTED)
    public = client.get(f"/participation/{round_.code}/proposals/1/").content.decode()
    assert "제안심사실무심의회: 상정 (권고 등급 은상)" in public and "제안심사위원회: 은상" in public
