"""Consultation pages. Public (no login): the open days with seats left, the booking form, the
confirmation and the cancellation. Staff (예산법무과): opening a month, the day's list with personal data
masked, attendance and no-shows, the lawyer's record."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cityhall.bookings import selectors as booking_selectors
from cityhall.core import clock, params
from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required
from cityhall.core.services import RecordInvalid

from ..models import Consultation, ConsultationTopic, Eligibility
from ..services import is_legal_staff
from . import selectors, services

PUBLIC_ACTOR = "public:legal-consultation"


def _public_actor(request) -> Actor:
    return Actor.for_user(request.user) if request.user.is_authenticated else Actor.system(PUBLIC_ACTOR)


@require_GET
def public_days(request):
    today = clock.today()
    weeks = int(services.conf()["weeks_ahead"])
    return render(
        request,
        "legal/public_consultation.html",
        {
            "plan": services.plan(),
            "days": selectors.open_days(today, today + dt.timedelta(weeks=weeks)),
        },
    )


@require_http_methods(["GET", "POST"])
def public_book(request, slot):
    view = booking_selectors.slot_view(slot)
    if view is None or view.resource_key != services.RESOURCE_KEY:
        raise Http404
    errors: dict[str, list[str]] = {}
    data = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            consultation = services.consultation_book(
                slot=slot,
                name=data.get("name", ""),
                phone=data.get("phone", ""),
                email=data.get("email", ""),
                eligibility=data.get("eligibility", ""),
                topic=data.get("topic", ""),
                summary=data.get("summary", ""),
                consent=data.get("consent") == "on",
                actor=_public_actor(request),
            )
            request.session["legal_consultation"] = consultation.code
            return redirect("legal_public:done", code=consultation.code)
        except RecordInvalid as exc:
            errors = exc.errors
    return render(
        request,
        "legal/public_book.html",
        {
            "slot": view,
            "plan": services.plan(),
            "errors": errors,
            "all_errors": [m for ms in errors.values() for m in ms],
            "data": data,
            "eligibilities": Eligibility.choices,
            "topics": ConsultationTopic.choices,
        },
        status=422 if errors else 200,
    )


@require_GET
def public_done(request, code):
    # Only the browser that made the request sees its page (the code is not a key to others' data).
    if request.session.get("legal_consultation") != code:
        raise Http404
    consultation = get_object_or_404(Consultation, code=code)
    position = None
    if consultation.status == Consultation.Status.WAITLISTED and consultation.booking_id:
        position = booking_selectors.booking_position(consultation.booking)
    return render(
        request,
        "legal/public_done.html",
        {"c": consultation, "position": position, "plan": services.plan()},
    )


@require_http_methods(["GET", "POST"])
def public_cancel(request):
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.consultation_cancel(
                code=request.POST.get("code", ""),
                phone=request.POST.get("phone", ""),
                actor=_public_actor(request),
            )
            messages.success(request, _("상담 신청을 취소했습니다."))
            return redirect("legal_public:days")
        except RecordInvalid as exc:
            errors = exc.messages
    return render(
        request,
        "legal/public_cancel.html",
        {"errors": errors, "data": request.POST},
        status=422 if errors else 200,
    )


# -- staff ------------------------------------------------------------------------------------------


def _staff(request) -> None:
    if not is_legal_staff(request.user):
        raise PermissionDenied(_("무료법률상담 신청은 예산법무과만 볼 수 있습니다."))


@require_http_methods(["GET", "POST"])
@role_required
@params.page(
    day=params.Date(label=gettext_lazy("상담일")), year=params.Year(label=gettext_lazy("연도"), default=None)
)
def staff_list(request):
    _staff(request)
    if request.method == "POST":
        actor = Actor.for_user(request.user)
        try:
            month = request.POST.get("month", "")
            year_s, _sep, month_s = month.partition("-")
            if not (year_s.isdigit() and month_s.isdigit()):
                raise RecordInvalid(_("월을 2025-04 꼴로 입력하세요."), field="month")
            made = services.consultation_month_open(year=int(year_s), month=int(month_s), actor=actor)
            messages.success(request, _("상담 시간대 %(n)s개를 열었습니다.") % {"n": made})
        except RecordInvalid as exc:
            for m in exc.messages:
                messages.error(request, m)
        return redirect("legal:consultations")
    today = clock.today()
    day = request.query.day
    rows = (
        selectors.requests(day=day)
        if day
        else selectors.requests(start=today, end=today + dt.timedelta(weeks=8))
    )
    year = request.query.year or today.year - 1
    return render(
        request,
        "legal/consultations.html",
        {
            "rows": selectors.masked(rows.exclude(status=Consultation.Status.CANCELLED)[:300]),
            "day": day,
            "figures": selectors.year_figures(year),
            "plan": services.plan(),
            "statuses": [("attended", _("상담 완료")), ("no_show", _("불참"))],
        },
    )


@require_http_methods(["GET", "POST"])
@role_required
def staff_detail(request, code):
    _staff(request)
    consultation = get_object_or_404(Consultation, code=code)
    errors: list[str] = []
    if request.method == "POST":
        actor = Actor.for_user(request.user)
        try:
            if request.POST.get("action") == "mark":
                services.consultation_mark(
                    consultation=consultation, status=request.POST.get("status", ""), actor=actor
                )
            elif request.POST.get("action") == "record":
                services.consultation_record(
                    consultation=consultation, notes=request.POST.get("notes", ""), actor=actor
                )
            else:
                raise RecordInvalid(_("알 수 없는 요청입니다."))
            messages.success(request, _("저장했습니다."))
            return redirect("legal:consultation", code=code)
        except RecordInvalid as exc:
            errors = exc.messages
    return render(
        request,
        "legal/consultation_detail.html",
        {"c": consultation, "errors": errors},
        status=422 if errors else 200,
    )


@require_POST
@role_required
def staff_purge(request):
    _staff(request)
    count = services.consultation_purge(actor=Actor.for_user(request.user))
    messages.success(request, _("보존기간이 지난 신청 %(n)s건의 개인정보를 파기했습니다.") % {"n": count})
    return redirect("legal:consultations")
