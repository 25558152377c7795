"""The public verification pages (/verify/): anyone with a code sees what the certificate states (personal
items masked), or one answer — 유효하지 않은 인증번호 — for every code that is not a valid certificate.
Lookups are limited per address (``VERIFY_LIMIT`` per ``VERIFY_WINDOW`` seconds)."""

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from cityhall.core import params

from . import services

VERIFY_LIMIT = 30
VERIFY_WINDOW = 600
CODE = params.Text(label=gettext_lazy("인증번호"), max_length=40)


def client_address(request) -> str:
    """The caller's address: REMOTE_ADDR, or behind ``CITYHALL_PROXY_COUNT`` reverse proxies the address
    the outermost of them saw (that many entries from the end of X-Forwarded-For, which the client
    cannot forge past our own proxies)."""
    proxies = getattr(settings, "CITYHALL_PROXY_COUNT", 0)
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _over_limit(request) -> bool:
    key = f"documents:verify:{client_address(request)}"
    cache.add(key, 0, VERIFY_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, VERIFY_WINDOW)
        count = 1
    return count > VERIFY_LIMIT


def _too_many(request):
    return render(
        request,
        "documents/verify.html",
        {"error": _("조회가 너무 많습니다. 10분 뒤에 다시 시도하세요."), "code": ""},
        status=429,
    )


@require_GET
@params.page(code=CODE)
def verify(request):
    """The form; with ``?code=`` it checks the format and goes on to the result page."""
    typed = request.query.code or ""
    if not typed:
        return render(request, "documents/verify.html", {"code": ""})
    code = services.normalize_code(typed)
    if not code:
        error = _("인증번호는 16자리 영문·숫자입니다 (예: ABCD-EFGH-JKLM-NPQR).")
        return render(request, "documents/verify.html", {"error": error, "code": typed}, status=400)
    return redirect("documents:verify_result", code=code)


@require_GET
def verify_result(request, code: str):
    if _over_limit(request):
        return _too_many(request)
    result = services.certificate_verify(code)
    status = 200 if result.code else 404
    return render(request, "documents/verify_result.html", {"result": result}, status=status)
