"""Notification pages: the outbox for office-wide staff (recipients masked) and each user's own choices."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from cityhall.core import params
from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required
from cityhall.core.permissions import scope_of
from cityhall.core.services import RecordInvalid

from . import selectors, services
from .choices import Kind, Status

PAGE_SIZE = 100
STATUS = params.Choice(label=gettext_lazy("상태"), choices=Status.values)


@require_GET
@role_required
@params.page(page=params.PAGE, status=STATUS)
def outbox(request):
    """Everything sent or tried: only office-wide roles see it (it names every recipient, masked)."""
    if not scope_of(request.user).office_wide:
        raise PermissionDenied(_("발송함은 실장과 시스템 관리자만 볼 수 있습니다."))
    page = Paginator(selectors.outbox(status=request.query.status or ""), PAGE_SIZE).get_page(
        request.query.page
    )
    for row in page:
        row.masked = selectors.mask_recipient(row.recipient)
    return render(
        request,
        "notifications/outbox.html",
        {"page": page, "statuses": Status.choices, "status": request.query.status or ""},
    )


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request):
    """The signed-in user's own choices, per kind, by e-mail and by text message."""
    error = ""
    if request.method == "POST":
        try:
            for kind in Kind.values:
                services.preference_set(
                    user=request.user,
                    kind=kind,
                    email=request.POST.get(f"{kind}-email") == "on",
                    sms=request.POST.get(f"{kind}-sms") == "on",
                    actor=Actor.for_user(request.user),
                )
        except RecordInvalid as exc:
            error = str(exc)
        else:
            messages.success(request, _("수신 설정을 저장했습니다."))
            return redirect("notifications:preferences")
    chosen = selectors.preferences_of(request.user)
    rows = [(value, label, chosen[value]) for value, label in Kind.choices]
    return render(request, "notifications/preferences.html", {"rows": rows, "error": error})
