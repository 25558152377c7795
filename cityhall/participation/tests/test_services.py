"""Services: proposals and review, rule lock, verification (one person one vote), ballots (valid,
invalid, changed, secret), paper ballots with double entry, the count."""

import pytest
from django.core.exceptions import PermissionDenied

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.organisation.models import OrgUnit
from cityhall.participation import identity, selectors, services
from cityhall.participation.choices import (
    BallotKind,
    Channel,
    ConflictKind,
    CountingRule,
    PhaseKind,
    ProposalStatus,
)
from cityhall.participation.models import (
    Ballot,
    CensusEntry,
    Conflict,
    Participation,
    Proposal,
    StatusChange,
    Verification,
)

from .factories import SYSTEM, process, voter

pytestmark = pytest.mark.django_db


def cast(user, proc, numbers):
    return services.ballot_cast(
        process=proc, heading=proc.headings.get(), projects=numbers, actor=Actor.for_user(user)
    )


def nothing_written():
    return Participation.objects.count() == 0 and Ballot.objects.count() == 0


def test_a_ballot_within_budget_is_cast_and_changing_it_replaces_it(make_user):
    proc = process()
    user = voter(make_user)
    assert cast(user, proc, [1, 3]) is False
    assert cast(user, proc, [2, 3, 4]) is True  # replaced
    assert Participation.objects.count() == 1
    assert list(Ballot.objects.values_list("projects", flat=True)) == [[2, 3, 4]]
    assert selectors.my_ballot(proc, selectors.verification(user)) == [2, 3, 4]


@pytest.mark.parametrize(
    ("numbers", "message"),
    [
        ([1, 2], "고른 사업의 합계 1,100천원이 예산 1,000천원을 넘습니다."),
        ([], "사업을 하나 이상 고르세요."),
        ([1, 9], "투표 대상이 아니거나 철회된 사업입니다: 9"),
        ([1, 1], "같은 사업을 두 번 고를 수 없습니다."),
    ],
)
def test_invalid_ballots_are_rejected_with_the_reason_and_record_nothing(make_user, numbers, message):
    proc = process()
    user = voter(make_user)
    with pytest.raises(RecordInvalid) as caught:
        cast(user, proc, numbers)
    assert message in caught.value.messages
    assert nothing_written()


def test_minimum_budget_and_maximum_projects(make_user):
    proc = process(min_budget_percent=50, max_projects=2)
    user = voter(make_user)
    with pytest.raises(RecordInvalid) as caught:
        cast(user, proc, [4])
    assert caught.value.messages == ["예산의 50%(500천원) 이상을 골라야 합니다 (지금 100천원)."]
    with pytest.raises(RecordInvalid) as caught:
        cast(user, proc, [2, 3, 4])
    assert caught.value.messages == ["최대 2개까지 고를 수 있습니다 (3개 고름)."]
    assert nothing_written()


def test_approval_ballot_up_to_k(make_user):
    proc = process(ballot_kind=BallotKind.APPROVAL, max_projects=2)
    user = voter(make_user)
    cast(user, proc, [1, 2])  # over the budget is fine: approval, not knapsack
    with pytest.raises(RecordInvalid):
        cast(user, proc, [1, 2, 3])
    assert list(Ballot.objects.values_list("projects", flat=True)) == [[1, 2]]


def test_withdrawn_project_closed_phase_and_unverified_voter(make_user):
    proc = process()
    user = voter(make_user)
    Proposal.objects.filter(process=proc, number=4).update(status=ProposalStatus.WITHDRAWN)
    with pytest.raises(RecordInvalid, match="철회된 사업입니다: 4"):
        cast(user, proc, [4])
    closed = process(code="closed", phase=PhaseKind.COUNTING)
    with pytest.raises(RecordInvalid, match="투표 기간이 아닙니다"):
        cast(user, closed, [1])
    stranger = make_user("stranger")
    with pytest.raises(RecordInvalid, match="주민 확인"):
        cast(stranger, proc, [1])
    assert nothing_written()


def test_voter_below_the_minimum_age_is_not_eligible(make_user):
    proc = process(min_age=14)
    young = voter(make_user, "young", phone="01099998888", birth_year=2012)  # 13 in 2025
    with pytest.raises(RecordInvalid, match="14세 이상"):
        cast(young, proc, [1])
    assert nothing_written()


def test_ballot_is_not_linkable_to_the_voter():
    """Nothing in the ballot row names or times the voter: a random id, a keyed hash, the choices."""
    fields = {f.name for f in Ballot._meta.get_fields()}
    assert fields == {"id", "heading", "ballot_key", "projects"}
    key = identity.person_key("900101-1234567")
    assert identity.ballot_key(1, key) != key
    assert identity.person_key("9001011234567") == key  # normalised


