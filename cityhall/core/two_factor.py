"""The second factor's pages: enrolment of an authenticator app (TOTP, RFC 6238), the code asked after
the password, and the one-time backup codes. Devices are django-otp's; an administrator removes a lost
one in the admin site (OTP_TOTP › TOTP devices), after which the user enrols again at the next sign-in.

Backup codes (백업 코드) are django-otp's static device (``otp_static``): ten codes issued when the app is
enrolled, shown once, each good for one sign-in. The plugin keeps its tokens as typed; here a token is
stored as a keyed hash of the code (HMAC-SHA256 with the ``SECRET_KEY``, 16 hex digits), so the table
and its backups do not hold usable codes. A code is used up by one ``DELETE`` of its row, so two
sign-ins racing with the same code let one in.
"""

from __future__ import annotations

import base64
import re
import secrets
from typing import Any

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import params
from .security import (
    OTP_BACKUP_USED,
    OTP_CODES_ISSUED,
    OTP_ENROLLED,
    OTP_FAILED,
    audit_auth,
    requires_two_factor,
)

DEVICE_NAME = "인증 앱"
BACKUP_DEVICE_NAME = "백업 코드"
BACKUP_CODE_COUNT = 10
# 10 characters without look-alikes (no 0/o, 1/l/i), shown as two groups of five: about 49 bits each.
BACKUP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
BACKUP_CODE_LENGTH = 10


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=gettext_lazy("인증 코드 6자리"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={
            "invalid": gettext_lazy("인증 코드는 숫자 6자리입니다."),
            "required": gettext_lazy("인증 코드를 입력해 주세요."),
        },
    )


class VerifyForm(forms.Form):
    """After the password: the app's 6-digit code, or one backup code (spaces and hyphens ignored)."""

    code = forms.CharField(
        label=gettext_lazy("인증 코드 6자리 또는 백업 코드"),
        max_length=32,
        error_messages={"required": gettext_lazy("인증 코드를 입력해 주세요.")},
    )

    def clean_code(self) -> str:
        code = normalise_backup_code(self.cleaned_data["code"])
        if re.fullmatch(r"\d{6}", code) or re.fullmatch(f"[{BACKUP_ALPHABET}]{{{BACKUP_CODE_LENGTH}}}", code):
            return code
        raise forms.ValidationError(
            _("인증 앱의 숫자 6자리 코드나 10자리 백업 코드(예: abcde-fgh23)를 입력해 주세요.")
        )


# --- Backup codes ------------------------------------------------------------------------------------


def normalise_backup_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def backup_code_hash(user, code: str) -> str:
    """What is stored for a code: keyed with the secret key and the account, 16 hex digits (the
    plugin's token column holds 16 characters; 64 bits is more than the code's own 49)."""
    value = f"{user.pk}:{normalise_backup_code(code)}"
    return salted_hmac("cityhall.two_factor.backup_code", value, algorithm="sha256").hexdigest()[:16]


def _new_code() -> str:
    raw = "".join(secrets.choice(BACKUP_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def backup_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, name=BACKUP_DEVICE_NAME).first()


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=BACKUP_DEVICE_NAME).count()


