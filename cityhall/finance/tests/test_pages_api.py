"""Pages and API: who may see, import, submit and decide; bad input answers 400/422 in Korean and
changes nothing."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cityhall.core.audit import Actor
from cityhall.finance.execution.importer import execution_import
from cityhall.finance.models import (
    ExecutionMonth,
    LargeProject,
    PriorityCriterion,
    PriorityPlan,
    SavingsClaim,
)
from cityhall.finance.priorities.services import priorities_load_sample
from cityhall.finance.rewards.services import rewards_load_sample
from cityhall.organisation.models import OrgUnit, Role

from .helpers import YEAR, csv_bytes, line, two_lines


@pytest.fixture
def budget_editor(make_user):
    return make_user("bl-editor", Role.EDITOR, "budget-legal")


@pytest.fixture
def month(db):
    execution_import(
        year=YEAR, month=1, content=csv_bytes(two_lines()), file_name="t.csv", actor=Actor.system("t")
    )


def test_pages_answer_the_roles(client, roles, month):
    priorities_load_sample(actor=Actor.system("t"))
    rewards_load_sample(actor=Actor.system("t"))
    client.force_login(roles["viewer"])
    for url in (
        f"/finance/?year={YEAR}",
        "/finance/priorities/",
        "/finance/grants/",
        "/finance/evaluations/",
        "/finance/rewards/?year=2023",
        "/finance/analysis/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/finance/execution/import/").status_code == 403
    client.force_login(roles["norole"])
    assert client.get("/finance/").status_code == 403


def test_dashboard_shows_rate_and_program_rows(client, roles, month):
    client.force_login(roles["viewer"])
    body = client.get(f"/finance/?year={YEAR}&month=1").content.decode()
    assert 'id="total-rate">10.00%' in body
    code = LargeProject  # noqa: F841 - the program page is reached by the ledger's structure
    from cityhall.finance.models import BudgetProgram

    detail = BudgetProgram.objects.get(name="세부 A")
    page = client.get(f"/finance/execution/{YEAR}/programs/{detail.code}/").content.decode()
    assert "t.csv · 2행" in page  # every figure traces to its import row
    assert client.get(f"/finance/?year={YEAR}&month=13").status_code == 400
    xlsx = client.get(f"/finance/execution/{YEAR}.xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    assert client.get(f"/finance/execution/{YEAR}.hwpx").status_code == 200


def test_page_import_refuses_with_rows_and_keeps_nothing(client, budget_editor, db):
    client.force_login(budget_editor)
    bad = csv_bytes([line("A-1", 100, 200)])
    response = client.post(
        "/finance/execution/import/",
        {"year": YEAR, "month": 2, "file": SimpleUploadedFile("bad.csv", bad, content_type="text/csv")},
    )
    assert response.status_code == 400
    assert "2행: 집행액 누계 200원(전월까지 0원)이 예산현액 100원을 넘습니다." in response.content.decode()
    assert not ExecutionMonth.objects.filter(year=YEAR, rows__gt=0).exists()


def test_page_import_escapes_what_the_file_says(client, budget_editor, db):
    client.force_login(budget_editor)
    bad = csv_bytes([line("<script>x</script>", 1, 1, source="<b>국비</b>")])
    body = client.post(
        "/finance/execution/import/",
        {"year": YEAR, "month": 2, "file": SimpleUploadedFile("x.csv", bad, content_type="text/csv")},
    ).content.decode()
    assert "<b>국비</b>" not in body and "&lt;b&gt;국비&lt;/b&gt;" in body


def test_api_import_answers_422_with_loc(client, budget_editor, roles, db):
    client.force_login(budget_editor)
    url = f"/api/v1/finance/execution/{YEAR}/1/import"
    bad = client.post(url, {"file": SimpleUploadedFile("b.csv", csv_bytes([line("A", 1, 2)]))})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "file"]
    assert "예산현액 1원을 넘습니다" in bad.json()["detail"][0]["msg"]
    good = client.post(url, {"file": SimpleUploadedFile("g.csv", csv_bytes(two_lines()))})
    assert good.status_code == 200 and good.json()["rows"] == 2
    overview = client.get(f"/api/v1/finance/execution?year={YEAR}&month=1").json()
    assert overview["total"]["rate"] == "10.00"
    assert client.get(f"/api/v1/finance/execution?year={YEAR}&month=99").status_code == 422
    assert client.get("/api/v1/finance/execution?year=2031").json()["total"] is None
    client.force_login(roles["editor"])
    denied = client.post(url, {"file": SimpleUploadedFile("g.csv", csv_bytes(two_lines((0, 0))))})
    assert denied.status_code == 403
    assert ExecutionMonth.objects.get(year=YEAR, month=1).executed == 400_000


def test_api_ranking_what_if(client, roles, db):
    priorities_load_sample(actor=Actor.system("t"))
    client.force_login(roles["viewer"])
    url = "/api/v1/finance/priorities/ranking"
    published = client.get(url, {"plan": "sample-priorities-2024"}).json()
    assert len(published) == 102 and sum(r["selected"] for r in published) == 14
    moved = client.get(url, {"weights": "sample-pledge=100,sample-urgency=0,sample-readiness=0"}).json()
    assert any(r["moved"] != 0 for r in moved)
    assert client.get(url, {"weights": "sample-pledge=abc"}).status_code == 422


def test_generated_api_lists_every_finance_record(client, roles, month):
    client.force_login(roles["viewer"])
    for slug in (
        "budget-lines",
        "executions",
        "execution-months",
        "budget-programs",
        "grants",
        "savings-claims",
    ):
        response = client.get(f"/api/v1/{slug}/?limit=5")
        assert response.status_code == 200, slug
    # Execution rows change only through the import: the generic API has no write for them.
    client.force_login(roles["director"])
    answer = client.post(
        "/api/v1/execution-months/",
        data=json.dumps({"code": "2030-09", "year": YEAR, "month": 9}),
        content_type="application/json",
    )
    assert answer.status_code == 405


def test_weights_over_100_are_refused(client, db, budget_editor):
    plan = priorities_load_sample(actor=Actor.system("t"))
    client.force_login(budget_editor)
    criterion = PriorityCriterion.objects.get(plan=plan, code="sample-pledge")
    response = client.patch(
        f"/api/v1/priority-criteria/{criterion.pk}",
        data=json.dumps({"weight": 26}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "가중치의 합이 100을 넘습니다 (101)" in response.json()["detail"][0]["msg"]
    criterion.refresh_from_db()
    assert criterion.weight == 25 and PriorityPlan.objects.count() == 1


def test_claim_workflow_submit_review_pay(client, roles, budget_editor, db):
    rewards_load_sample(actor=Actor.system("t"))  # the rules
    client.force_login(roles["editor"])  # 스마트도시과
    body = {
        "department": "smart-city",
        "fiscal_year": 2024,
        "title": "가로등 전력 절감",
        "kind": "spending_cut",
        "amount": 1_000_000_000,
        "evidence": "정산서",
    }
    submitted = client.post("/api/v1/finance/claims", data=json.dumps(body), content_type="application/json")
    assert submitted.status_code == 201
    code = submitted.json()["code"]
    other = client.post(
        "/api/v1/finance/claims",
        data=json.dumps({**body, "department": "info-comm"}),
        content_type="application/json",
    )
    assert other.status_code == 403
    review = {"approve": True, "reviewed_on": "2025-06-20", "note": ""}
    refused = client.post(
        f"/api/v1/finance/claims/{code}/review", data=json.dumps(review), content_type="application/json"
    )
    assert refused.status_code == 403
    client.force_login(budget_editor)
    approved = client.post(
        f"/api/v1/finance/claims/{code}/review", data=json.dumps(review), content_type="application/json"
    )
    assert approved.json()["reward"] == 5_000_000  # 0.5 % of 10억 (예시 rule), under the cap
    early = client.post(
        f"/api/v1/finance/claims/{code}/pay",
        data=json.dumps({"paid_on": "2025-06-01"}),
        content_type="application/json",
    )
    assert early.status_code == 422
    paid = client.post(
        f"/api/v1/finance/claims/{code}/pay",
        data=json.dumps({"paid_on": "2025-07-01"}),
        content_type="application/json",
    )
    assert paid.json()["state"] == "paid"
    claim = SavingsClaim.objects.get(code=code)
    assert (claim.state, claim.reward, claim.department) == (
        "paid",
        5_000_000,
        OrgUnit.objects.get(code="smart-city"),
    )