def test_census_holds_hashes_and_two_accounts_for_one_person_go_to_the_queue(make_user, settings):
    staff = make_user("pb-staff", "editor", "budget-legal")
    services.census_load(
        rows=[{"identifier": "900101-1234567", "birth_year": 1990, "district": "사우동"}],
        actor=Actor.for_user(staff),
    )
    entry = CensusEntry.objects.get()
    assert "1234567" not in entry.person_key and len(entry.person_key) == 64
    first, second = make_user("first"), make_user("second")
    services.verify_census(
        user=first, identifier="900101-1234567", birth_year=1990, actor=Actor.for_user(first)
    )
    with pytest.raises(RecordInvalid, match="이미 다른 계정으로 확인된 주민"):
        services.verify_census(
            user=second, identifier="9001011234567", birth_year=1990, actor=Actor.for_user(second)
        )
    conflict = Conflict.objects.get()
    assert (conflict.kind, conflict.user) == (ConflictKind.TWO_ACCOUNTS, second)
    opened = AuditEvent.objects.get(record_type="participation_conflicts", action="create")
    assert (opened.actor, opened.record_id, opened.after["kind"]) == (
        "second",
        conflict.pk,
        "two_accounts",
    )
    with pytest.raises(RecordInvalid, match="찾을 수 없습니다"):
        services.verify_census(
            user=second, identifier="900101-1234567", birth_year=1991, actor=Actor.for_user(second)
        )
    services.conflict_resolve(
        conflict=conflict,
        resolution="본인 확인 후 두 번째 계정으로 옮김",
        actor=Actor.for_user(staff),
        revoke_verification=True,
    )
    assert Verification.objects.count() == 0


def test_in_person_verification_needs_staff_and_is_audited(make_user):
    from cityhall.core.models import AuditEvent

    citizen, clerk = make_user("citizen"), make_user("clerk", "editor", "budget-legal")
    with pytest.raises(PermissionDenied):
        services.verify_in_person(
            user=citizen, identifier="800101-2000000", birth_year=1980, actor=Actor.for_user(citizen)
        )
    services.verify_in_person(
        user=citizen, identifier="800101-2000000", birth_year=1980, actor=Actor.for_user(clerk)
    )
    event = AuditEvent.objects.get(action="verify")
    assert (event.actor, event.record_repr, event.after) == ("clerk", "citizen", {"method": "in_person"})
    assert Verification.objects.get().verified_by == "clerk"


def test_a_verification_whose_audit_fails_is_not_stored(make_user, monkeypatch):
    from django.db import DatabaseError

    def broken(*args, **kwargs):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(services, "_audit", broken)
    with pytest.raises(DatabaseError):
        services.verify_with_provider(
            user=make_user("citizen"),
            provider="mock",
            data={"phone": "01012345678", "birth_year": "1985", "district": ""},
            actor=SYSTEM,
        )
    assert not Verification.objects.exists()


def test_paper_ballot_needs_two_matching_entries_by_two_people(make_user):
    proc = process()
    heading = proc.headings.get()
    one, two = make_user("clerk1", "editor", "budget-legal"), make_user("clerk2", "editor", "budget-legal")
    services.census_load(
        rows=[
            {"identifier": "700101-1111111", "birth_year": 1970},
            {"identifier": "700101-2222222", "birth_year": 1970},
        ],
        actor=Actor.for_user(one),
    )
    assert (
        services.paper_enter(
            heading=heading,
            sheet="A-1",
            entry=1,
            identifier="700101-1111111",
            projects=[1, 3],
            actor=Actor.for_user(one),
        )
        == "waiting"
    )
    with pytest.raises(RecordInvalid, match="다른 직원"):
        services.paper_enter(
            heading=heading,
            sheet="A-1",
            entry=2,
            identifier="700101-1111111",
            projects=[1, 3],
            actor=Actor.for_user(one),
        )
    assert (
        services.paper_enter(
            heading=heading,
            sheet="A-1",
            entry=2,
            identifier="700101-1111111",
            projects=[3, 1],
            actor=Actor.for_user(two),
        )
        == "cast"
    )
    assert Participation.objects.get().channel == Channel.PAPER
    # A mismatch goes to the queue and casts nothing.
    services.paper_enter(
        heading=heading,
        sheet="A-2",
        entry=1,
        identifier="700101-2222222",
        projects=[1],
        actor=Actor.for_user(one),
    )
    assert (
        services.paper_enter(
            heading=heading,
            sheet="A-2",
            entry=2,
            identifier="700101-2222222",
            projects=[2],
            actor=Actor.for_user(two),
        )
        == "conflict"
    )
    # The same person again on paper: not counted, queued.
    services.paper_enter(
        heading=heading,
        sheet="A-3",
        entry=1,
        identifier="700101-1111111",
        projects=[2],
        actor=Actor.for_user(one),
    )
    assert (
        services.paper_enter(
            heading=heading,
            sheet="A-3",
            entry=2,
            identifier="700101-1111111",
            projects=[2],
            actor=Actor.for_user(two),
        )
        == "conflict"
    )
    assert sorted(Conflict.objects.values_list("kind", flat=True)) == [
        ConflictKind.PAPER_AFTER_ONLINE,
        ConflictKind.PAPER_MISMATCH,
    ]
    opened = AuditEvent.objects.filter(record_type="participation_conflicts", action="create")
    assert sorted(opened.values_list("after__kind", flat=True)) == ["paper_after_online", "paper_mismatch"]
    assert list(Ballot.objects.values_list("projects", flat=True)) == [[1, 3]]


