"""Pledge pages, reports, the public page, the reminder command and the workflow API."""

import json
from datetime import date
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from cityhall.core.audit import Actor
from cityhall.pledges import services
from cityhall.pledges.models import CheckinRound, Pledge, PledgeCheckin
from cityhall.pledges.selectors import portfolio_summary

API = "/api/v1/pledges"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setenv("CITYHALL_TODAY", "2025-04-10")


@pytest.fixture
def sample(db):
    services.pledges_load_sample()


@pytest.fixture
def round_(sample, roles):
    return services.round_open(
        year=2025, quarter=2, closes_on=date(2025, 4, 30), actor=Actor.for_user(roles["other_editor"])
    )


def pledge4():
    return Pledge.objects.get(number=4)  # led by 스마트도시과


def submit(roles, round_, **kw):
    data = {"status": "on_track", "progress": 70, "evidence": "설계 착수"} | kw
    return services.checkin_submit(
        round_=round_, pledge=pledge4(), actor=Actor.for_user(roles["editor"]), **data
    )


# -- access ---------------------------------------------------------------------------------------


def staff_pages(round_):
    r = f"/pledges/rounds/{round_.pk}"
    return [
        "/pledges/",
        "/pledges/rounds/",
        f"{r}/",
        f"{r}/departments/smart-city/",
        f"{r}/report.xlsx",
        f"{r}/report.hwpx",
    ]


def test_staff_pages(client, roles, round_):
    for url in staff_pages(round_):
        assert client.get(url).status_code == 302, url
        client.force_login(roles["norole"])
        assert client.get(url).status_code == 403, url
        client.force_login(roles["viewer"])
        assert client.get(url).status_code == 200, url
        client.logout()


def test_planning_pages_are_refused_to_departments(client, roles, round_):
    client.force_login(roles["manager"])
    assert client.get("/pledges/import/").status_code == 403
    assert client.get(f"/pledges/rounds/{round_.pk}/review/").status_code == 403
    assert (
        client.post("/pledges/rounds/", {"year": 2025, "quarter": 3, "closes_on": "2025-09-30"}).status_code
        == 403
    )
    client.force_login(roles["other_editor"])
    assert client.get("/pledges/import/").status_code == 200
    assert client.get(f"/pledges/rounds/{round_.pk}/review/").status_code == 200


def test_portfolio_page_shows_the_seed_figures(client, roles, sample):
    client.force_login(roles["viewer"])
    html = client.get("/pledges/").content.decode()
    assert "공약 56건 (시 선도사업 15 · 부서 중점사업 41)" in html
    for label, count, share in (
        ("이행완료", 27, "48.2"),
        ("올해 완료목표", 9, "16.0"),
        ("정상추진", 20, "35.7"),
    ):
        assert f'<th scope="row">{label}</th><td class="num">{count}</td><td class="num">{share}</td>' in html
    assert "예시 자료입니다" in html


# -- workflow through the pages --------------------------------------------------------------------


