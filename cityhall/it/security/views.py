"""정보보호 page: findings with their due dates (record, fix, re-check), drills with click and report
rates, incidents, and the personal-data files due for their yearly check."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cityhall.core import clock
from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required
from cityhall.core.permissions import has_permission
from cityhall.core.services import RecordInvalid

from ..forms import FindingFixForm, FindingForm
from ..models import SecurityFinding, Severity
from ..writes import IT_STAFF
from . import selectors, services


@require_http_methods(["GET", "POST"])
@role_required
def security(request):
    staff = has_permission(request.user, IT_STAFF)
    if not staff:
        # Unpatched vulnerabilities and incidents are for 정보통신과 and the office's leadership only.
        raise PermissionDenied(_("정보보호 현황은 정보통신과와 실장·관리자만 볼 수 있습니다."))
    form = FindingForm(request.POST or None)
    if request.method == "POST":
        if not staff:
            raise PermissionDenied(_("취약점은 정보통신과만 기록할 수 있습니다."))
        if form.is_valid():
            try:
                finding = services.finding_record(**form.cleaned_data, actor=Actor.for_user(request.user))
            except RecordInvalid as exc:
                for field, problems in exc.errors.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                messages.success(request, _("취약점 %(code)s을(를) 기록했습니다.") % {"code": finding.code})
                return redirect("it:security")
    today = clock.today()
    return render(
        request,
        "it/security.html",
        {
            "today": today,
            "findings": selectors.findings()[:200],
            "counts": selectors.finding_counts(today),
            "drills": selectors.drills(),
            "incidents": selectors.incidents(),
            "files_due": selectors.files_due_for_check(today),
            "staff": staff,
            "form": form,
            "fix_form": FindingFixForm(),
            "fix_days": {str(s.label): services.fix_days(s) for s in Severity},
        },
        status=400 if form.errors else 200,
    )


@require_POST
@role_required
def finding_action(request, code, action):
    finding = get_object_or_404(SecurityFinding, code=code)
    actor = Actor.for_user(request.user)
    try:
        if action == "fix":
            form = FindingFixForm(request.POST)
            if not form.is_valid():
                raise RecordInvalid(form.errors.get("fix", [_("조치 내용을 적어 주세요.")])[0])
            services.finding_fix(finding=finding, fix=form.cleaned_data["fix"], actor=actor)
        elif action in ("verify", "reopen"):
            services.finding_verify(finding=finding, still_open=action == "reopen", actor=actor)
        else:
            raise Http404
    except RecordInvalid as exc:
        messages.error(request, f"{finding.code}: {exc}")
    return redirect("it:security")
