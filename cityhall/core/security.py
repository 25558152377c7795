"""Sign-in security: the audit of sign-ins, sign-outs and failures (with the caller's address), session
expiry (idle and absolute) and the second factor (TOTP) that office-wide roles must pass.

Throttling and lock-out of password guesses is django-axes' (settings ``AXES_*``); the one-time codes
are django-otp's TOTP devices, which throttle wrong codes themselves. See docs/security.md and
docs/adr/0018-sign-in-security.md.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AuditEvent, register_audit_action
from .permissions import scope_of
from .throttle import client_address

# The sign-in events share the audit trail with the record changes: the "record" is the account.
AUTH_RECORD_TYPE = "auth.user"
SIGN_IN, SIGN_OUT, SIGN_IN_FAILED, LOCKED_OUT = "signin", "signout", "signinfail", "lockout"
OTP_ENROLLED, OTP_FAILED = "otpenrol", "otpfail"
OTP_CODES_ISSUED, OTP_BACKUP_USED = "otpcodes", "otpbackup"
AUTH_ACTIONS = {
    SIGN_IN: gettext_lazy("로그인"),
    SIGN_OUT: gettext_lazy("로그아웃"),
    SIGN_IN_FAILED: gettext_lazy("로그인 실패"),
    LOCKED_OUT: gettext_lazy("로그인 잠금"),
    OTP_ENROLLED: gettext_lazy("2단계 인증 등록"),
    OTP_FAILED: gettext_lazy("2단계 인증 실패"),
    OTP_CODES_ISSUED: gettext_lazy("백업 코드 발급"),
    OTP_BACKUP_USED: gettext_lazy("백업 코드로 로그인"),
}
for _action, _label in AUTH_ACTIONS.items():
    register_audit_action(_action, _label)

# Session keys: when the password was accepted, and when the session was last seen.
AUTH_AT, SEEN_AT = "cityhall_auth_at", "cityhall_seen_at"


def audit_auth(request: HttpRequest | None, action: str, *, user=None, username: str = "", **detail) -> None:
    """One sign-in event in the audit trail: who, from which address, and what happened."""
    name = user.get_username() if user is not None else username
    after = {"address": client_address(request) if request is not None else ""} | detail
    event = AuditEvent(
        user=user if user is not None and user.pk else None,
        actor=(name or "?")[:150],
        action=action,
        record_type=AUTH_RECORD_TYPE,
        record_id=user.pk if user is not None and user.pk else 0,
        record_repr=(name or "?")[:200],
        after=after,
    )
    event.save()


def on_signed_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[AUTH_AT] = now
        request.session[SEEN_AT] = now
    audit_auth(request, SIGN_IN, user=user)


def on_signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_auth(request, SIGN_OUT, user=user, reason=getattr(request, "cityhall_signout_reason", "user"))


def on_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    audit_auth(request, SIGN_IN_FAILED, username=str(credentials.get("username", "")))


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    audit_auth(request, LOCKED_OUT, username=str(username or ""))


def connect_signals() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

    user_logged_in.connect(on_signed_in, dispatch_uid="cityhall.security.signin")
    user_logged_out.connect(on_signed_out, dispatch_uid="cityhall.security.signout")
    user_login_failed.connect(on_sign_in_failed, dispatch_uid="cityhall.security.signinfail")
    user_locked_out.connect(on_locked_out, dispatch_uid="cityhall.security.lockout")


def lockout_response(request, *args, **kwargs):
    """What a locked-out caller sees (AXES_LOCKOUT_CALLABLE): the Korean page, status 429."""
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


def axes_client_ip(request) -> str:
    """The address django-axes counts failures by: the same rule as every other per-address limit."""
    return client_address(request)


class PermissionsPolicyMiddleware:
    """Permissions-Policy: no page uses the camera, microphone, location or payments (Django has no
    setting for this header)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.CITYHALL_PERMISSIONS_POLICY)
        return response


# --- Session expiry ---------------------------------------------------------------------------------


class SessionExpiryMiddleware:
    """Signs out a session idle for ``CITYHALL_SESSION_IDLE_SECONDS`` or older than
    ``CITYHALL_SESSION_ABSOLUTE_SECONDS`` since its password was accepted, whatever its activity."""

    # The last-seen time is written at most this often, so reading pages does not write every request.
    SEEN_RESOLUTION = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            auth_at = session.get(AUTH_AT, now)
            seen_at = session.get(SEEN_AT, now)
            reason = None
            if now - auth_at > settings.CITYHALL_SESSION_ABSOLUTE_SECONDS:
                reason = "absolute"
            elif now - seen_at > settings.CITYHALL_SESSION_IDLE_SECONDS:
                reason = "idle"
            if reason:
                request.cityhall_signout_reason = reason
                logout(request)
                if reason == "idle":
                    messages.info(
                        request, _("오랫동안 사용하지 않아 로그아웃되었습니다. 다시 로그인해 주세요.")
                    )
                else:
                    messages.info(
                        request, _("로그인한 지 오래되어 로그아웃되었습니다. 다시 로그인해 주세요.")
                    )
                return redirect_to_login(request.get_full_path())
            if AUTH_AT not in session:  # a session from before this middleware: start its clock now
                session[AUTH_AT] = now
            if now - seen_at >= self.SEEN_RESOLUTION or SEEN_AT not in session:
                session[SEEN_AT] = now
        return self.get_response(request)


# --- Second factor ----------------------------------------------------------------------------------


def requires_two_factor(user) -> bool:
    """The director, administrators (office-wide roles) and staff of the admin site need a second factor
    when ``CITYHALL_REQUIRE_2FA`` is on."""
    if not getattr(settings, "CITYHALL_REQUIRE_2FA", False):
        return False
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or scope_of(user).office_wide)


def has_device(user) -> bool:
    from django_otp import devices_for_user

    return any(True for _ in devices_for_user(user, confirmed=True))


class TwoFactorMiddleware:
    """Sends a signed-in user who needs a second factor to enrol one or to enter a code before any page;
    API calls get 403 instead. Runs after django-otp's OTPMiddleware (``request.user.is_verified``)."""

    EXEMPT_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/static/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and requires_two_factor(user)
            and not user.is_verified()
        ):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse({"detail": _("2단계 인증을 마친 뒤 사용할 수 있습니다.")}, status=403)
            target = "core:two_factor_verify" if has_device(user) else "core:two_factor_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
