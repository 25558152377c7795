"""The failed-tasks page (실패한 작업): office-wide staff see the tasks that ran out of retries and retry
or discard them (audited); the queue's counts and the schedule's last runs are shown beside them."""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cityhall.core import params
from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required
from cityhall.core.permissions import scope_of
from cityhall.core.services import RecordInvalid

from . import runs, selectors, services
from .models import JobFailure, JobRun

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


def _run_for(request, pk: int) -> JobRun:
    """A run is shown to whom started it and to the office-wide roles."""
    run = JobRun.objects.filter(pk=pk).first()
    if run is None:
        raise Http404(_("작업을 찾을 수 없습니다."))
    if run.user_id != request.user.pk and not scope_of(request.user).office_wide:
        raise PermissionDenied(_("본인이 요청한 작업만 볼 수 있습니다."))
    return run


@require_GET
@role_required
def run(request, pk: int):
    """작업 상태: waiting, running, done (with where to look or what to download) or failed (why)."""
    found = _run_for(request, pk)
    output = runs.output_of(found) if found.state == JobRun.State.DONE else None
    context = {
        "run": found,
        "output": output,
        "ended": found.state in (JobRun.State.DONE, JobRun.State.FAILED),
    }
    template = "jobs/partials/run_state.html" if request.headers.get("HX-Request") else "jobs/run.html"
    return render(request, template, context)


@require_GET
@role_required
def run_download(request, pk: int):
    found = _run_for(request, pk)
    output = runs.output_of(found)
    if output is None:
        raise Http404(_("내려받을 파일이 없습니다."))
    response = HttpResponse(
        bytes(output.data), content_type=output.content_type or "application/octet-stream"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(output.name)}"
    return response
