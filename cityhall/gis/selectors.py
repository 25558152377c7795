"""Reads of the spatial databases, through the permission choke point: layers, features by bounding
box, the cumulative coverage computed from the layers, and the update projects with progress."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Sum

from cityhall.core.permissions import VIEW, restrict
from cityhall.core.records import REGISTRY

from .models import Feature, Layer, LayerKind, ProjectProgress, UpdateProject

COVERAGE_KINDS = (LayerKind.ROAD, LayerKind.WATER, LayerKind.SEWER, LayerKind.UTILITY)


def layers_visible(user) -> QuerySet[Layer]:
    return restrict(Layer.objects.select_related("team", "summary"), user, VIEW, REGISTRY["gis_layers"])


def layer(user, code: str) -> Layer | None:
    return layers_visible(user).filter(code=code).first()


def base_layer_codes(user) -> list[str]:
    """The layers every map lays under its own (기본도): boundaries first, then lines."""
    return list(
        layers_visible(user).filter(base=True).order_by("kind", "code").values_list("code", flat=True)
    )


def features(
    layer: Layer, *, bbox: tuple[float, float, float, float] | None = None, limit: int = 100, offset: int = 0
) -> tuple[list[Feature], int]:
    """A page of ``layer``'s features (by fid) intersecting ``bbox`` (CRS84, by bounding box), and how
    many match in all."""
    qs = Feature.objects.filter(layer=layer)
    if bbox is not None:
        west, south, east, north = bbox
        qs = qs.filter(minx__lte=east, maxx__gte=west, miny__lte=north, maxy__gte=south)
    total = qs.count()
    return list(qs.order_by("fid")[offset : offset + limit]), total


def feature(layer: Layer, fid: int) -> Feature | None:
    return Feature.objects.filter(layer=layer, fid=fid).first()


# -- coverage (구축률) ---------------------------------------------------------------------------------


def percent(part: Decimal, whole: Decimal) -> Decimal:
    """``part / whole`` in % to one decimal, rounded half up as the plan writes 87.9 %."""
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def km(metres: float) -> Decimal:
    """Metres measured on the layer as km to the metre (776,300.0000001 m → 776.300 km)."""
    return (Decimal(repr(metres)) / 1000).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Coverage:
    layer: Layer
    measured_km: Decimal
    target_km: Decimal
    percent: Decimal
    planned_km: Decimal  # this year's projects on the layer
    projected_percent: Decimal  # when they are done

    @property
    def sample(self) -> bool:
        return self.layer.sample


def coverage(user, *, year: int = 2025) -> list[Coverage]:
    """Each linear layer with a target length: its measured length, the coverage (구축률) it gives,
    and what this year's projects on it will bring it to."""
    rows = []
    layers = layers_visible(user).filter(kind__in=COVERAGE_KINDS, target_km__isnull=False)
    planned = dict(
        UpdateProject.objects.filter(year=year, layer__in=layers, unit="km")
        .values("layer")
        .annotate(total=Sum("quantity"))
        .values_list("layer", "total")
    )
    order = {kind: i for i, kind in enumerate(COVERAGE_KINDS)}  # roads, water, sewers as the plan lists them
    for item in sorted(layers, key=lambda layer: (order[layer.kind], layer.code)):
        measured = km(item.length_m)
        extra = planned.get(item.pk) or Decimal(0)
        rows.append(
            Coverage(
                layer=item,
                measured_km=measured,
                target_km=item.target_km,
                percent=percent(measured, item.target_km),
                planned_km=extra,
                projected_percent=min(percent(measured + extra, item.target_km), Decimal(100)),
            )
        )
    return rows


# -- update projects -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectRow:
    project: UpdateProject
    done: Decimal
    percent: Decimal
    budget: int | None
    national: int | None
    national_percent: Decimal | None
    progress: list[ProjectProgress]


def projects(user, *, year: int = 2025) -> list[ProjectRow]:
    qs = restrict(
        UpdateProject.objects.filter(year=year)
        .select_related("team", "layer", "program__task")
        .prefetch_related(
            "program__shares",
            Prefetch("progress", queryset=ProjectProgress.objects.order_by("done_on", "id")),
        ),
        user,
        VIEW,
        REGISTRY["gis_projects"],
    ).order_by("line", "code")
    return [_row(p) for p in qs]


def project(user, code: str) -> ProjectRow | None:
    found = projects_queryset(user).filter(code=code).first()
    return _row(found) if found else None


def projects_queryset(user) -> QuerySet[UpdateProject]:
    return restrict(
        UpdateProject.objects.select_related("team", "layer", "program__task").prefetch_related(
            "program__shares",
            Prefetch("progress", queryset=ProjectProgress.objects.order_by("done_on", "id")),
        ),
        user,
        VIEW,
        REGISTRY["gis_projects"],
    )


def _row(p: UpdateProject) -> ProjectRow:
    progress = list(p.progress.all())
    done = sum((r.quantity for r in progress), Decimal(0))
    national = national_percent = None
    if p.program is not None:
        share = next((s for s in p.program.shares.all() if s.source == "national"), None)
        if share is not None:
            national, national_percent = share.amount, share.percent
    return ProjectRow(
        project=p,
        done=done,
        percent=percent(done, p.quantity) if p.quantity else Decimal(0),
        budget=p.program.budget if p.program else None,
        national=national,
        national_percent=national_percent,
        progress=progress,
    )


def layer_projects(layer: Layer) -> QuerySet[UpdateProject]:
    return layer.projects.all().order_by("year", "code")


def search_layers(user, text: str) -> QuerySet[Layer]:
    return layers_visible(user).filter(Q(code__icontains=text) | Q(title__icontains=text))


def attribute_names(layer: Layer, sample: int = 50) -> list[str]:
    """The attribute names of a layer's first features (the layer detail's table columns)."""
    names: dict[str, None] = {}
    for props in (
        Feature.objects.filter(layer=layer).order_by("fid").values_list("properties", flat=True)[:sample]
    ):
        for name in props or {}:
            names.setdefault(name, None)
    return list(names)


def properties_of(rows: list[Feature], names: list[str]) -> list[list[Any]]:
    return [[(row.properties or {}).get(n) for n in names] for row in rows]
