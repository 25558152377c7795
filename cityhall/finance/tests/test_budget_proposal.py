"""주민참여예산 → the budget proposal: a counted process's funded projects become items of next
year's budget proposal (seed II.2 line 263: 36 projects, 1,545,150천원 in the 2025 budget), once,
audited, and each side links to the other."""

import pytest
from django.core.exceptions import PermissionDenied

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.core.services import RecordInvalid
from cityhall.finance.budget_proposal.services import SourceProject, participatory_projects_reflect
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
    assert f"2025년 예산안 반영 사업 (요구액 {item.amount // 1000:,}천원)" in text
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
