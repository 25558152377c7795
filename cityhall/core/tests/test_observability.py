"""/healthz, /readyz, /metrics and request IDs in the logs (cityhall/core/observability.py)."""

import io
import json
import logging
import re

import pytest
from pythonjsonlogger.json import JsonFormatter

from cityhall.core import observability
from cityhall.core.observability import CheckResult, RequestIdFilter


def _sample(body: str, name: str, **labels) -> float | None:
    """The value of one sample of the text exposition, or None."""
    for line in body.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0])) if "{" in line else {}
            if all(found.get(k) == v for k, v in labels.items()):
                return float(line.rsplit(" ", 1)[1])
    return None


@pytest.fixture
def extra_check():
    added = []

    def add(name, check):
        observability.register_readiness_check(name, check)
        added.append(name)

    yield add
    for name in added:
        observability._CHECKS.pop(name, None)


def test_healthz_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_reports_the_database_and_fails_only_on_required_checks(db, client, settings, extra_check):
    extra_check("always-down", lambda: CheckResult(False, "down for the test"))
    response = client.get("/readyz")
    assert response.status_code == 200  # only "database" is required by default
    checks = response.json()["checks"]
    assert checks["database"] == {"ok": True, "required": True, "detail": "sqlite"}
    assert checks["always-down"] == {"ok": False, "required": False, "detail": "down for the test"}

    settings.CITYHALL_READY_REQUIRE = ["database", "always-down"]
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "not ready"


def test_readyz_hides_details_from_whom_the_metrics_are_not_for(db, client, extra_check):
    extra_check("broken", lambda: 1 / 0)  # a check that raises counts as failing, never a 500
    response = client.get("/readyz", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 200
    assert response.json()["checks"]["broken"] == {"ok": False, "required": False}
    direct = client.get("/readyz").json()["checks"]["broken"]
    assert direct["detail"] == "ZeroDivisionError: division by zero"


def test_metrics_count_requests_by_view_and_status(db, client):
    before = _sample(client.get("/metrics").content.decode(), "cityhall_http_requests_total",
                     view="healthz", status="200") or 0.0  # fmt: skip
    client.get("/healthz")
    client.get("/healthz")
    client.get("/no-such-page/")
    body = client.get("/metrics").content.decode()
    assert _sample(body, "cityhall_http_requests_total", view="healthz", status="200") == before + 2
    assert _sample(body, "cityhall_http_requests_total", view="unmatched", status="404") >= 1
    assert _sample(body, "cityhall_http_request_duration_seconds_count", view="healthz") >= 2
    assert _sample(body, "cityhall_ready", check="database") == 1.0


def test_registered_gauges_are_read_at_scrape_time(db, client):
    depth = {"value": 3}
    observability.register_gauge("cityhall_test_queue_depth", "Waiting", lambda: depth["value"])
    observability.register_gauge(
        "cityhall_test_by_kind", "By kind", lambda: {("a",): 1, ("b",): 2}, labels=["kind"]
    )
    observability.register_gauge("cityhall_test_broken", "Fails", lambda: 1 / 0)
    try:
        body = client.get("/metrics").content.decode()
        assert _sample(body, "cityhall_test_queue_depth") == 3.0
        assert _sample(body, "cityhall_test_by_kind", kind="b") == 2.0
        assert _sample(body, "cityhall_test_broken") is None
        assert _sample(body, "cityhall_gauge_errors") == 1.0
        depth["value"] = 5
        assert _sample(client.get("/metrics").content.decode(), "cityhall_test_queue_depth") == 5.0
    finally:
        for name in ("cityhall_test_queue_depth", "cityhall_test_by_kind", "cityhall_test_broken"):
            observability._GAUGES.pop(name)
    with pytest.raises(ValueError, match="not a Prometheus metric name"):
        observability.register_gauge("queue depth", "bad", lambda: 1)


def test_metrics_need_the_token_or_a_direct_request_from_an_allowed_network(db, client, settings):
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    # Through the proxy the address is the proxy's: refused without the token.
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 403
    settings.CITYHALL_METRICS_NETWORKS = ["192.0.2.0/24"]
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 200
    settings.CITYHALL_METRICS_TOKEN = "scrape-token-for-tests"
    assert client.get("/metrics").status_code == 403  # with a token, the network alone is not enough
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    ok = client.get(
        "/metrics", HTTP_AUTHORIZATION="Bearer scrape-token-for-tests", HTTP_X_FORWARDED_FOR="1.2.3.4"
    )
    assert ok.status_code == 200
    assert ok["Content-Type"].startswith("text/plain; version=")


@pytest.fixture
def json_log():
    """The access log as the production configuration writes it (JSON, with the request ID)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    log = logging.getLogger("cityhall.request")
    log.addHandler(handler)
    level = log.level
    log.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    log.removeHandler(handler)
    log.setLevel(level)


def test_the_proxys_request_id_is_echoed_and_logged(client, json_log):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="nginx-4f2a9c")
    assert response["X-Request-ID"] == "nginx-4f2a9c"
    [line] = json_log()
    assert line["request_id"] == "nginx-4f2a9c"
    assert (line["level"], line["logger"], line["method"], line["path"]) == (
        "INFO",
        "cityhall.request",
        "GET",
        "/healthz",
    )
    assert (line["status"], line["view"]) == (200, "healthz")
    assert line["message"].startswith("GET /healthz 200 ")


def test_a_request_id_that_is_not_a_token_is_replaced(client, json_log):
    response = client.get("/healthz", HTTP_X_REQUEST_ID='x" forged="1')
    made = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert json_log()[0]["request_id"] == made
    other = client.get("/healthz")["X-Request-ID"]
    assert other != made and re.fullmatch(r"[0-9a-f]{32}", other)


def test_outside_a_request_the_id_is_a_dash():
    record = logging.LogRecord("job", logging.INFO, __file__, 1, "m", (), None)
    RequestIdFilter().filter(record)
    assert record.request_id == "-"


def test_django_error_log_lines_carry_the_request_id(client):
    """django.request logs a 404 after the middleware returned; the filter reads the ID off the request."""
    records = []
    handler = logging.Handler()
    handler.addFilter(RequestIdFilter())
    handler.emit = records.append
    log = logging.getLogger("django.request")
    log.addHandler(handler)
    try:
        client.get("/no-such-page/", HTTP_X_REQUEST_ID="trace-404")
    finally:
        log.removeHandler(handler)
    assert [r.request_id for r in records] == ["trace-404"]
