"""The API under /api/v1/military/: 422 with loc/msg for bad input, masked lists, 403 for others."""

import json

import pytest

from cityhall.military import services
from cityhall.military.models import NoiseApplication
from cityhall.organisation.models import Role

API = "/api/v1/military/noise"


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def sample(db):
    return services.samples_load()


def test_compute_answers_amount_and_lines(client, make_user, sample):
    client.force_login(make_user("sc-viewer", Role.VIEWER, "smart-city"))
    body = post(
        client,
        f"{API}/compute",
        {
            "residence_year": 2024,
            "zone": "1",
            "moved_in_on": "2009-01-07",
            "base_established_on": "2010-03-29",
        },
    ).json()
    assert body["amount"] == 720_000 and body["rule_version"] == "decree-2020"
    bad = post(client, f"{API}/compute", {"residence_year": 2024, "zone": "9", "moved_in_on": "2009-01-07"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "zone"]
    assert "알 수 없는 구역입니다" in bad.json()["detail"][0]["msg"]


def test_applications_masked_for_planning_forbidden_for_others(client, make_user, sample):
    client.force_login(make_user("sc-editor", Role.EDITOR, "smart-city"))
    assert client.get(f"{API}/2025/applications").status_code == 403
    client.force_login(make_user("pp-editor", Role.EDITOR, "policy-planning"))
    rows = client.get(f"{API}/2025/applications").json()
    assert len(rows) == 150 and rows[0]["resident_number"] == "470202-2******"
    assert sum(r["computed_amount"] for r in rows) == 40_000_000


def test_apply_bad_input_is_422_and_writes_nothing(client, make_user, sample):
    client.force_login(make_user("pp-editor", Role.EDITOR, "policy-planning"))
    response = post(
        client,
        f"{API}/2025/applications",
        {
            "name": "신청인",
            "resident_number": "800101-1234567",
            "address": "군하리",
            "zone": "3",
            "moved_in_on": "2025-03-01",
            "applied_on": "2025-02-10",
            "bank_code": "011",
            "account_number": "1234567890",
        },
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "moved_in_on"],
            "msg": "전입일(2025-03-01)이 신청일(2025-02-10)보다 늦습니다.",
            "type": response.json()["detail"][0]["type"],
        }
    ]
    assert NoiseApplication.objects.count() == 150
