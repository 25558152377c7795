"""Writes of the spatial databases: importing a layer (all features or none), the sample layers and
projects, and recording a project's progress. Each validates first, runs in one transaction and
audits through ``cityhall.core.audit``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cityhall.core import audit
from cityhall.core.audit import Actor
from cityhall.core.permissions import ADD, CHANGE, allowed
from cityhall.core.records import REGISTRY, Errors
from cityhall.core.services import RecordInvalid
from cityhall.organisation.models import OrgUnit

from . import geo, samples
from .models import Feature, Layer, LayerKind, LayerSummary, ProjectProgress, UpdateProject

AUDIT_IMPORT = "import"
AUDIT_IMPORT_LABEL = "가져오기"
SPATIAL_TEAM = "spatial-info"  # 공간정보팀 (스마트도시과)
BATCH = 2_000


def _rtype(name: str):
    return REGISTRY[name]


# -- rules of the record types (they run on every write, the generic pages included) ----------------


def layer_rules(layer: Layer, before: dict | None) -> Errors:
    errors: Errors = {}
    if layer.team_id and layer.team.kind not in {OrgUnit.Kind.TEAM, OrgUnit.Kind.DEPARTMENT}:
        errors["team"] = [_("레이어는 부서나 팀이 관리합니다.")]
    if layer.source_crs:
        try:
            geo.check_epsg(layer.source_crs)
        except geo.GeoDataError as exc:
            errors["source_crs"] = exc.problems
    if layer.target_km is not None and layer.kind not in {
        LayerKind.ROAD,
        LayerKind.WATER,
        LayerKind.SEWER,
        LayerKind.UTILITY,
    }:
        errors["target_km"] = [_("구축 대상 연장은 도로·상하수도·지하시설물 레이어에만 적습니다.")]
    if before is not None and before.get("code") != layer.code and layer.features.exists():
        errors["code"] = [_("객체가 있는 레이어의 코드는 바꿀 수 없습니다 (OGC API 주소가 바뀝니다).")]
    return errors


def project_rules(project: UpdateProject, before: dict | None) -> Errors:
    errors: Errors = {}
    if project.pk:
        done = project.progress.aggregate(total=Sum("quantity"))["total"] or Decimal(0)
        if project.quantity is not None and done > project.quantity:
            errors["quantity"] = [
                _("이미 기록한 실적(%(done)s)보다 작게 줄일 수 없습니다.") % {"done": _number(done)}
            ]
    return errors


def _number(value: Decimal) -> str:
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# -- import ---------------------------------------------------------------------------------------


def can_create(user, team_code: str = SPATIAL_TEAM) -> bool:
    """May ``user`` make a layer kept by ``team_code`` (공간정보팀: editors of 스마트도시과)?"""
    team = OrgUnit.objects.filter(code=team_code).first()
    return team is not None and allowed(user, ADD, _rtype("gis_layers"), Layer(team=team))


@dataclass
class ImportResult:
    layer: Layer
    created: bool
    features: int
    replaced: int
    notes: list[str] = field(default_factory=list)


LAYER_FIELDS = (
    "title",
    "description",
    "kind",
    "source",
    "source_crs",
    "data_date",
    "accuracy",
    "base",
    "target_km",
)


def layer_import(
    *,
    code: str,
    upload: bytes,
    filename: str,
    actor: Actor,
    metadata: dict[str, Any] | None = None,
    crs: int | None = None,
    encoding: str = "",
    gpkg_layer: str = "",
) -> ImportResult:
    """Import a file into the layer ``code``: a new layer (with ``metadata``: title, source, kind …)
    or a replacement of an existing layer's features. Every feature is checked first; one bad
    feature (bad geometry, wrong CRS, outside Korea) and nothing is written (``RecordInvalid`` with
    the problems under ``file``)."""
    rtype = _rtype("gis_layers")
    existing = Layer.objects.filter(code=code).first()
    if actor.user is not None:
        if existing is not None and not allowed(actor.user, CHANGE, rtype, existing):
            raise PermissionDenied(_("이 레이어를 바꿀 권한이 없습니다 (스마트도시과 편집자·관리자)."))
        if existing is None and not can_create(actor.user, (metadata or {}).get("team") or SPATIAL_TEAM):
            raise PermissionDenied(_("레이어를 만들 권한이 없습니다 (스마트도시과 편집자·관리자)."))
    try:
        found = geo.read_upload(upload, filename, crs=crs, encoding=encoding, layer=gpkg_layer)
    except geo.GeoDataError as exc:
        raise RecordInvalid({"file": exc.problems}) from None
    return _store(code=code, found=found, metadata=metadata or {}, actor=actor, filename=filename)


@transaction.atomic
def _store(
    *, code: str, found: geo.GeoLayer, metadata: dict[str, Any], actor: Actor, filename: str
) -> ImportResult:
    from cityhall.core.services import record_create

    rtype = _rtype("gis_layers")
    layer = Layer.objects.select_for_update().filter(code=code).first()
    created = layer is None
    if layer is None:
        data = {"code": code, "source_crs": found.crs, **metadata}
        data.setdefault("team", SPATIAL_TEAM)
        layer = record_create(rtype=rtype, data=data, actor=actor)  # validates, checks ADD, audits
        before = rtype.to_data(layer)
    else:
        before = rtype.to_data(layer)
        if actor.user is not None and not allowed(actor.user, CHANGE, rtype, layer):
            raise PermissionDenied(_("이 레이어를 바꿀 권한이 없습니다 (스마트도시과 편집자·관리자)."))
        layer.source_crs = found.crs
    replaced, _detail = Feature.objects.filter(layer=layer).delete()
    Feature.objects.bulk_create(
        (
            Feature(
                layer=layer,
                fid=f.fid,
                properties=f.properties,
                geometry=f.geometry,
                minx=f.bbox[0],
                miny=f.bbox[1],
                maxx=f.bbox[2],
                maxy=f.bbox[3],
                length_m=f.length_m,
                area_m2=f.area_m2,
            )
            for f in found.features
        ),
        batch_size=BATCH,
    )
    bbox = found.bbox or (None, None, None, None)
    layer.save()
    LayerSummary.objects.update_or_create(
        layer=layer,
        defaults={
            "geometry_type": found.geometry_type,
            "feature_count": len(found.features),
            "length_m": found.length_m,
            "area_m2": found.area_m2,
            "minx": bbox[0],
            "miny": bbox[1],
            "maxx": bbox[2],
            "maxy": bbox[3],
            "imported_at": timezone.now(),
        },
    )
    after = rtype.to_data(layer)
    after["import"] = {
        "file": filename[:200],
        "features": len(found.features),
        "replaced": replaced if not created else 0,
        "crs": found.crs,
        "encoding": found.encoding,
    }
    audit.record(actor, AUDIT_IMPORT, rtype, layer, before=before, after=after)
    layer = Layer.objects.select_related("summary").get(pk=layer.pk)
    return ImportResult(
        layer=layer,
        created=created,
        features=len(found.features),
        replaced=replaced if not created else 0,
        notes=found.notes,
    )


# -- project progress --------------------------------------------------------------------------------


@transaction.atomic
def progress_record(
    *,
    project: UpdateProject,
    area: str,
    quantity: Any,
    done_on: date | None,
    actor: Actor,
    sheet: str = "",
    note: str = "",
    sample: bool = False,
) -> ProjectProgress:
    """Record work done on ``project`` in an area (and map sheet). The project's row is locked so two
    people recording at once cannot take it past its scale (규모)."""
    rtype = _rtype("gis_progress")
    project = UpdateProject.objects.select_for_update().get(pk=project.pk)
    if actor.user is not None and not allowed(actor.user, CHANGE, _rtype("gis_projects"), project):
        raise PermissionDenied(_("이 사업의 실적을 기록할 권한이 없습니다 (스마트도시과 편집자·관리자)."))
    errors: Errors = {}
    try:
        amount = Decimal(str(quantity).replace(",", "").strip())
        if not amount.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        amount = None
        errors["quantity"] = [_("실적은 숫자로 적으세요 (예: 9.5).")]
    if amount is not None and amount <= 0:
        errors["quantity"] = [_("실적은 0보다 커야 합니다.")]
    if not area.strip():
        errors["area"] = [_("지역을 적으세요.")]
    if done_on is None:
        errors["done_on"] = [_("실적일을 적으세요.")]
    elif done_on.year != project.year:
        errors["done_on"] = [_("실적일은 %(year)d년 안이어야 합니다.") % {"year": project.year}]
    if amount is not None and not errors:
        done = project.progress.aggregate(total=Sum("quantity"))["total"] or Decimal(0)
        if done + amount > project.quantity:
            errors["quantity"] = [
                _(
                    "누적 실적 %(total)s%(unit)s이(가) 사업 규모 %(scale)s%(unit)s을(를) 넘습니다 "
                    "(남은 양 %(left)s%(unit)s)."
                )
                % {
                    "total": _number(done + amount),
                    "scale": _number(project.quantity),
                    "left": _number(project.quantity - done),
                    "unit": project.get_unit_display(),
                }
            ]
    if errors:
        raise RecordInvalid(errors)
    row = ProjectProgress(
        project=project,
        area=area.strip()[:100],
        sheet=sheet.strip()[:50],
        quantity=amount,
        done_on=done_on,
        note=note.strip()[:200],
        sample=sample,
    )
    row.full_clean()
    row.save()
    audit.record(actor, "create", rtype, row, after=rtype.to_data(row))
    return row


# -- samples ---------------------------------------------------------------------------------------


def gis_load_sample(*, actor: Actor | None = None) -> int:
    """Load (or refresh) the sample layers and the 2025 projects with sample progress; returns how
    many layers it wrote. A real (non-sample) layer of the same code is left alone."""
    actor = actor or Actor.system("gis:load-sample")
    team = OrgUnit.objects.filter(code=SPATIAL_TEAM).first()
    if team is None:
        raise RecordInvalid(
            _("공간정보팀이 조직에 없어 예시 레이어를 만들 수 없습니다 (계획을 먼저 불러오세요).")
        )
    written = 0
    for spec in samples.LAYERS:
        existing = Layer.objects.filter(code=spec["code"]).first()
        if existing is not None and not existing.sample:
            continue
        geoms, rows = spec["build"]()
        found = geo.build_layer(geoms, rows, crs=geo.METRIC_CRS)
        metadata: dict[str, Any] = {
            "title": spec["title"],
            "description": spec["description"],
            "kind": spec["kind"],
            "team": SPATIAL_TEAM,
            "source": "예시 자료 (김포 2025 업무계획의 수치를 재현)",
            "data_date": date(2024, 12, 31),
            "accuracy": spec["accuracy"],
            "base": spec["base"],
            "sample": True,
        }
        derived: dict[str, Any] = {}
        if "target" in spec:
            _kind, km, percent, line, section = spec["target"]
            metadata["target_km"] = samples.target_km(km, percent)
            metadata["section"], metadata["line"] = section, line
            derived["target_km"] = {
                "rule": "inferred",
                "reason": f"누적 {km}km ÷ 구축률 {percent}% (원문 {section} {line}행), 0.1km 단위",
            }
        with transaction.atomic():
            _store(code=spec["code"], found=found, metadata=metadata, actor=actor, filename="(예시)")
            if derived:
                Layer.objects.filter(code=spec["code"]).update(derived=derived)
        written += 1
    _load_projects(actor, team)
    return written


@transaction.atomic
def _load_projects(actor: Actor, team: OrgUnit) -> None:
    from cityhall.budget.models import Program

    rtype = _rtype("gis_projects")
    programs = {
        p.code: p for p in Program.objects.filter(code__in=[s.get("program") for s in samples.PROJECTS])
    }
    layers = {layer.code: layer for layer in Layer.objects.all()}
    for spec in samples.PROJECTS:
        obj = UpdateProject.objects.filter(code=spec["code"]).first()
        before = rtype.to_data(obj) if obj else None
        obj = obj or UpdateProject(code=spec["code"])
        obj.year = 2025
        obj.name = spec["name"]
        obj.kind = spec["kind"]
        obj.target_area = spec["target_area"]
        obj.quantity = spec["quantity"]
        obj.unit = spec["unit"]
        obj.team = team
        obj.program = programs.get(spec.get("program", ""))
        obj.layer = layers.get(spec.get("layer", ""))
        obj.note = spec.get("note", "")
        obj.section, obj.line = "IV.4.4", spec["line"]
        obj.full_clean()
        obj.save()
        after = rtype.to_data(obj)
        if before is None:
            audit.record(actor, "create", rtype, obj, after=after)
        elif before != after:
            audit.record(actor, "update", rtype, obj, before=before, after=after)
    ProjectProgress.objects.filter(
        sample=True, project__code__in=[s["code"] for s in samples.PROJECTS]
    ).delete()
    projects = {p.code: p for p in UpdateProject.objects.all()}
    for row in samples.PROGRESS:
        progress_record(
            project=projects[row["project"]],
            area=row["area"],
            sheet=row["sheet"],
            quantity=row["quantity"],
            done_on=date.fromisoformat(row["done_on"]),
            note="예시",
            sample=True,
            actor=actor,
        )
