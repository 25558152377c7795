"""Deployment checks (``cityhall check``, Django's ``check --deploy``): what Django checks (DEBUG, a
weak secret key, the TLS and secure-cookie settings) plus what only this project knows. Registered
with ``deploy=True``, so the embedded demo is never bothered by them."""

from __future__ import annotations

import os

from django.conf import settings
from django.core import checks

# deploy/cityhall.env.example ships this; a deployment that kept it has no secret.
PLACEHOLDER_SECRET = "replace-with-50-random-characters"  # noqa: S105 - what to refuse
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
# Django's deployment warnings that are advice, not a danger: the browsers' HSTS preload list is a
# commitment for the whole domain (CITYHALL_HSTS_PRELOAD=1 opts in).
ADVISORY = {"security.W021"}


@checks.register(checks.Tags.security, deploy=True)
def check_production_settings(app_configs, **kwargs):
    found: list[checks.CheckMessage] = []
    if "*" in settings.ALLOWED_HOSTS:
        found.append(
            checks.Error(
                "ALLOWED_HOSTS accepts any host name ('*').",
                hint="Set CITYHALL_ALLOWED_HOSTS to the site's host names, comma-separated.",
                id="cityhall.E001",
            )
        )
    elif set(settings.ALLOWED_HOSTS) <= LOOPBACK_HOSTS:
        found.append(
            checks.Warning(
                "ALLOWED_HOSTS names only this machine; the site's own host name would be refused.",
                hint="Set CITYHALL_ALLOWED_HOSTS to the site's host names, comma-separated.",
                id="cityhall.W002",
            )
        )
    key = settings.SECRET_KEY
    if key == PLACEHOLDER_SECRET or key.startswith("django-insecure"):
        found.append(
            checks.Error(
                "SECRET_KEY is the example's placeholder.",
                hint="Set CITYHALL_SECRET_KEY to a new random value (docs/production.md).",
                id="cityhall.E003",
            )
        )
    if not os.environ.get("CITYHALL_SECRET_KEY"):
        found.append(
            checks.Warning(
                "SECRET_KEY was generated on this machine (CITYHALL_DATA_DIR/secret_key).",
                hint="Set CITYHALL_SECRET_KEY from the secret store: every node needs the same key, and "
                "the personal data encrypted and hashed with it is unreadable without it.",
                id="cityhall.W004",
            )
        )
    if settings.CITYHALL_LOG_FORMAT not in {"text", "json"}:
        found.append(
            checks.Error(
                f"CITYHALL_LOG_FORMAT is {settings.CITYHALL_LOG_FORMAT!r}.",
                hint="Use 'json' (one object per line) or 'text'.",
                id="cityhall.E005",
            )
        )
    from .observability import _CHECKS

    unknown = sorted(set(settings.CITYHALL_READY_REQUIRE) - set(_CHECKS))
    if unknown:
        found.append(
            checks.Error(
                f"CITYHALL_READY_REQUIRE names unknown checks: {', '.join(unknown)}.",
                hint=f"Known: {', '.join(sorted(_CHECKS))}.",
                id="cityhall.E006",
            )
        )
    if not settings.CITYHALL_METRICS_TOKEN:
        found.append(
            checks.Info(
                "/metrics answers direct requests from CITYHALL_METRICS_NETWORKS only (no token set).",
                hint="Set CITYHALL_METRICS_TOKEN to scrape through the proxy or from another network.",
                id="cityhall.I007",
            )
        )
    return found


def deployment_problems() -> tuple[list[checks.CheckMessage], list[checks.CheckMessage]]:
    """Every check with the deployment checks: (what refuses a start, what is only reported)."""
    messages = checks.run_checks(include_deployment_checks=True)
    silenced = set(settings.SILENCED_SYSTEM_CHECKS)
    messages = [m for m in messages if m.id not in silenced]
    fatal = [m for m in messages if m.level >= checks.WARNING and m.id not in ADVISORY]
    return fatal, [m for m in messages if m not in fatal]
