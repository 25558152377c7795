"""Health, readiness, metrics and request IDs (docs/production.md, "Observability"; ADR 0017).

- ``/healthz``: liveness — the process answers; touches nothing else.
- ``/readyz``: readiness — every registered check (core registers ``database``; apps register theirs,
  e.g. telemetry: ``broker`` and ``runtime``). It answers 503 when a check named in
  ``CITYHALL_READY_REQUIRE`` fails; the other checks are reported in the body only, so that a web node
  is not taken out of the load balancer because the streetlights' runtime on another machine stalled.
- ``/metrics``: the Prometheus text format, from the official ``prometheus_client``: requests by view
  and status, a latency histogram by view, and the gauges apps register with ``register_gauge`` (read
  at scrape time). Under several worker processes (gunicorn) set ``PROMETHEUS_MULTIPROC_DIR`` and the
  counters of every worker are summed (deploy/gunicorn.conf.py clears dead workers' files).
- Every request gets an ID: the ``X-Request-ID`` the proxy sent (when it is a sane token) or a new one,
  echoed in the response and added to every log record written while the request runs.

Core imports no domain app: apps call ``register_gauge`` and ``register_readiness_check`` from their
``AppConfig.ready``.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

logger = logging.getLogger("cityhall.request")

_request_id: ContextVar[str] = ContextVar("cityhall_request_id", default="-")
# What a proxy may send as a request ID: a token, not free text that could forge log lines.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

# Not registered in the default registry: each scrape builds its own (see metrics_view), which in the
# multi-process mode reads every worker's files instead of this process's counters only.
REQUESTS = Counter(
    "cityhall_http_requests",
    "HTTP requests answered, by view and status code",
    ["view", "method", "status"],
    registry=None,
)
LATENCY = Histogram(
    "cityhall_http_request_duration_seconds",
    "Time to answer an HTTP request, by view",
    ["view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=None,
)


def current_request_id() -> str:
    """The ID of the request this thread serves, or ``-`` outside a request (jobs, commands)."""
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every log record (the logging configuration's formatters print it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a 4xx/5xx answer (django.request) after the middleware has returned: that
        # record carries the request, and the request its ID.
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or _request_id.get()
        return True


class RequestObservabilityMiddleware:
    """Request ID in, request ID out; one access log line and the request metrics per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sent = request.headers.get("X-Request-ID", "")
        request_id = sent if _REQUEST_ID.match(sent) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            elapsed = time.perf_counter() - started
            match = getattr(request, "resolver_match", None)
            # The view's route name, never the raw path: a label per URL would grow without bound.
            view = (match.view_name or match._func_path) if match else "unmatched"
            REQUESTS.labels(view, request.method or "", str(response.status_code)).inc()
            LATENCY.labels(view).observe(elapsed)
            response["X-Request-ID"] = request_id
            logger.info(
                "%s %s %s %.1fms",
                request.method,
                request.path,
                response.status_code,
                elapsed * 1000,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round(elapsed * 1000, 1),
                    "view": view,
                },
            )
            return response
        finally:
            _request_id.reset(token)


# --- what apps register ----------------------------------------------------------------------------

GaugeValue = float | int | None | dict[tuple[str, ...], float]


@dataclass(frozen=True)
class Gauge:
    name: str
    documentation: str
    read: Callable[[], GaugeValue]
    labels: tuple[str, ...] = ()


_GAUGES: dict[str, Gauge] = {}


def register_gauge(
    name: str, documentation: str, read: Callable[[], GaugeValue], *, labels: Iterable[str] = ()
) -> None:
    """Publish a gauge read at scrape time: ``read()`` returns a number (or None: no sample), or with
    ``labels`` a dict from label values to numbers. Example (a task queue's depth)::

        register_gauge("cityhall_task_queue_depth", "Tasks waiting", lambda: Task.objects.count())
    """
    if not re.match(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$", name):
        raise ValueError(f"not a Prometheus metric name: {name!r}")
    _GAUGES[name] = Gauge(name, documentation, read, tuple(labels))


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    detail: str = ""


_CHECKS: dict[str, Callable[[], CheckResult]] = {}


def register_readiness_check(name: str, check: Callable[[], CheckResult]) -> None:
    """Add a check to /readyz; it should answer within a couple of seconds."""
    _CHECKS[name] = check


def check_database() -> CheckResult:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means not ready; its text is the detail
        return CheckResult(False, f"{type(exc).__name__}: {exc}".strip()[:300])
    return CheckResult(True, connection.vendor)


register_readiness_check("database", check_database)


def run_checks() -> dict[str, CheckResult]:
    results = {}
    for name, check in _CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # a broken check is a failed check, not a 500
            results[name] = CheckResult(False, f"{type(exc).__name__}: {exc}"[:300])
    return results


class _RegisteredGauges:
    """The registered gauges as a collector, read at scrape time; one that fails is skipped and
    counted in ``cityhall_gauge_errors``."""

    def collect(self):
        errors = GaugeMetricFamily("cityhall_gauge_errors", "Registered gauges that failed to read")
        failed = 0
        for gauge in list(_GAUGES.values()):
            try:
                value = gauge.read()
            except Exception:
                logging.getLogger("cityhall.metrics").exception("gauge %s failed", gauge.name)
                failed += 1
                continue
            family = GaugeMetricFamily(gauge.name, gauge.documentation, labels=list(gauge.labels))
            if isinstance(value, dict):
                for label_values, number in value.items():
                    family.add_metric(list(label_values), float(number))
            elif value is not None:
                family.add_metric([], float(value))
            yield family
        errors.add_metric([], failed)
        yield errors


class _Readiness:
    """Each readiness check as ``cityhall_ready{check="…"}`` 1 or 0."""

    def collect(self):
        family = GaugeMetricFamily("cityhall_ready", "Readiness checks (1 ok, 0 failing)", labels=["check"])
        for name, result in run_checks().items():
            family.add_metric([name], 1.0 if result.ok else 0.0)
        yield family


def scrape() -> bytes:
    """The metrics of this deployment in the Prometheus text format."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # every worker's counters, summed
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(_RegisteredGauges())
    registry.register(_Readiness())
    return generate_latest(registry)


def metrics_allowed(request: HttpRequest) -> bool:
    """The token when one is configured; otherwise a direct request from an allowed network. A request
    that came through the proxy (X-Forwarded-For) is refused without the token: behind nginx the
    address would always be the proxy's."""
    token = settings.CITYHALL_METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "")
        return sent.startswith("Bearer ") and hmac.compare_digest(sent[7:].encode(), token.encode())
    if "X-Forwarded-For" in request.headers:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(n, strict=False) for n in settings.CITYHALL_METRICS_NETWORKS)


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    results = run_checks()
    required = set(settings.CITYHALL_READY_REQUIRE)
    ready = all(r.ok for name, r in results.items() if name in required)
    # The details (error texts, hosts) only for whom the metrics are for; the rest see the verdicts.
    detailed = metrics_allowed(request)
    checks: dict[str, dict[str, object]] = {}
    for name, r in results.items():
        checks[name] = {"ok": r.ok, "required": name in required}
        if detailed:
            checks[name]["detail"] = r.detail
    body = {"status": "ready" if ready else "not ready", "checks": checks}
    return JsonResponse(body, status=200 if ready else 503)


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(scrape(), content_type=CONTENT_TYPE_LATEST)
