"""Spatial pages: the layer list with the city map and coverage, a layer's metadata, map and features,
the import form (every problem in Korean, nothing half-imported), and the update projects with
their progress. Thin: reads through ``selectors``, writes through ``services`` (audited)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cityhall.core import params
from cityhall.core.audit import Actor
from cityhall.core.decorators import role_required
from cityhall.core.permissions import CHANGE, allowed
from cityhall.core.records import REGISTRY
from cityhall.core.services import RecordInvalid
from cityhall.jobs import runs
from cityhall.jobs.models import JobRun

from . import geo, selectors, services, tasks
from .forms import ImportForm, ProgressForm

FEATURES_PER_PAGE = 50


def _can_import(user) -> bool:
    return services.can_create(user)


@require_GET
@role_required
def index(request):
    layers = list(selectors.layers_visible(request.user).order_by("-base", "kind", "code"))
    return render(
        request,
        "gis/index.html",
        {
            "layers": layers,
            "coverage": selectors.coverage(request.user),
            "can_import": _can_import(request.user),
            "map_layers": [layer.code for layer in layers if not layer.base],
        },
    )


@require_GET
@role_required
@params.page(page=params.PAGE)
def layer_detail(request, code):
    layer = selectors.layer(request.user, code)
    if layer is None:
        raise Http404(_("레이어를 찾을 수 없습니다."))
    names = selectors.attribute_names(layer)
    page = Paginator(
        layer.features.order_by("fid").only("fid", "properties", "length_m", "area_m2"), FEATURES_PER_PAGE
    ).get_page(request.query.page)
    rows = [(f, [(f.properties or {}).get(n) for n in names]) for f in page]
    return render(
        request,
        "gis/layer.html",
        {
            "layer": layer,
            "crs": geo.crs_label(layer.source_crs),
            "length_km": selectors.km(layer.length_m),
            "area_km2": round(layer.area_m2 / 1_000_000, 3),
            "names": names,
            "rows": rows,
            "page": page,
            "projects": selectors.layer_projects(layer),
            "can_import": allowed(request.user, CHANGE, REGISTRY["gis_layers"], layer),
            "record_type": "gis-layers",
        },
    )


@require_http_methods(["GET", "POST"])
@role_required
@params.page(code=params.Text(label=gettext_lazy("레이어 코드"), max_length=50))
def layer_import(request):
    if not _can_import(request.user):
        raise PermissionDenied(
            _("공간정보 레이어는 스마트도시과(공간정보팀) 편집자·관리자만 가져올 수 있습니다.")
        )
    form = ImportForm(request.POST or None, request.FILES or None, initial={"code": request.query.code or ""})
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        metadata = {
            "title": data["title"] or data["code"],
            "kind": data["kind"],
            "source": data["source"] or upload.name,
            "accuracy": data["accuracy"],
        }
        if data["data_date"]:
            metadata["data_date"] = data["data_date"].isoformat()
        run = runs.run_start(
            task=tasks.layer_import_run,
            kind="gis.layer_import",
            label=_("공간정보 레이어 가져오기: %(code)s (%(file)s)")
            % {"code": data["code"], "file": upload.name},
            actor=Actor.for_user(request.user),
            params={
                "code": data["code"],
                "metadata": metadata,
                "crs": data["crs"],
                "encoding": data["encoding"],
                "gpkg_layer": data["gpkg_layer"],
                "back": request.get_full_path(),
            },
            upload=runs.Output(upload.name, upload.content_type or "", upload.read()),
        )
        if run.state == JobRun.State.QUEUED:  # a worker will run it: follow it on the run's page
            return redirect("jobs:run", pk=run.pk)
        # The queue ran it inside this request (CITYHALL_TASKS_BACKEND=immediate): answer as before.
        if run.state == JobRun.State.FAILED:
            problems = run.error.splitlines()
        else:
            messages.success(request, run.result["message"])
            for note in run.result.get("notes", []):
                messages.info(request, note)
            return redirect("gis:layer", code=run.result["layer"])
    status = 400 if problems or (request.method == "POST" and not form.is_valid()) else 200
    return render(request, "gis/import.html", {"form": form, "problems": problems}, status=status)


@require_GET
@role_required
def project_list(request):
    return render(
        request,
        "gis/projects.html",
        {"projects": selectors.projects(request.user), "coverage": selectors.coverage(request.user)},
    )


def _project_or_404(user, code):
    row = selectors.project(user, code)
    if row is None:
        raise Http404(_("추진사업을 찾을 수 없습니다."))
    return row


@require_GET
@role_required
def project_detail(request, code):
    row = _project_or_404(request.user, code)
    return _project_page(request, row, ProgressForm(), [])


def _project_page(request, row, form, problems, status=200):
    return render(
        request,
        "gis/project.html",
        {
            "row": row,
            "form": form,
            "problems": problems,
            "can_record": allowed(request.user, CHANGE, REGISTRY["gis_projects"], row.project),
        },
        status=status,
    )


@require_POST
@role_required
def progress_add(request, code):
    row = _project_or_404(request.user, code)
    if not allowed(request.user, CHANGE, REGISTRY["gis_projects"], row.project):
        raise PermissionDenied(_("이 사업의 실적을 기록할 권한이 없습니다 (스마트도시과 편집자·관리자)."))
    form = ProgressForm(request.POST)
    if not form.is_valid():
        return _project_page(request, row, form, [], status=400)
    try:
        services.progress_record(project=row.project, actor=Actor.for_user(request.user), **form.cleaned_data)
    except RecordInvalid as exc:
        return _project_page(request, row, form, exc.messages, status=400)
    messages.success(request, _("실적을 기록했습니다."))
    return redirect("gis:project", code=code)
