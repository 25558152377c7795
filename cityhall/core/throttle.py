"""Per-address limits on public pages that anyone may call (certificate checks, applications): at most
``limit`` calls per ``window`` seconds per client address, counted in Django's cache."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    """The caller's address: REMOTE_ADDR, or behind ``CITYHALL_PROXY_COUNT`` reverse proxies the address
    the outermost of them saw (that many entries from the end of X-Forwarded-For, which the client
    cannot forge past our own proxies)."""
    proxies = getattr(settings, "CITYHALL_PROXY_COUNT", 0)
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def over_limit(request, bucket: str, *, limit: int, window: int) -> bool:
    """Count this call in ``bucket`` for the caller's address; True once it is past ``limit``."""
    key = f"throttle:{bucket}:{client_address(request)}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count > limit
