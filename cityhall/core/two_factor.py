"""The second factor's pages: enrolment of an authenticator app (TOTP, RFC 6238) and the code asked after
the password. Devices are django-otp's; an administrator removes a lost one in the admin site
(OTP_TOTP › TOTP devices), after which the user enrols again at the next sign-in."""

from __future__ import annotations

import base64

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import params
from .security import OTP_ENROLLED, OTP_FAILED, audit_auth

DEVICE_NAME = "인증 앱"


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=gettext_lazy("인증 코드 6자리"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={
            "invalid": gettext_lazy("인증 코드는 숫자 6자리입니다."),
            "required": gettext_lazy("인증 코드를 입력해 주세요."),
        },
    )


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
    return next(iter(devices_for_user(user, confirmed=True)), None)


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
            otp_login(request, device)
            return redirect(_next_url(request))
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
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = _wrong_code(request, device, form.cleaned_data["code"], stage="verify")
        if error is None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("code", error)
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)})
