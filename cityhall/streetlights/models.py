"""The device registry of the smart streetlights (스마트가로등): sites, base stations (기지국) and lights.

The seed (장비현황, I.3) gives per site only *counts* of lights and base stations, a location and an
install period. The registry gives each device an identity: ``services.registry_build_from_seed``
derives the codes and the light → base station assignment (ADR 0008).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cityhall.core.models import Sourced
from cityhall.organisation.models import OrgUnit

from .choices import LightState, StationState
from .energy import DEFAULT_RATED_W

CODE_MAX = 32  # = telemetry's DEVICE_ID_MAX: a light's code is its device id on the wire


class StreetlightSite(Sourced):
    """스마트가로등 설치 지역: one site row of the seed's 장비현황 (location, 설치시기)."""

    PERIODS = {"installed": ("installed_start", "installed_end")}

    code = models.CharField(_("코드"), max_length=20, unique=True)
    name = models.CharField(_("위치"), max_length=200)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("부서"), on_delete=models.PROTECT, related_name="streetlight_sites"
    )
    installed = models.CharField(_("설치시기"), max_length=30, blank=True)
    installed_start = models.DateField(null=True, editable=False)
    installed_end = models.DateField(null=True, editable=False)
    lat = models.DecimalField(
        _("위도(대략)"), max_digits=9, decimal_places=6, null=True, blank=True, help_text=_("WGS84")
    )
    lon = models.DecimalField(
        _("경도(대략)"), max_digits=9, decimal_places=6, null=True, blank=True, help_text=_("WGS84")
    )

    class Meta:
        verbose_name = _("가로등 설치 지역")
        verbose_name_plural = _("가로등 설치 지역")
        ordering = ["installed_start", "code"]

    def __str__(self) -> str:
        return self.name


class BaseStation(models.Model):
    """기지국: the gateway through which a site's lights talk (SDM ``StreetlightControlCabinet``)."""

    code = models.CharField(_("코드"), max_length=CODE_MAX, unique=True)
    site = models.ForeignKey(
        StreetlightSite, verbose_name=_("설치 지역"), on_delete=models.PROTECT, related_name="base_stations"
    )
    state = models.CharField(
        _("상태"), max_length=10, choices=StationState.choices, default=StationState.ACTIVE
    )
    note = models.CharField(_("비고"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("기지국")
        verbose_name_plural = _("기지국")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Streetlight(models.Model):
    """스마트가로등 한 대 (SDM ``Streetlight``).

    The seed gives counts only, so each light's identity (``SL-<site>-NNN``) and its base station
    (the site's stations in turn, round-robin) are derived, not read from the document.
    """

    code = models.CharField(_("코드"), max_length=CODE_MAX, unique=True)
    site = models.ForeignKey(
        StreetlightSite, verbose_name=_("설치 지역"), on_delete=models.PROTECT, related_name="lights"
    )
    base_station = models.ForeignKey(
        BaseStation, verbose_name=_("기지국"), on_delete=models.PROTECT, related_name="lights"
    )
    model = models.CharField(_("모델"), max_length=100, blank=True)
    rated_power_w = models.PositiveIntegerField(
        _("정격 전력(W)"),
        default=DEFAULT_RATED_W,
        help_text=_("원문에 없어 100 W로 가정합니다(가정). docs/streetlights.md 참고."),
    )
    state = models.CharField(_("상태"), max_length=10, choices=LightState.choices, default=LightState.ACTIVE)
    installed = models.DateField(_("설치일"), null=True, blank=True)

    class Meta:
        verbose_name = _("스마트가로등")
        verbose_name_plural = _("스마트가로등")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rated_power_w__gte=1, rated_power_w__lte=2000),
                name="streetlights_light_rated_power_range",
                violation_error_message=_("정격 전력은 1~2,000 W여야 합니다."),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        # A light hangs on a base station of its own site (a cross-table rule, so not a constraint).
        if self.base_station_id and self.site_id and self.base_station.site_id != self.site_id:
            raise ValidationError(
                {
                    "base_station": _("기지국 %(bs)s은(는) 이 가로등의 설치 지역에 있지 않습니다.")
                    % {"bs": self.base_station.code}
                }
            )
