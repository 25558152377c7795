"""Pages through Django's test client: public reads, the vote (bad input → 422 and nothing written),
no stored XSS, who may see the staff pages."""

import pytest

from cityhall.core.audit import Actor
from cityhall.participation import selectors, services
from cityhall.participation.choices import PhaseKind
from cityhall.participation.models import Ballot, Participation, Proposal

from .factories import process, voter

pytestmark = pytest.mark.django_db


@pytest.fixture
def proc():
    return process()


def test_public_pages_answer_without_login(client, proc):
    for path in (
        "/participation/",
        f"/participation/{proc.code}/",
        f"/participation/{proc.code}/proposals/",
        f"/participation/{proc.code}/proposals/1/",
        f"/participation/{proc.code}/results/",
        f"/participation/{proc.code}/statistics/",
        f"/participation/{proc.code}/vote/",
    ):
        assert client.get(path).status_code == 200, path
    export = client.get(f"/participation/{proc.code}/export.pb")
    assert export["Content-Disposition"] == 'attachment; filename="pb-test.pb"'
    assert export.content.decode().startswith("META\nkey;value\n")


def test_bad_filter_is_a_400_in_korean(client, proc):
    response = client.get(f"/participation/{proc.code}/proposals/?status=nope")
    assert response.status_code == 400
    assert "고를 수 있는 값이 아닙니다" in response.content.decode()


def test_vote_change_and_an_invalid_ballot(client, make_user, proc):
    user = voter(make_user)
    client.force_login(user)
    path = f"/participation/{proc.code}/vote/"
    assert client.post(path, {"projects": ["1", "3"]}).status_code == 302
    assert client.post(path, {"projects": ["2", "4"]}).status_code == 302
    assert list(Ballot.objects.values_list("projects", flat=True)) == [[2, 4]]
    response = client.post(path, {"projects": ["1", "2"]})
    assert response.status_code == 422
    assert "고른 사업의 합계 1,100천원이 예산 1,000천원을 넘습니다." in response.content.decode()
    assert client.post(path, {"projects": ["x"]}).status_code == 422
    assert list(Ballot.objects.values_list("projects", flat=True)) == [[2, 4]]
    page = client.get(path).content.decode()
    assert 'id="b-2" name="projects" value="2" data-cost="500000" checked' in page


def test_the_paper_lines_tick_the_choices_and_escape_the_titles():
    items = [
        selectors._paper_item(1, "<script>x</script>", 1000, "/p/1/"),
        selectors._paper_item(12, "김포 & 길", 2_500_000, "/p/12/"),
    ]
    assert str(selectors.paper_lines(items, {12})) == (
        '<li><input type="checkbox" id="b-1" name="projects" value="1" data-cost="1000">\n'
        '<label for="b-1">1. &lt;script&gt;x&lt;/script&gt; <span class="cost">1,000원</span></label>\n'
        '<a href="/p/1/">자세히<span class="visually-hidden"> 1</span></a></li>'
        '<li><input type="checkbox" id="b-12" name="projects" value="12" data-cost="2500000" checked>\n'
        '<label for="b-12">12. 김포 &amp; 길 <span class="cost">2,500,000원</span></label>\n'
        '<a href="/p/12/">자세히<span class="visually-hidden"> 12</span></a></li>'
    )


