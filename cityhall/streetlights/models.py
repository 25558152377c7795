"""The device registry of the smart streetlights (스마트가로등): sites, base stations (기지국) and lights.

The seed (장비현황, I.3) gives per site only *counts* of lights and base stations, a location and an
install period. The registry gives each device an identity: ``services.registry_build_from_seed``
derives the codes and the light → base station assignment (ADR 0008).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cityhall.core.models import Sourced
from cityhall.organisation.models import OrgUnit

from .choices import CommandAction, CommandStatus, FaultKind, LightState, RepairStatus, StationState
from .energy.model import DEFAULT_RATED_W
from .operations import dimming as operation

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


class SiteSchedule(models.Model):
    """디밍 스케줄: a site's night plan as ``operation.parse_schedule`` reads it.

    ``periods`` is a list of ``[start, end, level]`` with ``"sunset"``, ``"sunrise"`` or ``"HH:MM"``
    boundaries; a site without a row follows ``operation.DEFAULT_SCHEDULE``.
    """

    site = models.OneToOneField(
        StreetlightSite, verbose_name=_("설치 지역"), on_delete=models.CASCADE, related_name="schedule"
    )
    name = models.CharField(_("이름"), max_length=100, blank=True)
    periods = models.JSONField(
        _("구간"), help_text=_('예: [["sunset", "23:00", 100], ["23:00", "sunrise", 50]]')
    )
    updated_at = models.DateTimeField(_("수정 시각"), auto_now=True)

    class Meta:
        verbose_name = _("디밍 스케줄")
        verbose_name_plural = _("디밍 스케줄")
        ordering = ["site__code"]

    def __str__(self) -> str:
        return f"{self.site} {self.name}".strip()

    def clean(self) -> None:
        try:
            operation.parse_schedule(self.periods, name=self.name)
        except operation.ScheduleError as exc:
            raise ValidationError({"periods": [str(problem) for problem in exc.problems]}) from None

    def as_schedule(self) -> operation.DimmingSchedule:
        return operation.parse_schedule(self.periods, name=self.name)


class Command(models.Model):
    """제어 명령: one on/off/dim command to one light, and what became of it (ADR 0007, ``cmd``).

    Pages and the API only create rows (status ``pending``); the dispatcher of the live runtime
    publishes them and the device's ``cmd/ack`` closes them. A command to a whole site is one row
    per light sharing a ``batch``.
    """

    cmd_id = models.UUIDField(_("명령 ID"), default=uuid.uuid4, unique=True, editable=False)
    batch = models.UUIDField(_("일괄 ID"), default=uuid.uuid4, db_index=True, editable=False)
    light = models.ForeignKey(
        Streetlight, verbose_name=_("가로등"), on_delete=models.CASCADE, related_name="commands"
    )
    action = models.CharField(_("명령"), max_length=10, choices=CommandAction.choices)
    level = models.PositiveSmallIntegerField(_("밝기(%)"), null=True, blank=True)
    status = models.CharField(
        _("상태"), max_length=10, choices=CommandStatus.choices, default=CommandStatus.PENDING
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("요청자"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("요청 시각"))
    sent_at = models.DateTimeField(_("전송 시각"), null=True, blank=True)
    acked_at = models.DateTimeField(_("응답 시각"), null=True, blank=True)
    result = models.CharField(_("결과"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("제어 명령")
        verbose_name_plural = _("제어 명령")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["status", "issued_at"], name="streetlights_command_status")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(action=CommandAction.DIM, level__gte=0, level__lte=100)
                    | (~models.Q(action=CommandAction.DIM) & models.Q(level__isnull=True))
                ),
                name="streetlights_command_level",
                violation_error_message=_("밝기 조절 명령에만 0~100 사이의 밝기를 지정합니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.light} {self.get_action_display()}"


class RepairOrder(models.Model):
    """보수 요청: a fault found by the rules (or reported by a person), with an SLA clock.

    Open → assigned → closed. At most one order is open per target and kind, so a fault that goes on
    does not open a new order at every check.
    """

    number = models.CharField(_("번호"), max_length=20, unique=True)
    kind = models.CharField(_("유형"), max_length=20, choices=FaultKind.choices)
    site = models.ForeignKey(
        StreetlightSite, verbose_name=_("설치 지역"), on_delete=models.PROTECT, related_name="repair_orders"
    )
    light = models.ForeignKey(
        Streetlight,
        verbose_name=_("가로등"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repair_orders",
    )
    base_station = models.ForeignKey(
        BaseStation,
        verbose_name=_("기지국"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repair_orders",
    )
    status = models.CharField(
        _("상태"), max_length=10, choices=RepairStatus.choices, default=RepairStatus.OPEN
    )
    detail = models.TextField(_("내용"), blank=True)
    simulated = models.BooleanField(_("모의 데이터"), default=False)
    opened_at = models.DateTimeField(_("접수 시각"))
    due_at = models.DateTimeField(_("처리 기한"))
    recovered_at = models.DateTimeField(
        _("자동 복구 확인"), null=True, blank=True, help_text=_("규칙이 고장 해소를 확인한 시각")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("담당자"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    contractor = models.CharField(_("유지보수 업체"), max_length=100, blank=True)
    assigned_at = models.DateTimeField(_("배정 시각"), null=True, blank=True)
    closed_at = models.DateTimeField(_("완료 시각"), null=True, blank=True)
    resolution = models.TextField(_("처리 내용"), blank=True)

    class Meta:
        verbose_name = _("보수 요청")
        verbose_name_plural = _("보수 요청")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["status", "due_at"], name="streetlights_repair_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "light"],
                condition=~models.Q(status=RepairStatus.CLOSED) & models.Q(light__isnull=False),
                name="streetlights_repair_one_open_per_light",
                violation_error_message=_("이 가로등에 같은 유형의 보수 요청이 이미 진행 중입니다."),
            ),
            models.UniqueConstraint(
                fields=["kind", "base_station"],
                condition=~models.Q(status=RepairStatus.CLOSED)
                & models.Q(light__isnull=True, base_station__isnull=False),
                name="streetlights_repair_one_open_per_station",
                violation_error_message=_("이 기지국에 같은 유형의 보수 요청이 이미 진행 중입니다."),
            ),
            models.CheckConstraint(
                condition=models.Q(light__isnull=False) | models.Q(base_station__isnull=False),
                name="streetlights_repair_has_target",
                violation_error_message=_("보수 요청에는 가로등이나 기지국이 있어야 합니다."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status=RepairStatus.CLOSED) | models.Q(closed_at__isnull=False),
                name="streetlights_repair_closed_at",
                violation_error_message=_("완료된 보수 요청에는 완료 시각이 있어야 합니다."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"


class SiteEnergyDay(models.Model):
    """일별 지역 전력 집계: one site's lights of one rated power on one local day, summed from the
    telemetry's daily roll-ups (``energy.daily.refresh_days`` keeps it; the energy report reads it).

    A light counts toward the site and rating it has when its day is rolled up (refreshed): a light
    moved to another site leaves its past days with the old one, unless those days are rolled up
    again (``telemetry_rollup --from``) or the table is rebuilt (``streetlights_energy_refresh``).
    """

    site = models.ForeignKey(
        StreetlightSite, verbose_name=_("설치 지역"), on_delete=models.CASCADE, related_name="energy_days"
    )
    day = models.DateField(_("날짜"))
    rated_power_w = models.PositiveIntegerField(_("정격 전력(W)"))
    devices = models.PositiveIntegerField(_("보고한 등 수"))
    energy_wh = models.BigIntegerField(_("사용 전력량(Wh)"))
    simulated_devices = models.PositiveIntegerField(_("모의 자료가 있는 등 수"))
    first_ts = models.DateTimeField(_("첫 측정 시각"))
    last_ts = models.DateTimeField(_("마지막 측정 시각"))

    class Meta:
        verbose_name = _("일별 지역 전력 집계")
        verbose_name_plural = _("일별 지역 전력 집계")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "day", "rated_power_w"], name="streetlights_energy_day_site_day_rating"
            ),
        ]
        indexes = [models.Index(fields=["day"], name="streetlights_energy_day_day")]

    def __str__(self) -> str:
        return f"{self.site_id} {self.day} {self.rated_power_w} W"
