"""Fiscal analysis (14 indicators against the peer group, weak ones with their actions) and the
public institutions (reviews, disclosure completeness) — read-only pages over the records."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cityhall.core import clock, params
from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required

from ..services import is_budget_staff
from . import selectors
from .importer import COLUMNS, PeerImportError, peer_import
from .services import is_weak

MAX_UPLOAD = 5 * 1024 * 1024


@require_GET
@role_required
def analysis_page(request):
    indicators = list(selectors.indicators())
    peers = selectors.peer_comparisons(indicators)
    return render(
        request,
        "finance/analysis.html",
        {
            "indicators": [(i, is_weak(i), peers.get(i.pk)) for i in indicators],
            "budget_staff": is_budget_staff(request.user),
            "weak": sum(1 for i in indicators if is_weak(i)),
            "institutions": selectors.institutions(),
            "reviews": selectors.reviews(),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required
def peer_import_page(request):
    if not is_budget_staff(request.user):
        raise PermissionDenied(_("비교 자치단체 자료는 예산법무과만 가져올 수 있습니다."))
    years = sorted(set(selectors.indicators().values_list("year", flat=True)), reverse=True)
    errors: list[str] = []
    year = years[0] if years else clock.today().year
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            year = params.Year(label="연도", required=True).parse(request.POST.get("year"))
        except params.Invalid as exc:
            errors = [_("연도: %(e)s") % {"e": exc}]
        if upload is None:
            errors.append(_("파일을 고르세요."))
        elif upload.size > MAX_UPLOAD:
            errors.append(_("파일이 5MB를 넘습니다."))
        if not errors:
            try:
                result = peer_import(
                    year=year,
                    content=upload.read(),
                    file_name=upload.name,
                    actor=Actor.for_user(request.user),
                )
            except PeerImportError as exc:
                errors = exc.rows
            else:
                messages.success(
                    request,
                    _(
                        "%(year)d년 비교 자치단체 값 %(rows)d행(지표 %(n)d개)을 가져왔습니다 "
                        "(바뀐 이전 값 %(replaced)d)."
                    )
                    % {
                        "year": result.year,
                        "rows": result.rows,
                        "n": result.indicators,
                        "replaced": result.replaced,
                    },
                )
                return redirect("finance:analysis")
    return render(
        request,
        "finance/peer_import.html",
        {"errors": errors, "columns": COLUMNS, "year": year, "years": years},
        status=400 if errors else 200,
    )
