"""API: the allocation endpoint (read-only) and the generated CRUD's permission checks for actuals."""

import pytest

from cityhall.performance.models import DepartmentScore, IndicatorActual

from .helpers import YEAR, example, indicator

URL = f"/api/v1/performance/allocation/{YEAR}"


@pytest.fixture
def data(db):
    return example()


def test_allocation_anonymous_is_refused(client, data):
    assert client.get(URL).status_code == 401


def test_allocation_without_role_is_refused(client, roles, data):
    client.force_login(roles["norole"])
    assert client.get(URL).status_code == 403


def test_allocation_viewer_reads_amounts_and_explanation(client, roles, data):
    client.force_login(roles["viewer"])
    response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert (body["pool"], body["total"], body["kind"]) == (1_000_000, 1_000_000, "proportional")
    rows = {r["department"]: r for r in body["departments"]}
    assert (rows["policy-planning"]["score"], rows["policy-planning"]["amount"]) == (85.0, 463_134)
    assert (rows["smart-city"]["staff"], rows["smart-city"]["amount"]) == (15, 536_866)
    assert "성과점수 = (1×80 + 1×90) ÷ 2 = 85점" in rows["policy-planning"]["explanation"]
    assert not DepartmentScore.objects.exists()  # read-only


def test_allocation_errors_in_korean(client, roles, db):
    client.force_login(roles["viewer"])
    response = client.get("/api/v1/performance/allocation/2031")
    assert response.status_code == 422
    message = "2031년 성과급 배분 기준이 없습니다."
    assert response.json() == {
        "detail": [{"loc": ["query", "__all__"], "msg": message, "type": "value_error"}]
    }


def test_generated_api_actuals_permissions(client, roles, db):
    indicator("own", "smart-city", target=10)
    indicator("other", "policy-planning", target=10)
    client.force_login(roles["editor"])
    ok = client.post(
        "/api/v1/indicator-actuals/",
        {"indicator": "own", "quarter": 1, "value": 3},
        content_type="application/json",
    )
    assert ok.status_code == 201
    denied = client.post(
        "/api/v1/indicator-actuals/",
        {"indicator": "other", "quarter": 1, "value": 3},
        content_type="application/json",
    )
    assert denied.status_code == 403
    negative = client.post(
        "/api/v1/indicator-actuals/",
        {"indicator": "own", "quarter": 2, "value": -3},
        content_type="application/json",
    )
    assert negative.status_code == 422
    assert list(IndicatorActual.objects.values_list("indicator__code", "quarter")) == [("own", 1)]


def test_generated_api_scores_are_office_wide_only(client, roles, data):
    client.force_login(roles["other_editor"])
    response = client.post(
        "/api/v1/department-scores/",
        {
            "cycle": "eval-2030",
            "department": "policy-planning",
            "score": 1,
            "staff": 1,
            "amount": 1,
            "explanation": "x",
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not DepartmentScore.objects.exists()