def test_verification_page_flow_and_bad_phone(client, make_user, proc):
    user = make_user("citizen")
    client.force_login(user)
    path = f"/participation/{proc.code}/verify/"
    response = client.post(path, {"method": "mock", "phone": "12", "birth_year": "1990"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "휴대전화 번호는 010으로 시작하는" in page
    # what was typed is there to correct, not typed again
    assert 'name="phone" inputmode="numeric" autocomplete="tel" required value="12"' in page
    assert 'maxlength="4" required value="1990"' in page
    census = client.post(path, {"method": "census", "identifier": "900101-9999999", "birth_year": "1990"})
    assert census.status_code == 422
    assert "9999999" not in census.content.decode()  # the resident number is never written back
    client.post(path, {"method": "mock", "phone": "010-1111-2222", "birth_year": "1990"})
    assert client.post(f"/participation/{proc.code}/vote/", {"projects": ["4"]}).status_code == 302
    assert Participation.objects.count() == 1


def test_citizen_text_is_escaped_everywhere(client, make_user):
    accepting = process(code="acc", phase=PhaseKind.ACCEPTING, costs=())
    author = make_user("author")
    client.force_login(author)
    response = client.post(
        f"/participation/{accepting.code}/proposals/new/",
        {
            "title": '<script>alert("x")</script>',
            "description": "<img src=x onerror=alert(1)>",
            "estimated_cost": "10,000천원",
        },
    )
    assert response.status_code == 302
    assert Proposal.objects.get(process=accepting).estimated_cost == 10_000_000
    for path in (
        f"/participation/{accepting.code}/proposals/1/",
        f"/participation/{accepting.code}/proposals/",
    ):
        html = client.get(path).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert" in html


def test_proposal_form_errors_in_korean_and_nothing_saved(client, make_user):
    accepting = process(code="acc", phase=PhaseKind.ACCEPTING, costs=())
    client.force_login(make_user("author"))
    response = client.post(
        f"/participation/{accepting.code}/proposals/new/",
        {"title": "", "description": "x", "estimated_cost": "많이"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "제목을 적으세요." in html and "추정 사업비는 0원보다 큰 금액이어야 합니다." in html
    assert not Proposal.objects.filter(process=accepting).exists()


def test_staff_pages_are_for_staff(client, make_user, proc):
    citizen = make_user("citizen")
    staff = make_user("pb-staff", "editor", "budget-legal")
    other = make_user("other", "editor", "smart-city")
    for path in (
        f"/participation/{proc.code}/review/",
        f"/participation/{proc.code}/tally.xlsx",
        "/participation/conflicts/",
    ):
        assert client.get(path).status_code == 302  # to the login page
        for user in (citizen, other):
            client.force_login(user)
            assert client.get(path).status_code == 403, (path, user)
        client.force_login(staff)
        assert client.get(path).status_code == 200, path
        client.logout()


def test_department_reviews_from_its_queue(client, make_user):
    from datetime import date

    from cityhall.organisation.models import OrgUnit

    reviewing = process(code="rev", phase=PhaseKind.REVIEWING, costs=())
    staff = make_user("pb-staff", "editor", "budget-legal")
    proposal = services.proposal_submit(
        process=reviewing,
        title="그늘막",
        description="설치",
        estimated_cost=5_000_000,
        actor=Actor.for_user(staff),
    )
    services.proposal_assign(
        proposal=proposal,
        department=OrgUnit.objects.get(code="smart-city"),
        due=date(2025, 6, 30),
        actor=Actor.for_user(staff),
    )
    client.force_login(make_user("sc-editor", "editor", "smart-city"))
    assert "그늘막" in client.get(f"/participation/{reviewing.code}/review/").content.decode()
    client.post(
        f"/participation/{reviewing.code}/review/1/",
        {"decision": "eligible", "reason": "설치 가능", "revised_cost": "4,000천원", "internal_note": "비밀"},
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.revised_cost) == ("eligible", 4_000_000)
    public = client.get(f"/participation/{reviewing.code}/proposals/1/").content.decode()
    assert "설치 가능" in public and "비밀" not in public


def test_score_sheet_for_members_only(client, make_user, proc):
    member, outsider = make_user("member"), make_user("outsider")
    proc.scorers.add(member)
    client.force_login(outsider)
    assert client.get(f"/participation/{proc.code}/scoring/").status_code == 403
    client.force_login(member)
    assert "사업 1" in client.get(f"/participation/{proc.code}/scoring/").content.decode()
    client.post(f"/participation/{proc.code}/scoring/1/", {"score": "85", "reason": "타당"})
    client.post(f"/participation/{proc.code}/scoring/2/", {"recused": "on", "reason": "제안자와 친족"})
    response = client.post(f"/participation/{proc.code}/scoring/3/", {"score": "abc"}, follow=True)
    assert "점수는 0에서 100 사이의 정수여야 합니다." in response.content.decode()
    lines = {s.proposal.number: (s.score, s.recused) for s in member.committeescore_set.all()}
    assert lines == {1: (85, False), 2: (None, True)}


def test_paper_entry_page_double_entry_and_the_conflict_queue(client, make_user, proc):
    one, two = make_user("clerk1", "editor", "budget-legal"), make_user("clerk2", "editor", "budget-legal")
    services.census_load(
        rows=[{"identifier": "700101-1111111", "birth_year": 1970}], actor=Actor.for_user(one)
    )
    path = f"/participation/{proc.code}/paper/"
    client.force_login(make_user("citizen"))
    assert client.get(path).status_code == 403
    client.force_login(one)
    form = {"sheet": "A-1", "entry": "1", "identifier": "700101-1111111", "projects": ["1"]}
    assert "다른 직원의 두 번째 입력" in client.post(path, form, follow=True).content.decode()
    client.force_login(two)
    assert "투표로 반영" in client.post(path, {**form, "entry": "2"}, follow=True).content.decode()
    assert Participation.objects.get().channel == "paper"
    mismatch = {"sheet": "A-2", "entry": "1", "identifier": "700101-1111111", "projects": ["2"]}
    client.post(path, mismatch)
    client.force_login(one)
    client.post(path, {**mismatch, "entry": "2", "projects": ["3"]})
    from cityhall.participation.models import Conflict

    conflict = Conflict.objects.get()
    assert (
        client.post(f"/participation/conflicts/{conflict.pk}/resolve/", {"resolution": ""}).status_code == 302
    )
    conflict.refresh_from_db()
    assert conflict.state == "open"
    client.post(f"/participation/conflicts/{conflict.pk}/resolve/", {"resolution": "원본 투표지 확인: 무효"})
    conflict.refresh_from_db()
    assert conflict.state == "resolved"


def test_attachments_checked_by_content_and_served_as_downloads(client, make_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    accepting = process(code="acc", phase=PhaseKind.ACCEPTING, costs=())
    client.force_login(make_user("author"))
    path = f"/participation/{accepting.code}/proposals/new/"
    form = {"title": "그늘막", "description": "설치", "estimated_cost": "10,000천원"}
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    refused = [
        (SimpleUploadedFile("setup.exe", b"MZ\x90\x00"), "JPEG, PNG, PDF 파일만 올릴 수 있습니다."),
        (SimpleUploadedFile("photo.pdf", png), "확장자가 내용(image/png)과 다릅니다."),
        (
            SimpleUploadedFile("doc.pdf", b"%PDF-1.7 /OpenAction << /JS (app.alert(1)) >>"),
            "스크립트나 실행 동작",
        ),
        (SimpleUploadedFile("big.png", png + b"\x00" * (5 * 1024 * 1024)), "파일이 너무 큽니다"),
        (SimpleUploadedFile("page.html", b"<script>alert(1)</script>"), "JPEG, PNG, PDF 파일만"),
    ]
    for upload, message in refused:
        response = client.post(path, {**form, "files": [upload]})
        assert response.status_code == 422, message
        assert message in response.content.decode()
        assert not Proposal.objects.filter(process=accepting).exists()  # nothing half-written
    ok = client.post(path, {**form, "files": [SimpleUploadedFile("../../etc/map<1>.png", png)]})
    assert ok.status_code == 302
    attachment = Proposal.objects.get(process=accepting).attachments.get()
    assert (attachment.name, attachment.content_type, attachment.size) == ("map_1_.png", "image/png", 72)
    download = client.get(f"/participation/{accepting.code}/proposals/1/files/{attachment.pk}/")
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download.content == png


def test_in_person_desk_is_staff_only_and_audited(client, make_user):
    from cityhall.core.models import AuditEvent
    from cityhall.participation.models import Verification

    citizen = make_user("citizen")
    client.force_login(citizen)
    assert client.get("/participation/verify-in-person/").status_code == 403
    client.force_login(make_user("clerk", "editor", "budget-legal"))
    bad = client.post(
        "/participation/verify-in-person/", {"username": "nobody", "identifier": "x", "birth_year": "x"}
    )
    assert bad.status_code == 422 and "그런 계정이 없습니다." in bad.content.decode()
    form = {"username": "citizen", "identifier": "800101-2000000", "birth_year": "1980", "district": "사우동"}
    assert client.post("/participation/verify-in-person/", form).status_code == 302
    verification = Verification.objects.get(user=citizen)
    assert (verification.method, verification.verified_by, verification.district) == (
        "in_person",
        "clerk",
        "사우동",
    )
    assert AuditEvent.objects.filter(action="verify", actor="clerk").count() == 1