def test_rule_is_locked_once_voting_opens(make_user):
    staff = make_user("pb-staff", "editor", "budget-legal")
    proc = process()
    with pytest.raises(RecordInvalid, match="더 바꿀 수 없습니다"):
        services.process_set_rule(
            process=proc, counting_rule=CountingRule.EQUAL_SHARES, actor=Actor.for_user(staff)
        )
    early = process(code="early", phase=PhaseKind.REVIEWING)
    services.process_set_rule(
        process=early, counting_rule=CountingRule.EQUAL_SHARES, actor=Actor.for_user(staff)
    )
    services.process_lock_rule(process=early, actor=Actor.for_user(staff))
    with pytest.raises(RecordInvalid):
        services.process_set_rule(
            process=early, counting_rule=CountingRule.GREEDY, actor=Actor.for_user(staff)
        )


def test_proposal_submit_edit_review_merge_with_public_history(make_user):
    author, staff = make_user("author"), make_user("pb-staff", "editor", "budget-legal")
    proc = process(phase=PhaseKind.ACCEPTING, costs=())
    proposal = services.proposal_submit(
        process=proc,
        title="<script>alert(1)</script> 그늘막",
        description="설치",
        estimated_cost=10_000_000,
        actor=Actor.for_user(author),
    )
    services.proposal_edit(
        proposal=proposal,
        title="그늘막",
        description="설치",
        estimated_cost=12_000_000,
        actor=Actor.for_user(author),
    )
    with pytest.raises(PermissionDenied):
        services.proposal_edit(
            proposal=proposal, title="x", description="y", estimated_cost=1, actor=Actor.for_user(staff)
        )
    with pytest.raises(RecordInvalid) as caught:
        services.proposal_submit(
            process=proc, title="", description="", estimated_cost=-5, actor=Actor.for_user(author)
        )
    assert set(caught.value.errors) == {"title", "description", "estimated_cost"}
    department = OrgUnit.objects.get(code="policy-planning")
    from datetime import date

    services.proposal_assign(
        proposal=proposal, department=department, due=date(2025, 6, 30), actor=Actor.for_user(staff)
    )
    reviewer = make_user("pp-editor", "editor", "policy-planning")
    other = make_user("other-editor", "editor", "info-comm")
    with pytest.raises(PermissionDenied):
        services.proposal_review(proposal=proposal, eligible=True, reason="가능", actor=Actor.for_user(other))
    services.proposal_review(
        proposal=proposal,
        eligible=True,
        reason="설치 가능",
        revised_cost=9_000_000,
        internal_note="예산 여유 확인 필요",
        actor=Actor.for_user(reviewer),
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.cost) == (ProposalStatus.ELIGIBLE, 9_000_000)
    duplicate = services.proposal_submit(
        process=proc,
        title="그늘막 설치",
        description="같은 곳",
        estimated_cost=5_000_000,
        actor=Actor.for_user(author),
    )
    services.proposal_merge(
        proposal=duplicate, into=proposal, reason="같은 장소", actor=Actor.for_user(staff)
    )
    history = list(StatusChange.objects.filter(proposal=duplicate).values_list("to_status", "reason"))
    assert history == [("submitted", ""), ("merged", "1번 제안과 중복: 같은 장소")]