def test_open_submit_review_close_through_pages(client, roles, sample):
    client.force_login(roles["other_editor"])
    response = client.post("/pledges/rounds/", {"year": 2025, "quarter": 2, "closes_on": "2025-04-30"})
    round_ = CheckinRound.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/pledges/rounds/{round_.pk}/"
    html = client.get(f"/pledges/rounds/{round_.pk}/").content.decode()
    assert "<strong>스마트도시과</strong> 14건" in html

    client.force_login(roles["editor"])
    p = pledge4()
    url = f"/pledges/rounds/{round_.pk}/pledges/{p.pk}/submit/"
    bad = client.post(
        url,
        {f"p{p.pk}-status": "lagging", f"p{p.pk}-progress": "20", f"p{p.pk}-evidence": "x"},
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 200 and "부진·보류·폐기에는 사유를 적어야 합니다." in bad.content.decode()
    ok = client.post(
        url,
        {f"p{p.pk}-status": "due_this_year", f"p{p.pk}-progress": "80", f"p{p.pk}-evidence": "착공"},
        headers={"HX-Request": "true"},
    )
    assert ok.status_code == 200 and "제출</span>" in ok.content.decode()
    checkin = PledgeCheckin.objects.get()
    # Another department's pledge is refused.
    other = Pledge.objects.get(number=1)
    assert client.post(f"/pledges/rounds/{round_.pk}/pledges/{other.pk}/submit/", {}).status_code == 403

    client.force_login(roles["other_editor"])
    review_url = f"/pledges/rounds/{round_.pk}/checkins/{checkin.pk}/review/"
    response = client.post(review_url, {"decision": "accept"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "확인</span>" in response.content.decode()
    assert client.post(f"/pledges/rounds/{round_.pk}/close/").status_code == 302
    p.refresh_from_db()
    assert (p.status, p.progress) == ("due_this_year", 80)


def test_import_page(client, roles, sample):
    from cityhall.pledges.tests.test_import import GOOD, workbook

    client.force_login(roles["other_editor"])
    bad = workbook([[1, "", "", "기타", "smart-city", "", "", "", "정상추진", "", 10, ""]])
    bad.name = "bad.xlsx"
    response = client.post("/pledges/import/", {"file": bad})
    assert response.status_code == 400
    assert "2행: 공약명이 비어 있습니다." in response.content.decode()
    good = workbook(GOOD)
    good.name = "good.xlsx"
    assert client.post("/pledges/import/", {"file": good}).status_code == 302
    assert Pledge.objects.count() == 3


# -- reports ---------------------------------------------------------------------------------------


def test_report_xlsx(client, roles, round_):
    submit(roles, round_, status="due_this_year", progress=80)
    client.force_login(roles["viewer"])
    response = client.get(f"/pledges/rounds/{round_.pk}/report.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == [
        "현황",
        "이전 회차 대비 변동",
        "정책기획과",
        "예산법무과",
        "정보통신과",
        "스마트도시과",
    ]
    status = book["현황"]
    assert [[c.value for c in row] for row in status.iter_rows(min_row=3, max_row=5, max_col=3)] == [
        ["이행완료", 27, 48.2],
        ["올해 완료목표", 9, 16.0],
        ["정상추진", 20, 35.7],
    ]
    assert len(status._charts) == 1
    changes = list(book["이전 회차 대비 변동"].iter_rows(min_row=2, values_only=True))
    assert changes == [(4, "예시 공약 04 (시 선도사업 예시)", "스마트도시과", "—", None, "올해 완료목표", 80)]
    sc = list(book["스마트도시과"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert sc == [
        (4, "예시 공약 04 (시 선도사업 예시)", "시 선도사업", "올해 완료목표", 80, "제출", "정상추진", 60)
    ]


def test_report_hwpx(client, roles, round_):
    client.force_login(roles["viewer"])
    response = client.get(f"/pledges/rounds/{round_.pk}/report.hwpx")
    assert response.status_code == 200 and response["Content-Type"] == "application/hwp+zip"
    assert response.content[:2] == b"PK"


# -- public page -----------------------------------------------------------------------------------


def test_public_page_needs_no_login_and_hides_internal_text(client, roles, round_):
    submit(roles, round_, evidence="내부 근거 문서 비밀")
    services.checkin_review(
        checkin=PledgeCheckin.objects.get(),
        decision="return",
        comment="내부 검토 의견",
        actor=Actor.for_user(roles["director"]),
    )
    Pledge.objects.filter(number=2).update(public=False)
    html = client.get("/public/pledges/").content.decode()
    assert "공약 55건" in html
    assert "내부 근거" not in html and "내부 검토 의견" not in html
    assert "예시 공약 02" not in html and "예시 공약 04" in html


# -- reminders -------------------------------------------------------------------------------------


def test_remind_command(roles, round_):
    submit(roles, round_)
    services.checkin_review(
        checkin=PledgeCheckin.objects.get(),
        decision="return",
        comment="보완",
        actor=Actor.for_user(roles["director"]),
    )
    out = StringIO()
    call_command("pledges_remind", stdout=out)
    text = out.getvalue()
    assert text.startswith("2025년 2분기 공약 점검 (제출기한 2025-04-30)\n정책기획과: 14건\n")
    assert "스마트도시과: 14건\n  - 4. 예시 공약 04 (시 선도사업 예시) (보완요청)\n" in text


# -- API -------------------------------------------------------------------------------------------


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_api_workflow_and_permissions(client, roles, sample):
    client.force_login(roles["editor"])
    assert (
        post(
            client, f"{API}/rounds/open", {"year": 2025, "quarter": 2, "closes_on": "2025-04-30"}
        ).status_code
        == 403
    )
    assert not CheckinRound.objects.exists()
    client.force_login(roles["other_editor"])
    response = post(client, f"{API}/rounds/open", {"year": 2025, "quarter": 2, "closes_on": "2025-04-30"})
    assert response.status_code == 201 and response.json()["code"] == "2025-q2"
    rid = response.json()["id"]
    body = {"pledge": "sample-04", "status": "on_track", "progress": 65, "evidence": "추진 중"}
    assert post(client, f"{API}/rounds/{rid}/checkins", body).status_code == 403  # not the lead department
    client.force_login(roles["editor"])
    assert post(client, f"{API}/rounds/{rid}/checkins", body | {"progress": 120}).json() == {
        "detail": [
            {
                "loc": ["body", "progress"],
                "msg": "진척률은 0에서 100 사이의 정수여야 합니다.",
                "type": "value_error",
            }
        ]
    }
    response = post(client, f"{API}/rounds/{rid}/checkins", body)
    assert response.status_code == 200 and response.json()["review"] == "submitted"
    cid = response.json()["id"]
    assert post(client, f"{API}/checkins/{cid}/review", {"decision": "accept"}).status_code == 403
    missing = client.get(f"{API}/rounds/{rid}/missing").json()
    assert {
        "department": "smart-city",
        "pledges": [8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56],
    } in missing
    client.force_login(roles["other_editor"])
    response = post(client, f"{API}/checkins/{cid}/review", {"decision": "return"})
    assert (response.status_code, response.json()["detail"]) == (
        422,
        [
            {
                "loc": ["body", "comment"],
                "msg": "보완요청에는 검토 의견을 적어야 합니다.",
                "type": "value_error",
            }
        ],
    )
    assert post(client, f"{API}/checkins/{cid}/review", {"decision": "accept"}).json()["review"] == "accepted"
    client.force_login(roles["manager"])
    assert post(client, f"{API}/rounds/{rid}/close", {}).status_code == 403
    client.force_login(roles["director"])
    assert post(client, f"{API}/rounds/{rid}/close", {}).json()["state"] == "closed"
    assert Pledge.objects.get(code="sample-04").progress == 65
    summary = client.get(f"{API}/portfolio/summary").json()
    assert summary["total"] == 56 and summary["by_category"] == {"flagship": 15, "department": 41}


def test_generated_api_lists_pledges_and_refuses_department_writes_to_checkins(client, roles, round_):
    client.force_login(roles["viewer"])
    assert client.get("/api/v1/pledges/").status_code == 200
    client.force_login(roles["editor"])
    response = post(
        client,
        "/api/v1/pledge-checkins/",
        {
            "round": "2025-q2",
            "pledge": "sample-04",
            "status": "completed",
            "progress": 100,
            "submitted_at": "2025-04-10T00:00:00Z",
        },
    )
    assert response.status_code == 403
    assert not PledgeCheckin.objects.exists()


def test_pledge_page_shows_the_dated_history(client, roles, round_):
    submit(roles, round_, evidence="설계 착수 보고")
    services.checkin_review(
        checkin=PledgeCheckin.objects.get(),
        decision="return",
        comment="사진 첨부",
        actor=Actor.for_user(roles["director"]),
    )
    client.force_login(roles["viewer"])
    html = client.get("/pledges/sample-04/").content.decode()
    assert "<h1>4. 예시 공약 04 (시 선도사업 예시)</h1>" in html
    assert "<dt>사업비(천원)</dt><dd>—</dd>" in html
    assert "<dt>사업비(천원)</dt><dd>250,000</dd>" in client.get("/pledges/sample-05/").content.decode()
    assert "2025년 2분기 공약 점검" in html and "설계 착수 보고" in html and "보완요청: 사진 첨부" in html
    assert client.get("/pledges/no-such/").status_code == 404


def test_review_error_is_shown_in_the_row(client, roles, round_):
    checkin = submit(roles, round_)
    client.force_login(roles["other_editor"])
    response = client.post(
        f"/pledges/rounds/{round_.pk}/checkins/{checkin.pk}/review/",
        {"decision": "return", "comment": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert (
        '<p class="error" role="alert">보완요청에는 검토 의견을 적어야 합니다.</p>'
        in response.content.decode()
    )
    checkin.refresh_from_db()
    assert checkin.review == "submitted"


# -- long lists: pages of PAGE_SIZE, read with LIMIT/OFFSET ----------------------------------------


def more_pledges(n):
    lead = Pledge.objects.get(number=1).lead_department
    Pledge.objects.bulk_create(
        Pledge(
            code=f"extra-{i}",
            number=100 + i,
            title=f"추가 공약 {i}",
            category="department",
            lead_department=lead,
        )
        for i in range(n)
    )


def test_the_pledge_list_pages_by_100_and_counts_all(client, sample, roles):
    more_pledges(50)  # 56 + 50 = 106
    client.force_login(roles["viewer"])
    first = client.get("/pledges/").content.decode()
    assert first.count('href="/pledges/sample-') + first.count('href="/pledges/extra-') == 100
    assert "1 / 2" in first and "?page=2" in first
    assert ">추가 공약 43<" in first and ">추가 공약 44<" not in first
    second = client.get("/pledges/?page=2").content.decode()
    assert second.count('href="/pledges/extra-') == 6 and 'href="/pledges/sample-' not in second
    assert ">추가 공약 44<" in second and ">추가 공약 49<" in second
    summary = portfolio_summary()
    assert (summary.total, summary.by_category) == (106, {"flagship": 15, "department": 91})


def test_the_public_page_pages_too_and_an_unknown_page_is_the_last(client, sample):
    more_pledges(50)
    body = client.get("/public/pledges/?page=99").content.decode()
    assert "2 / 2" in body and ">추가 공약 44<" in body and ">추가 공약 43<" not in body
