"""제안제도 on the same engine: the review deadline by the shared calendar's named rule, 창안등급 with
award money within the round's budget, the proposer told by e-mail, the statistics the plan asks for."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from cityhall.core.audit import Actor
from cityhall.core.services import RecordInvalid
from cityhall.notifications.models import Notification
from cityhall.organisation.models import OrgUnit
from cityhall.participation import selectors, services
from cityhall.participation.choices import PhaseKind, ProcessKind, ProposalStatus, SuggestionGrade
from cityhall.participation.models import Proposal

from .factories import process

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