def test_scoring_with_recusal(make_user):
    proc = process()
    member, outsider = make_user("member"), make_user("outsider")
    proc.scorers.add(member)
    proposal = proc.proposals.get(number=1)
    services.score_submit(proposal=proposal, score=80, actor=Actor.for_user(member))
    line = services.score_submit(
        proposal=proposal, score=None, recused=True, reason="제안자와 친족", actor=Actor.for_user(member)
    )
    assert (line.score, line.recused) == (None, True)
    with pytest.raises(RecordInvalid, match="사유"):
        services.score_submit(proposal=proposal, score=None, recused=True, actor=Actor.for_user(member))
    with pytest.raises(RecordInvalid, match="0에서 100"):
        services.score_submit(proposal=proposal, score=101, actor=Actor.for_user(member))
    with pytest.raises(PermissionDenied):
        services.score_submit(proposal=proposal, score=50, actor=Actor.for_user(outsider))


def test_count_after_voting_marks_selected_with_reasons(make_user):
    from datetime import timedelta

    from django.utils import timezone

    proc = process()
    for i, numbers in enumerate([[1, 3], [1, 4], [2, 3], [1]]):
        cast(voter(make_user, f"v{i}", phone=f"0101234000{i}"), proc, numbers)
    later = timezone.now() + timedelta(days=30)
    services.tally_count(process=proc, actor=SYSTEM, at=later)
    # Votes 1: 3, 3: 2, 2: 1, 4: 1; greedy in 1,000천원: 1 (600) → 3 (300) → 4 (100, ties with 2 but…)
    # 2 (500) and 4 (100) tie on 1 vote: 2 first (lower number) does not fit, 4 fits.
    assert selectors.results_json(proc)["headings"][0]["winners"] == [1, 3, 4]
    assert proc.proposals.get(number=2).status == ProposalStatus.NOT_SELECTED
    with pytest.raises(RecordInvalid, match="투표가 끝난 뒤"):
        services.tally_count(process=proc, actor=SYSTEM)


def test_sample_2024_reproduces_the_seed_figures():
    """II.2 line 263: 제안접수 139건 중 36건(1,545,150천원) 2025년 예산 반영."""
    services.participation_load_sample()
    proc = selectors.process("pb-2024")
    summary = selectors.process_summary(proc)
    assert (summary["proposals"], summary["selected"], summary["selected_cost"]) == (139, 36, 1_545_150_000)
    assert (proc.section, proc.line) == ("II.2", 263)
    assert selectors.open_phase(selectors.process("pb-2025")) == PhaseKind.VOTING


def test_census_command_hashes_and_reports_bad_rows(tmp_path):
    from django.core.management import CommandError, call_command

    good = tmp_path / "census.csv"
    good.write_text("identifier,birth_year,district\n900101-1234567,1990,사우동\n800101-2345678,1980,\n")
    call_command("participation_census", str(good))
    assert CensusEntry.objects.count() == 2
    assert not CensusEntry.objects.filter(person_key__contains="900101").exists()
    bad = tmp_path / "bad.csv"
    bad.write_text("identifier,birth_year\n12,1990\n")
    with pytest.raises(CommandError, match="1행"):
        call_command("participation_census", str(bad))
    assert CensusEntry.objects.count() == 2  # nothing half-written


def test_scoring_meeting_goes_to_the_committee_with_one_item_per_proposal(make_user):
    from datetime import date

    from cityhall.committees.models import Meeting

    services.participation_load_sample()
    staff = make_user("pb-staff", "editor", "budget-legal")
    proc = selectors.process("pb-2025")
    meeting = services.scoring_meeting_create(
        process=proc, held_on=date(2025, 7, 10), actor=Actor.for_user(staff)
    )
    assert meeting.committee.name == "주민참여예산 위원회"
    items = list(
        Meeting.objects.get(pk=meeting.pk).agenda_items.order_by("order").values_list("title", flat=True)
    )
    assert len(items) == 24 and items[0].startswith("제안 1번 「[예시]")
    other = process(code="no-committee")
    with pytest.raises(RecordInvalid, match="심의 위원회"):
        services.scoring_meeting_create(process=other, held_on=date(2025, 7, 10), actor=Actor.for_user(staff))


def test_withdrawn_proposal_leaves_the_ballot(make_user):
    proc = process(costs=())
    author = make_user("author")
    proposal = services.proposal_submit(
        process=proc, title="그늘막", description="설치", estimated_cost=100_000, actor=SYSTEM
    )
    Proposal.objects.filter(pk=proposal.pk).update(author=author, status=ProposalStatus.ELIGIBLE)
    with pytest.raises(PermissionDenied):
        services.proposal_withdraw(proposal=proposal, reason="", actor=Actor.for_user(make_user("other")))
    services.proposal_withdraw(proposal=proposal, reason="다른 사업으로 해결", actor=Actor.for_user(author))
    assert services.ballot_costs(proc.headings.get()) == {}
    user = voter(make_user)
    with pytest.raises(RecordInvalid, match="철회된 사업입니다: 1"):
        cast(user, proc, [1])