def backup_codes_issue(*, user, request: HttpRequest | None) -> list[str]:
    """Ten new codes for ``user``, replacing any left (audited: ``otpcodes``). The codes are returned
    to be shown once; only their hashes are stored. Two issues at once: the account row is locked."""
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        device, created = StaticDevice.objects.get_or_create(
            user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
        )
        replaced = 0 if created else device.token_set.count()
        device.token_set.all().delete()
        codes = [_new_code() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(
            [StaticToken(device=device, token=backup_code_hash(user, code)) for code in codes]
        )
        audit_auth(request, OTP_CODES_ISSUED, user=user, count=len(codes), replaced=replaced)
    return codes


def backup_code_use(user, code: str, request: HttpRequest | None = None) -> StaticDevice | None:
    """The backup device when ``code`` is one of the user's unused codes, which is then used up and
    the use audited with it; None otherwise. Wrong codes are throttled as the plugin does (a growing
    wait)."""
    device = backup_device(user)
    if device is None:
        return None
    allowed, _why = device.verify_is_allowed()
    if not allowed:
        return None
    with transaction.atomic():
        # One DELETE: of two requests with the same code, only one deletes the row.
        used, _rows = StaticToken.objects.filter(device=device, token=backup_code_hash(user, code)).delete()
        if used:
            device.throttle_reset(commit=False)
            device.set_last_used_timestamp(commit=False)
            device.save()
            audit_auth(request, OTP_BACKUP_USED, user=user, left=backup_codes_left(user))
            return device
    device.throttle_increment()
    return None


def _next_url(request: HttpRequest) -> str:
    return params.next_url(request)


def _wrong_code(request: HttpRequest, device: TOTPDevice, code: str, *, stage: str) -> str | None:
    """None when ``code`` is the device's current code; otherwise the Korean error (audited). After a
    wrong code django-otp refuses every code for a while, doubling with each failure."""
    allowed, _why = device.verify_is_allowed()
    if allowed and device.verify_token(code.strip()):
        return None
    audit_auth(request, OTP_FAILED, user=request.user, stage=stage)
    if allowed:
        return _("인증 코드가 맞지 않습니다. 앱에 표시된 현재 코드를 입력해 주세요.")
    return _("틀린 코드가 여러 번 입력되어 잠시 뒤에 다시 시도할 수 있습니다.")


def _page(name: str, request: HttpRequest) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next_url(request)})}"


def _confirmed_device(user) -> TOTPDevice | None:
    return next((d for d in devices_for_user(user, confirmed=True) if isinstance(d, TOTPDevice)), None)


def _show_codes(request: HttpRequest, codes: list[str], *, next_url: str) -> HttpResponse:
    # Rendered in the answer to the POST, never stored: a reload does not show them again.
    response = render(
        request, "registration/two_factor_backup_codes.html", {"codes": codes, "next": next_url}
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """등록: a new secret shown as a QR code and as text, confirmed by one code from the app."""
    if _confirmed_device(request.user) is not None:
        return redirect(_page("core:two_factor_verify", request))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=DEVICE_NAME, confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = _wrong_code(request, device, form.cleaned_data["code"], stage="enrol")
        if error is None:
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit_auth(request, OTP_ENROLLED, user=request.user)
                codes = backup_codes_issue(user=request.user, request=request)
            otp_login(request, device)
            return _show_codes(request, codes, next_url=_next_url(request))
        form.add_error("code", error)
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2),
            "next": _next_url(request),
        },
    )


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The code after the password, for those who must pass a second factor."""
    device = _confirmed_device(request.user)
    if device is None:
        return redirect(_page("core:two_factor_setup", request))
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if len(code) == 6:
            error = _wrong_code(request, device, code, stage="verify")
            if error is None:
                otp_login(request, device)
                return redirect(_next_url(request))
        else:
            backup = backup_code_use(request.user, code, request)
            if backup is not None:
                left = backup_codes_left(request.user)
                otp_login(request, backup)
                messages.warning(
                    request,
                    _("백업 코드로 로그인했습니다. 사용한 코드는 다시 쓸 수 없습니다 (남은 코드 %(left)d개).")
                    % {"left": left},
                )
                return redirect(_next_url(request))
            audit_auth(request, OTP_FAILED, user=request.user, stage="backup")
            error = _("백업 코드가 맞지 않거나 이미 사용되었습니다.")
        form.add_error("code", error)
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@login_required
@require_http_methods(["GET", "POST"])
def backup_codes(request: HttpRequest) -> HttpResponse:
    """백업 코드: how many are left, and new ones (the old ones stop working), shown once."""
    user: Any = request.user  # django-otp's middleware adds ``is_verified``
    if requires_two_factor(user) and not user.is_verified():
        return redirect(_page("core:two_factor_verify", request))
    enrolled = _confirmed_device(request.user) is not None
    if request.method == "POST" and enrolled:
        codes = backup_codes_issue(user=request.user, request=request)
        return _show_codes(request, codes, next_url=reverse("core:two_factor_backup_codes"))
    return render(
        request,
        "registration/two_factor_backup_codes.html",
        {"enrolled": enrolled, "left": backup_codes_left(request.user)},
    )
