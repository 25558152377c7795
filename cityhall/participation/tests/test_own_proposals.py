"""A citizen edits and withdraws their own proposal on its page: until the accepting phase ends (edit)
or until the count (withdraw); anyone else is refused; bad input is answered in Korean and changes
nothing; every change is audited."""

import pytest

from cityhall.core.audit import Actor
from cityhall.core.models import AuditEvent
from cityhall.participation import services
from cityhall.participation.choices import PhaseKind, ProposalStatus
from cityhall.participation.models import Proposal, StatusChange

from .factories import process

pytestmark = pytest.mark.django_db


def _mine(make_user, phase=PhaseKind.ACCEPTING, code="pb-own"):
    proc = process(code=code, phase=phase, costs=())
    author = make_user("author")
    proposal = services.proposal_submit(
        process=proc,
        title="그늘막 설치",
        description="버스정류장에 그늘막",
        estimated_cost=12_000_000,
        actor=Actor.system("test:participation"),
    )
    Proposal.objects.filter(pk=proposal.pk).update(author=author)
    return proc, author, Proposal.objects.get(pk=proposal.pk)


def test_the_author_edits_before_the_deadline_audited(client, make_user):
    proc, author, proposal = _mine(make_user)
    client.force_login(author)
    page = client.get(f"/participation/{proc.code}/proposals/{proposal.number}/").content.decode()
    assert "제안 고치기" in page and "제안 철회" in page
    path = f"/participation/{proc.code}/proposals/{proposal.number}/edit/"
    form = client.get(path).content.decode()
    assert 'value="그늘막 설치"' in form and "12,000,000원" in form
    response = client.post(
        path, {"title": "그늘막 두 곳", "description": "정류장 두 곳", "estimated_cost": "15,000천원"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.title, proposal.estimated_cost) == ("그늘막 두 곳", 15_000_000)
    event = AuditEvent.objects.get(record_type="participation_proposals", action="update")
    assert event.user == author
    assert event.after["before"] == {
        "title": "그늘막 설치",
        "description": "버스정류장에 그늘막",
        "estimated_cost": 12_000_000,
    }


def test_bad_input_is_answered_in_korean_and_changes_nothing(client, make_user):
    proc, author, proposal = _mine(make_user)
    client.force_login(author)
    path = f"/participation/{proc.code}/proposals/{proposal.number}/edit/"
    response = client.post(path, {"title": "", "description": "<script>x</script>", "estimated_cost": "많이"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "제목을 적으세요." in page and "추정 사업비는 0원보다 큰 금액이어야 합니다." in page
    assert "<script>x</script>" not in page
    proposal.refresh_from_db()
    assert proposal.title == "그늘막 설치" and proposal.estimated_cost == 12_000_000
    assert not AuditEvent.objects.filter(action="update").exists()


def test_someone_else_may_neither_edit_nor_withdraw(client, make_user):
    proc, _, proposal = _mine(make_user)
    client.force_login(make_user("neighbour"))
    base = f"/participation/{proc.code}/proposals/{proposal.number}"
    assert "제안 고치기" not in client.get(f"{base}/").content.decode()
    assert client.get(f"{base}/edit/").status_code == 403
    assert (
        client.post(f"{base}/edit/", {"title": "x", "description": "y", "estimated_cost": "1"}).status_code
        == 403
    )
    assert client.post(f"{base}/withdraw/", {"reason": "x"}).status_code == 403
    client.logout()
    assert client.post(f"{base}/withdraw/").status_code == 302  # to the sign-in page
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED and proposal.title == "그늘막 설치"


def test_after_the_deadline_the_edit_is_refused_and_nothing_changes(client, make_user):
    proc, author, proposal = _mine(make_user, phase=PhaseKind.REVIEWING, code="pb-late")
    client.force_login(author)
    base = f"/participation/{proc.code}/proposals/{proposal.number}"
    assert "제안 고치기" not in client.get(f"{base}/").content.decode()
    response = client.post(
        f"{base}/edit/", {"title": "늦은 수정", "description": "y", "estimated_cost": "1,000원"}
    )
    assert response.status_code == 422
    assert "제안 접수 기간이 끝났거나 검토가 시작되어 고칠 수 없습니다." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.title == "그늘막 설치"


def test_the_author_withdraws_with_a_public_reason(client, make_user):
    proc, author, proposal = _mine(make_user)
    client.force_login(author)
    base = f"/participation/{proc.code}/proposals/{proposal.number}"
    assert client.post(f"{base}/withdraw/", {"reason": "다른 사업으로 해결"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN
    assert StatusChange.objects.filter(
        proposal=proposal, to_status="withdrawn", reason="다른 사업으로 해결"
    ).exists()
    assert AuditEvent.objects.filter(record_type="participation_proposals", after__withdrawn=True).exists()
    assert client.get(f"{base}/").status_code == 404  # gone from the public lists
    assert client.post(f"{base}/withdraw/").status_code == 404


def test_a_selected_proposal_cannot_be_withdrawn(client, make_user):
    proc, author, proposal = _mine(make_user, phase=PhaseKind.FINISHED, code="pb-done")
    Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.SELECTED)
    client.force_login(author)
    base = f"/participation/{proc.code}/proposals/{proposal.number}"
    assert "제안 철회" not in client.get(f"{base}/").content.decode()
    response = client.post(f"{base}/withdraw/", follow=True)
    assert "집계가 끝났거나 병합·철회된 제안은 철회할 수 없습니다." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SELECTED
