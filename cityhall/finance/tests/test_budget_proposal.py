"""주민참여예산 → the budget proposal: a counted process's funded projects become items of next
year's budget proposal (seed II.2 line 263: 36 projects, 1,545,150천원 in the 2025 budget), once,
audited, and each side links to the other."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.finance.budget_proposal.rules import council_decision_errors
from cityhall.finance.budget_proposal.services import (
    SourceProject,
    council_decision_record,
    participatory_projects_reflect,
    sample_decisions_record,
)
from cityhall.finance.choices import CouncilDecision
from cityhall.finance.models import ProposedItem
from cityhall.organisation.models import OrgUnit, Role
from cityhall.participation import samples, selectors, services
from cityhall.participation.choices import ProposalStatus

pytestmark = pytest.mark.django_db

SEED_COUNT, SEED_WON = 36, 1_545_150_000


@pytest.fixture
def counted():
    services.participation_load_sample()
    return selectors.process("pb-2024")


def _events():
    return AuditEvent.objects.filter(record_type="proposed_items")


def test_the_2024_count_puts_36_projects_of_1545150_thousand_won_into_the_2025_budget(counted):
    items = ProposedItem.objects.filter(source_code="pb-2024")
    assert items.count() == SEED_COUNT
    assert sum(items.values_list("amount", flat=True)) == SEED_WON
    assert set(items.values_list("year", flat=True)) == {2025}
    assert set(items.values_list("sample", flat=True)) == {True}
    selected = counted.proposals.filter(status=ProposalStatus.SELECTED)
    assert sorted(items.values_list("source_number", flat=True)) == sorted(
        selected.values_list("number", flat=True)
    )
    first = items.order_by("source_number").first()
    proposal = counted.proposals.get(number=first.source_number)
    assert (first.name, first.amount) == (proposal.title, proposal.cost)
    assert first.source_url == f"/participation/pb-2024/proposals/{proposal.number}/"
    assert _events().filter(action="create").count() == SEED_COUNT
    # the process in its voting phase and the suggestion round are not counted: nothing for 2026
    assert not ProposedItem.objects.exclude(source_code="pb-2024").exists()


def test_deciding_twice_does_not_double(counted):
    before = _events().count()
    services.tally_count(process=counted, actor=Actor.system("t"), at=samples.phases(2024)["counting"][0])
    items = ProposedItem.objects.filter(source_code="pb-2024")
    assert items.count() == SEED_COUNT
    assert sum(items.values_list("amount", flat=True)) == SEED_WON
    assert _events().count() == before  # nothing changed, nothing recorded


def test_a_recount_updates_and_takes_out_what_changed():
    actor = Actor.system("t")
    unit = OrgUnit.objects.get(code="budget-legal")
    first = participatory_projects_reflect(
        source_code="pb-2030",
        year=2031,
        projects=[
            SourceProject(1, "보행로 정비", 120_000_000, unit.pk, "북변동", "/p/1/"),
            SourceProject(2, "공원 그늘막", 30_500_000),
        ],
        actor=actor,
    )
    assert (first.created, first.updated, first.removed, first.total) == (2, 0, 0, 150_500_000)
    again = participatory_projects_reflect(
        source_code="pb-2030",
        year=2031,
        projects=[SourceProject(1, "보행로 정비", 110_000_000, unit.pk, "북변동", "/p/1/")],
        actor=actor,
    )
    assert (again.created, again.updated, again.removed, again.total) == (0, 1, 1, 110_000_000)
    item = ProposedItem.objects.get(source_code="pb-2030")
    assert (item.source_number, item.amount, item.department, item.year) == (1, 110_000_000, unit, 2031)
    actions = list(_events().order_by("pk").values_list("action", flat=True))
    assert actions == ["create", "create", "delete", "update"]
    update = _events().get(action="update")
    assert (update.before["amount"], update.after["amount"]) == (120_000_000, 110_000_000)


def test_bad_input_writes_nothing():
    actor = Actor.system("t")
    with pytest.raises(RecordInvalid, match="0원보다 작습니다"):
        participatory_projects_reflect(
            source_code="pb-2030", year=2031, projects=[SourceProject(1, "가", -1)], actor=actor
        )
    with pytest.raises(RecordInvalid, match="두 번"):
        participatory_projects_reflect(
            source_code="pb-2030",
            year=2031,
            projects=[SourceProject(1, "가", 1), SourceProject(1, "나", 2)],
            actor=actor,
        )
    with pytest.raises(RecordInvalid, match="예산 연도"):
        participatory_projects_reflect(source_code="pb-2030", year=31, projects=[], actor=actor)
    assert not ProposedItem.objects.exists() and not _events().exists()


def test_only_the_budget_staff_reflect(make_user):
    outsider = make_user("pp-editor", Role.EDITOR, "policy-planning")
    with pytest.raises(PermissionDenied):
        participatory_projects_reflect(
            source_code="pb-2030",
            year=2031,
            projects=[SourceProject(1, "가", 1_000)],
            actor=Actor.for_user(outsider),
        )
    editor = make_user("bl-editor", Role.EDITOR, "budget-legal")
    done = participatory_projects_reflect(
        source_code="pb-2030",
        year=2031,
        projects=[SourceProject(1, "가", 1_000)],
        actor=Actor.for_user(editor),
    )
    assert done.created == 1 and ProposedItem.objects.count() == 1


def test_both_sides_link_to_each_other(client, counted, make_user):
    item = ProposedItem.objects.filter(source_code="pb-2024").order_by("source_number").first()
    page = client.get(f"/participation/pb-2024/proposals/{item.source_number}/")
    text = page.content.decode()
    assert f"/finance/budget-proposal/?year=2025#item-{item.pk}" in text
    assert f"2025년 예산안 반영 사업 (요구액 {item.amount // 1000:,}천원, 의회 의결 전)" in text
    not_selected = counted.proposals.filter(status=ProposalStatus.NOT_SELECTED).first()
    other = client.get(f"/participation/pb-2024/proposals/{not_selected.number}/").content.decode()
    assert "/finance/budget-proposal/" not in other
    client.force_login(make_user("viewer", Role.VIEWER, "smart-city"))
    budget = client.get("/finance/budget-proposal/?year=2025")
    assert budget.status_code == 200
    body = budget.content.decode()
    assert f'id="item-{item.pk}"' in body
    assert f'href="/participation/pb-2024/proposals/{item.source_number}/"' in body
    assert "주민참여예산" in body and "1,545,150" in body and ">36<" in body


def test_the_budget_proposal_page_refuses_a_bad_year(client, make_user):
    client.force_login(make_user("viewer", Role.VIEWER, "smart-city"))
    assert client.get("/finance/budget-proposal/?year=abc").status_code == 400
    assert client.get("/finance/budget-proposal/").status_code == 200


# -- the council's decision --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "decided", "field"),
    [
        ("passed", 50_000_000, None),
        ("passed", 45_000_000, "decided_amount"),  # less than asked is 감액, not 원안
        ("reduced", 45_000_000, None),
        ("reduced", 50_000_000, "decided_amount"),
        ("reduced", 0, "decided_amount"),  # nothing left is 전액 삭감
        ("cut", 0, None),
        ("cut", 1, "decided_amount"),
        ("passed", 50_000_001, "decided_amount"),  # more than asked
        ("reduced", None, "decided_amount"),
        ("pending", None, None),
        ("pending", 0, "decided_amount"),
        ("maybe", 1, "council_decision"),
    ],
)
def test_which_amount_goes_with_which_decision(decision, decided, field):
    errors = council_decision_errors(requested=50_000_000, decision=decision, decided_amount=decided)
    assert list(errors) == ([field] if field else [])


@pytest.fixture
def item():
    participatory_projects_reflect(
        source_code="pb-2030",
        year=2031,
        projects=[SourceProject(1, "보행로 정비", 120_000_000), SourceProject(2, "공원 그늘막", 30_500_000)],
        actor=Actor.system("t"),
    )
    return ProposedItem.objects.get(source_code="pb-2030", source_number=1)


def test_the_budget_staff_record_a_reduction_audited(item, make_user):
    editor = make_user("bl-editor", Role.EDITOR, "budget-legal")
    done = council_decision_record(
        item_id=item.pk,
        decision="reduced",
        decided_amount=100_000_000,
        decided_on=date(2030, 12, 16),
        note="제2차 본회의 감액",
        actor=Actor.for_user(editor),
    )
    assert (done.council_decision, done.decided_amount, done.decided_on) == (
        "reduced",
        100_000_000,
        date(2030, 12, 16),
    )
    event = _events().filter(action="update").get()
    assert event.user == editor
    assert (event.before["council_decision"], event.after["council_decision"]) == ("pending", "reduced")
    assert event.after["decided_amount"] == 100_000_000
    # the same decision again records nothing
    council_decision_record(
        item_id=item.pk,
        decision="reduced",
        decided_amount=100_000_000,
        decided_on=date(2030, 12, 16),
        note="제2차 본회의 감액",
        actor=Actor.for_user(editor),
    )
    assert _events().filter(action="update").count() == 1


def test_a_wrong_decision_or_decider_writes_nothing(item, make_user):
    before = _events().count()
    with pytest.raises(RecordInvalid, match="요구액을 넘을 수 없습니다"):
        council_decision_record(
            item_id=item.pk,
            decision="reduced",
            decided_amount=130_000_000,
            decided_on=None,
            actor=Actor.system("t"),
        )
    with pytest.raises(RecordInvalid, match="찾을 수 없습니다"):
        council_decision_record(
            item_id=item.pk + 99,
            decision="passed",
            decided_amount=None,
            decided_on=None,
            actor=Actor.system("t"),
        )
    with pytest.raises(RecordInvalid, match="의결일을 입력하세요"):
        council_decision_record(
            item_id=item.pk, decision="cut", decided_amount=None, decided_on=None, actor=Actor.system("t")
        )
    outsider = make_user("pp-editor", Role.EDITOR, "policy-planning")
    with pytest.raises(PermissionDenied):
        council_decision_record(
            item_id=item.pk,
            decision="passed",
            decided_amount=None,
            decided_on=None,
            actor=Actor.for_user(outsider),
        )
    item.refresh_from_db()
    assert (item.council_decision, item.decided_amount) == ("pending", None)
    assert _events().count() == before


def test_a_recount_may_not_undo_what_the_council_decided(item):
    actor = Actor.system("t")
    council_decision_record(
        item_id=item.pk, decision="passed", decided_amount=None, decided_on=date(2030, 12, 16), actor=actor
    )
    for projects in (
        [SourceProject(2, "공원 그늘막", 30_500_000)],  # taken out
        [SourceProject(1, "보행로 정비", 90_000_000), SourceProject(2, "공원 그늘막", 30_500_000)],  # changed
    ):
        with pytest.raises(RecordInvalid, match="1번 사업은 의회 의결\\(원안 가결\\)이 끝나"):
            participatory_projects_reflect(source_code="pb-2030", year=2031, projects=projects, actor=actor)
    # the undecided one may still change, the decided one stays as decided
    participatory_projects_reflect(
        source_code="pb-2030",
        year=2031,
        projects=[SourceProject(1, "보행로 정비", 120_000_000), SourceProject(2, "공원 그늘막", 20_000_000)],
        actor=actor,
    )
    amounts = dict(ProposedItem.objects.filter(source_code="pb-2030").values_list("source_number", "amount"))
    assert amounts == {1: 120_000_000, 2: 20_000_000}


def test_the_sample_passes_the_36_projects_as_the_seed_says(counted):
    assert sample_decisions_record(year=2025, actor=Actor.system("t")) == SEED_COUNT
    items = ProposedItem.objects.filter(year=2025)
    assert set(items.values_list("council_decision", flat=True)) == {CouncilDecision.PASSED}
    assert sum(items.values_list("decided_amount", flat=True)) == SEED_WON
    assert sample_decisions_record(year=2025, actor=Actor.system("t")) == 0  # once


def test_the_page_records_a_decision_and_explains_a_wrong_one(client, item, make_user):
    url = "/finance/budget-proposal/?year=2031"
    client.force_login(make_user("viewer", Role.VIEWER, "budget-legal"))
    assert "의회 의결 기록" not in client.get(url).content.decode()
    assert client.post(url, {"item": item.pk, "council_decision": "passed"}).status_code == 403
    client.force_login(make_user("bl-editor", Role.EDITOR, "budget-legal"))
    bad = client.post(
        url,
        {
            "item": item.pk,
            "council_decision": "reduced",
            "decided_thousand": "130000",
            "decided_on": "2030-12-16",
        },
    )
    assert bad.status_code == 422
    assert "의결액은 요구액을 넘을 수 없습니다." in bad.content.decode()
    no_date = client.post(url, {"item": item.pk, "council_decision": "passed"})
    assert no_date.status_code == 422 and "의결일을 입력하세요." in no_date.content.decode()
    item.refresh_from_db()
    assert item.council_decision == "pending"
    ok = client.post(
        url,
        {
            "item": item.pk,
            "council_decision": "reduced",
            "decided_thousand": "100000",
            "decided_on": "2030-12-16",
        },
    )
    assert ok.status_code == 302
    page = client.get(url).content.decode()
    assert "감액 가결 (2030-12-16)" in page and "100,000" in page


def test_the_api_records_a_decision(client, item, make_user):
    path = f"/api/v1/finance/proposed-items/{item.pk}/council-decision"
    client.force_login(make_user("viewer", Role.VIEWER, "budget-legal"))
    assert client.post(path, {"council_decision": "cut"}, content_type="application/json").status_code == 403
    missing = f"/api/v1/finance/proposed-items/{item.pk + 99}/council-decision"
    assert (
        client.post(missing, {"council_decision": "cut"}, content_type="application/json").status_code == 403
    )
    client.force_login(make_user("bl-editor", Role.EDITOR, "budget-legal"))
    bad = client.post(path, {"council_decision": "cut", "decided_amount": 5}, content_type="application/json")
    assert bad.status_code == 422 and "decided_amount" in bad.content.decode()
    undated = client.post(path, {"council_decision": "cut"}, content_type="application/json")
    assert undated.status_code == 422 and "의결일을 입력하세요." in undated.content.decode()
    ok = client.post(
        path, {"council_decision": "cut", "decided_on": "2030-12-16"}, content_type="application/json"
    )
    assert ok.status_code == 200
    assert (ok.json()["council_decision"], ok.json()["decided_amount"]) == ("cut", 0)
    assert (
        client.post(
            f"/api/v1/finance/proposed-items/{item.pk + 99}/council-decision",
            {"council_decision": "cut"},
            content_type="application/json",
        ).status_code
        == 404
    )
