"""The failed-tasks page (실패한 작업): office-wide staff see the tasks that ran out of retries and retry
or discard them (audited); the queue's counts and the schedule's last runs are shown beside them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cityhall.core import params
from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required
from cityhall.core.permissions import scope_of
from cityhall.core.services import RecordInvalid

from . import selectors, services
from .models import JobFailure

PAGE_SIZE = 50
STATUS = params.Choice(label=gettext_lazy("상태"), choices=JobFailure.Status.values)


def _office_wide(request) -> None:
    # Task arguments and errors may name any department's records: the office-wide roles only.
    if not scope_of(request.user).office_wide:
        raise PermissionDenied(_("실패한 작업은 실장과 시스템 관리자만 볼 수 있습니다."))


@require_GET
@role_required
@params.page(page=params.PAGE, status=STATUS)
def failed(request):
    _office_wide(request)
    status = request.query.status or JobFailure.Status.OPEN
    page = Paginator(selectors.failures(status), PAGE_SIZE).get_page(request.query.page)
    return render(
        request,
        "jobs/failed.html",
        {"page": page, "status": status, "statuses": JobFailure.Status.choices, **selectors.overview()},
    )


@require_POST
@role_required
def resolve(request, pk: int, action: str):
    _office_wide(request)
    service = {"retry": services.failure_retry, "discard": services.failure_discard}[action]
    try:
        failure = service(failure_id=pk, actor=Actor.for_user(request.user))
    except RecordInvalid as exc:
        messages.error(request, str(exc))
    else:
        done = _("다시 실행하도록 등록했습니다.") if action == "retry" else _("폐기했습니다.")
        messages.success(request, f"{failure.task_path}: {done}")
    return redirect("jobs:failed")
