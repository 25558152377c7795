"""The layer import on the task queue (ADR 0026): the page stores the upload with a run and returns at
once; a worker reads, checks and stores the file (all or nothing) and the run page shows the outcome."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from cityhall.core.audit import Actor
from cityhall.core.services import RecordInvalid
from cityhall.jobs.queue import job
from cityhall.jobs.runs import Outcome, Output, RunFailed, execute

from . import services


def layer_import_work(run, upload: Output | None) -> Outcome:
    if upload is None or run.user is None:
        raise RunFailed(_("가져올 파일이나 요청자가 없습니다."))
    p = run.params
    try:
        result = services.layer_import(
            code=p["code"],
            upload=upload.data,
            filename=upload.name,
            metadata=p["metadata"],
            crs=p.get("crs"),
            encoding=p.get("encoding", ""),
            gpkg_layer=p.get("gpkg_layer", ""),
            actor=Actor.for_user(run.user),
        )
    except RecordInvalid as exc:
        raise RunFailed("\n".join(str(m) for m in exc.messages)) from None
    return Outcome(
        result={
            "message": _("'%(layer)s' 레이어에 객체 %(n)s개를 가져왔습니다.")
            % {"layer": result.layer.title, "n": f"{result.features:,}"},
            "notes": [str(n) for n in result.notes],
            "url": reverse("gis:layer", kwargs={"code": result.layer.code}),
            "layer": result.layer.code,
            "features": result.features,
        }
    )


@job(retries=1)
def layer_import_run(run_id: int) -> dict:
    """Import the file stored with run ``run_id``. A bad file fails at once (the run says why; the
    failure is on /jobs/failed/); a second delivery of a finished run does nothing."""
    return execute(run_id, layer_import_work)
