"""저장매체 파기 pages: the public application form with the free drop-off windows, the staff list
with the form that opens windows, and one application where staff check the serials, record the
shredding and hand out the certificate. Thin: reads through ``selectors``, writes through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cityhall.core import clock, params
from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required
from cityhall.core.permissions import has_permission
from cityhall.core.services import RecordInvalid
from cityhall.core.throttle import over_limit
from cityhall.documents import selectors as document_selectors
from cityhall.documents import services as documents

from ..forms import DestructionApplyForm, DestructionReceiveForm, DropoffSlotsForm
from ..models import DestructionStatus
from ..writes import IT_STAFF
from . import selectors, services

LIST = {"status": params.Choice(label=gettext_lazy("상태"), choices=DestructionStatus.values, default="")}


def _slot_choices():
    return [
        (s.id, f"{timezone.localtime(s.starts_at):%Y-%m-%d %H:%M} ({_('남은 자리')} {s.remaining})")
        for s in selectors.open_dropoff_slots()
    ]


def _add_errors(form, exc: RecordInvalid) -> None:
    for field, problems in exc.errors.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


PUBLIC_LIMIT, PUBLIC_WINDOW = 20, 600  # applications and certificate downloads per address


@require_http_methods(["GET", "POST"])
def apply(request):
    """Public: no account needed; the answer gives the application number and the drop-off time."""
    slots = _slot_choices()
    form = DestructionApplyForm(request.POST or None, slots=slots)
    if request.method == "POST" and over_limit(
        request, "it:destruction", limit=PUBLIC_LIMIT, window=PUBLIC_WINDOW
    ):
        context = {"form": form, "no_slots": not slots, "throttled": True}
        return render(request, "it/destruction_apply.html", context, status=429)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "consent"}
        try:
            application = services.destruction_apply(**data, actor=Actor.system("public:media-destruction"))
        except RecordInvalid as exc:
            _add_errors(form, exc)
        else:
            return render(request, "it/destruction_applied.html", {"application": application})
    return render(
        request,
        "it/destruction_apply.html",
        {"form": form, "no_slots": not slots},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required
@params.page(**LIST)
def destruction_list(request):
    staff = has_permission(request.user, IT_STAFF)
    form = DropoffSlotsForm(request.POST or None)
    if request.method == "POST":
        if not staff:
            raise PermissionDenied(_("반입 일정은 정보통신과만 열 수 있습니다."))
        if form.is_valid():
            try:
                opened = services.dropoff_slots_open(**form.cleaned_data, actor=Actor.for_user(request.user))
            except RecordInvalid as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("반입 시간대 %(n)d개를 열었습니다.") % {"n": len(opened)})
                return redirect("it:destructions")
    return render(
        request,
        "it/destruction_list.html",
        {
            "applications": selectors.applications(status=request.query.status or None)[:200],
            "summary": selectors.year_summary(clock.today().year),
            "slots": selectors.open_dropoff_slots(),
            "statuses": DestructionStatus.choices,
            "status": request.query.status,
            "staff": staff,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _application(code):
    application = selectors.application(code)
    if application is None:
        raise Http404(_("파기 신청을 찾을 수 없습니다."))
    return application


@require_http_methods(["GET", "POST"])
@role_required
def destruction_detail(request, code):
    application = _application(code)
    staff = has_permission(request.user, IT_STAFF)
    form = DestructionReceiveForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.destruction_receive(
                    application=application,
                    checked_serials=form.cleaned_data["serials"].splitlines(),
                    actor=Actor.for_user(request.user),
                )
            except RecordInvalid as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("일련번호를 모두 확인해 접수했습니다."))
                return redirect("it:destruction", code=code)
    return render(
        request,
        "it/destruction_detail.html",
        {"application": application, "staff": staff, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@role_required
def destruction_action(request, code, action):
    application = _application(code)
    step = {"complete": services.destruction_complete, "cancel": services.destruction_cancel}.get(action)
    if step is None:
        raise Http404
    try:
        step(application=application, actor=Actor.for_user(request.user))
    except RecordInvalid as exc:
        messages.error(request, str(exc))
    return redirect("it:destruction", code=code)


@require_http_methods(["GET"])
def public_certificate(request, certificate):
    """The applicant's certificate as a PDF, for whoever holds its unguessable code (sent to the
    applicant by text message); limited per address like the verify page."""
    if over_limit(request, "it:certificate", limit=PUBLIC_LIMIT, window=PUBLIC_WINDOW):
        raise Http404(_("확인서를 찾을 수 없습니다."))
    application = selectors.application_by_certificate(certificate)
    if application is None:
        raise Http404(_("확인서를 찾을 수 없습니다."))
    return _pdf(application)


def _pdf(application) -> HttpResponse:
    issued = document_selectors.certificates_of(f"it.destruction:{application.pk}")
    cert = issued.get(code=application.certificate_code)
    response = HttpResponse(documents.certificate_pdf(cert), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="media-destruction-{application.code}.pdf"'
    return response


@require_http_methods(["GET"])
@role_required
def destruction_certificate(request, code):
    """The certificate as a PDF, for staff to print or send."""
    application = _application(code)
    if not has_permission(request.user, IT_STAFF) or not application.certificate_code:
        raise Http404(_("확인서가 없습니다."))
    return _pdf(application)
