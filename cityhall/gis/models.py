"""The city's spatial databases (공간정보 DB, 공간정보팀): layers with their metadata and features,
and the yearly update projects (공간정보 추진사업) with their progress.

Geometry is kept as GeoJSON in WGS84 (the web's coordinates) with each feature's bounding box in
plain columns, so the embedded SQLite default needs no spatial extension (ADR 0012); lengths and
areas are measured once, at import, in a metric Korean CRS (EPSG:5186 unless the source is one).
"""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cityhall.budget.models import Program
from cityhall.core.models import Sourced
from cityhall.organisation.models import OrgUnit, code_validator


class LayerKind(models.TextChoices):
    BOUNDARY = "boundary", _("행정경계")
    ROAD = "road", _("도로 시설물")
    WATER = "water", _("상수 지하시설물")
    SEWER = "sewer", _("하수 지하시설물")
    UTILITY = "utility", _("유관기관 지하시설물")
    OTHER = "other", _("기타")


class Layer(Sourced):
    """공간정보 레이어: one spatial database layer with its metadata (출처, 좌표계, 기준일, 정확도).

    ``code`` is the layer's id in OGC API – Features (``/gis/ogc/collections/<code>``). ``target_km``
    is the length the layer covers when complete (구축 대상 연장): the cumulative coverage
    (구축률) is the features' measured length over it, never a typed percentage."""

    code = models.CharField(_("코드"), max_length=50, unique=True, validators=[code_validator])
    title = models.CharField(_("이름"), max_length=200)
    description = models.TextField(_("설명"), blank=True)
    kind = models.CharField(_("종류"), max_length=12, choices=LayerKind.choices, default=LayerKind.OTHER)
    team = models.ForeignKey(
        OrgUnit, verbose_name=_("관리 부서"), on_delete=models.PROTECT, related_name="gis_layers"
    )
    source = models.CharField(_("출처"), max_length=200)
    source_crs = models.PositiveIntegerField(_("원본 좌표계(EPSG)"), default=5186)
    data_date = models.DateField(_("기준일"), null=True, blank=True)
    accuracy = models.CharField(
        _("정확도"), max_length=100, blank=True, help_text=_("예: 1/1,000 축척, ±0.5 m")
    )
    base = models.BooleanField(_("기본도"), default=False, help_text=_("모든 지도의 바탕에 깝니다."))
    sample = models.BooleanField(_("예시 자료"), default=False)
    target_km = models.DecimalField(
        _("구축 대상 연장(km)"),
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("구축률의 분모. 선형 레이어에만 씁니다."),
    )

    class Meta:
        verbose_name = _("공간정보 레이어")
        verbose_name_plural = _("공간정보 레이어")
        ordering = ["-base", "kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_km__isnull=True) | Q(target_km__gt=0),
                name="gis_layer_target_positive",
                violation_error_message=_("구축 대상 연장은 0보다 커야 합니다."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    # What the last import measured (``LayerSummary``): read here as if they were the layer's own.
    @property
    def measured(self) -> LayerSummary:
        try:
            return self.summary
        except LayerSummary.DoesNotExist:
            return LayerSummary(layer=self)

    @property
    def geometry_type(self) -> str:
        return self.measured.geometry_type

    @property
    def feature_count(self) -> int:
        return self.measured.feature_count

    @property
    def length_m(self) -> float:
        return self.measured.length_m

    @property
    def area_m2(self) -> float:
        return self.measured.area_m2

    @property
    def imported_at(self):
        return self.measured.imported_at

    @property
    def bbox(self) -> list[float] | None:
        m = self.measured
        if m.minx is None:
            return None
        return [m.minx, m.miny, m.maxx, m.maxy]


class LayerSummary(models.Model):
    """What a layer's last import measured: counts, total length and area, extent, when. Kept apart
    from ``Layer`` so the record (the metadata people edit, export and import with the plan) holds
    only what people write; this is derived from the features and written only by the import."""

    layer = models.OneToOneField(Layer, on_delete=models.CASCADE, related_name="summary", primary_key=True)
    geometry_type = models.CharField(_("도형 종류"), max_length=30, blank=True)
    feature_count = models.PositiveIntegerField(_("객체 수"), default=0)
    length_m = models.FloatField(_("총연장(m)"), default=0)
    area_m2 = models.FloatField(_("총면적(m²)"), default=0)
    minx = models.FloatField(null=True)
    miny = models.FloatField(null=True)
    maxx = models.FloatField(null=True)
    maxy = models.FloatField(null=True)
    imported_at = models.DateTimeField(_("가져온 때"), null=True, blank=True)

    class Meta:
        verbose_name = _("레이어 요약")
        verbose_name_plural = _("레이어 요약")

    def __str__(self) -> str:
        return str(self.layer)


class Feature(models.Model):
    """One feature of a layer: GeoJSON geometry in WGS84, attributes, bounding box, and its length or
    area measured in metres. Written only by a layer's import (all features at once), so features
    are audited with the layer, not one by one."""

    layer = models.ForeignKey(Layer, on_delete=models.CASCADE, related_name="features")
    fid = models.PositiveIntegerField(_("객체 번호"))
    properties = models.JSONField(_("속성"), default=dict)
    geometry = models.JSONField(_("도형(GeoJSON, WGS84)"))
    minx = models.FloatField()
    miny = models.FloatField()
    maxx = models.FloatField()
    maxy = models.FloatField()
    length_m = models.FloatField(default=0)
    area_m2 = models.FloatField(default=0)

    class Meta:
        verbose_name = _("공간정보 객체")
        verbose_name_plural = _("공간정보 객체")
        ordering = ["layer", "fid"]
        constraints = [models.UniqueConstraint(fields=["layer", "fid"], name="gis_feature_unique_fid")]
        # The bounding-box index: a bbox query filters on a range of minx and maxx within a layer.
        indexes = [
            models.Index(fields=["layer", "minx", "miny"], name="gis_feature_bbox_min"),
            models.Index(fields=["layer", "maxx", "maxy"], name="gis_feature_bbox_max"),
        ]

    def __str__(self) -> str:
        return f"{self.layer_id}/{self.fid}"


class ProjectKind(models.TextChoices):
    ORTHOPHOTO = "orthophoto", _("위성 정사영상")
    ROAD = "road", _("도로 시설물 DB")
    WATER = "water", _("상하수도 지하시설물 DB")
    UTILITY = "utility", _("유관기관 지하시설물 DB")
    PLATFORM = "platform", _("공간정보플랫폼 관리")


class ProjectUnit(models.TextChoices):
    KM2 = "km2", "km²"
    KM = "km", "km"
    SYSTEMS = "systems", _("종")
    TIMES = "times", _("회")


class UpdateProject(Sourced):
    """공간정보 추진사업: one of the year's spatial-database projects (IV.4.4 공간정보 추진사업 규모),
    with its scale (규모) and the layer it brings up to date. The budget and its national share are
    the program's (``budget``): they are not copied here."""

    code = models.CharField(_("코드"), max_length=50, unique=True, validators=[code_validator])
    year = models.PositiveSmallIntegerField(_("연도"), default=2025)
    name = models.CharField(_("사업명"), max_length=200)
    kind = models.CharField(_("구분"), max_length=12, choices=ProjectKind.choices)
    target_area = models.CharField(_("대상"), max_length=200)
    quantity = models.DecimalField(
        _("규모"), max_digits=12, decimal_places=3, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("단위"), max_length=10, choices=ProjectUnit.choices)
    team = models.ForeignKey(
        OrgUnit, verbose_name=_("담당 부서"), on_delete=models.PROTECT, related_name="gis_projects"
    )
    program = models.ForeignKey(
        Program,
        verbose_name=_("예산 사업"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gis_projects",
    )
    layer = models.ForeignKey(
        Layer,
        verbose_name=_("갱신 레이어"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    note = models.CharField(_("비고"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("공간정보 추진사업")
        verbose_name_plural = _("공간정보 추진사업")
        ordering = ["year", "code"]

    def __str__(self) -> str:
        return self.name


class ProjectProgress(models.Model):
    """추진 실적: work done on a project in one area and map sheet (지역·도엽) on a day."""

    project = models.ForeignKey(
        UpdateProject, verbose_name=_("추진사업"), on_delete=models.CASCADE, related_name="progress"
    )
    area = models.CharField(_("지역"), max_length=100)
    sheet = models.CharField(_("도엽"), max_length=50, blank=True)
    quantity = models.DecimalField(
        _("실적"), max_digits=12, decimal_places=3, validators=[MinValueValidator(0)]
    )
    done_on = models.DateField(_("실적일"))
    sample = models.BooleanField(_("예시 자료"), default=False)
    note = models.CharField(_("비고"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("추진 실적")
        verbose_name_plural = _("추진 실적")
        ordering = ["project", "done_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="gis_progress_positive",
                violation_error_message=_("실적은 0보다 커야 합니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.area} {self.sheet}".strip()
