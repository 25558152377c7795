"""Legal pages: who sees what, bad input answered in Korean, downloads of the 신구조문대비표."""

from datetime import date
from io import BytesIO
from zipfile import ZipFile

import pytest
from openpyxl import load_workbook

from cityhall.core.audit import Actor
from cityhall.legal import services
from cityhall.legal.models import Case, DataRequest, DataRequestAttachment, Revision
from cityhall.organisation.models import OrgUnit, Role

TODAY = "2025-03-04"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setenv("CITYHALL_TODAY", TODAY)


@pytest.fixture
def sample(db):
    services.legal_load_sample(today=date(2025, 3, 4))


@pytest.fixture
def staff(make_user):
    return make_user("legal-editor", Role.EDITOR, "budget-legal")


def _client(client, user):
    client.force_login(user)
    return client


def test_overview_shows_the_2024_figures_labelled_sample(client, staff, sample):
    page = _client(client, staff).get("/legal/").content.decode()
    assert "120건" in page and "24회" in page and "예시" in page
    response = client.get("/legal/statistics.xlsx?year=2024")
    book = load_workbook(BytesIO(response.content))
    rows = list(book["자치법규 제·개정"].iter_rows(values_only=True))
    assert rows[2] == ("조례", 20, 67, 1, 88)
    assert rows[-1] == ("계", 28, 90, 2, 120)


def test_pages_need_a_role(client, make_user, sample):
    assert client.get("/legal/").status_code == 302  # to the login
    _client(client, make_user("norole"))
    assert client.get("/legal/cases/").status_code == 403


def test_departments_see_only_their_own_cases_and_requests(client, make_user, sample):
    viewer = make_user("sc-viewer", Role.VIEWER, "smart-city")
    smart_city = OrgUnit.objects.get(code="smart-city")
    _client(client, viewer)
    own = Case.objects.filter(department=smart_city, sample=True).first()
    other = Case.objects.exclude(department=smart_city).first()
    assert client.get(f"/legal/cases/{own.code}/").status_code == 200
    assert client.get(f"/legal/cases/{other.code}/").status_code == 403
    listed = client.get("/legal/cases/?year=2024&kind=civil").context["cases"]
    assert {c.department_id for c in listed} == {smart_city.pk}
    # The generic record pages and API apply the same rule.
    assert client.get(f"/records/cases/{other.pk}/").status_code in {403, 404}
    api = client.get("/api/v1/cases/?page_size=500").json()
    items = api.get("items", api) if isinstance(api, dict) else api
    assert items and all(i["department"] == "smart-city" for i in items)
    request = DataRequest.objects.exclude(department=smart_city).first()
    assert client.get(f"/legal/requests/{request.pk}/").status_code == 404


def test_case_list_masks_the_opponent(client, staff, sample):
    _client(client, staff)
    page = client.get("/records/cases/?sample=true").content.decode()
    assert "홍길동" not in page


def test_a_case_with_a_judgment_before_its_filing_is_refused(client, staff):
    _client(client, staff)
    response = client.post(
        "/records/cases/new/",
        {
            "code": "c1",
            "kind": "civil",
            "title": "손해배상",
            "department": "budget-legal",
            "received_on": "2025-01-02",
            "filed_on": "2025-01-10",
            "judgment_on": "2025-01-05",
            "status": "open",
            "year": "2025",
        },
    )
    assert response.status_code == 400
    assert "판결일은 제소일보다 앞설 수 없습니다." in response.content.decode()
    assert not Case.objects.filter(code="c1").exists()


def test_revision_page_draft_and_downloads(client, staff, sample):
    _client(client, staff)
    unit = OrgUnit.objects.get(code="budget-legal")
    regulation = services.regulation_create(
        code="fare",
        kind="ordinance",
        title="김포시 교통비 조례",
        department=unit,
        actor=Actor.system("t"),
        articles=[{"number": "제3조", "title": "지원", "text": "만 65세 이상인 사람에게 지원한다."}],
    )
    revision = services.revision_open(
        code="fare-1",
        regulation=regulation,
        kind="amend",
        title="일부개정",
        department=unit,
        actor=Actor.system("t"),
    )
    response = client.post(
        "/legal/revisions/fare-1/", {"action": "draft", "draft": "제3조(지원) 65세 이상인 사람에게 지원한다."}
    )
    assert response.status_code == 302
    page = client.get("/legal/revisions/fare-1/").content.decode()
    assert "<mark>만</mark>" in page
    # Bad draft: the problem named, nothing saved.
    response = client.post("/legal/revisions/fare-1/", {"action": "draft", "draft": "서문\n제3조 본문"})
    assert response.status_code == 422
    assert "첫 줄은" in response.content.decode()
    assert Revision.objects.get(pk=revision.pk).draft[0]["text"] == "65세 이상인 사람에게 지원한다."
    xlsx = client.get("/legal/revisions/fare-1/comparison.xlsx")
    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert sheet["A3"].value == "제3조(지원) 만 65세 이상인 사람에게 지원한다."
    hwpx = client.get("/legal/revisions/fare-1/comparison.hwpx")
    assert hwpx["Content-Type"] == "application/hwp+zip"
    with ZipFile(BytesIO(hwpx.content)) as z:
        section = z.read("Contents/section0.xml").decode()
    assert "65세 이상인 사람에게 지원한다." in section and ">만<" in section


