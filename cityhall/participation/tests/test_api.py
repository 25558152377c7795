"""The API: results for any signed-in caller; a ballot through the same rules (422 with the reason)."""

import pytest

from cityhall.core.models import ApiToken
from cityhall.participation.models import Ballot

from .factories import process, voter

pytestmark = pytest.mark.django_db


def test_ballot_and_results_through_the_api(client, make_user):
    proc = process()
    user = voter(make_user)
    _, token = ApiToken.issue(user=user, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = f"/api/v1/participation/{proc.code}/ballot"
    ok = client.post(url, {"projects": [1, 4]}, content_type="application/json", **auth)
    assert ok.status_code == 200 and ok.json() == {
        "process": "pb-test",
        "projects": [1, 4],
        "replaced": False,
    }
    bad = client.post(url, {"projects": [1, 2]}, content_type="application/json", **auth)
    assert bad.status_code == 422
    assert "예산 1,000천원을 넘습니다" in bad.json()["detail"][0]["msg"]
    assert list(Ballot.objects.values_list("projects", flat=True)) == [[1, 4]]
    results = client.get(f"/api/v1/participation/{proc.code}/results", **auth)
    assert results.status_code == 200 and results.json()["rule"] == "greedy"
    assert client.get(f"/api/v1/participation/{proc.code}/results").status_code in (401, 403)
