"""Full page or htmx fragment: one decision for every view.

An htmx request gets only the fragment it swaps in, except htmx's history restore (a reload of a page
missing from its cache), which needs the whole page. ``Vary: HX-Request`` keeps caches from serving one
for the other.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def wants_fragment(request: HttpRequest, *, target: str | None = None) -> bool:
    """Does this request swap a fragment in (into the element ``target``, when given)?"""
    htmx = getattr(request, "htmx", None)
    if not htmx or htmx.history_restore_request:
        return False
    return target is None or htmx.target == target


def render_page_or_fragment(
    request: HttpRequest,
    page: str,
    fragment: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    target: str | None = None,
) -> HttpResponse:
    template = fragment if wants_fragment(request, target=target) else page
    return vary_on_htmx(render(request, template, context, status=status))


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ("HX-Request",))
    return response