def test_bulk_revision_from_the_search_page(client, staff, sample):
    _client(client, staff)
    unit = OrgUnit.objects.get(code="budget-legal")
    for code in ("a", "b"):
        services.regulation_create(
            code=f"age-{code}",
            kind="rule",
            title=f"규칙 {code}",
            department=unit,
            actor=Actor.system("t"),
            articles=[{"number": "제2조", "title": "", "text": "만 19세 이상인 사람"}],
        )
    page = client.get("/legal/regulations/", {"q": "만 19세"}).content.decode()
    assert "규칙 a" in page and "bulk-form" in page
    response = client.post(
        "/legal/bulk/new/",
        {"code": "age-2025", "title": "만 나이 정비", "phrase": "만 19세", "replacement": "19세"},
    )
    assert response.status_code == 302
    assert Revision.objects.filter(bulk__code="age-2025").count() == 2
    assert client.get("/legal/regulations/?regex=1&q=(").status_code == 200


def test_answer_with_an_attachment_and_a_refused_type(client, make_user, sample):
    smart_city = OrgUnit.objects.get(code="smart-city")
    request = DataRequest.objects.filter(department=smart_city).first()
    editor = make_user("sc-editor", Role.EDITOR, "smart-city")
    _client(client, editor)
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/x-msdownload")
    response = client.post(f"/legal/requests/{request.pk}/", {"answer": "자료 제출", "files": [bad]})
    assert response.status_code == 422
    assert "x.exe: 이 형식" in response.content.decode()
    assert DataRequest.objects.get(pk=request.pk).status == "open"
    good = SimpleUploadedFile("현황.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post(f"/legal/requests/{request.pk}/", {"answer": "자료 제출", "files": [good]})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "answered" and request.answered_on == date(2025, 3, 4)
    attachment = DataRequestAttachment.objects.get(request=request)
    download = client.get(f"/legal/requests/{request.pk}/files/{attachment.pk}/")
    assert download.content == b"%PDF-1.4"


def test_bad_query_parameters_get_a_korean_400(client, staff):
    _client(client, staff)
    response = client.get("/legal/cases/?kind=nope")
    assert response.status_code == 400
    assert "고를 수 있는 값이 아닙니다" in response.content.decode()


def test_api_comparison_and_search(client, staff, sample):
    _client(client, staff)
    unit = OrgUnit.objects.get(code="budget-legal")
    services.regulation_create(
        code="api-reg",
        kind="ordinance",
        title="API 조례",
        department=unit,
        actor=Actor.system("t"),
        articles=[{"number": "제1조", "title": "목적", "text": "만 18세"}],
    )
    hits = client.get("/api/v1/legal/search", {"q": "만 18세"}).json()
    assert [h["regulation"] for h in hits] == ["api-reg"]
    created = client.post(
        "/api/v1/legal/revisions",
        {
            "code": "api-rev",
            "regulation": "api-reg",
            "kind": "amend",
            "title": "개정",
            "department": "budget-legal",
            "draft": [{"number": "제1조", "title": "목적", "text": "18세"}],
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    rows = client.get("/api/v1/legal/revisions/api-rev/comparison").json()
    assert rows == [
        {
            "number": "제1조",
            "change": "changed",
            "old": [
                {"text": "제1조(목적) ", "marked": False},
                {"text": "만", "marked": True},
                {"text": " 18세", "marked": False},
            ],
            "new": [{"text": "제1조(목적) 18세", "marked": False}],
        }
    ]
    bad = client.post(
        "/api/v1/legal/revisions/api-rev/advance", {"to_stage": "council"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][-1] == "to_stage"
    stats = client.get("/api/v1/legal/statistics/2024").json()
    assert stats["by_kind"] == {"제정": 28, "개정": 90, "폐지": 2} and stats["meetings"] == 24
