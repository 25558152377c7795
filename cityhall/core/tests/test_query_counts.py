"""The API's lists read a page with a fixed number of queries: references are joined, not fetched
one record at a time, so a page of 100 costs what a page of 5 costs."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cityhall.core.records import REGISTRY

pytestmark = pytest.mark.django_db

# Session lookup, user, roles, the list itself — and some slack, but far below one query per row.
MAX_QUERIES = 6


@pytest.fixture
def client(roles):
    client = Client()
    client.force_login(roles["viewer"])
    return client


def queries_for(client: Client, url: str, params: dict) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(context.captured_queries), response.json()


@pytest.mark.parametrize(
    ("url", "total"),
    [("/api/v1/programs/", 57), ("/api/v1/task-items/", 234), ("/api/v1/people/", 63)],
)
def test_list_queries_do_not_grow_with_the_page(client, url, total):
    small, small_page = queries_for(client, url, {"limit": 5})
    large, large_page = queries_for(client, url, {"limit": 100})
    assert len(small_page["items"]) == 5
    assert len(large_page["items"]) == min(100, total)
    assert small_page["count"] == large_page["count"] == total
    assert small == large
    assert large <= MAX_QUERIES


@pytest.mark.parametrize("url", ["/api/v1/programs/", "/api/v1/task-items/", "/api/v1/people/"])
def test_list_queries_are_bounded(client, django_assert_max_num_queries, url):
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url, {"limit": 100, "offset": 3})
    assert response.status_code == 200
    assert len(response.json()["items"]) > 5


def test_filtered_and_searched_lists_are_bounded(client):
    plain, _ = queries_for(client, "/api/v1/programs/", {"limit": 100})
    filtered, page = queries_for(client, "/api/v1/programs/", {"limit": 100, "org_unit": "smart-city"})
    searched, _ = queries_for(client, "/api/v1/task-items/", {"limit": 100, "q": "스마트"})
    assert page["count"] == 24
    assert filtered == plain
    assert searched <= MAX_QUERIES


@pytest.mark.parametrize("type_name", sorted(REGISTRY))
def test_every_record_type_list_is_bounded(client, type_name):
    url = f"/api/v1/{type_name.replace('_', '-')}/"
    one, _ = queries_for(client, url, {"limit": 1})
    everything, page = queries_for(client, url, {"limit": 1000})
    assert len(page["items"]) == page["count"] == REGISTRY[type_name].model.objects.count()
    assert one == everything <= MAX_QUERIES
