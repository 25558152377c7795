"""Spatial operations under /api/v1/gis/ beyond the generated layer and project records: importing
a file into a layer (all or nothing: 422 with every problem under ``file``), the coverage computed
from the layers, and the projects with progress. Features themselves are read through OGC API –
Features (``/gis/ogc/``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status, UploadedFile

from cityhall.core.api import Problems
from cityhall.core.audit import Actor
from cityhall.core.permissions import require_role
from cityhall.core.services import RecordInvalid

from . import selectors, services
from .models import LayerKind

router = Router(tags=["공간정보"])
MAX_UPLOAD = 50 * 1024 * 1024


class ImportOut(Schema):
    layer: str
    created: bool
    features: int
    replaced: int
    length_km: Decimal
    notes: list[str]


class Message(Schema):
    detail: str


class CoverageOut(Schema):
    layer: str
    title: str
    kind: str
    measured_km: Decimal
    target_km: Decimal
    percent: Decimal
    planned_km: Decimal
    projected_percent: Decimal
    sample: bool


class ProjectOut(Schema):
    code: str
    name: str
    year: int
    target_area: str
    quantity: Decimal
    unit: str
    done: Decimal
    percent: Decimal
    budget: int | None
    national: int | None
    national_percent: Decimal | None


@router.post(
    "/layers/{code}/import",
    response={201: ImportOut, 200: ImportOut, 403: Message, 422: Problems},
    summary="레이어 가져오기 (GeoJSON, GeoPackage, Shapefile ZIP; 전부 또는 전무)",
)
def layer_import(
    request,
    code: str,
    file: File[UploadedFile],
    title: Form[str] = "",
    kind: Form[str] = LayerKind.OTHER,
    source: Form[str] = "",
    data_date: Form[date | None] = None,
    accuracy: Form[str] = "",
    crs: Form[int | None] = None,
    encoding: Form[str] = "",
    gpkg_layer: Form[str] = "",
):
    if file.size and file.size > MAX_UPLOAD:
        raise RecordInvalid(_("파일이 50MB를 넘습니다."), field="file")
    if encoding and encoding.lower() not in {"utf-8", "cp949", "euc-kr"}:
        raise RecordInvalid(_("인코딩은 utf-8, cp949, euc-kr 중 하나입니다."), field="encoding")
    metadata = {"title": title or code, "kind": kind, "source": source or _("가져온 파일")}
    if data_date:
        metadata["data_date"] = data_date.isoformat()
    if accuracy:
        metadata["accuracy"] = accuracy
    result = services.layer_import(
        code=code,
        upload=file.read(),
        filename=file.name or "",
        metadata=metadata,
        crs=crs,
        encoding=encoding.lower(),
        gpkg_layer=gpkg_layer,
        actor=Actor.for_user(request.user),
    )
    body = {
        "layer": result.layer.code,
        "created": result.created,
        "features": result.features,
        "replaced": result.replaced,
        "length_km": selectors.km(result.layer.length_m),
        "notes": result.notes,
    }
    return Status(201 if result.created else 200, body)


@router.get("/coverage", response=list[CoverageOut], summary="공간정보 DB 구축률 (레이어 연장으로 계산)")
def coverage(request):
    require_role(request.user)
    return [
        {
            "layer": row.layer.code,
            "title": row.layer.title,
            "kind": row.layer.kind,
            "measured_km": row.measured_km,
            "target_km": row.target_km,
            "percent": row.percent,
            "planned_km": row.planned_km,
            "projected_percent": row.projected_percent,
            "sample": row.sample,
        }
        for row in selectors.coverage(request.user)
    ]


@router.get("/projects", response=list[ProjectOut], summary="공간정보 추진사업과 실적")
def projects(request):
    require_role(request.user)
    return [
        {
            "code": row.project.code,
            "name": row.project.name,
            "year": row.project.year,
            "target_area": row.project.target_area,
            "quantity": row.project.quantity,
            "unit": row.project.unit,
            "done": row.done,
            "percent": row.percent,
            "budget": row.budget,
            "national": row.national,
            "national_percent": row.national_percent,
        }
        for row in selectors.projects(request.user)
    ]
