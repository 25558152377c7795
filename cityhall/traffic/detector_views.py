"""The detectors page (ADR 0029): every VDS loop's and DSRC reader's state, last report and open
faults, and the links' newest travel times. Thin: reads through ``detector_selectors``."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from cityhall.core import params
from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required

from . import detector_selectors, selectors, services

STATE_LABELS = {
    detector_selectors.ONLINE: _("정상 보고"),
    detector_selectors.SILENT_NOW: _("보고 없음"),
    detector_selectors.NEVER: _("보고 기록 없음"),
}


@require_GET
@role_required
@params.page(
    kind=params.Choice(label=_("종류"), choices=("vds", "dsrc"), default=""),
    faulty=params.Bool(label=_("장애만"), default=False),
    page=params.PAGE,
)
def detectors(request):
    network = services.network_ensure_default(actor=Actor.for_user(request.user))
    rows = detector_selectors.detector_rows(kind=request.query.kind, faulty_only=request.query.faulty)
    counts = {
        "vds": sum(r.kind == "vds" for r in rows),
        "dsrc": sum(r.kind == "dsrc" for r in rows),
        "faulty": sum(bool(r.faults) for r in rows),
        "online": sum(r.state == detector_selectors.ONLINE for r in rows),
    }
    page = Paginator([{"row": r, "state": STATE_LABELS[r.state]} for r in rows], 100).get_page(
        request.query.page
    )
    return render(
        request,
        "traffic/detectors.html",
        {
            "network": network,
            "rows": page,
            "counts": counts,
            "travel_times": selectors.travel_times_latest(),
            "kind": request.query.kind,
            "faulty": request.query.faulty,
        },
    )
